import { ContextConsumer } from '@lit/context';
import { html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { atom } from 'nanostores';
import { liveContext } from '../../controllers/live-controller.js';
import { StoreController } from '../../controllers/store-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import {
  getDefaultSession,
  type ConnectionError,
  type ConnectionStatus as ConnectionState,
  type Session,
} from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { CloseCode } from '../../protocol/errors.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import styles from './connection-status.styles.js';

const STATE_TEXT = {
  idle: 'connection.idle',
  connecting: 'connection.connecting',
  connected: 'connection.connected',
  reconnecting: 'connection.reconnecting',
  offline: 'connection.offline',
} as const satisfies Record<ConnectionState, string>;

/** Why the connection closed, for people, from the close code. */
function reasonText(error: ConnectionError) {
  switch (error.code) {
    case CloseCode.REPLACED:
      return 'connection.replaced' as const;
    case CloseCode.TOKEN_EXPIRED:
      return 'connection.expired' as const;
    case CloseCode.UNAUTHORIZED:
      return 'connection.refused' as const;
    case CloseCode.GOING_AWAY:
      return 'connection.serverClosed' as const;
    default:
      return 'connection.lost' as const;
  }
}

/**
 * Where the session's connection to the server stands (`session.$connection`), with why it was lost
 * (`session.$connectionError`: connection lost, server closed, signed in elsewhere, sign-in expired
 * or refused): a badge with a coloured dot and a localized text.
 *
 * It shows while the session connects, reconnects or is offline, and hides while connected (and
 * before login, `idle`) unless `show-connected` is set. Hidden means visually hidden: the badge is a
 * `role="status"` live region that stays in the page, so a screen reader hears "Reconnecting…" when
 * the connection drops and "Connected" when it comes back.
 *
 * It needs only a session: its own `session` property, else the session of an enclosing
 * `<live-core-view>`, else the page's default session.
 *
 * @summary The connection state: connecting, reconnecting, offline (and connected on request).
 *
 * @csspart badge - The badge (`role="status"`).
 * @csspart dot - The coloured dot.
 * @csspart label - The state: "Reconnecting…", "Offline"...
 * @csspart reason - Why the connection was lost (while reconnecting or offline).
 *
 * @cssproperty [--connection-status-background=var(--cg-color-surface)] - Fill of the badge.
 * @cssproperty [--connection-status-color=var(--cg-color-text)] - Text of the badge.
 * @cssproperty [--connection-status-dot-size=8px] - Size of the dot.
 * @cssproperty [--connection-status-connected-color=var(--cg-color-success)] - Dot while connected.
 * @cssproperty [--connection-status-pending-color=var(--cg-color-accent)] - Dot while (re)connecting.
 * @cssproperty [--connection-status-offline-color=var(--cg-color-danger)] - Dot while offline or idle.
 *
 * @cssstate idle - Not logged in (hidden unless `show-connected`).
 * @cssstate connecting - Logging in.
 * @cssstate connected - Connected (hidden unless `show-connected`).
 * @cssstate reconnecting - The connection dropped; the session tries again.
 * @cssstate offline - The session gave up (replaced, sign-in refused or expired).
 */
export class ConnectionStatus extends LitElement {
  static override styles = [tokens, base, styles];

  /** An explicit session; `null` (default) takes it from `<live-core-view>` or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** Also show the badge while connected (and before login). */
  @property({ type: Boolean, attribute: 'show-connected' }) showConnected = false;

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #context = new ContextConsumer(this, { context: liveContext, subscribe: true });
  #connection = new StoreController<ConnectionState>(this, atom('idle'));
  #error = new StoreController<ConnectionError | null>(this, atom(null));
  #last: ConnectionState = 'idle';
  /** The connection came back after a loss: say "Connected" even while hidden. */
  #recovered = false;

  constructor() {
    super();
    new ThemeController(this);
  }

  protected override willUpdate(): void {
    this.#follow();
    const state = this.#connection.value;
    if (state !== this.#last) {
      this.#recovered = state === 'connected' && (this.#last === 'reconnecting' || this.#last === 'offline');
      this.#last = state;
    }
    setStates(this.#internals, {
      idle: state === 'idle',
      connecting: state === 'connecting',
      connected: state === 'connected',
      reconnecting: state === 'reconnecting',
      offline: state === 'offline',
    });
  }

  protected override render() {
    const state = this.#connection.value;
    const error = this.#error.value;
    const quiet = state === 'connected' || state === 'idle';
    const hidden = quiet && !this.showConnected;
    const silent = hidden && !this.#recovered;
    const reason =
      error !== null && (state === 'reconnecting' || state === 'offline') ? reasonText(error) : null;
    return html`<div
      class=${hidden ? 'visually-hidden' : 'badge'}
      part="badge"
      role="status"
      lang=${this.#i18n.lang}
    >
      <span class="dot" part="dot" aria-hidden="true"></span>
      <span class="label" part="label">${silent ? nothing : this.#i18n.t(STATE_TEXT[state])}</span>
      <span class="reason" part="reason" ?hidden=${reason === null}
        >${reason === null ? nothing : this.#i18n.t(reason)}</span
      >
    </div>`;
  }

  /** Reads the stores of the session shown now: `session`, the enclosing view's, or the default one. */
  #follow(): void {
    const session = this.session ?? this.#context.value?.session ?? getDefaultSession();
    this.#connection.setStore(session.$connection);
    this.#error.setStore(session.$connectionError);
  }
}

customElements.define('connection-status', ConnectionStatus);

declare global {
  interface HTMLElementTagNameMap {
    'connection-status': ConnectionStatus;
  }
}
