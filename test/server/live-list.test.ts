/**
 * Lives per user and the paged `live.list`: the cap on the lives a user owns, pages without
 * duplicates or gaps, the page size bound, and a reply whose size stays bounded whatever the
 * number of lives.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { createHub, type HubOptions } from '../../src/hub/index.js';
import {
  ErrorCode,
  MAX_LIVE_LIST_COUNT,
  type LiveSummary,
  type ReplyMessage,
  type ServerMessage,
  type UserInfo,
} from '../../src/protocol/index.js';
import { createToken } from '../../src/server/token.js';
import { Resources, SECRET, TestClient, within } from './helpers.js';

interface Page {
  readonly lives: readonly LiveSummary[];
  readonly nextCursor: string;
}

function user(userId: string, patch: Partial<UserInfo> = {}): UserInfo {
  return { userId, userName: userId.toUpperCase(), avatarUrl: '', ...patch };
}

/** A hub on a manual clock, with users attached as in-memory peers. */
function setup(options: HubOptions = {}) {
  const hub = createHub({ scheduler: new ManualScheduler(), ...options });
  let nextId = 0;
  const attach = (who: UserInfo | string) => {
    const texts: string[] = [];
    const connection = hub.connect(typeof who === 'string' ? user(who) : who, {
      send: (text) => texts.push(text),
      close: () => undefined,
    });
    /** Sends a command and returns its reply, with the reply's text. */
    const command = (name: string, args: unknown): { reply: ReplyMessage; text: string } => {
      const id = `c${++nextId}`;
      const from = texts.length;
      connection.receive(JSON.stringify({ type: 'cmd', id, name, args }));
      for (const text of texts.slice(from)) {
        const message = JSON.parse(text) as ServerMessage;
        if (message.type === 'reply' && message.id === id) return { reply: message, text };
      }
      throw new Error(`no reply to ${name}`);
    };
    const ok = (name: string, args: unknown): unknown => {
      const { reply } = command(name, args);
      if (!reply.result.isSuccess) {
        throw new Error(`${name} failed: ${reply.result.errorCode} ${reply.result.errorMessage}`);
      }
      return reply.result.data;
    };
    const code = (name: string, args: unknown): number => command(name, args).reply.result.errorCode;
    return { connection, command, ok, code };
  };
  return { hub, attach };
}

/** Every page from `start` (the first page by default), following `nextCursor`, with at most `count` lives each. */
function allPages(list: (args: unknown) => Page, count?: number, start = ''): Page[] {
  const pages: Page[] = [];
  let cursor = start;
  for (;;) {
    const page = list(count === undefined ? { cursor } : { cursor, count });
    pages.push(page);
    if (page.nextCursor === '') return pages;
    assert.ok(pages.length < 1000, 'the pages end');
    cursor = page.nextCursor;
  }
}

describe('lives per user', () => {
  it('refuses a fourth open live with LIMIT_EXCEEDED by default, and ending one frees a slot', () => {
    const { hub, attach } = setup();
    const host = attach('host');
    for (const liveId of ['one', 'two', 'three']) host.ok('live.create', { liveId });
    const refused = host.command('live.create', { liveId: 'four' }).reply.result;
    assert.equal(refused.errorCode, ErrorCode.LIMIT_EXCEEDED);
    assert.match(refused.errorMessage, /3 open lives/);
    assert.match(refused.errorMessage, /maxLivesPerUser/);
    assert.equal(hub.liveCount, 3, 'nothing was created');
    // Another user is not counted against the first.
    attach('other').ok('live.create', { liveId: 'four' });
    host.ok('live.end', { liveId: 'two' });
    host.ok('live.create', { liveId: 'five' });
    assert.equal(host.code('live.create', { liveId: 'six' }), ErrorCode.LIMIT_EXCEEDED);
    // The owner leaving ends the live: a slot again.
    host.ok('live.leave', { liveId: 'one' });
    host.ok('live.create', { liveId: 'six' });
  });

  it('counts lives owned, not lives joined; a live ended by the server frees its slot', () => {
    const scheduler = new ManualScheduler();
    const { hub, attach } = setup({ scheduler, maxLivesPerUser: 1, roomLimits: { graceMs: 1_000 } });
    const a = attach('a');
    const b = attach('b');
    a.ok('live.create', { liveId: 'mine' });
    b.ok('live.create', { liveId: 'theirs' });
    a.ok('live.join', { liveId: 'theirs' });
    assert.equal(a.code('live.create', { liveId: 'more' }), ErrorCode.LIMIT_EXCEEDED);
    // The owner is lost past the grace period: the live ends (hostLost) and the slot is free.
    a.connection.disconnected();
    scheduler.advance(1_000);
    assert.equal(hub.liveCount, 1);
    const back = attach('a');
    back.ok('live.create', { liveId: 'again' });
  });

  it('takes maxLivesPerUser 0 as no limit', () => {
    const { attach } = setup({ maxLivesPerUser: 0 });
    const host = attach('host');
    for (let i = 0; i < 12; i++) host.ok('live.create', { liveId: `l${i}` });
  });

  it('passes maxLivesPerUser through createServer', async () => {
    const res = new Resources();
    after(() => res.dispose());
    const server = await res.server({ maxLivesPerUser: 1 });
    const host = await res.connect(server, 'host');
    await host.ok('live.create', { liveId: 'one' });
    const refused = await host.command('live.create', { liveId: 'two' });
    assert.equal(refused.result.errorCode, ErrorCode.LIMIT_EXCEEDED);
  });
});

describe('live.list pages', () => {
  it('pages through every open live once, in creation order, with no gaps', () => {
    const { attach } = setup({ maxLivesPerUser: 0 });
    const host = attach('host');
    const ids = Array.from({ length: 130 }, (_, i) => `live-${String(i).padStart(3, '0')}`);
    // Created out of alphabetical order: the order is the order of creation.
    const created = [...ids.slice(65), ...ids.slice(0, 65)];
    for (const liveId of created) host.ok('live.create', { liveId });
    const reader = attach('reader');
    const list = (args: unknown) => reader.ok('live.list', args) as Page;
    const pages = allPages(list, 50);
    assert.deepEqual(
      pages.map((page) => page.lives.length),
      [50, 50, 30],
    );
    const listed = pages.flatMap((page) => page.lives.map((live) => live.liveId));
    assert.deepEqual(listed, created);
    // Without a count: pages of the default size, the same lives.
    const byDefault = allPages(list);
    assert.ok(byDefault.length > 3, `${byDefault.length} pages`);
    assert.deepEqual(
      byDefault.flatMap((page) => page.lives.map((live) => live.liveId)),
      created,
    );
  });

  it('keeps its place while lives end and start between pages', () => {
    const { attach } = setup({ maxLivesPerUser: 0 });
    const host = attach('host');
    for (let i = 0; i < 30; i++) host.ok('live.create', { liveId: `a${i}` });
    const reader = attach('reader');
    const list = (args: unknown) => reader.ok('live.list', args) as Page;
    const first = list({ count: 10 });
    // The last live of the page ends, and one live of a later page: neither the cursor nor the
    // lives after it move.
    host.ok('live.end', { liveId: 'a9' });
    host.ok('live.end', { liveId: 'a15' });
    host.ok('live.create', { liveId: 'late' });
    const rest = allPages(list, 10, first.nextCursor);
    const seen = [...first.lives, ...rest.flatMap((page) => page.lives)].map((live) => live.liveId);
    const expected = [...Array.from({ length: 30 }, (_, i) => `a${i}`).filter((id) => id !== 'a15'), 'late'];
    assert.deepEqual(seen, expected);
    assert.equal(new Set(seen).size, seen.length, 'no live twice');
  });

  it(`serves at most ${MAX_LIVE_LIST_COUNT} lives per page and refuses a bad count or cursor`, () => {
    const { attach } = setup({ maxLivesPerUser: 0 });
    const host = attach('host');
    for (let i = 0; i < MAX_LIVE_LIST_COUNT + 5; i++) host.ok('live.create', { liveId: `x${i}` });
    const page = host.ok('live.list', { count: 10_000 }) as Page;
    assert.equal(page.lives.length, MAX_LIVE_LIST_COUNT);
    assert.notEqual(page.nextCursor, '');
    const last = host.ok('live.list', { cursor: page.nextCursor, count: 10_000 }) as Page;
    assert.equal(last.lives.length, 5);
    assert.equal(last.nextCursor, '');
    for (const args of [
      { count: 0 },
      { count: -1 },
      { count: 1.5 },
      { count: '10' },
      { cursor: 'not a cursor!' },
      { cursor: 7 },
      { cursor: 'x'.repeat(65) },
    ]) {
      assert.equal(host.code('live.list', args), ErrorCode.INVALID_ARGUMENT, JSON.stringify(args));
    }
  });

  it('lists lean summaries: the live, its owner, its counts', () => {
    const scheduler = new ManualScheduler();
    const { attach } = setup({ scheduler });
    const host = attach(user('host', { avatarUrl: 'https://a.example/host.png' }));
    host.ok('live.create', { liveId: 'show', liveName: 'Show', seatMode: 'free', maxSeatCount: 4 });
    attach('viewer').ok('live.join', { liveId: 'show' });
    const page = host.ok('live.list', {}) as Page;
    assert.deepEqual(page, {
      lives: [
        {
          liveId: 'show',
          liveName: 'Show',
          owner: user('host', { avatarUrl: 'https://a.example/host.png' }),
          seatMode: 'free',
          maxSeatCount: 4,
          seatedCount: 1,
          memberCount: 2,
          createdAt: scheduler.now(),
        },
      ],
      nextCursor: '',
    });
  });
});

describe('live.list reply size', () => {
  it('stays bounded with 1 KiB avatars and the longest names, at the largest page', async () => {
    const res = new Resources();
    after(() => res.dispose());
    const server = await res.server({ messagesPerSecond: 1_000 });
    const avatar = `https://avatars.example/${'a'.repeat(1024 - 'https://avatars.example/'.length)}`;
    assert.equal(avatar.length, 1024);
    // 40 users with the longest name and avatar a token allows, each owning 3 lives (the cap).
    const clients = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const userId = `u${String(i).padStart(2, '0')}${'x'.repeat(61)}`;
        const tokenText = await createToken({
          secret: SECRET,
          userId,
          userName: 'N'.repeat(64),
          avatarUrl: avatar,
        });
        const client = res.track(new TestClient(server.url));
        await within(client.opened, 'socket open');
        client.hello(tokenText);
        await client.waitFor((m) => m.type === 'welcome', 'welcome');
        return { client, userId };
      }),
    );
    for (const { client, userId } of clients) {
      for (let n = 0; n < 3; n++) {
        await client.ok('live.create', { liveId: `${userId.slice(0, 60)}-${n}`, liveName: 'L'.repeat(64) });
      }
    }
    assert.equal(server.hub.liveCount, 120);
    const reader = clients[0]!.client;
    const from = reader.mark();
    const reply = await reader.command('live.list', { count: 1_000 });
    assert.ok(reply.result.isSuccess, reply.result.errorMessage);
    const page = reply.result.data as Page;
    assert.equal(page.lives.length, MAX_LIVE_LIST_COUNT);
    const text = reader.texts[from + reader.messages.slice(from).indexOf(reply)] ?? '';
    const bytes = Buffer.byteLength(text, 'utf8');
    // One summary of the longest strings is about 1.4 KB: the page stays under 80 KiB, whatever
    // the number of lives (the 120 lives in one reply were about 170 KB).
    assert.ok(bytes < 80 * 1024, `a page of ${bytes} bytes`);
  });
});
