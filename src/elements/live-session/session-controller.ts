import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { atom, type ReadableAtom } from 'nanostores';
import { StoreController } from '../../controllers/store-controller.js';
import { backoffDelay, type ReconnectOptions } from '../../core/backoff.js';
import { createSession, type IceServer, type Session } from '../../core/session.js';
import type { LocalHub } from '../../local/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { fail, ok, type Failure, type Result } from '../../protocol/result.js';
import type { LiveInfo } from '../../protocol/types.js';
import {
  livePlan,
  loginPlan,
  tabGuestId,
  who,
  type LivePlan,
  type SessionSettings,
  type Who,
} from './settings.js';

/** Where a `<live-session>` stands. */
export type LiveSessionState = 'idle' | 'connecting' | 'ready' | 'error';

/** Why a `<live-session>` is in its `error` state, as in a failed `Result`. */
export interface LiveSessionError {
  /** The kit's error code (`ErrorCode`). */
  readonly errorCode: ErrorCode;
  /** A readable message in English, for logs (the element shows a localized text). */
  readonly errorMessage: string;
}

let localHub: Promise<LocalHub> | null = null;

/**
 * The in-page hub every `<live-session local>` of the page logs in to, created on first use. It
 * is loaded on demand, so pages that talk to a server never load the room engine. For demos and
 * stories (`dropConnections()` shows a reconnect), not for production.
 */
export function getLocalHub(): Promise<LocalHub> {
  localHub ??= import('../../local/index.js').then((module) => module.createLocalHub());
  return localHub;
}

const NOT_ENDED: ReadableAtom<boolean> = atom(false);
/** How an audience member waiting for a live that has not started asks again. */
const WAIT_FOR_LIVE: ReconnectOptions = { baseDelayMs: 250, maxDelayMs: 4000, jitter: 0.5 };
const READY: Promise<void> = Promise.resolve();

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** The element a `SessionController` serves: its settings are its attributes. */
export interface SessionHost extends ReactiveControllerHost, SessionSettings {
  readonly isConnected: boolean;
  /** The STUN and TURN servers of the session the element creates. */
  readonly iceServers: readonly IceServer[];
  /** `all` or `relay`, for the session the element creates; another value fails the login. */
  readonly iceTransportPolicy: string;
}

/** What the controller tells its element, which owns the context, the custom states and the events. */
export interface SessionOutlet {
  /** Hand `{ session, liveId }` to the descendants. */
  provide(session: Session, liveId: string | null): void;
  /** The controller's `state` (and `error`) changed. */
  changed(state: LiveSessionState): void;
  /** Logged in and in the live (`liveId`, or `null` with no live of its own). */
  ready(session: Session, liveId: string | null): void;
  /** Logging in or entering the live failed. */
  failed(error: LiveSessionError): void;
}

/**
 * The orchestration behind `<live-session>`: it starts a session when the element connects (the
 * page's, or one of its own), logs it in, creates or joins the live of the settings, follows
 * changes of the settings (a new session, another live, or nothing) and lets go of the session when
 * the element leaves the DOM. What the settings mean is `settings.ts`; what the page sees (context,
 * custom states, events) is the element's, told through a `SessionOutlet`.
 */
export class SessionController implements ReactiveController {
  /** The session the page handed over, or `null`. */
  pageSession: Session | null = null;

  readonly #host: SessionHost;
  readonly #outlet: SessionOutlet;
  readonly #ended: StoreController<boolean>;
  /** The session in use (the page's or the element's own), or `null` while stopped. */
  #session: Session | null = null;
  /** The element created `#session` and disposes it. */
  #owned = false;
  #state: LiveSessionState = 'idle';
  #error: LiveSessionError | null = null;
  /** The server said the live is not there (yet); the element asks again now and then. */
  #waiting = false;
  /** The live provided to the descendants. */
  #providedLiveId: string | null = null;
  /** The live this element entered on the session, or `null`. */
  #entered: string | null = null;
  /** What the running session was started with; `null` while stopped. */
  #loginKey: string | null = null;
  #startedWith: Session | null = null;
  #liveKey = '';
  #createKey = '';
  /** Bumped by every start and stop: work of an older generation is dropped. */
  #generation = 0;
  /** The session's login, started on first need. */
  #login: Promise<Result<unknown>> | null = null;
  /** Live operations of the session, one after the other. */
  #liveOps: Promise<void> = READY;
  /** Aborted when the session is released (a token request in flight). */
  readonly #abort = new Set<AbortController>();
  /** Aborted when the element enters another live or lets go of the session (waiting for a live). */
  #liveAbort = new AbortController();
  /** Undone when the session is released. */
  #sessionCleanups: (() => void)[] = [];
  /** Undone when the element enters another live. */
  #liveCleanups: (() => void)[] = [];
  /** While a local-mode start runs, or `null`. */
  #settled: Promise<void> | null = null;

  constructor(host: SessionHost, outlet: SessionOutlet) {
    this.#host = host;
    this.#outlet = outlet;
    this.#ended = new StoreController(host, NOT_ENDED);
    host.addController(this);
  }

  /** The session in use (the page's or the element's own), or `null` while stopped. */
  get session(): Session | null {
    return this.#session;
  }

  get state(): LiveSessionState {
    return this.#state;
  }

  get error(): LiveSessionError | null {
    return this.#error;
  }

  /** While `connecting`: the live has not started (`LIVE_NOT_FOUND`) and the element waits for it. */
  get waiting(): boolean {
    return this.#waiting;
  }

  /**
   * After an error, starts again: its own session signs in again with a new session, then enters
   * the live; a page's session enters the live again.
   */
  retry(): void {
    if (this.#state !== 'error') return;
    if (this.#owned) this.#startSession();
    else void this.#enter(++this.#generation);
  }

  /** The live the element entered has ended. */
  get ended(): boolean {
    return this.#ended.value;
  }

  /**
   * While a local-mode start runs, until the element is `ready`, in `error` or waiting for a live
   * that has not started: nothing there waits on a network. `null` otherwise.
   */
  get settled(): Promise<void> | null {
    return this.#settled;
  }

  hostConnected(): void {
    // Synchronously, so that descendants connecting next find the session in the context.
    this.sync();
  }

  hostDisconnected(): void {
    // A move (removed, then inserted again in the same task) keeps the session.
    queueMicrotask(() => {
      if (!this.#host.isConnected) this.#stop();
    });
  }

  /**
   * Starts what the settings changed: a new session, another live, or nothing. Runs on connecting
   * and, called by the element, before each update.
   */
  sync(): void {
    const host = this.#host;
    const user = this.#who();
    const loginKey = JSON.stringify([
      host.local,
      host.serverUrl,
      host.token,
      host.tokenUrl,
      user.userId,
      user.userName,
      user.avatarUrl,
      host.iceServers,
      host.iceTransportPolicy,
    ]);
    const liveKey = JSON.stringify([user.liveId, host.liveRole]);
    const createKey = JSON.stringify([host.liveName, host.maxSeats, host.seatMode, host.joinTimeout]);
    if (loginKey !== this.#loginKey || this.pageSession !== this.#startedWith) {
      this.#loginKey = loginKey;
      this.#startedWith = this.pageSession;
      this.#liveKey = liveKey;
      this.#createKey = createKey;
      this.#startSession();
    } else if (liveKey !== this.#liveKey || (this.#state === 'error' && createKey !== this.#createKey)) {
      this.#liveKey = liveKey;
      this.#createKey = createKey;
      void this.#enter(++this.#generation);
    }
  }

  // ── starting and stopping ─────────────────────────────────────────────────────────────────

  /** A new session (the page's or a fresh one), then the live. */
  #startSession(): void {
    const generation = ++this.#generation;
    this.#release();
    const page = this.pageSession;
    const session =
      page ??
      createSession({
        iceServers: this.#host.iceServers,
        iceTransportPolicy: this.#host.iceTransportPolicy === 'relay' ? 'relay' : 'all',
      });
    this.#session = session;
    this.#owned = page === null;
    void this.#enter(generation);
  }

  /** Removed from the DOM: drops all work and disposes the element's own session. */
  #stop(): void {
    this.#generation++;
    this.#release();
    this.#loginKey = null;
    this.#startedWith = null;
    this.#error = null;
    this.#setState('idle');
  }

  /** Lets go of the session: aborts its work, disposes it when it is the element's own. */
  #release(): void {
    for (const controller of this.#abort) controller.abort();
    this.#abort.clear();
    this.#liveAbort.abort();
    this.#undo(this.#liveCleanups);
    this.#undo(this.#sessionCleanups);
    const session = this.#session;
    if (session !== null && this.#owned) session.dispose();
    this.#session = null;
    this.#owned = false;
    this.#login = null;
    this.#liveOps = READY;
    this.#entered = null;
    this.#ended.setStore(NOT_ENDED);
  }

  #undo(cleanups: (() => void)[]): void {
    for (const cleanup of cleanups.splice(0)) cleanup();
  }

  // ── entering the live ─────────────────────────────────────────────────────────────────────

  /** Logs in if needed, then enters the live of the settings; reports the outcome. */
  async #enter(generation: number): Promise<void> {
    const session = this.#session;
    if (session === null) return;
    this.#liveAbort.abort();
    const abort = new AbortController();
    this.#liveAbort = abort;
    // In local mode nothing waits on a network: `settled` waits for the outcome.
    const settled = this.#host.local && this.#owned ? this.#settling() : (): void => undefined;
    try {
      await this.#run(generation, session, abort.signal, settled);
    } finally {
      settled();
    }
  }

  /** Marks the element settling (see `settled`); the function returned ends it. */
  #settling(): () => void {
    let done = (): void => undefined;
    const settling = new Promise<void>((resolve) => {
      done = () => {
        if (this.#settled === settling) this.#settled = null;
        resolve();
      };
    });
    this.#settled = settling;
    return done;
  }

  async #run(generation: number, session: Session, signal: AbortSignal, waiting: () => void): Promise<void> {
    this.#undo(this.#liveCleanups);
    this.#ended.setStore(NOT_ENDED);
    this.#error = null;
    this.#waiting = false;
    this.#provide(session, null);
    this.#setState('connecting');
    const live = livePlan(this.#host, this.#who().liveId);
    if (!live.isSuccess) {
      this.#fail(generation, live);
      return;
    }
    const login = await this.#ensureLogin(session);
    if (generation !== this.#generation) return;
    if (!login.isSuccess) {
      this.#fail(generation, login);
      return;
    }
    const entered = await this.#serially(() =>
      this.#enterLive(generation, session, live.data, signal, waiting),
    );
    if (generation !== this.#generation) return;
    if (!entered.isSuccess) {
      this.#fail(generation, entered);
      return;
    }
    const liveId = entered.data;
    if (liveId === null) {
      // No live of its own: provide the session's current live, and follow it.
      const unsubscribe = session.liveListStore.currentLive.subscribe((current) => {
        this.#provide(session, current?.liveId ?? null);
      });
      this.#liveCleanups.push(unsubscribe);
    } else {
      this.#provide(session, liveId);
      this.#ended.setStore(session.liveSeatStore(liveId).liveEnded);
    }
    this.#waiting = false;
    this.#setState('ready');
    this.#outlet.ready(session, this.#providedLiveId);
  }

  /** Runs live operations of the session one at a time, so two never race for its one live. */
  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#liveOps.then(task);
    this.#liveOps = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Creates or joins the live; resolves with its id, or `null` with no `live-id`. */
  async #enterLive(
    generation: number,
    session: Session,
    plan: LivePlan,
    signal: AbortSignal,
    waiting: () => void,
  ): Promise<Result<string | null>> {
    if (generation !== this.#generation) return ok(null);
    if (plan.liveId === '') {
      // `live-id` was removed: leave the live this element entered.
      if (this.#entered !== null && this.#owned) {
        this.#entered = null;
        await session.liveListStore.leaveLive();
      }
      return ok(null);
    }
    const entered =
      plan.role === 'host'
        ? await this.#create(session, plan)
        : await this.#join(session, plan, signal, waiting);
    if (!entered.isSuccess) return entered;
    this.#entered = plan.liveId;
    return ok(plan.liveId);
  }

  async #create(session: Session, plan: LivePlan): Promise<Result<LiveInfo>> {
    const created = await session.liveListStore.createLive({
      liveId: plan.liveId,
      liveName: plan.liveName,
      maxSeatCount: plan.maxSeatCount,
      seatMode: plan.seatMode,
    });
    if (created.isSuccess || created.errorCode !== ErrorCode.LIVE_ID_OCCUPIED) return created;
    // Taken: by this user's own live (a reload within the grace period), join it back.
    const joined = await session.liveListStore.joinLive(plan.liveId);
    if (!joined.isSuccess) return created;
    if (joined.data.owner.userId === session.loginStore.loginUserInfo.get()?.userId) return joined;
    await session.liveListStore.leaveLive();
    return created;
  }

  /** Joins the live; while it has not started (`LIVE_NOT_FOUND`), asks again until `join-timeout`. */
  async #join(
    session: Session,
    plan: LivePlan,
    signal: AbortSignal,
    waiting: () => void,
  ): Promise<Result<LiveInfo>> {
    const deadline = Date.now() + plan.joinTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      const joined = await session.liveListStore.joinLive(plan.liveId);
      if (joined.isSuccess || joined.errorCode !== ErrorCode.LIVE_NOT_FOUND) return joined;
      const delay = backoffDelay(attempt, WAIT_FOR_LIVE);
      if (signal.aborted || Date.now() + delay > deadline) return joined;
      if (!this.#waiting) {
        // Say why at once: the live is not there, and the element waits for it.
        this.#waiting = true;
        this.#outlet.changed(this.#state);
      }
      waiting();
      await pause(delay, signal);
      if (signal.aborted) return joined;
    }
  }

  // ── logging in ────────────────────────────────────────────────────────────────────────────

  /** The session's login: started once per session, on first need. */
  #ensureLogin(session: Session): Promise<Result<unknown>> {
    this.#login ??= this.#owned ? this.#logIn(session) : this.#whenLoggedIn(session);
    return this.#login;
  }

  async #logIn(session: Session): Promise<Result<unknown>> {
    const policy = this.#host.iceTransportPolicy;
    if (policy !== 'all' && policy !== 'relay') {
      return fail(
        ErrorCode.INVALID_ARGUMENT,
        '<live-session>: ice-transport-policy must be "all" or "relay"',
      );
    }
    const plan = loginPlan(this.#host, this.#who(), document.baseURI);
    if (!plan.isSuccess) return plan;
    const login = plan.data;
    switch (login.kind) {
      case 'local': {
        let hub: LocalHub;
        try {
          hub = await getLocalHub();
        } catch {
          return fail(ErrorCode.NOT_SUPPORTED, 'local mode: the in-page hub could not be loaded');
        }
        const { userId, userName, avatarUrl } = login;
        return session.loginStore.login({ hub, user: { userId, userName, avatarUrl } });
      }
      case 'token':
        return session.loginStore.login({ serverUrl: login.serverUrl, token: login.token });
      case 'token-url': {
        const token = await this.#fetchToken(login.tokenUrl);
        if (!token.isSuccess) return token;
        return session.loginStore.login({ serverUrl: login.serverUrl, token: token.data });
      }
    }
  }

  /** A page's session: the page logs it in; resolves once it is. */
  #whenLoggedIn(session: Session): Promise<Result> {
    return new Promise((resolve) => {
      let done = false;
      const unsubscribe = session.loginStore.loginStatus.subscribe((status) => {
        if (done || status !== 'loggedIn') return;
        done = true;
        resolve(ok());
        queueMicrotask(() => unsubscribe());
      });
      this.#sessionCleanups.push(unsubscribe);
    });
  }

  /** The live and the user of the settings, from the page's address under `url-params`. */
  #who(): Who {
    return who(this.#host, location.search, () => tabGuestId(() => sessionStorage));
  }

  /** GETs `{ token }` from the token URL. Errors say what failed, never what a token was. */
  async #fetchToken(url: URL): Promise<Result<string>> {
    const controller = new AbortController();
    this.#abort.add(controller);
    try {
      let response: Response;
      try {
        response = await fetch(url, {
          signal: controller.signal,
          cache: 'no-store',
          headers: { accept: 'application/json' },
        });
      } catch {
        return fail(ErrorCode.DISCONNECTED, 'token-url: the request failed');
      }
      if (!response.ok) {
        return fail(ErrorCode.TOKEN_URL_FAILED, `token-url: answered HTTP ${response.status}`);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return fail(ErrorCode.TOKEN_URL_FAILED, 'token-url: the answer is not JSON');
      }
      const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : null;
      if (typeof token !== 'string' || token === '') {
        return fail(ErrorCode.TOKEN_URL_FAILED, 'token-url: the answer has no token');
      }
      return ok(token);
    } finally {
      this.#abort.delete(controller);
    }
  }

  // ── state ─────────────────────────────────────────────────────────────────────────────────

  #provide(session: Session, liveId: string | null): void {
    this.#providedLiveId = liveId;
    this.#outlet.provide(session, liveId);
  }

  #fail(generation: number, failure: Failure): void {
    if (generation !== this.#generation) return;
    const error = { errorCode: failure.errorCode, errorMessage: failure.errorMessage };
    this.#error = error;
    this.#waiting = false;
    this.#setState('error');
    this.#outlet.failed(error);
  }

  #setState(state: LiveSessionState): void {
    this.#state = state;
    this.#outlet.changed(state);
  }
}
