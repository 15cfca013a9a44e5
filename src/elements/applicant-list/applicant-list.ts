import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { ref } from 'lit/directives/ref.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { ClockController, formatDuration } from '../../controllers/clock-controller.js';
import { LiveController } from '../../controllers/live-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import { RowFocusController, VirtualListController } from '../../controllers/virtual-list.js';
import type { ApplicantInfo } from '../../core/co-guest-store.js';
import type { Session } from '../../core/session.js';
import { isManager } from '../../protocol/roles.js';
import type { Result } from '../../protocol/result.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import { displayName, isolate } from '../../utils/safe-url.js';
import { avatar } from '../shared/avatar.js';
import { perform } from '../shared/events.js';
import { acceptAllPlan } from './accept-all.js';
import { listStyles } from '../shared/list.styles.js';
import styles from './applicant-list.styles.js';
import {
  ApplicantAcceptEvent,
  ApplicantRejectEvent,
  ApplicantsAcceptAllEvent,
  ApplicantsRejectAllEvent,
} from './events.js';

export * from './events.js';

const ROW_HEIGHT_PROPERTY = '--applicant-row-height';
const DEFAULT_ROW_HEIGHT = 56;

/**
 * The host's list of pending applications to take a seat (`coGuestState.applicants`, in arrival
 * order), with Accept and Reject on each row and Accept all / Reject all above. Shown to the live's
 * owner and administrators only: for anyone else it renders nothing (state `not-host`).
 *
 * The list is virtualized: only the rows in view (± a few) are in the DOM, so it stays fast with
 * thousands of applications. Rows have one fixed height, `--applicant-row-height`, read once when
 * the list first renders. Tab reaches the buttons of the rendered rows; ArrowUp / ArrowDown (and
 * Home, End, PageUp, PageDown) move between rows, scrolling them into view.
 *
 * Accept all accepts, in arrival order, as many applicants as there are free unlocked seats,
 * skipping an applicant whose requested seat is taken or locked; its label says how many.
 *
 * It finds its live like every element of the kit: `session` and `live-id`, or the enclosing
 * `<live-core-view>`. Texts come from the i18n layer.
 *
 * @summary The host's pending seat applications, with accept and reject.
 *
 * @csspart header - The bar above the list: the count and the bulk buttons.
 * @csspart count - "3 requests" (a polite live region).
 * @csspart accept-all-button - Accepts as many applicants as there are free seats.
 * @csspart reject-all-button - Rejects every pending application.
 * @csspart scroller - The scroll container of the list.
 * @csspart list - The list (`role="list"`); its height is that of every row together.
 * @csspart row - One application (`role="listitem"`).
 * @csspart avatar - The applicant's avatar, or their initials.
 * @csspart name - The applicant's name.
 * @csspart extra-info - The application's extra info, on one line (the full text is in the DOM and
 *   its `title`).
 * @csspart seat - The seat the applicant asked for ("Seat 3"); absent for any seat.
 * @csspart waiting - How long the application has been waiting.
 * @csspart accept-button - Accepts this application.
 * @csspart reject-button - Rejects this application.
 * @csspart empty - "No requests", shown while there is none.
 *
 * @cssproperty [--applicant-row-height=56px] - Height of every row (read once, at first render).
 * @cssproperty [--applicant-list-max-height=400px] - The list's height before it scrolls.
 *
 * @cssstate empty - There is no pending application.
 * @cssstate busy - An accept or reject the element sent is in progress.
 * @cssstate not-host - The viewer is not the owner nor an administrator; nothing is shown.
 *
 * @fires {ApplicantAcceptEvent} applicant-accept - Before accepting one application. Cancelable;
 *   carries `userId` and `applicant`.
 * @fires {ApplicantRejectEvent} applicant-reject - Before rejecting one application. Cancelable.
 * @fires {ApplicantsAcceptAllEvent} applicants-accept-all - Before Accept all. Cancelable; carries
 *   the `userIds` it will accept.
 * @fires {ApplicantsRejectAllEvent} applicants-reject-all - Before Reject all. Cancelable; carries
 *   the `userIds` it will reject.
 * @fires {ActionErrorEvent} action-error - An accept or reject failed (another host handled the
 *   application first, the seat was taken...). The row leaves when the store says so.
 */
export class ApplicantList extends LitElement {
  static override styles = [tokens, base, listStyles, styles];

  /** An explicit session; `null` (default) to take it from `<live-core-view>` or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** The live to show; `null` (default) to take it from `<live-core-view>`. */
  @property({ attribute: 'live-id' }) liveId: string | null = null;

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #live = new LiveController(this);
  #clock = new ClockController(this, () => this.#live.session.serverNow());
  #virtual = new VirtualListController(this, {
    rowHeightProperty: ROW_HEIGHT_PROPERTY,
    defaultRowHeight: DEFAULT_ROW_HEIGHT,
  });
  #applicants = this.#live.bind((stores) => stores.coGuest.coGuestState.applicants, []);
  #rowFocus = new RowFocusController(this, this.#virtual, {
    count: () => this.#applicants.value.length,
    keyAt: (index) => this.#applicants.value[index]?.userId,
    indexOf: (userId) => this.#applicants.value.findIndex((item) => item.userId === userId),
  });
  #seats = this.#live.bind((stores) => stores.seats.seatList, []);
  #role = this.#live.bind((stores) => stores.audience.selfRole, null);
  /** Applicants whose accept or reject is in flight (or succeeded, until they leave the list). */
  #busy = new Set<string>();
  #bulkBusy = false;
  /** Avatar URLs that failed to load; initials show instead. */
  #failedAvatars = new Set<string>();
  #plan: readonly string[] = [];

  constructor() {
    super();
    new ThemeController(this);
  }

  // Derived here rather than in `willUpdate`: the live's stores are resolved by the controllers'
  // `hostUpdate`, which runs between the two.
  protected override update(changed: PropertyValues<this>): void {
    this.#derive();
    super.update(changed);
  }

  protected override render() {
    if (!isManager(this.#role.value)) return nothing;
    const applicants = this.#applicants.value;
    const t = this.#i18n.t.bind(this.#i18n);
    const empty = applicants.length === 0;
    const planned = this.#plan.length;
    const rejectable = applicants.some((item) => !this.#busy.has(item.userId));
    const now = this.#clock.now();
    return html`
      <div class="base" lang=${this.#i18n.lang}>
        <div class="header" part="header">
          <span class="count" part="count" role="status"
            >${t(applicants.length === 1 ? 'applicants.countOne' : 'applicants.count', {
              count: applicants.length,
            })}</span
          >
          <span class="bulk" ?hidden=${empty}>
            <button
              class="button accept"
              part="accept-all-button"
              aria-describedby="accept-all-hint"
              ?disabled=${planned === 0 || this.#bulkBusy}
              @click=${this.#onAcceptAll}
            >
              ${planned === 0 ? t('applicants.acceptAll') : t('applicants.acceptCount', { count: planned })}
            </button>
            <button
              class="button"
              part="reject-all-button"
              ?disabled=${!rejectable || this.#bulkBusy}
              @click=${this.#onRejectAll}
            >
              ${t('applicants.rejectAll')}
            </button>
          </span>
          <span id="accept-all-hint" class="visually-hidden"
            >${planned === 0 ? t('applicants.noFreeSeat') : t('applicants.acceptAllHint')}</span
          >
        </div>
        <div class="scroller" part="scroller" ?hidden=${empty} ${ref(this.#virtual.observe)}>
          <div
            class="list"
            part="list"
            role="list"
            aria-label=${t('applicants.label')}
            style=${styleMap({ height: `${this.#virtual.totalHeight}px` })}
            ${ref(this.#rowFocus.observe)}
          >
            ${repeat(
              this.#virtual.indices(),
              (index) => applicants[index]?.userId ?? index,
              (index) => this.#row(applicants, index, now),
            )}
          </div>
        </div>
        <p class="empty" part="empty" ?hidden=${!empty}>${t('applicants.empty')}</p>
      </div>
    `;
  }

  #row(applicants: readonly ApplicantInfo[], index: number, now: number) {
    const applicant = applicants[index];
    if (applicant === undefined) return nothing;
    const t = this.#i18n.t.bind(this.#i18n);
    const name = displayName(applicant);
    const label = isolate(name);
    const busy = this.#busy.has(applicant.userId) || this.#bulkBusy;
    const height = this.#virtual.rowHeight;
    return html`
      <div
        class="row"
        part="row"
        role="listitem"
        tabindex="-1"
        aria-setsize=${applicants.length}
        aria-posinset=${index + 1}
        aria-busy=${busy ? 'true' : 'false'}
        data-index=${index}
        style=${styleMap({ top: `${this.#virtual.top(index)}px`, height: `${height}px` })}
      >
        ${avatar(name, applicant.avatarUrl, (url) => this.#failedAvatars.has(url), this.#onAvatarError)}
        <span class="text">
          <span class="line">
            <bdi class="name" part="name">${name}</bdi>
            ${
              applicant.seatIndex === -1
                ? nothing
                : html`<span class="seat" part="seat"
                    >${t('applicants.seat', { index: applicant.seatIndex + 1 })}</span
                  >`
            }
          </span>
          <span class="line secondary">
            ${
              applicant.extraInfo === ''
                ? nothing
                : html`<bdi class="extra-info" part="extra-info" title=${applicant.extraInfo}
                    >${applicant.extraInfo}</bdi
                  >`
            }
            <span class="waiting" part="waiting"
              >${t('applicants.waiting', { time: formatDuration(now - applicant.createdAt) })}</span
            >
          </span>
        </span>
        <button
          class="button accept"
          part="accept-button"
          aria-label=${t('applicants.acceptUser', { name: label })}
          aria-disabled=${busy ? 'true' : 'false'}
          @click=${() => void this.#accept(applicant)}
        >
          ${t('applicants.accept')}
        </button>
        <button
          class="button"
          part="reject-button"
          aria-label=${t('applicants.rejectUser', { name: label })}
          aria-disabled=${busy ? 'true' : 'false'}
          @click=${() => void this.#reject(applicant)}
        >
          ${t('applicants.reject')}
        </button>
      </div>
    `;
  }

  #onAvatarError(event: Event): void {
    this.#failedAvatars.add((event.target as HTMLImageElement).src);
    this.requestUpdate();
  }

  #onAcceptAll(): void {
    const userIds = this.#plan;
    if (userIds.length === 0 || this.#bulkBusy) return;
    if (!this.dispatchEvent(new ApplicantsAcceptAllEvent(userIds))) return;
    void this.#runAll('acceptApplication', userIds, false);
  }

  #onRejectAll(): void {
    if (this.#bulkBusy) return;
    const userIds = this.#applicants.value
      .filter((item) => !this.#busy.has(item.userId))
      .map((item) => item.userId);
    if (userIds.length === 0) return;
    if (!this.dispatchEvent(new ApplicantsRejectAllEvent(userIds))) return;
    void this.#runAll('rejectApplication', userIds, true);
  }

  async #accept(applicant: ApplicantInfo): Promise<void> {
    const stores = this.#live.stores;
    if (stores === null || this.#busy.has(applicant.userId) || this.#bulkBusy) return;
    if (!this.dispatchEvent(new ApplicantAcceptEvent(applicant))) return;
    await this.#run('acceptApplication', applicant.userId, () =>
      stores.coGuest.acceptApplication(applicant.userId),
    );
  }

  async #reject(applicant: ApplicantInfo): Promise<void> {
    const stores = this.#live.stores;
    if (stores === null || this.#busy.has(applicant.userId) || this.#bulkBusy) return;
    if (!this.dispatchEvent(new ApplicantRejectEvent(applicant))) return;
    await this.#run('rejectApplication', applicant.userId, () =>
      stores.coGuest.rejectApplication(applicant.userId),
    );
  }

  /**
   * Runs one action for `userId`, the row busy meanwhile. A success keeps the row busy until the
   * store drops the application; a failure frees it (and fires `action-error`).
   */
  async #run(
    action: 'acceptApplication' | 'rejectApplication',
    userId: string,
    call: () => Promise<Result>,
  ): Promise<boolean> {
    this.#busy.add(userId);
    this.requestUpdate();
    const result = await perform(this, action, call);
    if (!result.isSuccess) {
      this.#busy.delete(userId);
      this.requestUpdate();
    }
    return result.isSuccess;
  }

  /** Accepts (one after the other, as the seats fill in order) or rejects (all at once) `userIds`. */
  async #runAll(
    action: 'acceptApplication' | 'rejectApplication',
    userIds: readonly string[],
    parallel: boolean,
  ): Promise<void> {
    const stores = this.#live.stores;
    if (stores === null) return;
    const coGuest = stores.coGuest;
    const one = (userId: string): Promise<boolean> =>
      this.#run(action, userId, () => coGuest[action](userId));
    this.#bulkBusy = true;
    this.requestUpdate();
    try {
      if (parallel) await Promise.all(userIds.map(one));
      else for (const userId of userIds) await one(userId);
    } finally {
      this.#bulkBusy = false;
      this.requestUpdate();
    }
  }

  /** Everything a render needs from the stores: sizes, the accept-all plan, custom states. */
  #derive(): void {
    const applicants = this.#applicants.value;
    const manager = isManager(this.#role.value);
    this.#virtual.count = manager ? applicants.length : 0;
    this.#clock.running = manager && applicants.length > 0;
    this.#prune(applicants);
    this.#plan = acceptAllPlan(
      applicants.filter((item) => !this.#busy.has(item.userId)),
      this.#seats.value,
    );
    setStates(this.#internals, {
      'not-host': !manager,
      empty: manager && applicants.length === 0,
      busy: manager && (this.#bulkBusy || this.#busy.size > 0),
    });
  }

  /** Drops the busy marks of applicants who left the list. */
  #prune(applicants: readonly ApplicantInfo[]): void {
    if (this.#busy.size === 0) return;
    const present = new Set(applicants.map((item) => item.userId));
    for (const userId of this.#busy) if (!present.has(userId)) this.#busy.delete(userId);
  }
}

customElements.define('applicant-list', ApplicantList);

declare global {
  interface HTMLElementTagNameMap {
    'applicant-list': ApplicantList;
  }
}
