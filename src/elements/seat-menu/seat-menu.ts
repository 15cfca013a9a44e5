import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { LiveController, type LiveStores } from '../../controllers/live-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import type { Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import type { MessageKey } from '../../i18n/messages.js';
import type { Result } from '../../protocol/result.js';
import { isManager } from '../../protocol/roles.js';
import type { Device, Role, SeatInfo, SeatUserInfo } from '../../protocol/types.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates, toggleState } from '../../utils/custom-states.js';
import { displayName, isolate } from '../../utils/safe-url.js';
import { perform } from '../shared/events.js';
import styles from './seat-menu.styles.js';
import { moreIcon } from '../../utils/icons.js';
import {
  SeatMenuEvent,
  SeatKickEvent,
  SeatDeviceCloseEvent,
  SeatDeviceAllowEvent,
  SeatDeviceForbidEvent,
  SeatLockEvent,
  SeatUnlockEvent,
  SeatMoveEvent,
} from './events.js';

export * from './events.js';

/** One entry of the menu: its text, the intent event it fires, and the store action it runs. */
interface MenuItem {
  readonly label: string;
  readonly danger: boolean;
  readonly event: () => SeatMenuEvent;
  /** The store action's name, for `action-error`. */
  readonly action: string;
  readonly run: (stores: LiveStores) => Promise<Result>;
}

/** A run of items between separators; `label` makes it a named group (the move targets). */
interface MenuGroup {
  readonly label: string | null;
  readonly items: readonly MenuItem[];
}

/** Which item takes focus when the menu opens. */
type FocusTarget = 'first' | 'last';

/** The least room left between the open menu and the viewport's edges, and to its button, in px. */
const MARGIN = 8;
const GAP = 4;

const DEVICE_KEYS = {
  microphone: {
    close: 'seatMenu.closeMicrophone',
    forbid: 'seatMenu.forbidMicrophone',
    allow: 'seatMenu.allowMicrophone',
  },
  camera: { close: 'seatMenu.closeCamera', forbid: 'seatMenu.forbidCamera', allow: 'seatMenu.allowCamera' },
} as const satisfies Record<Device, Record<'close' | 'forbid' | 'allow', MessageKey>>;

/**
 * The host's menu for one seat (owner and administrators): a small round button (⋮) that opens a
 * menu of what the viewer may do to the seat, following the room rules (docs/rules.md):
 *
 * - an occupied seat: close, forbid or allow the microphone and the camera (the host never turns a
 *   guest's device on: "Allow" only permits the guest to open it), move to a free unlocked seat,
 *   lock or unlock the seat (the occupant keeps a locked seat; the lock applies to the next user),
 *   kick off the seat;
 * - an empty seat: lock or unlock only.
 *
 * Only actions the viewer may take are listed: nobody kicks the owner, and an administrator may not
 * act on the owner or another administrator (for them only lock/unlock remain).
 *
 * Nothing is shown (state `hidden-for-role`) for viewers who are not the owner or an administrator,
 * and on the viewer's own seat (the host's own tile, e.g. the owner on seat 0): the host controls
 * their own devices and seat with their own controls, and a lock on one's own seat is not worth a
 * menu of its own.
 *
 * The seat comes from the `seat` property (the page keeps it current), or, when `seat` is `null`,
 * from the live's seat list at `seat-index`. Like every element of the kit, the session and live come
 * from `session`/`live-id`, an enclosing `<live-core-view>`, or the default session.
 *
 * The menu is a popover (`popover="auto"`, in the top layer: an `overflow: hidden` tile or stage does
 * not clip it), placed next to the button within the viewport: below it, or above it where there is
 * no room below (else as close as fits), its end edge on the button's or its start edge; it follows
 * the button while the page scrolls. It is never taller than the viewport (less 8px at each edge),
 * so on any tile every item shows at once unless the viewport is too short, where the menu scrolls. Keyboard: Enter, Space or ArrowDown on the button open it on the first item, ArrowUp on
 * the last; ArrowUp/ArrowDown move (wrapping), Home/End jump, a letter jumps to the next item that
 * starts with it; Escape closes it and returns focus to the button; Tab closes it and moves on. A
 * click outside closes it.
 *
 * Each item fires a cancelable intent event first; unless it is vetoed, the store action runs
 * (failures fire `action-error`). The menu closes after every choice.
 *
 * @summary The host's per-seat actions: devices, move, lock, kick.
 *
 * @csspart trigger - The round menu button.
 * @csspart menu - The menu (a popover).
 * @csspart group - The group of "Move to seat N" items.
 * @csspart item - Every menu item.
 * @csspart item-danger - The destructive item ("Kick off seat"), also an `item`.
 * @csspart separator - The line between groups of items.
 *
 * @cssproperty [--seat-menu-size=32px] - Width and height of the button.
 * @cssproperty [--seat-menu-background=var(--cg-overlay-background)] - Fill of the button (made to
 *   read on video).
 * @cssproperty [--seat-menu-color=var(--cg-color-on-overlay)] - Icon colour of the button.
 * @cssproperty [--seat-menu-min-width=12rem] - Minimum width of the menu.
 * @cssproperty [--seat-menu-max-height=100%] - Maximum height of the menu (it scrolls beyond); it is
 *   never taller than the viewport less 16px.
 *
 * @cssstate open - The menu is open.
 * @cssstate busy - An action runs; the button does not open the menu.
 * @cssstate hidden-for-role - The viewer may not manage this seat (not a host, or their own seat);
 *   nothing is rendered.
 *
 * @fires {SeatKickEvent} seat-kick - Before the seat's user is kicked. Cancelable.
 * @fires {SeatDeviceCloseEvent} seat-device-close - Before a device is closed. Cancelable.
 * @fires {SeatDeviceAllowEvent} seat-device-allow - Before a device is allowed again. Cancelable.
 * @fires {SeatDeviceForbidEvent} seat-device-forbid - Before a device is closed and forbidden. Cancelable.
 * @fires {SeatLockEvent} seat-lock - Before the seat is locked. Cancelable.
 * @fires {SeatUnlockEvent} seat-unlock - Before the seat is unlocked. Cancelable.
 * @fires {SeatMoveEvent} seat-move - Before the user moves to another seat. Cancelable.
 * @fires {ActionErrorEvent} action-error - A store action failed (`kickUserOutOfSeat`,
 *   `closeRemoteMicrophone`, `openRemoteCamera`, `lockSeat`, `moveUserToSeat`…).
 */
export class SeatMenu extends LitElement {
  static override styles = [tokens, base, styles];

  /** An explicit session; `null` (default) takes it from `<live-core-view>` or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** The live (`live-id`); `null` (default) takes it from `<live-core-view>`. */
  @property({ attribute: 'live-id' }) liveId: string | null = null;

  /** The seat to manage. When `null` (default), the seat at `seat-index` in the live's seat list. */
  @property({ attribute: false }) seat: SeatInfo | null = null;

  /** The index (0-based) of the seat to manage in the live's seat list, used while `seat` is `null`. */
  @property({ type: Number, attribute: 'seat-index' }) seatIndex: number | null = null;

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #live = new LiveController(this);
  #seats = this.#live.bind((stores) => stores.seats.seatList, []);
  #role = this.#live.bind((stores) => stores.audience.selfRole, null);
  #user = this.#live.bindSession((session) => session.loginStore.loginUserInfo);
  /** The menu is open (from the popover's `toggle` events). */
  #open = false;
  /** A chosen action runs. */
  #busy = false;
  #focusOnOpen: FocusTarget = 'first';
  #groups: readonly MenuGroup[] = [];
  #current: SeatInfo | null = null;
  #hidden = true;

  constructor() {
    super();
    new ThemeController(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A popover removed from the document closes without a toggle event.
    this.#follow(false);
  }

  protected override willUpdate(): void {
    const seat = this.seat ?? (this.seatIndex === null ? null : (this.#seats.value[this.seatIndex] ?? null));
    const role = this.#role.value;
    const manager = isManager(role);
    const own = seat?.userInfo != null && seat.userInfo.userId === this.#user.value?.userId;
    this.#current = seat;
    this.#hidden = seat === null || !manager || own;
    this.#groups = this.#hidden || seat === null || role === null ? [] : this.#menuFor(seat, role);
    setStates(this.#internals, {
      open: this.#open && !this.#hidden,
      busy: this.#busy,
      'hidden-for-role': seat !== null && (!manager || own),
    });
  }

  protected override updated(): void {
    // The button toggles the menu natively (click, Enter, Space) and is its invoker, so a click on it
    // while the menu is open closes the menu instead of light-dismissing and reopening it.
    const trigger = this.#trigger();
    const menu = this.#menu();
    if (trigger !== null) trigger.popoverTargetElement = this.#busy ? null : menu;
    // The seat changed under an open menu and took the focused item away: focus the first one.
    const active = this.shadowRoot?.activeElement ?? null;
    if (menu?.matches(':popover-open') === true && !menu.contains(active)) this.#items()[0]?.focus();
  }

  protected override render() {
    const seat = this.#current;
    if (this.#hidden || seat === null) return nothing;
    const label = this.#label(seat);
    return html`
      <button
        class="trigger"
        part="trigger"
        type="button"
        lang=${this.#i18n.lang}
        aria-label=${label}
        aria-haspopup="menu"
        aria-expanded=${this.#open ? 'true' : 'false'}
        aria-controls="menu"
        aria-disabled=${this.#busy ? 'true' : 'false'}
        @keydown=${this.#onTriggerKeyDown}
      >
        ${moreIcon}
      </button>
      <div
        id="menu"
        class="menu"
        part="menu"
        role="menu"
        .popover=${'auto'}
        lang=${this.#i18n.lang}
        aria-label=${label}
        @toggle=${this.#onToggle}
        @keydown=${this.#onMenuKeyDown}
      >
        ${this.#groups.map((group, index) => {
          const separator =
            index === 0 ? nothing : html`<div class="separator" part="separator" role="separator"></div>`;
          const items = group.items.map((item) => this.#renderItem(item));
          return html`${separator}${
            group.label === null
              ? items
              : html`<div class="group" part="group" role="group" aria-label=${group.label}>${items}</div>`
          }`;
        })}
      </div>
    `;
  }

  #renderItem(item: MenuItem): TemplateResult {
    return html`<button
      class=${item.danger ? 'item danger' : 'item'}
      part=${item.danger ? 'item item-danger' : 'item'}
      type="button"
      role="menuitem"
      tabindex="-1"
      @click=${() => void this.#choose(item)}
    >
      ${item.label}
    </button>`;
  }

  #onTriggerKeyDown(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    this.#openMenu(event.key === 'ArrowDown' ? 'first' : 'last');
  }

  #onToggle(event: ToggleEvent): void {
    const open = event.newState === 'open';
    this.#follow(open);
    this.requestUpdate();
    if (!open) {
      // Focus left inside a closed menu (a click outside on nothing focusable) goes back to the button.
      if (this.#menu()?.contains(this.shadowRoot?.activeElement ?? null)) this.#trigger()?.focus();
      return;
    }
    this.#place();
    const items = this.#items();
    (this.#focusOnOpen === 'first' ? items[0] : items[items.length - 1])?.focus();
    this.#focusOnOpen = 'first';
  }

  #onMenuKeyDown(event: KeyboardEvent): void {
    const items = this.#items();
    const index = items.indexOf(this.shadowRoot?.activeElement as HTMLElement);
    let next: number | null = null;
    switch (event.key) {
      case 'ArrowDown':
        next = (index + 1) % items.length;
        break;
      case 'ArrowUp':
        next = (index - 1 + items.length) % items.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = items.length - 1;
        break;
      case 'Escape':
        event.preventDefault();
        this.#close();
        return;
      case 'Tab':
        // Focus goes back to the button first, so that Tab's own move starts from there.
        this.#close();
        return;
      default:
        next = this.#typeahead(event, items, index);
    }
    if (next === null) return;
    event.preventDefault();
    items[next]?.focus();
  }

  async #choose(item: MenuItem): Promise<void> {
    const stores = this.#live.stores;
    this.#close();
    const event = item.event();
    this.dispatchEvent(event);
    if (event.defaultPrevented || stores === null) return;
    this.#setBusy(true);
    try {
      await perform(this, item.action, () => item.run(stores));
    } finally {
      this.#setBusy(false);
    }
  }

  #openMenu(focus: FocusTarget): void {
    const menu = this.#menu();
    if (this.#busy || menu === null || menu.matches(':popover-open')) return;
    this.#focusOnOpen = focus;
    menu.showPopover();
  }

  /** Records whether the menu is open; while it is, it follows its button as the page scrolls or resizes. */
  #follow(open: boolean): void {
    this.#open = open;
    toggleState(this.#internals, 'open', open);
    for (const type of ['scroll', 'resize']) {
      if (open) addEventListener(type, this.#place, { capture: true, passive: true });
      else removeEventListener(type, this.#place, { capture: true });
    }
  }

  /** Sets `busy` at once (the state shows before the next render). */
  #setBusy(busy: boolean): void {
    this.#busy = busy;
    toggleState(this.#internals, 'busy', busy);
    this.requestUpdate();
  }

  /** Closes the menu; focus goes back to the button. */
  #close(): void {
    const menu = this.#menu();
    this.#trigger()?.focus();
    if (menu?.matches(':popover-open') === true) menu.hidePopover();
  }

  /**
   * Places the open menu next to the button, inside the viewport less `MARGIN`: below it, else
   * above it, else as close to it as fits (over it); its end edge on the button's, else its start
   * edge, else as close as fits. Its height never exceeds the viewport (CSS), so every item shows.
   */
  #place = (): void => {
    const menu = this.#menu();
    const trigger = this.#trigger();
    if (menu === null || trigger === null) return;
    const box = trigger.getBoundingClientRect();
    const { clientWidth, clientHeight } = document.documentElement;
    const fit = (start: number, size: number, room: number): number =>
      Math.max(MARGIN, Math.min(start, room - MARGIN - size));
    const pick = (first: number, second: number, size: number, room: number): number =>
      fit(first, size, room) === first || fit(second, size, room) !== second
        ? fit(first, size, room)
        : second;
    const height = menu.offsetHeight;
    const width = menu.offsetWidth;
    menu.style.top = `${pick(box.bottom + GAP, box.top - GAP - height, height, clientHeight)}px`;
    menu.style.left = `${pick(box.right - width, box.left, width, clientWidth)}px`;
  };

  /** The index of the next item whose label starts with the typed letter, or `null`. */
  #typeahead(event: KeyboardEvent, items: readonly HTMLElement[], index: number): number | null {
    if (event.key.length !== 1 || event.ctrlKey || event.metaKey || event.altKey) return null;
    const key = event.key.toLocaleLowerCase();
    for (let step = 1; step <= items.length; step++) {
      const at = (index + step) % items.length;
      if ((items[at]?.textContent ?? '').trim().toLocaleLowerCase().startsWith(key)) return at;
    }
    return null;
  }

  #trigger(): HTMLButtonElement | null {
    return this.renderRoot.querySelector<HTMLButtonElement>('[part~="trigger"]');
  }

  #menu(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[part~="menu"]');
  }

  #items(): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  }

  #label(seat: SeatInfo): string {
    const user = seat.userInfo;
    return user === null
      ? this.#i18n.t('seatMenu.labelSeat', { index: seat.index + 1 })
      : this.#i18n.t('seatMenu.label', { name: isolate(displayName(user)) });
  }

  /** The groups of items the viewer may use on `seat`, following the room rules. */
  #menuFor(seat: SeatInfo, role: Role): MenuGroup[] {
    const t = this.#i18n.t.bind(this.#i18n);
    const index = seat.index;
    const user = seat.userInfo;
    const lock: MenuItem = seat.isLocked
      ? {
          label: t('seatMenu.unlock'),
          danger: false,
          event: () => new SeatUnlockEvent(index, user),
          action: 'unlockSeat',
          run: (stores) => stores.seats.unlockSeat(index),
        }
      : {
          label: t('seatMenu.lock'),
          danger: false,
          event: () => new SeatLockEvent(index, user),
          action: 'lockSeat',
          run: (stores) => stores.seats.lockSeat(index),
        };
    // The owner may act on anyone but themself; an administrator only on the audience.
    if (user === null || !(role === 'owner' ? user.role !== 'owner' : user.role === 'audience')) {
      return [{ label: null, items: [lock] }];
    }
    const devices = [
      ...this.#deviceItems(seat, user, 'microphone'),
      ...this.#deviceItems(seat, user, 'camera'),
    ];
    const moves = this.#seats.value
      .filter((target) => target.index !== index && target.userInfo === null && !target.isLocked)
      .map((target): MenuItem => ({
        label: t('seatMenu.move', { index: target.index + 1 }),
        danger: false,
        event: () => new SeatMoveEvent(index, user, target.index),
        action: 'moveUserToSeat',
        run: (stores) => stores.seats.moveUserToSeat(user.userId, target.index),
      }));
    const kick: MenuItem = {
      label: t('seatMenu.kick'),
      danger: true,
      event: () => new SeatKickEvent(index, user),
      action: 'kickUserOutOfSeat',
      run: (stores) => stores.seats.kickUserOutOfSeat(user.userId),
    };
    const groups: MenuGroup[] = [];
    if (devices.length > 0) groups.push({ label: null, items: devices });
    if (moves.length > 0) groups.push({ label: t('seatMenu.moveGroup'), items: moves });
    groups.push({ label: null, items: [lock] }, { label: null, items: [kick] });
    return groups;
  }

  /** Close (while on), forbid (while allowed) and allow (while forbidden) for one device. */
  #deviceItems(seat: SeatInfo, user: SeatUserInfo, device: Device): MenuItem[] {
    const keys = DEVICE_KEYS[device];
    const microphone = device === 'microphone';
    const on = (microphone ? user.microphoneStatus : user.cameraStatus) === 'on';
    const allowed = microphone ? user.allowOpenMicrophone : user.allowOpenCamera;
    const index = seat.index;
    const userId = user.userId;
    const items: MenuItem[] = [];
    if (on) {
      items.push({
        label: this.#i18n.t(keys.close),
        danger: false,
        event: () => new SeatDeviceCloseEvent(index, user, device),
        action: microphone ? 'closeRemoteMicrophone' : 'closeRemoteCamera',
        run: (stores) =>
          microphone ? stores.seats.closeRemoteMicrophone(userId) : stores.seats.closeRemoteCamera(userId),
      });
    }
    if (allowed) {
      items.push({
        label: this.#i18n.t(keys.forbid),
        danger: false,
        event: () => new SeatDeviceForbidEvent(index, user, device),
        action: microphone ? 'closeRemoteMicrophone' : 'closeRemoteCamera',
        run: (stores) =>
          microphone
            ? stores.seats.closeRemoteMicrophone(userId, { forbid: true })
            : stores.seats.closeRemoteCamera(userId, { forbid: true }),
      });
    } else {
      items.push({
        label: this.#i18n.t(keys.allow),
        danger: false,
        event: () => new SeatDeviceAllowEvent(index, user, device),
        action: microphone ? 'openRemoteMicrophone' : 'openRemoteCamera',
        run: (stores) =>
          microphone ? stores.seats.openRemoteMicrophone(userId) : stores.seats.openRemoteCamera(userId),
      });
    }
    return items;
  }
}

customElements.define('seat-menu', SeatMenu);

declare global {
  interface HTMLElementTagNameMap {
    'seat-menu': SeatMenu;
  }
}
