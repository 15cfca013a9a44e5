import { ContextProvider } from '@lit/context';
import { html, LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { atom, type ReadableAtom } from 'nanostores';
import { liveContext } from '../../controllers/live-controller.js';
import { StoreController } from '../../controllers/store-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import { backoffDelay, type ReconnectOptions } from '../../core/backoff.js';
import { createSession, type Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { errorMessage } from '../../i18n/messages.js';
import type { LocalHub } from '../../local/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { fail, ok, type Failure, type Result } from '../../protocol/result.js';
import type { LiveInfo, SeatMode } from '../../protocol/types.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import styles from './live-session.styles.js';

/** Where a `<live-session>` stands. */
export type LiveSessionState = 'idle' | 'connecting' | 'ready' | 'error';

/** Who the user is in the live: `host` creates and owns it, `audience` joins it. */
export type LiveSessionRole = 'host' | 'audience';

/** Why a `<live-session>` is in its `error` state, as in a failed `Result`. */
export interface LiveSessionError {
  /** The kit's error code (`ErrorCode`). */
  readonly errorCode: ErrorCode;
  /** A readable message in English, for logs (the element shows a localized text). */
  readonly errorMessage: string;
}

/** The session logged in and entered its live (or, with no `live-id`, only logged in). */
export class SessionReadyEvent extends Event {
  static readonly type = 'session-ready';

  /** The session the element provides. */
  readonly session: Session;
  /** The live it entered, or `null` when it has no `live-id` and the session is in no live. */
  readonly liveId: string | null;

  constructor(session: Session, liveId: string | null) {
    super(SessionReadyEvent.type, { bubbles: true, composed: true });
    this.session = session;
    this.liveId = liveId;
  }
}

/** The element could not log in or enter its live; it is in its `error` state. */
export class SessionErrorEvent extends Event implements LiveSessionError {
  static readonly type = 'session-error';

  readonly errorCode: ErrorCode;
  readonly errorMessage: string;

  constructor(errorCode: ErrorCode, errorMessage: string) {
    super(SessionErrorEvent.type, { bubbles: true, composed: true });
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
  }
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
 * relative to the page (`/ws`) resolved against it, `http:` becoming `ws:` and `https:` `wss:`.
 * `null` for anything else (an absolute `http:` URL included: say `ws:` when you mean it).
 */
function webSocketUrl(value: string): URL | null {
  if (value.trim() === '') return null;
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(value);
  const url = parseUrl(value, absolute ? undefined : document.baseURI);
  if (url === null) return null;
  if (!absolute)
    url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  return url.protocol === 'ws:' || url.protocol === 'wss:' ? url : null;
}

/** Where a tab keeps the guest id `url-params` made up for it, so a reload is the same user. */
const GUEST_ID_KEY = 'co-guest-kit:guest-id';

/** This tab's guest id: made once per tab (`guest-` and 8 random letters or digits), then kept. */
function tabGuestId(): string {
  let stored: string | null = null;
  try {
    stored = sessionStorage.getItem(GUEST_ID_KEY);
  } catch {
    // Storage refused (a sandboxed frame): a new id per load.
  }
  if (stored !== null && /^guest-[a-z0-9]{8}$/.test(stored)) return stored;
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const id = `guest-${Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => letters[byte % 36]).join('')}`;
  try {
    sessionStorage.setItem(GUEST_ID_KEY, id);
  } catch {
    // As above.
  }
  return id;
}

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

function invalid(message: string): Failure {
  return fail(ErrorCode.INVALID_ARGUMENT, `<live-session>: ${message}`);
}

/** How to log in, checked before anything goes on the network. */
type LoginPlan =
  | { readonly kind: 'local'; readonly userId: string; readonly userName: string; readonly avatarUrl: string }
  | { readonly kind: 'token'; readonly serverUrl: string; readonly token: string }
  | { readonly kind: 'token-url'; readonly serverUrl: string; readonly tokenUrl: URL };

/** Which live to enter, checked before anything goes on the network. */
interface LivePlan {
  readonly liveId: string;
  readonly role: LiveSessionRole;
  readonly liveName: string;
  readonly maxSeatCount: number;
  readonly seatMode: SeatMode;
  /** How long an audience member waits for the live to start, in ms. */
  readonly joinTimeoutMs: number;
}

/**
 * Owns a session for the kit's elements inside it, so that a page made of tags alone shows the
 * whole guest flow: it logs in, creates or joins a live, and provides `{ session, liveId }` to its
 * descendants (`liveContext`, as `<live-core-view>` does), so `<live-core-view>`, `<apply-button>`,
 * `<applicant-list>`… inside it need no attribute and no script. It draws nothing of its own
 * (`display: contents`) except a short text while it connects and when it fails.
 *
 * ```html
 * <live-session server-url="wss://live.example.com/ws" token-url="/api/live-token"
 *               live-id="show-42" live-role="host" live-name="Friday show">
 *   <live-core-view></live-core-view>
 *   <applicant-list></applicant-list>
 * </live-session>
 * <live-session server-url="wss://live.example.com/ws" token-url="/api/live-token" live-id="show-42">
 *   <live-core-view></live-core-view>
 *   <apply-button></apply-button>
 * </live-session>
 * ```
 *
 * **Logging in.** To a server (`server-url`: a `ws:` or `wss:` URL of its `/ws` endpoint, or a URL
 * relative to the page, such as `/ws` on a page the server serves itself) with a signed token: `token`, or else `token-url`, an `http(s):` URL (relative to the page allowed)
 * that answers a `GET` with `{ "token": "…" }`, such as the dev server's `/dev/token`. `user-id`,
 * `user-name` and `avatar-url`, when set, are added to the `token-url` query as `userId`,
 * `userName` and `avatarUrl` (what `/dev/token` reads; a real backend knows its user from the
 * page's cookies and ignores them). Prefer `token-url` in production: a `token` attribute sits in
 * the DOM, where every script of the page can read it. The element never copies, shows or logs the
 * token. With `local`, it logs in as `user-id` (`user-name`, `avatar-url`) to an in-page hub shared
 * by every `<live-session local>` of the page (`getLocalHub()`): one page shows a host and guests
 * with no server at all. Local mode is for demos, stories and tests.
 *
 * **From the page's address.** With `url-params`, what the attributes leave empty comes from the
 * page's query string: `live-id` from `live`, `user-id` from `user`, `user-name` from `name`,
 * `avatar-url` from `avatar` (`audience.html?live=show-42&name=Ada`). When the user id is still
 * empty, the tab makes up a guest id (`guest-…`) and keeps it for its lifetime
 * (`sessionStorage`), so two tabs are two users and a reload is the same one. Anyone can edit an
 * address: a real backend decides who the user is from its own session, never from these values.
 *
 * **The live.** `live-role="host"` creates `live-id` (`live-name`, `max-seats`, `seat-mode`, read
 * when the live is created) and owns it; when the id is taken by a live this user owns (a reload
 * within the server's grace period), it joins it back. `live-role="audience"` (default) joins
 * `live-id`; while that live has not started (an audience page opened before the host's, or placed
 * before it in one page), it stays `connecting` and asks again now and then, for up to
 * `join-timeout` seconds. Without `live-id` the element only logs in and provides the session's
 * current live (`liveListStore.currentLive`), following it.
 *
 * **Lifecycle.** Connecting to the DOM starts it; changing `local`, `server-url`, `token`,
 * `token-url`, `user-id`, `user-name` or `avatar-url` logs in again with a new session; changing
 * `live-id` or `live-role` enters the other live on the same session (after an error, changing
 * `live-name`, `max-seats`, `seat-mode` or `join-timeout` tries again too). Removing the element
 * from the DOM disposes its session, which leaves the live; a host leaving ends its live for
 * everyone (the core's rule, docs/decisions/0008: the live does not outlive the page that owns it,
 * so the audience sees it end at once rather than after the server's grace period). A move within
 * one task (removed and inserted again before a microtask runs) keeps the session. Reconnecting
 * after a dropped connection is the session's job (`session.$connection`; show it with
 * `<connection-status>`).
 *
 * **A page's own session.** Setting the `session` property hands the element a session the page
 * owns: the element waits until it is logged in, enters `live-id` when set, and provides it, but
 * never logs it in or out, never leaves its live and never disposes it.
 *
 * **Failures** never throw: the element goes to its `error` state, fires `session-error`
 * (`INVALID_ARGUMENT` for settings it refuses before any network access, `NOT_LOGGED_IN` for a
 * refused token or a `token-url` answering 4xx, `DISCONNECTED` or `SERVER_TIMEOUT` when the server
 * cannot be reached, `LIVE_NOT_FOUND`, `LIVE_ID_OCCUPIED`…) and shows a localized text.
 *
 * @summary Logs in, creates or joins a live, and hands it to the kit's elements inside it.
 *
 * @slot - The page's content: kit elements inside it read the session and live from context.
 * @slot connecting - Shown while the element logs in and enters the live. Default: "Joining the
 *   live…".
 * @slot error - Shown in the `error` state. Default: a localized text saying what failed.
 *
 * @csspart status - The live region holding the connecting and error texts (`role="status"`); it
 *   takes no room while neither shows.
 * @csspart connecting - The box of the `connecting` slot.
 * @csspart error - The box of the `error` slot.
 *
 * @cssstate connecting - Logging in or entering the live.
 * @cssstate ready - Logged in and in the live: the elements inside show it.
 * @cssstate error - Logging in or entering the live failed (see `error`).
 * @cssstate ended - The live the element entered has ended.
 *
 * @fires {SessionReadyEvent} session-ready - Logged in and in the live; carries `session` and
 *   `liveId`. Bubbles, composed.
 * @fires {SessionErrorEvent} session-error - Logging in or entering the live failed; carries
 *   `errorCode` and `errorMessage`. Bubbles, composed.
 */
export class LiveSession extends LitElement {
  static override styles = [tokens, base, styles];

  /** The server's WebSocket endpoint: a `ws:` or `wss:` URL (`wss://live.example.com/ws`). */
  @property({ attribute: 'server-url' }) serverUrl = '';

  /** A signed user token (JWT). Wins over `token-url`. Never shown, copied or logged. */
  @property() token = '';

  /** An `http(s):` URL (relative allowed) answering `GET` with `{ "token": "…" }`. */
  @property({ attribute: 'token-url' }) tokenUrl = '';

  /** The user id: added to the `token-url` query (`userId`); the user in `local` mode (required). */
  @property({ attribute: 'user-id' }) userId = '';

  /** The user's name: added to the `token-url` query (`userName`); in `local` mode, default `user-id`. */
  @property({ attribute: 'user-name' }) userName = '';

  /** The user's avatar: added to the `token-url` query (`avatarUrl`); the avatar in `local` mode. */
  @property({ attribute: 'avatar-url' }) avatarUrl = '';

  /** The live to create (`host`) or join (`audience`). `''` (default): log in only. */
  @property({ attribute: 'live-id' }) liveId = '';

  /**
   * `audience` (default) joins `live-id`; `host` creates it and owns it. (Not `role`: that is the
   * ARIA attribute of every element.)
   */
  @property({ attribute: 'live-role' }) liveRole: LiveSessionRole = 'audience';

  /** The name of the live a host creates. */
  @property({ attribute: 'live-name' }) liveName = '';

  /** The seats of the live a host creates, 1..16. */
  @property({ type: Number, attribute: 'max-seats' }) maxSeats = 9;

  /** How guests take seats in the live a host creates: `apply` (default, the host accepts) or `free`. */
  @property({ attribute: 'seat-mode' }) seatMode: SeatMode = 'apply';

  /**
   * How long an audience member waits, in seconds, for a live that has not started yet (the host
   * has not created it), asking again now and then; `0` fails at once with `LIVE_NOT_FOUND`.
   */
  @property({ type: Number, attribute: 'join-timeout' }) joinTimeout = 30;

  /** Log in to the page's in-page hub (`getLocalHub()`) instead of a server. For demos and stories. */
  @property({ type: Boolean }) local = false;

  /**
   * Fills what `live-id`, `user-id`, `user-name` and `avatar-url` leave empty from the page's query
   * string (`live`, `user`, `name`, `avatar`), and makes up a per-tab guest id when there is no user
   * id at all. Read when the element starts.
   */
  @property({ type: Boolean, attribute: 'url-params' }) urlParams = false;

  readonly #internals = this.attachInternals();
  readonly #i18n = new LocalizeController(this);
  readonly #provider = new ContextProvider(this, { context: liveContext });
  readonly #ended = new StoreController(this, NOT_ENDED);
  /** The session the page handed over, or `null`. */
  #pageSession: Session | null = null;
  /** The session in use (the page's or the element's own), or `null` while stopped. */
  #session: Session | null = null;
  /** The element created `#session` and disposes it. */
  #owned = false;
  #state: LiveSessionState = 'idle';
  #error: LiveSessionError | null = null;
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
  /** While a local-mode start runs (see `getUpdateComplete`), or `null`. */
  #settled: Promise<void> | null = null;

  constructor() {
    super();
    new ThemeController(this);
  }

  /**
   * The session the element provides: its own, or the page's when one was set. `null` while the
   * element is not in the DOM. Setting it hands the element a session the page owns (see above);
   * `null` (default) lets the element log in with its own.
   */
  get session(): Session | null {
    return this.#session ?? this.#pageSession;
  }

  set session(value: Session | null) {
    if (value === this.#pageSession) return;
    this.#pageSession = value;
    this.requestUpdate();
  }

  /** Where the element stands: `idle` (not in the DOM), `connecting`, `ready` or `error`. */
  get state(): LiveSessionState {
    return this.#state;
  }

  /** Why the element is in its `error` state, or `null`. */
  get error(): LiveSessionError | null {
    return this.#error;
  }

  /**
   * In `local` mode, also waits until the element is `ready`, in `error`, or waiting for a live
   * that has not started: nothing there waits on a network, so `await el.updateComplete` (and a
   * test's `fixture`) sees the outcome. With a server it waits for rendering only.
   */
  protected override async getUpdateComplete(): Promise<boolean> {
    const updated = await super.getUpdateComplete();
    const settled = this.#settled;
    if (settled === null) return updated;
    await settled;
    return this.getUpdateComplete();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Synchronously, so that descendants connecting next find the session in the context.
    this.#sync();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A move (removed, then inserted again in the same task) keeps the session.
    queueMicrotask(() => {
      if (!this.isConnected) this.#stop();
    });
  }

  protected override willUpdate(): void {
    if (this.isConnected) this.#sync();
    setStates(this.#internals, { ended: this.#state === 'ready' && this.#ended.value });
  }

  protected override render() {
    const state = this.#state;
    const error = this.#error;
    const quiet = state !== 'connecting' && state !== 'error';
    return html`<slot></slot>
      <div
        class=${classMap({ status: true, 'visually-hidden': quiet })}
        part="status"
        role="status"
        lang=${this.#i18n.lang}
      >
        <span class="connecting" part="connecting" ?hidden=${state !== 'connecting'}
          ><slot name="connecting">${this.#i18n.t('session.connecting')}</slot></span
        >
        <span class="error" part="error" ?hidden=${state !== 'error'}
          ><slot name="error"
            >${error === null ? '' : this.#i18n.t(errorMessage(error.errorCode, 'session'))}</slot
          ></span
        >
      </div>`;
  }

  // ── starting and stopping ─────────────────────────────────────────────────────────────────

  /** Starts what the settings changed: a new session, another live, or nothing. */
  #sync(): void {
    const who = this.#who();
    const loginKey = JSON.stringify([
      this.local,
      this.serverUrl,
      this.token,
      this.tokenUrl,
      who.userId,
      who.userName,
      who.avatarUrl,
    ]);
    const liveKey = JSON.stringify([who.liveId, this.liveRole]);
    const createKey = JSON.stringify([this.liveName, this.maxSeats, this.seatMode, this.joinTimeout]);
    if (loginKey !== this.#loginKey || this.#pageSession !== this.#startedWith) {
      this.#loginKey = loginKey;
      this.#startedWith = this.#pageSession;
      this.#liveKey = liveKey;
      this.#createKey = createKey;
      this.#startSession();
    } else if (liveKey !== this.#liveKey || (this.#state === 'error' && createKey !== this.#createKey)) {
      this.#liveKey = liveKey;
      this.#createKey = createKey;
      void this.#enter(++this.#generation);
    }
  }

  /** A new session (the page's or a fresh one), then the live. */
  #startSession(): void {
    const generation = ++this.#generation;
    this.#release();
    const page = this.#pageSession;
    const session = page ?? createSession();
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
    // In local mode nothing waits on a network: `updateComplete` waits for the outcome.
    const settled = this.local && this.#owned ? this.#settling() : (): void => undefined;
    try {
      await this.#run(generation, session, abort.signal, settled);
    } finally {
      settled();
    }
  }

  /** Marks the element settling (see `getUpdateComplete`); the function returned ends it. */
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
    this.#provide(session, null);
    this.#setState('connecting');
    const live = this.#livePlan();
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
    this.#setState('ready');
    this.dispatchEvent(new SessionReadyEvent(session, this.#providedLiveId));
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
      waiting();
      await pause(delay, signal);
      if (signal.aborted) return joined;
    }
  }

  #livePlan(): Result<LivePlan> {
    const { liveRole: role, seatMode, maxSeats } = this;
    const { liveId } = this.#who();
    if (role !== 'host' && role !== 'audience') return invalid('live-role must be "host" or "audience"');
    if (role === 'host' && liveId === '') return invalid('a host needs a live-id to create');
    if (seatMode !== 'apply' && seatMode !== 'free') return invalid('seat-mode must be "apply" or "free"');
    if (!Number.isInteger(maxSeats)) return invalid('max-seats must be a whole number');
    const joinTimeout = this.joinTimeout;
    if (!(joinTimeout >= 0)) return invalid('join-timeout must be a number of seconds, 0 or more');
    return ok({
      liveId,
      role,
      liveName: this.liveName,
      maxSeatCount: maxSeats,
      seatMode,
      joinTimeoutMs: joinTimeout * 1000,
    });
  }

  // ── logging in ────────────────────────────────────────────────────────────────────────────

  /** The session's login: started once per session, on first need. */
  #ensureLogin(session: Session): Promise<Result<unknown>> {
    this.#login ??= this.#owned ? this.#logIn(session) : this.#whenLoggedIn(session);
    return this.#login;
  }

  async #logIn(session: Session): Promise<Result<unknown>> {
    const plan = this.#loginPlan();
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

  /** The live and the user: the attributes, filled from the page's address under `url-params`. */
  #who(): { liveId: string; userId: string; userName: string; avatarUrl: string } {
    const own = {
      liveId: this.liveId,
      userId: this.userId,
      userName: this.userName,
      avatarUrl: this.avatarUrl,
    };
    if (!this.urlParams) return own;
    const query = new URLSearchParams(location.search);
    const from = (value: string, name: string): string => (value !== '' ? value : (query.get(name) ?? ''));
    const userId = from(own.userId, 'user');
    return {
      liveId: from(own.liveId, 'live'),
      userId: userId === '' ? tabGuestId() : userId,
      userName: from(own.userName, 'name'),
      avatarUrl: from(own.avatarUrl, 'avatar'),
    };
  }

  #loginPlan(): Result<LoginPlan> {
    const { userId, userName, avatarUrl } = this.#who();
    if (this.local) {
      if (userId === '') return invalid('local mode needs a user-id');
      return ok({ kind: 'local', userId, userName: userName === '' ? userId : userName, avatarUrl });
    }
    const url = webSocketUrl(this.serverUrl);
    if (url === null) {
      return invalid('server-url must be a ws:// or wss:// URL, or one relative to the page (or set local)');
    }
    const serverUrl = url.href;
    if (this.token !== '') return ok({ kind: 'token', serverUrl, token: this.token });
    if (this.tokenUrl === '') return invalid('set token or token-url');
    const tokenUrl = parseUrl(this.tokenUrl, document.baseURI);
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
        return fail(
          response.status >= 500 ? ErrorCode.SERVER_ERROR : ErrorCode.NOT_LOGGED_IN,
          `token-url: answered HTTP ${response.status}`,
        );
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        return fail(ErrorCode.SERVER_ERROR, 'token-url: the answer is not JSON');
      }
      const token = typeof body === 'object' && body !== null ? (body as { token?: unknown }).token : null;
      if (typeof token !== 'string' || token === '') {
        return fail(ErrorCode.SERVER_ERROR, 'token-url: the answer has no token');
      }
      return ok(token);
    } finally {
      this.#abort.delete(controller);
    }
  }

  // ── state ─────────────────────────────────────────────────────────────────────────────────

  #provide(session: Session, liveId: string | null): void {
    const current = this.#provider.value;
    this.#providedLiveId = liveId;
    if (current?.session === session && current.liveId === liveId) return;
    this.#provider.setValue({ session, liveId });
  }

  #fail(generation: number, failure: Failure): void {
    if (generation !== this.#generation) return;
    this.#error = { errorCode: failure.errorCode, errorMessage: failure.errorMessage };
    this.#setState('error');
    this.dispatchEvent(new SessionErrorEvent(failure.errorCode, failure.errorMessage));
  }

  #setState(state: LiveSessionState): void {
    this.#state = state;
    setStates(this.#internals, {
      connecting: state === 'connecting',
      ready: state === 'ready',
      error: state === 'error',
    });
    this.requestUpdate();
  }
}

customElements.define('live-session', LiveSession);

declare global {
  interface HTMLElementTagNameMap {
    'live-session': LiveSession;
  }

  interface GlobalEventHandlersEventMap {
    'session-ready': SessionReadyEvent;
    'session-error': SessionErrorEvent;
  }
}
