import type { ReadableAtom } from 'nanostores';
import { CloseCode, ErrorCode } from '../protocol/errors.js';
import { fail, ok, type Failure, type Result } from '../protocol/result.js';
import type { UserInfo } from '../protocol/types.js';
import type { Connection } from './connection.js';
import type { SessionContext } from './context.js';
import { getDefaultSession } from './default-session.js';
import { ListenerSet } from './listeners.js';
import {
  hubConnector,
  webSocketConnector,
  type Connector,
  type HubLike,
  type WebSocketConstructor,
} from './transport.js';

/** Where the login stands. */
export type LoginStatus = 'loggedOut' | 'loggingIn' | 'loggedIn';

/**
 * How to log in: to a server with a signed token, or to an in-page hub (local mode: `createLocalHub`
 * from `co-guest-kit/local`) as a given user.
 */
export type LoginParams =
  | {
      /**
       * The server's `ws:`/`wss:` (or `http:`/`https:`) URL; or the URLs of several servers of one
       * cluster: the session picks one at random, passes over those it cannot reach, and moves to
       * another when its server goes away.
       */
      readonly serverUrl: string | readonly string[];
      readonly token: string;
    }
  | { readonly hub: HubLike; readonly user: UserInfo };

/** Events of the login. Implement any subset. */
export interface LoginListener {
  /** The same user logged in elsewhere; this session went `offline` (Tencent `onKickedOffline`). */
  onKickedOffline?(): void;
  /** The token expired or was refused on reconnect; this session went `offline` (Tencent `onLoginExpired`). */
  onLoginExpired?(): void;
}

/** Logs a session in and out (Tencent `LoginStore`). Get it from `session.loginStore` or `LoginStore.shared`. */
export class LoginStore {
  /** The login store of the page's default session. */
  static get shared(): LoginStore {
    return getDefaultSession().loginStore;
  }

  /** The logged-in user, or `null`. */
  readonly loginUserInfo: ReadableAtom<UserInfo | null>;
  /**
   * `loggedOut`, `loggingIn` or `loggedIn`. It stays `loggedIn` while the session reconnects and when
   * it went `offline` (see `session.$connection`), until `logout()` or another `login()`.
   */
  readonly loginStatus: ReadableAtom<LoginStatus>;

  readonly #context: SessionContext;
  readonly #connection: Connection;
  readonly #listeners: ListenerSet<LoginListener>;

  /** @internal Created by its session. */
  constructor(context: SessionContext) {
    this.#context = context;
    this.#connection = context.connection;
    this.loginUserInfo = context.$user;
    this.loginStatus = context.connection.$loginStatus;
    this.#listeners = new ListenerSet(context.report);
    // The connection gave up: tell why, when the same user logged in elsewhere or the token expired.
    context.hooks.offline = (code, bye) => {
      if (code === CloseCode.REPLACED || bye === 'replaced') this.#listeners.emit('onKickedOffline');
      else if (code === CloseCode.TOKEN_EXPIRED || code === CloseCode.UNAUTHORIZED || bye === 'tokenExpired')
        this.#listeners.emit('onLoginExpired');
    };
  }

  /**
   * Connects and waits for the server's welcome. Logs out first when already logged in, except when
   * the session went `offline` (token expired, replaced): logging in again as the same user then
   * resumes the lives it was in, within the server's grace period. Fails with
   * NOT_LOGGED_IN when the token is refused or expired, SERVER_TIMEOUT without an answer, DISCONNECTED
   * when the server cannot be reached, SERVER_ERROR when its welcome is malformed (no user, …).
   */
  async login(params: LoginParams): Promise<Result<UserInfo>> {
    const connection = this.#connection;
    const status = this.loginStatus;
    if (connection.disposed) return fail(ErrorCode.NOT_LOGGED_IN, 'login: the session is disposed');
    if (status.get() === 'loggingIn') return fail(ErrorCode.REPEAT_OPERATION, 'login: already logging in');
    let connector: Connector;
    if ('hub' in params) {
      connector = hubConnector(params.hub, params.user);
    } else {
      const WebSocketClass =
        this.#context.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
      if (!WebSocketClass) {
        return fail(
          ErrorCode.INVALID_ARGUMENT,
          'login: this runtime has no WebSocket (Node 20 has none). Pass one: createSession({ WebSocket }) with the ws package; for LoginStore.shared and the other .shared stores, setDefaultSession(createSession({ WebSocket })) first (docs/porting-from-tencent.md).',
        );
      }
      const urls = typeof params.serverUrl === 'string' ? [params.serverUrl] : [...params.serverUrl];
      if (urls.length === 0 || urls.some((url) => typeof url !== 'string' || url.trim() === '')) {
        return fail(ErrorCode.INVALID_ARGUMENT, 'login: serverUrl must be a URL or a non-empty list of URLs');
      }
      connector = webSocketConnector(WebSocketClass, urls.map(toWebSocketUrl), params.token);
    }
    // Offline after a refusal (token expired, replaced): log in again and resume the same user's lives.
    const resumeFor =
      connection.$status.get() === 'offline' && status.get() === 'loggedIn'
        ? (this.loginUserInfo.get()?.userId ?? null)
        : null;
    if (resumeFor === null && (status.get() !== 'loggedOut' || connection.$status.get() !== 'idle')) {
      await this.logout();
      if (connection.disposed) return fail(ErrorCode.NOT_LOGGED_IN, 'login: the session is disposed');
      if (status.get() !== 'loggedOut') return fail(ErrorCode.REPEAT_OPERATION, 'login: already logging in');
    }
    const outcome = await connection.open(connector, resumeFor);
    if ('welcome' in outcome) return ok(outcome.welcome.user);
    return loginFailure(outcome.code, outcome.reason, outcome.timedOut === true);
  }

  /** Leaves every live, closes the connection and clears every store of the session. */
  async logout(): Promise<Result> {
    const leaving = this.#connection.leaveLives();
    if (leaving) await leaving;
    this.#connection.close('logged out');
    return ok();
  }

  /** Adds a login listener. */
  addLoginListener(listener: LoginListener): void {
    this.#listeners.add(listener);
  }

  /** Removes a login listener. */
  removeLoginListener(listener: LoginListener): void {
    this.#listeners.remove(listener);
  }
}

function toWebSocketUrl(url: string): string {
  return url.replace(/^http(s?):/i, 'ws$1:');
}

function loginFailure(code: number, reason: string, timedOut: boolean): Failure {
  if (timedOut) return fail(ErrorCode.SERVER_TIMEOUT, 'login: the server did not answer in time');
  switch (code) {
    case CloseCode.UNAUTHORIZED:
      return fail(ErrorCode.NOT_LOGGED_IN, `login refused: ${reason || 'invalid token'}`);
    case CloseCode.TOKEN_EXPIRED:
      return fail(ErrorCode.NOT_LOGGED_IN, `login refused: ${reason || 'token expired'}`);
    case CloseCode.UNSUPPORTED_PROTOCOL:
    case 1002: // the session refused the server's welcome
      return fail(ErrorCode.SERVER_ERROR, `login refused: ${reason || 'unsupported protocol version'}`);
    default:
      return fail(
        ErrorCode.DISCONNECTED,
        `login: could not connect (close ${code}${reason ? `: ${reason}` : ''})`,
      );
  }
}
