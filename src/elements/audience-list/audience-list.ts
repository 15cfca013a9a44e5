import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { ref } from 'lit/directives/ref.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { LiveController } from '../../controllers/live-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import { RowFocusController, VirtualListController } from '../../controllers/virtual-list.js';
import type { Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { isManager } from '../../protocol/roles.js';
import type { Result } from '../../protocol/result.js';
import type { LiveMember } from '../../protocol/types.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import { displayName, isolate } from '../../utils/safe-url.js';
import { avatar } from '../shared/avatar.js';
import { perform } from '../shared/events.js';
import { listStyles } from '../shared/list.styles.js';
import styles from './audience-list.styles.js';
import { nameMatcher } from './search.js';
import { MemberInviteEvent, InvitationCancelEvent } from './events.js';

export * from './events.js';

/** Where a member stands in guest connection. */
type MemberStatus = 'seated' | 'invited' | 'applying' | 'none';

/** One row: a member and what the host may do. */
interface Row {
  readonly member: LiveMember;
  readonly status: MemberStatus;
  /** The host may invite them now (not seated, invited nor applying, not the owner nor the viewer). */
  readonly invitable: boolean;
  readonly self: boolean;
}

const ROW_HEIGHT_PROPERTY = '--audience-row-height';
const DEFAULT_ROW_HEIGHT = 56;
const STATUS_KEYS = {
  seated: 'audience.onSeat',
  invited: 'audience.invited',
  applying: 'audience.applying',
} as const;

/**
 * The host's view of the live's members (`liveAudienceStore.audienceList`), to invite them to a
 * seat: each row shows the member's avatar, name, role (host, admin) and guest status (on a seat,
 * invited, applying), with Invite for those the host may invite (`coGuestState.candidates`, less
 * the applicants, whom the host accepts instead) and Cancel invitation for those invited. A filter
 * narrows the list by name, ignoring case and accents, in any script. Shown to the live's owner and
 * administrators only: for anyone else it renders nothing (state `not-host`).
 *
 * Invitations go to `seat-index` (any free seat by default; a page that opened the list from an
 * empty seat sets it) and expire after `timeout` seconds.
 *
 * The list is virtualized like `<applicant-list>`: rows of one fixed height
 * (`--audience-row-height`, read once), only those in view in the DOM; Tab reaches the rendered
 * rows' buttons, ArrowUp / ArrowDown (Home, End, PageUp, PageDown) move between rows, and ArrowDown
 * in the filter moves to the first row.
 *
 * @summary The host's list of the live's members, to invite them to a seat.
 *
 * @csspart header - The bar above the list: the count and the filter.
 * @csspart count - "120 viewers": the live's viewers, its members (`audienceCount`) less the host and
 *   the administrators.
 * @csspart matches - "3 shown", while a filter is set (a polite live region).
 * @csspart filter - The filter's text field.
 * @csspart scroller - The scroll container of the list.
 * @csspart list - The list (`role="list"`).
 * @csspart row - One member (`role="listitem"`).
 * @csspart avatar - The member's avatar, or their initials.
 * @csspart name - The member's name.
 * @csspart you-badge - "You" on the viewer's own row.
 * @csspart role-badge - "Host" or "Admin".
 * @csspart status - "On seat", "Invited" or "Applying".
 * @csspart invite-button - Invites this member.
 * @csspart cancel-button - Withdraws this member's invitation.
 * @csspart empty - "No viewers", or "No viewer matches the filter".
 *
 * @cssproperty [--audience-row-height=56px] - Height of every row (read once, at first render).
 * @cssproperty [--audience-list-max-height=400px] - The list's height before it scrolls.
 *
 * @cssstate empty - No row is shown (no member, or none matches the filter).
 * @cssstate filtered - A filter is set.
 * @cssstate busy - An invitation or a cancellation the element sent is in progress.
 * @cssstate not-host - The viewer is not the owner nor an administrator; nothing is shown.
 *
 * @fires {MemberInviteEvent} member-invite - Before inviting a member. Cancelable; carries `userId`,
 *   `seatIndex` and `member`.
 * @fires {InvitationCancelEvent} invitation-cancel - Before withdrawing an invitation. Cancelable;
 *   carries `userId` and `member`.
 * @fires {ActionErrorEvent} action-error - An invitation or a cancellation failed.
 */
export class AudienceList extends LitElement {
  static override styles = [tokens, base, listStyles, styles];

  /** An explicit session; `null` (default) to take it from `<live-core-view>` or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** The live to show; `null` (default) to take it from `<live-core-view>`. */
  @property({ attribute: 'live-id' }) liveId: string | null = null;

  /** The seat invitations ask for: `-1` (default) for any free seat, else a 0-based seat index. */
  @property({ type: Number, attribute: 'seat-index' }) seatIndex = -1;

  /** Seconds before an invitation expires; `0` for never. */
  @property({ type: Number }) timeout = 30;

  /** The filter's text. */
  @state() private filter = '';

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #live = new LiveController(this);
  #virtual = new VirtualListController(this, {
    rowHeightProperty: ROW_HEIGHT_PROPERTY,
    defaultRowHeight: DEFAULT_ROW_HEIGHT,
  });
  #members = this.#live.bind((stores) => stores.audience.audienceList, []);
  #count = this.#live.bind((stores) => stores.audience.audienceCount, 0);
  #candidates = this.#live.bind((stores) => stores.coGuest.coGuestState.candidates, []);
  #connected = this.#live.bind((stores) => stores.coGuest.coGuestState.connected, []);
  #invitees = this.#live.bind((stores) => stores.coGuest.coGuestState.invitees, []);
  #applicants = this.#live.bind((stores) => stores.coGuest.coGuestState.applicants, []);
  #role = this.#live.bind((stores) => stores.audience.selfRole, null);
  #user = this.#live.bindSession((session) => session.loginStore.loginUserInfo);
  #rowFocus = new RowFocusController(this, this.#virtual, {
    count: () => this.#rows().length,
    keyAt: (index) => this.#rows()[index]?.member.userId,
    indexOf: (userId) => this.#rows().findIndex((row) => row.member.userId === userId),
  });
  /** Members whose invitation or cancellation is in flight. */
  #busy = new Set<string>();
  #failedAvatars = new Set<string>();
  /** Folded names, for the filter. */
  #folded = new Map<string, string>();
  /** The rows of the last derivation, and what they came from. */
  #memo: { readonly inputs: readonly unknown[]; readonly rows: readonly Row[] } = { inputs: [], rows: [] };

  constructor() {
    super();
    new ThemeController(this);
  }

  // Derived here rather than in `willUpdate`: the live's stores are resolved by the controllers'
  // `hostUpdate`, which runs between the two.
  protected override update(changed: PropertyValues<this>): void {
    const manager = isManager(this.#role.value);
    const rows = this.#rows();
    this.#virtual.count = manager ? rows.length : 0;
    setStates(this.#internals, {
      'not-host': !manager,
      empty: manager && rows.length === 0,
      filtered: manager && this.filter.trim() !== '',
      busy: manager && this.#busy.size > 0,
    });
    super.update(changed);
  }

  protected override render() {
    if (!isManager(this.#role.value)) return nothing;
    const t = this.#i18n.t.bind(this.#i18n);
    const rows = this.#rows();
    const filtered = this.filter.trim() !== '';
    const empty = rows.length === 0;
    // Viewers: the members less the host and the administrators (a manager's list has them all).
    const viewers = this.#count.value - this.#members.value.filter((member) => isManager(member.role)).length;
    return html`
      <div class="base" lang=${this.#i18n.lang}>
        <div class="header" part="header">
          <span class="count" part="count"
            >${t(viewers === 1 ? 'audience.countOne' : 'audience.count', { count: viewers })}</span
          >
          <span class="matches" part="matches" role="status"
            >${filtered ? t('audience.matches', { count: rows.length }) : ''}</span
          >
          <label class="visually-hidden" for="filter">${t('audience.filter')}</label>
          <input
            id="filter"
            class="filter"
            part="filter"
            type="search"
            autocomplete="off"
            spellcheck="false"
            placeholder=${t('audience.filter')}
            .value=${live(this.filter)}
            @input=${this.#onFilterInput}
            @keydown=${this.#onFilterKeyDown}
          />
        </div>
        <div class="scroller" part="scroller" ?hidden=${empty} ${ref(this.#virtual.observe)}>
          <div
            class="list"
            part="list"
            role="list"
            aria-label=${t('audience.label')}
            style=${styleMap({ height: `${this.#virtual.totalHeight}px` })}
            ${ref(this.#rowFocus.observe)}
          >
            ${repeat(
              this.#virtual.indices(),
              (index) => rows[index]?.member.userId ?? index,
              (index) => this.#row(rows, index),
            )}
          </div>
        </div>
        <p class="empty" part="empty" ?hidden=${!empty}>
          ${filtered ? t('audience.noMatch') : t('audience.empty')}
        </p>
      </div>
    `;
  }

  #row(rows: readonly Row[], index: number) {
    const row = rows[index];
    if (row === undefined) return nothing;
    const { member, status, invitable, self } = row;
    const t = this.#i18n.t.bind(this.#i18n);
    const name = displayName(member);
    const label = isolate(name);
    const busy = this.#busy.has(member.userId);
    const role =
      member.role === 'owner'
        ? t('audience.roleOwner')
        : member.role === 'admin'
          ? t('audience.roleAdmin')
          : '';
    return html`
      <div
        class="row"
        part="row"
        role="listitem"
        tabindex="-1"
        aria-setsize=${rows.length}
        aria-posinset=${index + 1}
        aria-busy=${busy ? 'true' : 'false'}
        data-index=${index}
        style=${styleMap({ top: `${this.#virtual.top(index)}px`, height: `${this.#virtual.rowHeight}px` })}
      >
        ${avatar(name, member.avatarUrl, (url) => this.#failedAvatars.has(url), this.#onAvatarError)}
        <span class="text">
          <span class="line">
            <bdi class="name" part="name">${name}</bdi>
            ${self ? html`<span class="badge" part="you-badge">${t('audience.you')}</span>` : nothing}
            ${role === '' ? nothing : html`<span class="badge role" part="role-badge">${role}</span>`}
          </span>
          ${
            status === 'none'
              ? nothing
              : html`<span class="line secondary"
                  ><span class="status ${status}" part="status">${t(STATUS_KEYS[status])}</span></span
                >`
          }
        </span>
        ${
          invitable
            ? html`<button
                class="button accent"
                part="invite-button"
                aria-label=${t('audience.inviteUser', { name: label })}
                aria-disabled=${busy ? 'true' : 'false'}
                @click=${() => void this.#invite(member)}
              >
                ${t('audience.invite')}
              </button>`
            : nothing
        }
        ${
          status === 'invited'
            ? html`<button
                class="button"
                part="cancel-button"
                aria-label=${t('audience.cancelInvitationUser', { name: label })}
                aria-disabled=${busy ? 'true' : 'false'}
                @click=${() => void this.#cancel(member)}
              >
                ${t('audience.cancelInvitation')}
              </button>`
            : nothing
        }
      </div>
    `;
  }

  #onFilterInput(event: InputEvent): void {
    this.filter = (event.target as HTMLInputElement).value;
  }

  #onFilterKeyDown(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' || this.#rows().length === 0) return;
    event.preventDefault();
    void this.#rowFocus.focusRow(0);
  }

  #onAvatarError(event: Event): void {
    this.#failedAvatars.add((event.target as HTMLImageElement).src);
    this.requestUpdate();
  }

  async #invite(member: LiveMember): Promise<void> {
    const stores = this.#live.stores;
    if (stores === null || this.#busy.has(member.userId)) return;
    const seatIndex = this.seatIndex;
    if (!this.dispatchEvent(new MemberInviteEvent(member, seatIndex))) return;
    const timeout = this.timeout;
    await this.#run(member.userId, 'inviteToSeat', () =>
      stores.coGuest.inviteToSeat({ inviteeId: member.userId, seatIndex, timeout }),
    );
  }

  async #cancel(member: LiveMember): Promise<void> {
    const stores = this.#live.stores;
    if (stores === null || this.#busy.has(member.userId)) return;
    if (!this.dispatchEvent(new InvitationCancelEvent(member))) return;
    await this.#run(member.userId, 'cancelInvitation', () => stores.coGuest.cancelInvitation(member.userId));
  }

  /** Runs one action for `userId`, its row busy meanwhile (the store's update arrives first). */
  async #run(userId: string, action: string, call: () => Promise<Result<unknown>>): Promise<void> {
    this.#busy.add(userId);
    this.requestUpdate();
    try {
      await perform(this, action, call);
    } finally {
      this.#busy.delete(userId);
      this.requestUpdate();
    }
  }

  /** The rows to show: the members matching the filter, with their status (memoized). */
  #rows(): readonly Row[] {
    const inputs = [
      this.#members.value,
      this.#candidates.value,
      this.#connected.value,
      this.#invitees.value,
      this.#applicants.value,
      this.#user.value,
      this.filter,
    ];
    const memo = this.#memo;
    if (inputs.length === memo.inputs.length && inputs.every((value, i) => value === memo.inputs[i])) {
      return memo.rows;
    }
    const [members, candidates, connected, invitees, applicants] = [
      this.#members.value,
      this.#candidates.value,
      this.#connected.value,
      this.#invitees.value,
      this.#applicants.value,
    ];
    const seated = new Set(connected.map((item) => item.userId));
    const invited = new Set(invitees.map((item) => item.userId));
    const applying = new Set(applicants.map((item) => item.userId));
    const open = new Set(candidates.map((item) => item.userId));
    const selfId = this.#user.value?.userId;
    if (this.#folded.size > 4 * members.length + 1000) this.#folded.clear();
    const matches = nameMatcher(this.filter, this.#folded);
    const rows: Row[] = [];
    for (const member of members) {
      if (!matches(displayName(member))) continue;
      const userId = member.userId;
      const status: MemberStatus = seated.has(userId)
        ? 'seated'
        : invited.has(userId)
          ? 'invited'
          : applying.has(userId)
            ? 'applying'
            : 'none';
      rows.push({
        member,
        status,
        invitable: open.has(userId) && status === 'none',
        self: userId === selfId,
      });
    }
    this.#memo = { inputs, rows };
    return rows;
  }
}

customElements.define('audience-list', AudienceList);

declare global {
  interface HTMLElementTagNameMap {
    'audience-list': AudienceList;
  }
}
