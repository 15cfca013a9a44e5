import type { ReadableAtom } from 'nanostores';
import type { Result } from '../protocol/result.js';
import type { UserInfo } from '../protocol/types.js';
import type { ListenerSet } from './listeners.js';
import { getDefaultSession } from './session.js';
import type { HubLike } from './transport.js';

/** Where the login stands. */
export type LoginStatus = 'loggedOut' | 'loggingIn' | 'loggedIn';

/**
 * How to log in: to a server with a signed token, or to an in-page hub (local mode: `createLocalHub`
 * from `co-guest-kit/local`) as a given user.
 */
export type LoginParams =
  { readonly serverUrl: string; readonly token: string } | { readonly hub: HubLike; readonly user: UserInfo };

/** Events of the login. Implement any subset. */
export interface LoginListener {
  /** The same user logged in elsewhere; this session went `offline` (Tencent `onKickedOffline`). */
  onKickedOffline?(): void;
  /** The token expired or was refused on reconnect; this session went `offline` (Tencent `onLoginExpired`). */
  onLoginExpired?(): void;
}

/** @internal What a session gives its login store. */
export interface LoginOps {
  readonly $user: ReadableAtom<UserInfo | null>;
  readonly $status: ReadableAtom<LoginStatus>;
  readonly listeners: ListenerSet<LoginListener>;
  login(params: LoginParams): Promise<Result<UserInfo>>;
  logout(): Promise<Result>;
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

  readonly #ops: LoginOps;

  /** @internal Created by its session. */
  constructor(ops: LoginOps) {
    this.#ops = ops;
    this.loginUserInfo = ops.$user;
    this.loginStatus = ops.$status;
  }

  /**
   * Connects and waits for the server's welcome. Logs out first when already logged in, except when
   * the session went `offline` (token expired, replaced): logging in again as the same user then
   * resumes the lives it was in, within the server's grace period. Fails with
   * NOT_LOGGED_IN when the token is refused or expired, SERVER_TIMEOUT without an answer, DISCONNECTED
   * when the server cannot be reached.
   */
  login(params: LoginParams): Promise<Result<UserInfo>> {
    return this.#ops.login(params);
  }

  /** Leaves every live, closes the connection and clears every store of the session. */
  logout(): Promise<Result> {
    return this.#ops.logout();
  }

  /** Adds a login listener. */
  addLoginListener(listener: LoginListener): void {
    this.#ops.listeners.add(listener);
  }

  /** Removes a login listener. */
  removeLoginListener(listener: LoginListener): void {
    this.#ops.listeners.remove(listener);
  }
}
