import { ContextProvider } from '@lit/context';
import { html, LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { liveContext } from '../../controllers/live-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import type { IceServer, Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { errorMessage } from '../../i18n/messages.js';
import type { SeatMode } from '../../protocol/types.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import { openDevices, parseDevices } from '../shared/devices.js';
import styles from './live-session.styles.js';
import { SessionController, type LiveSessionError, type LiveSessionState } from './session-controller.js';
import type { LiveSessionRole } from './settings.js';
import { SessionReadyEvent, SessionErrorEvent } from './events.js';

export * from './events.js';
export { getLocalHub, type LiveSessionError, type LiveSessionState } from './session-controller.js';
export type { LiveSessionRole } from './settings.js';

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
 * relative to the page, such as `/ws` on a page the server serves itself; or the URLs of several
 * servers of one cluster separated by spaces, of which the session picks one, passing over those it
 * cannot reach and moving to another when its server goes away) with a signed token: `token`, or else `token-url`, an `http(s):` URL (relative to the page allowed)
 * that answers a `GET` with `{ "token": "…" }`, such as the dev server's `/dev/token`. `user-id`,
 * `user-name` and `avatar-url`, when set, are added to the `token-url` query as `userId`,
 * `userName` and `avatarUrl` (what `/dev/token` reads; a real backend knows its user from the
 * page's cookies and ignores them; a relative `avatar-url` is resolved against the page first).
 * Prefer `token-url` in production: a `token` attribute sits in the DOM, where every script of the
 * page can read it. The element never copies, shows or logs the
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
 * before it in one page), it stays `connecting`, says so at once ("This live has not started yet:
 * waiting for it…", state `waiting`) and asks again now and then, for up to `join-timeout` seconds. Without `live-id` the element only logs in and provides the session's
 * current live (`liveListStore.currentLive`), following it.
 *
 * **Media.** The session the element creates gets the `iceServers` property (STUN and TURN
 * servers; default none) and `ice-transport-policy` (`relay`: media only through TURN).
 *
 * **Lifecycle.** Connecting to the DOM starts it; changing `local`, `server-url`, `token`,
 * `token-url`, `user-id`, `user-name`, `avatar-url`, `iceServers` or `ice-transport-policy` logs
 * in again with a new session; changing
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
 * **Failures** never throw: the element goes to its `error` state as soon as the server answers,
 * fires `session-error` (`INVALID_ARGUMENT` for settings it refuses before any network access,
 * `NOT_LOGGED_IN` for a refused token, `TOKEN_URL_FAILED` for a `token-url` answering an HTTP error
 * or no token, `DISCONNECTED` or `SERVER_TIMEOUT` when the server cannot be reached,
 * `LIVE_NOT_FOUND`, `LIVE_ID_OCCUPIED`…), shows a localized text saying which of these it is
 * (`errorMessage(code, 'session')`), and a Retry button that signs in and enters the live again.
 * The element writes nothing to the console: the page logs the event's `errorCode` and
 * `errorMessage` if it wants to (the demo does, with `console.info`).
 *
 * @summary Logs in, creates or joins a live, and hands it to the kit's elements inside it.
 *
 * @slot - The page's content: kit elements inside it read the session and live from context.
 * @slot connecting - Shown while the element logs in and enters the live. Default: "Joining the
 *   live…".
 * @slot error - Shown in the `error` state, before the Retry button. Default: a localized text
 *   saying what failed.
 *
 * @csspart status - The live region holding the connecting and error texts (`role="status"`); it
 *   takes no room while neither shows.
 * @csspart connecting - The box of the `connecting` slot.
 * @csspart error - The box of the `error` slot and the Retry button.
 * @csspart retry-button - "Retry", in the `error` state: signs in and enters the live again.
 *
 * @cssstate connecting - Logging in or entering the live.
 * @cssstate waiting - Connecting, and the live has not started yet: the element asks again now and
 *   then (see `join-timeout`).
 * @cssstate ready - Logged in and in the live: the elements inside show it.
 * @cssstate error - Logging in or entering the live failed (see `error`).
 * @cssstate ended - The live the element entered has ended.
 *
 * @fires {SessionReadyEvent} session-ready - Logged in and in the live; carries `session` and
 *   `liveId`. Bubbles, composed.
 * @fires {SessionErrorEvent} session-error - Logging in or entering the live failed; carries
 *   `errorCode` and `errorMessage`. Bubbles, composed.
 * @fires {ActionErrorEvent} action-error - Opening a device of `devices` failed.
 */
export class LiveSession extends LitElement {
  static override styles = [tokens, base, styles];

  /**
   * The server's WebSocket endpoint: a `ws:` or `wss:` URL (`wss://live.example.com/ws`), or those
   * of several servers of one cluster, separated by spaces.
   */
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

  /**
   * The devices to open once the element entered its live with the user on a seat (a host, seated on
   * seat 0 when the live is created; a guest whose page reloaded): a space-separated list of `camera`
   * and `microphone`. `''` (default) opens none. A failure fires `action-error`.
   */
  @property() devices = '';

  /**
   * The STUN and TURN servers of the media of the session the element creates (`createSession`'s
   * `iceServers`; docs/deployment.md, "TURN for the kit's clients"). `[]` (default): none, which
   * works on one machine and on a LAN. A property only: TURN credentials do not belong in the DOM.
   * Setting another list logs in again with a new session. Not used with a page's own `session`,
   * which has its own.
   */
  @property({ attribute: false }) iceServers: readonly IceServer[] = [];

  /**
   * Which ICE candidates the media of the session the element creates uses: `all` (default) or
   * `relay`, only through the TURN servers of `iceServers` (the user's address stays hidden from the
   * other side). Another value fails with `INVALID_ARGUMENT`. Changing it logs in again.
   */
  @property({ attribute: 'ice-transport-policy' }) iceTransportPolicy: RTCIceTransportPolicy = 'all';

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
  /** Logs in and enters the live; added after the provider, so it starts once the provider is connected. */
  readonly #controller = new SessionController(this, {
    provide: (session, liveId) => {
      const current = this.#provider.value;
      if (current?.session === session && current.liveId === liveId) return;
      this.#provider.setValue({ session, liveId });
    },
    changed: (state) => {
      setStates(this.#internals, {
        connecting: state === 'connecting',
        waiting: state === 'connecting' && this.#controller.waiting,
        ready: state === 'ready',
        error: state === 'error',
      });
      this.requestUpdate();
    },
    ready: (session, liveId) => {
      this.dispatchEvent(new SessionReadyEvent(session, liveId));
      const devices = parseDevices(this.devices, '');
      const userId = session.loginStore.loginUserInfo.get()?.userId;
      const seats = liveId === null ? [] : session.liveSeatStore(liveId).seatList.get();
      if (devices.length > 0 && seats.some((seat) => seat.userInfo?.userId === userId)) {
        void openDevices(this, session, devices);
      }
    },
    failed: (error) => this.dispatchEvent(new SessionErrorEvent(error.errorCode, error.errorMessage)),
  });

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
    return this.#controller.session ?? this.#controller.pageSession;
  }

  set session(value: Session | null) {
    if (value === this.#controller.pageSession) return;
    this.#controller.pageSession = value;
    this.requestUpdate();
  }

  /** Where the element stands: `idle` (not in the DOM), `connecting`, `ready` or `error`. */
  get state(): LiveSessionState {
    return this.#controller.state;
  }

  /** Why the element is in its `error` state, or `null`. */
  get error(): LiveSessionError | null {
    return this.#controller.error;
  }

  /**
   * In `local` mode, also waits until the element is `ready`, in `error`, or waiting for a live
   * that has not started: nothing there waits on a network, so `await el.updateComplete` (and a
   * test's `fixture`) sees the outcome. With a server it waits for rendering only.
   */
  protected override async getUpdateComplete(): Promise<boolean> {
    const updated = await super.getUpdateComplete();
    const settled = this.#controller.settled;
    if (settled === null) return updated;
    await settled;
    return this.getUpdateComplete();
  }

  protected override willUpdate(): void {
    if (this.isConnected) this.#controller.sync();
    setStates(this.#internals, { ended: this.#controller.state === 'ready' && this.#controller.ended });
  }

  protected override render() {
    const { state, error, waiting } = this.#controller;
    const t = this.#i18n.t.bind(this.#i18n);
    const quiet = state !== 'connecting' && state !== 'error';
    const failure = error === null ? '' : t(errorMessage(error.errorCode, 'session'));
    return html`<slot></slot>
      <div
        class=${classMap({ status: true, 'visually-hidden': quiet })}
        part="status"
        role="status"
        lang=${this.#i18n.lang}
      >
        <span class="connecting" part="connecting" ?hidden=${state !== 'connecting'}
          ><slot name="connecting">${t(waiting ? 'session.waiting' : 'session.connecting')}</slot></span
        >
        <span class="error" part="error" ?hidden=${state !== 'error'}
          ><slot name="error">${failure}</slot>
          <button type="button" part="retry-button" @click=${this.#onRetry}>
            ${t('session.retry')}
          </button></span
        >
      </div>`;
  }

  #onRetry(): void {
    this.#controller.retry();
  }
}

customElements.define('live-session', LiveSession);

declare global {
  interface HTMLElementTagNameMap {
    'live-session': LiveSession;
  }
}
