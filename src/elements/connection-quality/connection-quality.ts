import { ContextConsumer } from '@lit/context';
import { html, LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { atom, type ReadableAtom } from 'nanostores';
import { liveContext } from '../../controllers/live-controller.js';
import { StoreController } from '../../controllers/store-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import { getDefaultSession, type Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { LiveMedia } from '../../media/live-media.js';
import type { ConnectionQualityInfo as Quality, QualityLevel } from '../../media/quality.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import styles from './connection-quality.styles.js';

/** The levels, and how many of the three bars each fills. */
const BARS = { excellent: 3, good: 2, poor: 1, lost: 0, unknown: 0 } as const satisfies Record<
  QualityLevel,
  number
>;

const LEVELS = Object.keys(BARS) as QualityLevel[];

const isLevel = (value: unknown): value is QualityLevel =>
  typeof value === 'string' && Object.hasOwn(BARS, value);

const UNKNOWN: Quality = { level: 'unknown', roundTripMs: null, packetLoss: null, jitterMs: null };

const NO_QUALITY = atom<ReadonlyMap<string, Quality>>(new Map());

/** `quality="good"`: a level; anything else is no quality of the page's own. */
const qualityConverter = {
  fromAttribute: (value: string | null): QualityLevel | null => (isLevel(value) ? value : null),
  toAttribute: (value: Quality | QualityLevel | null): string | null =>
    value === null ? null : typeof value === 'string' ? value : value.level,
};

/**
 * The quality of one user's connection, as bars (LiveKit's `ConnectionQualityIndicator`): three
 * bars for `excellent`, two for `good`, one for `poor`, none for `lost` (struck through in the lost
 * colour) and `unknown` (nothing measured yet). Its accessible name gives the level and the measures:
 * "Connection: good, 40 ms, 0% loss".
 *
 * The quality comes from the `quality` property when it is set (a level, or a
 * `ConnectionQualityInfo` with its measures): the element then needs nothing else. Otherwise it shows `user-id`'s entry
 * of the live's `LiveMedia.connectionQuality` (round trip, loss and jitter from `getStats()` of the
 * connection with that user; the local user's own id gives their uplink), on the session and live
 * of its `session` and `live-id`, else of an enclosing `<live-core-view>`. Showing it reads the
 * statistics every few seconds while the live's media runs; it never starts the media itself.
 * `<guest-seat-tile>` shows one for its seat's user.
 *
 * @summary Connection quality bars (excellent, good, poor, lost) with round trip and loss.
 *
 * @csspart indicator - The box of the bars; it carries the accessible name (`role="img"`).
 * @csspart bar - Each of the three bars.
 * @csspart bar-on - The bars that are filled.
 *
 * @cssproperty [--connection-quality-size=14px] - Height of the tallest bar.
 * @cssproperty [--connection-quality-bar-width=3px] - Width of a bar.
 * @cssproperty [--connection-quality-excellent-color=var(--cg-color-success)] - Bars while excellent.
 * @cssproperty [--connection-quality-good-color=var(--cg-color-success)] - Bars while good.
 * @cssproperty [--connection-quality-poor-color=#b45309 (light), #fcd34d (dark)] - Bars while poor.
 * @cssproperty [--connection-quality-lost-color=var(--cg-color-danger)] - The line that strikes the
 *   bars through while lost.
 * @cssproperty [--connection-quality-empty-color=currentColor at 30%] - Bars not filled.
 *
 * @cssstate excellent - The connection is excellent.
 * @cssstate good - The connection is good.
 * @cssstate poor - The connection is poor: delay, loss or jitter people notice.
 * @cssstate lost - The connection is down, or most packets are lost.
 * @cssstate unknown - Nothing is measured (yet): no quality given, or no connection with the user.
 */
export class ConnectionQuality extends LitElement {
  static override styles = [tokens, base, styles];

  /**
   * The quality to show: a level (`quality="poor"`), or a `ConnectionQualityInfo` with its measures
   * (as a property). `null` (default): the live's measure for `user-id`.
   */
  @property({ converter: qualityConverter }) quality: Quality | QualityLevel | null = null;

  /** Whose connection to show when `quality` is `null`: a user id of the live (the local user's: their uplink). */
  @property({ attribute: 'user-id' }) userId: string | null = null;

  /** An explicit session; `null` (default) takes it from `<live-core-view>` or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** The live; `null` (default) takes it from `<live-core-view>`. */
  @property({ attribute: 'live-id' }) liveId: string | null = null;

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #context = new ContextConsumer(this, { context: liveContext, subscribe: true });
  #measured = new StoreController<ReadonlyMap<string, Quality>>(this, NO_QUALITY);
  #shown: Quality = UNKNOWN;

  constructor() {
    super();
    new ThemeController(this);
  }

  protected override willUpdate(): void {
    this.#measured.setStore(this.#source());
    const given = this.quality;
    this.#shown =
      given === null
        ? this.userId === null
          ? UNKNOWN
          : (this.#measured.value.get(this.userId) ?? UNKNOWN)
        : typeof given === 'string'
          ? { ...UNKNOWN, level: isLevel(given) ? given : 'unknown' }
          : given;
    const level = this.#shown.level;
    setStates(this.#internals, Object.fromEntries(LEVELS.map((name) => [name, name === level])));
  }

  protected override render() {
    const filled = BARS[this.#shown.level];
    const label = this.#label();
    return html`<span
      class="indicator"
      part="indicator"
      role="img"
      aria-label=${label}
      title=${label}
      lang=${this.#i18n.lang}
      >${[1, 2, 3].map(
        (bar) => html`<span class="bar" part=${bar <= filled ? 'bar bar-on' : 'bar'}></span>`,
      )}</span
    >`;
  }

  /** The live's measures while no quality is given and a user is named; else none (nothing runs). */
  #source(): ReadableAtom<ReadonlyMap<string, Quality>> {
    if (this.quality !== null || this.userId === null) return NO_QUALITY;
    const provided = this.#context.value;
    const liveId = this.liveId ?? provided?.liveId ?? null;
    if (liveId === null) return NO_QUALITY;
    const session = this.session ?? provided?.session ?? getDefaultSession();
    return LiveMedia.for(session, liveId).connectionQuality;
  }

  /** "Connection: good, 40 ms, 0% loss": the level, then the measures that are known. */
  #label(): string {
    const { level, roundTripMs, packetLoss } = this.#shown;
    const t = this.#i18n.t.bind(this.#i18n);
    const parts = [t('quality.label', { level: t(`quality.${level}`) })];
    if (level !== 'unknown') {
      if (roundTripMs !== null) parts.push(t('quality.roundTrip', { ms: Math.round(roundTripMs) }));
      if (packetLoss !== null) parts.push(t('quality.loss', { percent: Math.round(packetLoss * 1000) / 10 }));
    }
    return parts.join(t('quality.separator'));
  }
}

customElements.define('connection-quality', ConnectionQuality);

declare global {
  interface HTMLElementTagNameMap {
    'connection-quality': ConnectionQuality;
  }
}
