import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GUEST_ID_KEY,
  livePlan,
  loginPlan,
  tabGuestId,
  webSocketUrl,
  who,
  type GuestIdStorage,
  type SessionSettings,
  type Who,
} from '../../src/elements/live-session/settings.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { Result } from '../../src/protocol/result.js';

/** The element's defaults, with `overrides`. */
function settings(overrides: Partial<SessionSettings> = {}): SessionSettings {
  return {
    local: false,
    serverUrl: '',
    token: '',
    tokenUrl: '',
    userId: '',
    userName: '',
    avatarUrl: '',
    liveId: '',
    liveRole: 'audience',
    liveName: '',
    maxSeats: 9,
    seatMode: 'apply',
    joinTimeout: 30,
    urlParams: false,
    ...overrides,
  };
}

const PAGE = 'https://shop.example/live/audience.html?x=1';
const NOBODY: Who = { liveId: '', userId: '', userName: '', avatarUrl: '' };

/** A `sessionStorage` stand-in. */
function memoryStorage(
  entries: Record<string, string> = {},
): GuestIdStorage & { entries: Record<string, string> } {
  return {
    entries,
    getItem: (key) => entries[key] ?? null,
    setItem: (key, value) => {
      entries[key] = value;
    },
  };
}

/** The guest id `who` makes up, kept in `storage`. */
function guestIdIn(storage: GuestIdStorage): () => string {
  return () => tabGuestId(() => storage);
}

const refusing: GuestIdStorage = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('SecurityError');
  },
};

/** The plan of a successful result. */
function planned<T>(result: Result<T>): T {
  assert.ok(result.isSuccess, result.isSuccess ? '' : result.errorMessage);
  return result.data;
}

/** The failure's message, or a note that it succeeded. */
function refusal(result: Result<unknown>): string {
  if (result.isSuccess) return 'succeeded';
  assert.equal(result.errorCode, ErrorCode.INVALID_ARGUMENT);
  return result.errorMessage;
}

describe('live-session settings', () => {
  describe('webSocketUrl', () => {
    it('takes ws: and wss: URLs as they are and resolves relative ones against the page', () => {
      const table: [value: string, base: string, expected: string | null][] = [
        ['wss://live.example.com/ws', PAGE, 'wss://live.example.com/ws'],
        ['ws://127.0.0.1:8080/ws', PAGE, 'ws://127.0.0.1:8080/ws'],
        ['WSS://Live.Example.com/ws', PAGE, 'wss://live.example.com/ws'],
        ['/ws', PAGE, 'wss://shop.example/ws'],
        ['ws', PAGE, 'wss://shop.example/live/ws'],
        ['/ws', 'http://127.0.0.1:8000/demo/', 'ws://127.0.0.1:8000/ws'],
        ['//live.example.com/ws', 'http://127.0.0.1:8000/', 'ws://live.example.com/ws'],
        ['https://live.example.com/ws', PAGE, null],
        ['http://live.example.com/ws', PAGE, null],
        ['ftp://live.example.com/ws', PAGE, null],
        ['', PAGE, null],
        ['   ', PAGE, null],
        ['wss://[nonsense', PAGE, null],
      ];
      for (const [value, base, expected] of table) {
        assert.equal(webSocketUrl(value, base)?.href ?? null, expected, `${value} on ${base}`);
      }
    });

    it('keeps a relative URL on a page of another scheme as it is, and refuses it', () => {
      assert.equal(webSocketUrl('/ws', 'file:///home/ada/page.html'), null);
    });
  });

  describe('who', () => {
    const search = '?live=show-42&user=ada&name=Ada%20L.&avatar=https%3A%2F%2Fcdn.example%2Fa.png';

    it('is the attributes alone without url-params', () => {
      const storage = memoryStorage();
      const own = settings({ liveId: 'mine', userName: 'Grace' });
      assert.deepEqual(who(own, search, guestIdIn(storage)), {
        liveId: 'mine',
        userId: '',
        userName: 'Grace',
        avatarUrl: '',
      });
      assert.deepEqual(storage.entries, {}, 'no guest id is made');
    });

    it('fills what the attributes leave empty from the query string under url-params', () => {
      const storage = memoryStorage();
      assert.deepEqual(who(settings({ urlParams: true }), search, guestIdIn(storage)), {
        liveId: 'show-42',
        userId: 'ada',
        userName: 'Ada L.',
        avatarUrl: 'https://cdn.example/a.png',
      });
      assert.deepEqual(
        who(settings({ urlParams: true, liveId: 'mine', userId: 'grace' }), search, guestIdIn(storage)),
        { liveId: 'mine', userId: 'grace', userName: 'Ada L.', avatarUrl: 'https://cdn.example/a.png' },
      );
    });

    it("makes up the tab's guest id when there is no user id at all, and keeps it", () => {
      const storage = memoryStorage();
      const first = who(settings({ urlParams: true }), '?live=show-42', guestIdIn(storage));
      assert.match(first.userId, /^guest-[a-z0-9]{8}$/);
      assert.equal(storage.entries[GUEST_ID_KEY], first.userId);
      assert.equal(who(settings({ urlParams: true }), '', guestIdIn(storage)).userId, first.userId);
    });
  });

  describe('tabGuestId', () => {
    it('reuses a kept id and replaces a malformed one', () => {
      assert.equal(
        tabGuestId(() => memoryStorage({ [GUEST_ID_KEY]: 'guest-abcd1234' })),
        'guest-abcd1234',
      );
      const storage = memoryStorage({ [GUEST_ID_KEY]: '<img src=x>' });
      const id = tabGuestId(() => storage);
      assert.match(id, /^guest-[a-z0-9]{8}$/);
      assert.equal(storage.entries[GUEST_ID_KEY], id);
    });

    it('makes a new id per call when the storage refuses, without throwing', () => {
      const ids = new Set(Array.from({ length: 5 }, () => tabGuestId(() => refusing)));
      for (const id of ids) assert.match(id, /^guest-[a-z0-9]{8}$/);
      assert.ok(ids.size > 1, 'ids are random');
      assert.doesNotThrow(() =>
        tabGuestId(() => {
          throw new Error('SecurityError');
        }),
      );
    });
  });

  describe('loginPlan', () => {
    it('logs in locally as user-id, named after it unless user-name says otherwise', () => {
      const local = settings({ local: true });
      const user: Who = { ...NOBODY, userId: 'ada', avatarUrl: 'https://cdn.example/a.png' };
      assert.deepEqual(planned(loginPlan(local, user, PAGE)), {
        kind: 'local',
        userId: 'ada',
        userName: 'ada',
        avatarUrl: 'https://cdn.example/a.png',
      });
      assert.deepEqual(planned(loginPlan(local, { ...user, userName: 'Ada' }, PAGE)), {
        kind: 'local',
        userId: 'ada',
        userName: 'Ada',
        avatarUrl: 'https://cdn.example/a.png',
      });
      assert.equal(refusal(loginPlan(local, NOBODY, PAGE)), '<live-session>: local mode needs a user-id');
    });

    it('needs a WebSocket server-url unless local', () => {
      for (const serverUrl of ['', 'https://live.example.com/ws', 'nonsense:']) {
        assert.match(
          refusal(loginPlan(settings({ serverUrl, token: 't' }), NOBODY, PAGE)),
          /server-url/,
          serverUrl,
        );
      }
    });

    it('takes several servers separated by spaces, each resolved, and refuses the list if one is bad', () => {
      const several = settings({
        serverUrl: ' wss://a.example/ws\n /ws  ws://127.0.0.1:8787/ws ',
        token: 't',
      });
      assert.deepEqual(planned(loginPlan(several, NOBODY, PAGE)), {
        kind: 'token',
        serverUrl: ['wss://a.example/ws', 'wss://shop.example/ws', 'ws://127.0.0.1:8787/ws'],
        token: 't',
      });
      assert.match(
        refusal(
          loginPlan(
            settings({ serverUrl: 'wss://a.example/ws https://b.example/ws', token: 't' }),
            NOBODY,
            PAGE,
          ),
        ),
        /server-url/,
      );
    });

    it('prefers token to token-url', () => {
      const both = settings({ serverUrl: '/ws', token: 'header.payload.sig', tokenUrl: '/api/token' });
      assert.deepEqual(planned(loginPlan(both, NOBODY, PAGE)), {
        kind: 'token',
        serverUrl: 'wss://shop.example/ws',
        token: 'header.payload.sig',
      });
    });

    it('resolves token-url against the page and adds the user to its query', () => {
      const user: Who = { liveId: 'show-42', userId: 'ada', userName: 'Ada L.', avatarUrl: '' };
      const plan = loginPlan(
        settings({ serverUrl: 'wss://live.example.com/ws', tokenUrl: '../api/token?v=2' }),
        user,
        PAGE,
      );
      assert.ok(plan.isSuccess && plan.data.kind === 'token-url');
      assert.equal(plan.data.serverUrl, 'wss://live.example.com/ws');
      assert.equal(plan.data.tokenUrl.href, 'https://shop.example/api/token?v=2&userId=ada&userName=Ada+L.');
    });

    it('resolves a relative avatar-url against the page, so a page need not name its own host', () => {
      const user: Who = { liveId: 'show-42', userId: 'ada', userName: '', avatarUrl: 'avatars/ada.svg' };
      const plan = loginPlan(
        settings({ serverUrl: '/ws', tokenUrl: '/dev/token' }),
        user,
        'http://127.0.0.1:9001/examples/plain-html/host.html',
      );
      assert.ok(plan.isSuccess && plan.data.kind === 'token-url');
      assert.equal(
        plan.data.tokenUrl.searchParams.get('avatarUrl'),
        'http://127.0.0.1:9001/examples/plain-html/avatars/ada.svg',
      );
      const local = loginPlan(settings({ local: true }), user, PAGE);
      assert.ok(local.isSuccess && local.data.kind === 'local');
      assert.equal(local.data.avatarUrl, 'https://shop.example/live/avatars/ada.svg');
      // An absolute URL stays as it is.
      const absolute = loginPlan(
        settings({ local: true }),
        { ...user, avatarUrl: 'https://cdn.example/a.png' },
        PAGE,
      );
      assert.ok(absolute.isSuccess && absolute.data.kind === 'local');
      assert.equal(absolute.data.avatarUrl, 'https://cdn.example/a.png');
    });

    it('refuses a missing or non-http(s) token-url', () => {
      const server = { serverUrl: 'wss://live.example.com/ws' };
      assert.equal(
        refusal(loginPlan(settings(server), NOBODY, PAGE)),
        '<live-session>: set token or token-url',
      );
      for (const tokenUrl of ['javascript:alert(1)', 'ws://live.example.com/token', 'http://[bad']) {
        assert.match(
          refusal(loginPlan(settings({ ...server, tokenUrl }), NOBODY, PAGE)),
          /token-url must be/,
          tokenUrl,
        );
      }
    });
  });

  describe('livePlan', () => {
    it('plans the live with join-timeout in milliseconds', () => {
      const host = settings({
        liveRole: 'host',
        liveName: 'Friday show',
        maxSeats: 4,
        seatMode: 'free',
        joinTimeout: 2.5,
      });
      assert.deepEqual(planned(livePlan(host, 'show-42')), {
        liveId: 'show-42',
        role: 'host',
        liveName: 'Friday show',
        maxSeatCount: 4,
        seatMode: 'free',
        joinTimeoutMs: 2500,
      });
      assert.equal(planned(livePlan(settings(), '')).liveId, '', 'an audience member may only log in');
    });

    it('refuses settings the element cannot use', () => {
      const table: [overrides: Partial<SessionSettings>, liveId: string, message: RegExp][] = [
        [{ liveRole: 'guest' as SessionSettings['liveRole'] }, 'show-42', /live-role/],
        [{ liveRole: 'host' }, '', /a host needs a live-id/],
        [{ seatMode: 'open' as SessionSettings['seatMode'] }, 'show-42', /seat-mode/],
        [{ maxSeats: 2.5 }, 'show-42', /max-seats/],
        [{ maxSeats: Number.NaN }, 'show-42', /max-seats/],
        [{ joinTimeout: -1 }, 'show-42', /join-timeout/],
        [{ joinTimeout: Number.NaN }, 'show-42', /join-timeout/],
      ];
      for (const [overrides, liveId, message] of table) {
        assert.match(refusal(livePlan(settings(overrides), liveId)), message, JSON.stringify(overrides));
      }
    });
  });
});
