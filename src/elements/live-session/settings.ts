/**
 * What a `<live-session>`'s attributes ask for, checked before anything goes on the network: the
 * user and the live (`who`, `url-params` included), how to log in (`loginPlan`) and which live to
 * enter (`livePlan`). Pure: no DOM and no Lit; the page's address, its base URL and the tab's
 * storage are handed in, so every rule here is tested in Node.
 */
import { ErrorCode } from '../../protocol/errors.js';
import { fail, ok, type Failure, type Result } from '../../protocol/result.js';
import type { SeatMode } from '../../protocol/types.js';

/** Who the user is in the live: `host` creates and owns it, `audience` joins it. */
export type LiveSessionRole = 'host' | 'audience';

/** The attributes of a `<live-session>` that say how it logs in and which live it enters. */
export interface SessionSettings {
  readonly local: boolean;
  readonly serverUrl: string;
  readonly token: string;
  readonly tokenUrl: string;
  readonly userId: string;
  readonly userName: string;
  readonly avatarUrl: string;
  readonly liveId: string;
  readonly liveRole: LiveSessionRole;
  readonly liveName: string;
  readonly maxSeats: number;
  readonly seatMode: SeatMode;
  readonly joinTimeout: number;
  readonly urlParams: boolean;
}

/** The live and the user: the attributes, filled from the page's address under `url-params`. */
export interface Who {
  readonly liveId: string;
  readonly userId: string;
  readonly userName: string;
  readonly avatarUrl: string;
}

/** How to log in. */
export type LoginPlan =
  | { readonly kind: 'local'; readonly userId: string; readonly userName: string; readonly avatarUrl: string }
  | { readonly kind: 'token'; readonly serverUrl: ServerUrls; readonly token: string }
  | { readonly kind: 'token-url'; readonly serverUrl: ServerUrls; readonly tokenUrl: URL };

/** The server's URL, or the URLs of the servers of one cluster (`server-url` lists them, space-separated). */
export type ServerUrls = string | readonly string[];

/** Which live to enter. */
export interface LivePlan {
  readonly liveId: string;
  readonly role: LiveSessionRole;
  readonly liveName: string;
  readonly maxSeatCount: number;
  readonly seatMode: SeatMode;
  /** How long an audience member waits for the live to start, in ms. */
  readonly joinTimeoutMs: number;
}

/** Where a tab keeps the guest id `url-params` made up for it, so a reload is the same user. */
export const GUEST_ID_KEY = 'co-guest-kit:guest-id';

/** The part of `Storage` (the tab's `sessionStorage`) that keeps the guest id. */
export type GuestIdStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * The live and the user: `settings` as they are, or with `url-params` what they leave empty from the
 * query string `search` (`live`, `user`, `name`, `avatar`), and `guestId()` when there is still no
 * user id.
 */
export function who(settings: SessionSettings, search: string, guestId: () => string): Who {
  const own = {
    liveId: settings.liveId,
    userId: settings.userId,
    userName: settings.userName,
    avatarUrl: settings.avatarUrl,
  };
  if (!settings.urlParams) return own;
  const query = new URLSearchParams(search);
  const from = (value: string, name: string): string => (value !== '' ? value : (query.get(name) ?? ''));
  const userId = from(own.userId, 'user');
  return {
    liveId: from(own.liveId, 'live'),
    userId: userId === '' ? guestId() : userId,
    userName: from(own.userName, 'name'),
    avatarUrl: from(own.avatarUrl, 'avatar'),
  };
}

/** `new URL(url, base)`, or `null` when it does not parse. */
function parseUrl(url: string, base?: string): URL | null {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
}

/**
 * The server's WebSocket URL from `server-url`: an absolute `ws:`/`wss:` URL as it is, or a URL
 * relative to the page (`/ws`) resolved against `baseUrl`, `http:` becoming `ws:` and `https:`
 * `wss:`. `null` for anything else (an absolute `http:` URL included: say `ws:` when you mean it).
 */
export function webSocketUrl(value: string, baseUrl: string): URL | null {
  if (value.trim() === '') return null;
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(value);
  const url = parseUrl(value, absolute ? undefined : baseUrl);
  if (url === null) return null;
  if (!absolute)
    url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  return url.protocol === 'ws:' || url.protocol === 'wss:' ? url : null;
}

/**
 * This tab's guest id: made once per tab (`guest-` and 8 random letters or digits), then kept in
 * `storage()`. A storage that refuses (a sandboxed frame) gives a new id per call.
 */
export function tabGuestId(storage: () => GuestIdStorage): string {
  let stored: string | null = null;
  try {
    stored = storage().getItem(GUEST_ID_KEY);
  } catch {
    // Storage refused: a new id.
  }
  if (stored !== null && /^guest-[a-z0-9]{8}$/.test(stored)) return stored;
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const id = `guest-${Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => letters[byte % 36]).join('')}`;
  try {
    storage().setItem(GUEST_ID_KEY, id);
  } catch {
    // As above.
  }
  return id;
}

/** Settings the element refuses, before any network access. */
function invalid(message: string): Failure {
  return fail(ErrorCode.INVALID_ARGUMENT, `<live-session>: ${message}`);
}

/**
 * How to log in as `user`; relative URLs (`server-url`, `token-url`, `avatar-url`) are resolved
 * against `baseUrl` (the page's).
 */
export function loginPlan(settings: SessionSettings, user: Who, baseUrl: string): Result<LoginPlan> {
  const { userId, userName } = user;
  // A relative avatar-url is the page's: a page need not write its own address.
  const avatarUrl = user.avatarUrl === '' ? '' : (parseUrl(user.avatarUrl, baseUrl)?.href ?? user.avatarUrl);
  if (settings.local) {
    if (userId === '') return invalid('local mode needs a user-id');
    return ok({ kind: 'local', userId, userName: userName === '' ? userId : userName, avatarUrl });
  }
  const urls = settings.serverUrl.split(/\s+/).filter((url) => url !== '');
  const resolved = (urls.length === 0 ? [''] : urls).map((url) => webSocketUrl(url, baseUrl)?.href ?? null);
  if (resolved.includes(null)) {
    return invalid(
      'server-url must be a ws:// or wss:// URL, or one relative to the page, or several separated by spaces (or set local)',
    );
  }
  const serverUrl: ServerUrls = resolved.length === 1 ? resolved[0]! : (resolved as string[]);
  if (settings.token !== '') return ok({ kind: 'token', serverUrl, token: settings.token });
  if (settings.tokenUrl === '') return invalid('set token or token-url');
  const tokenUrl = parseUrl(settings.tokenUrl, baseUrl);
  if (tokenUrl === null || (tokenUrl.protocol !== 'http:' && tokenUrl.protocol !== 'https:')) {
    return invalid('token-url must be an http(s) URL, or a URL relative to the page');
  }
  const query: readonly [string, string][] = [
    ['userId', userId],
    ['userName', userName],
    ['avatarUrl', avatarUrl],
  ];
  for (const [name, value] of query) if (value !== '') tokenUrl.searchParams.set(name, value);
  return ok({ kind: 'token-url', serverUrl, tokenUrl });
}

/** Which live to enter: `liveId` (the attribute's, or the address's under `url-params`). */
export function livePlan(settings: SessionSettings, liveId: string): Result<LivePlan> {
  const { liveRole: role, seatMode, maxSeats, joinTimeout } = settings;
  if (role !== 'host' && role !== 'audience') return invalid('live-role must be "host" or "audience"');
  if (role === 'host' && liveId === '') return invalid('a host needs a live-id to create');
  if (seatMode !== 'apply' && seatMode !== 'free') return invalid('seat-mode must be "apply" or "free"');
  if (!Number.isInteger(maxSeats)) return invalid('max-seats must be a whole number');
  if (!(joinTimeout >= 0)) return invalid('join-timeout must be a number of seconds, 0 or more');
  return ok({
    liveId,
    role,
    liveName: settings.liveName,
    maxSeatCount: maxSeats,
    seatMode,
    joinTimeoutMs: joinTimeout * 1000,
  });
}
