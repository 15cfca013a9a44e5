/**
 * <seat-menu>: the host's per-seat menu, driven through real sessions on the local hub: the host
 * acts from the menu, the guests' sessions see the result.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
import type { Session } from '../../src/core/index.js';
import {
  SeatDeviceAllowEvent,
  SeatDeviceCloseEvent,
  SeatDeviceForbidEvent,
  SeatKickEvent,
  SeatLockEvent,
  SeatMenu,
  SeatMoveEvent,
  SeatUnlockEvent,
} from '../../src/elements/seat-menu/seat-menu.js';
import '../../src/elements/live-core-view/live-core-view.js';
import type { LiveCoreView } from '../../src/elements/live-core-view/live-core-view.js';
import type { ActionErrorEvent } from '../../src/elements/shared/events.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import type { SeatInfo, SeatUserInfo } from '../../src/protocol/types.js';
import { waitFor } from '../core/helpers.js';
import { HOSTILE_STRINGS, inertIn } from './shared/hostile.js';
import { startLive, type TestLive } from './shared/live.js';

/** Ada sits on seat 2 (index 1); the host is on seat 1 (index 0). */
const ADA_SEAT = 1;

let live: TestLive;

async function menu(
  options: { session?: Session; seatIndex?: number; seat?: SeatInfo | null } = {},
): Promise<SeatMenu> {
  const wrapper = await fixture<HTMLDivElement>(html`
    <div>
      <button id="before">before</button>
      <seat-menu
        .session=${options.session ?? live.host}
        live-id=${live.liveId}
        seat-index=${options.seatIndex ?? ADA_SEAT}
        .seat=${options.seat ?? null}
      ></seat-menu>
      <button id="after">after</button>
    </div>
  `);
  const el = wrapper.querySelector('seat-menu')!;
  await el.updateComplete;
  return el;
}

function trigger(el: SeatMenu): HTMLButtonElement {
  const found = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="trigger"]');
  if (found === null) throw new Error('no trigger');
  return found;
}

function panel(el: SeatMenu): HTMLElement {
  const found = el.shadowRoot!.querySelector<HTMLElement>('[part~="menu"]');
  if (found === null) throw new Error('no menu');
  return found;
}

function items(el: SeatMenu): HTMLButtonElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')];
}

function labels(el: SeatMenu): string[] {
  return items(el).map((item) => (item.textContent ?? '').trim());
}

function item(el: SeatMenu, label: string): HTMLButtonElement {
  const found = items(el).find((candidate) => (candidate.textContent ?? '').trim() === label);
  if (found === undefined) throw new Error(`no item "${label}" in ${JSON.stringify(labels(el))}`);
  return found;
}

/** The focused item's label, or `''` when focus is not on an item. */
function focusedLabel(el: SeatMenu): string {
  const active = el.shadowRoot!.activeElement;
  return active?.getAttribute('role') === 'menuitem' ? (active.textContent ?? '').trim() : '';
}

function triggerFocused(el: SeatMenu): boolean {
  return el.shadowRoot!.activeElement === trigger(el);
}

/** Text without the Unicode isolation marks put around user names. */
function plain(text: string | null): string {
  return (text ?? '').replace(/[\u2068\u2069]/g, '');
}

function isOpen(el: SeatMenu): boolean {
  return el.matches(':state(open)');
}

/** Opens the menu like a keyboard user: focus the button, press `key`. */
async function openWith(el: SeatMenu, key = 'Enter'): Promise<void> {
  trigger(el).focus();
  await sendKeys({ press: key });
  await waitUntil(() => isOpen(el) && focusedLabel(el) !== '', `the menu opens with ${key}`);
}

function seatOf(session: Session, index: number): SeatInfo | undefined {
  return session.liveSeatStore(live.liveId).seatList.get()[index];
}

function hostSeats() {
  return live.host.liveSeatStore(live.liveId).seatList;
}

/** Chooses `label` with the keyboard (focus it, press Enter). */
async function choose(el: SeatMenu, label: string): Promise<void> {
  if (!isOpen(el)) await openWith(el);
  item(el, label).focus();
  await sendKeys({ press: 'Enter' });
}

function adaSeated(seat: SeatInfo | undefined): boolean {
  return seat?.userInfo?.userId === 'ada';
}

describe('<seat-menu>', () => {
  beforeEach(async () => {
    live = await startLive({ audience: ['ada', 'grace'] });
    await live.seat('ada', ADA_SEAT);
    const published = await live
      .session('ada')
      .liveSeatStore(live.liveId)
      .publishDeviceStatus({ microphone: 'on' });
    expect(published.isSuccess, 'ada opens her microphone').to.equal(true);
    await waitFor(hostSeats(), (seats) => seats[ADA_SEAT]?.userInfo?.microphoneStatus === 'on', 'mic on');
  });

  afterEach(() => {
    setLocale('en');
    live.close();
  });

  describe('accessibility', () => {
    it('passes axe with the menu closed and open', async () => {
      const el = await menu();
      await expect(el).to.be.accessible();
      await openWith(el);
      await expect(el).to.be.accessible();
    });

    it('passes axe for an empty seat, closed and open', async () => {
      const el = await menu({ seatIndex: 4 });
      await expect(el).to.be.accessible();
      await openWith(el);
      await expect(el).to.be.accessible();
    });

    it('is a menu button named after the seat user', async () => {
      const el = await menu();
      const button = trigger(el);
      expect(button.localName).to.equal('button');
      expect(plain(button.getAttribute('aria-label'))).to.equal('Actions for Ada');
      expect(button.getAttribute('aria-haspopup')).to.equal('menu');
      expect(button.getAttribute('aria-expanded')).to.equal('false');
      expect(button.getAttribute('aria-controls')).to.equal(panel(el).id);
      expect(panel(el).getAttribute('role')).to.equal('menu');
      expect(plain(panel(el).getAttribute('aria-label'))).to.equal('Actions for Ada');
    });

    it('isolates the user name in its labels', async () => {
      const el = await menu();
      expect(trigger(el).getAttribute('aria-label')).to.include('\u2068Ada\u2069');
    });

    it('names the button of an empty seat by the seat number', async () => {
      const el = await menu({ seatIndex: 4 });
      expect(trigger(el).getAttribute('aria-label')).to.equal('Actions for seat 5');
    });

    it('says when it is expanded, and lists menu items', async () => {
      const el = await menu();
      await openWith(el);
      expect(trigger(el).getAttribute('aria-expanded')).to.equal('true');
      expect(items(el).length).to.be.greaterThan(0);
      for (const entry of items(el)) {
        expect(entry.localName).to.equal('button');
        expect(entry.getAttribute('tabindex')).to.equal('-1');
      }
    });

    it('hides its icon from assistive technology', async () => {
      const el = await menu();
      const icon = trigger(el).querySelector('svg');
      expect(icon?.getAttribute('aria-hidden')).to.equal('true');
    });

    it('opens in the top layer, so a clipping tile does not cut it', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`
        <div style="position: relative; width: 80px; height: 40px; overflow: hidden">
          <seat-menu .session=${live.host} live-id=${live.liveId} seat-index=${ADA_SEAT}></seat-menu>
        </div>
      `);
      const el = wrapper.querySelector('seat-menu')!;
      await el.updateComplete;
      await openWith(el);
      const box = panel(el).getBoundingClientRect();
      const clip = wrapper.getBoundingClientRect();
      expect(panel(el).matches(':popover-open')).to.equal(true);
      expect(box.height > clip.height || box.width > clip.width, 'larger than the clip').to.equal(true);
      expect(document.elementFromPoint(box.left + 10, box.bottom - 10) === el, 'hit at its bottom').to.equal(
        true,
      );
    });
  });

  describe('placement', () => {
    const CORNERS = {
      'top left': 'top: 0; left: 0',
      'top right': 'top: 0; right: 0',
      'bottom left': 'bottom: 0; left: 0',
      'bottom right': 'bottom: 0; right: 0',
    };

    /** Where `entry` is, for messages. */
    function where(entry: HTMLElement, context: string): string {
      const box = entry.getBoundingClientRect();
      const at = [box.left, box.top, box.right, box.bottom].map(Math.round).join(',');
      return `${context}: "${(entry.textContent ?? '').trim()}" at ${at} in ${innerWidth}×${innerHeight}`;
    }

    /** `entry` lies inside the viewport and takes a click at its centre. */
    function expectInView(el: SeatMenu, entry: HTMLElement, context: string): void {
      const box = entry.getBoundingClientRect();
      const inside = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
      expect(inside, `${where(entry, context)} is inside the viewport`).to.equal(true);
      const hit = el.shadowRoot!.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      expect(hit === entry, `${where(entry, context)} takes a click`).to.equal(true);
    }

    async function openByClick(el: SeatMenu, context: string): Promise<HTMLButtonElement[]> {
      trigger(el).click();
      await waitUntil(() => isOpen(el) && focusedLabel(el) !== '', `the menu opens (${context})`);
      expect(labels(el), context).to.include('Kick off seat');
      return items(el);
    }

    async function close(el: SeatMenu, context: string): Promise<void> {
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !isOpen(el), `the menu closes (${context})`);
    }

    async function cornerMenu(style: string): Promise<SeatMenu> {
      const wrapper = await fixture<HTMLDivElement>(html`
        <div style=${`position: fixed; ${style}`}>
          <seat-menu .session=${live.host} live-id=${live.liveId} seat-index=${ADA_SEAT}></seat-menu>
        </div>
      `);
      const el = wrapper.querySelector('seat-menu')!;
      await el.updateComplete;
      return el;
    }

    /**
     * The menu of Ada's seat on the smallest floating tile the view draws (nine seats on a 200px
     * stage: at most 64px wide), at the bottom right corner.
     */
    async function smallestTileMenu(): Promise<SeatMenu> {
      const view = await fixture<LiveCoreView>(html`
        <live-core-view
          style="position: fixed; right: 0; bottom: 0; width: 200px"
          layout="fixed-float"
          .session=${live.host}
          live-id=${live.liveId}
          .streams=${new Map()}
          .speakingUsers=${new Set()}
        ></live-core-view>
      `);
      await waitUntil(
        () => view.shadowRoot!.querySelector('seat-menu') !== null,
        'the guest tile has a menu',
      );
      const cell = view.shadowRoot!.querySelector<HTMLElement>('[part~="cell-1"]')!;
      expect(cell.getBoundingClientRect().width, 'the smallest tile').to.be.within(32, 64);
      const el = cell.querySelector('seat-menu')!;
      await el.updateComplete;
      return el;
    }

    afterEach(async () => {
      await setViewport({ width: 800, height: 600 });
    });

    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      const size = `${viewport.width}×${viewport.height}`;

      it(`shows every item at once, in view, at the corners and on the smallest tile (${size})`, async () => {
        await setViewport(viewport);
        for (const [corner, style] of Object.entries(CORNERS)) {
          const el = await cornerMenu(style);
          const context = `${corner} of ${size}`;
          for (const entry of await openByClick(el, context)) expectInView(el, entry, context);
          await close(el, context);
          el.parentElement!.remove();
        }
        const el = await smallestTileMenu();
        const context = `the smallest tile at the bottom right of ${size}`;
        for (const entry of await openByClick(el, context)) expectInView(el, entry, context);
        await close(el, context);
      });
    }

    it('brings every item of a long menu into view on a short viewport, with the arrow keys', async () => {
      // 16 seats: 14 seats to move to, 20 items, more than a 640×360 viewport holds at once.
      live.close();
      live = await startLive({ audience: ['ada'], maxSeatCount: 16 });
      await live.seat('ada', ADA_SEAT);
      await setViewport({ width: 640, height: 360 });
      const cases: (readonly [string, () => Promise<SeatMenu>])[] = [
        ...Object.entries(CORNERS).map(([corner, style]) => [corner, () => cornerMenu(style)] as const),
        ['the smallest tile', smallestTileMenu],
      ];
      for (const [context, make] of cases) {
        const el = await make();
        const all = await openByClick(el, context);
        expect(panel(el).getBoundingClientRect().height, context).to.be.at.most(innerHeight);
        for (const entry of all) {
          expect(el.shadowRoot!.activeElement === entry, `${where(entry, context)} has focus`).to.equal(true);
          expectInView(el, entry, context);
          await sendKeys({ press: 'ArrowDown' });
        }
        await close(el, context);
      }
    });
  });

  describe('keyboard', () => {
    it('opens with Enter on the first item, and the arrows move and wrap', async () => {
      const el = await menu();
      await openWith(el, 'Enter');
      const all = labels(el);
      expect(focusedLabel(el)).to.equal(all[0]);
      await sendKeys({ press: 'ArrowDown' });
      expect(focusedLabel(el)).to.equal(all[1]);
      await sendKeys({ press: 'ArrowUp' });
      await sendKeys({ press: 'ArrowUp' });
      expect(focusedLabel(el)).to.equal(all[all.length - 1]);
      await sendKeys({ press: 'ArrowDown' });
      expect(focusedLabel(el)).to.equal(all[0]);
    });

    it('opens with Space and ArrowDown on the first item', async () => {
      for (const key of ['Space', 'ArrowDown']) {
        const el = await menu();
        await openWith(el, key);
        expect(focusedLabel(el), key).to.equal(labels(el)[0]);
      }
    });

    it('opens with ArrowUp on the last item', async () => {
      const el = await menu();
      await openWith(el, 'ArrowUp');
      expect(focusedLabel(el)).to.equal('Kick off seat');
    });

    it('jumps with Home and End', async () => {
      const el = await menu();
      await openWith(el);
      await sendKeys({ press: 'End' });
      expect(focusedLabel(el)).to.equal('Kick off seat');
      await sendKeys({ press: 'Home' });
      expect(focusedLabel(el)).to.equal(labels(el)[0]);
    });

    it('jumps to the next item that starts with a typed letter', async () => {
      const el = await menu();
      await openWith(el);
      await sendKeys({ press: 'k' });
      expect(focusedLabel(el)).to.equal('Kick off seat');
      await sendKeys({ press: 'l' });
      expect(focusedLabel(el)).to.equal('Lock seat');
    });

    it('closes with Escape and gives focus back to the button', async () => {
      const el = await menu();
      await openWith(el);
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !isOpen(el), 'the menu closes');
      expect(panel(el).matches(':popover-open')).to.equal(false);
      expect(triggerFocused(el)).to.equal(true);
      expect(trigger(el).getAttribute('aria-expanded')).to.equal('false');
    });

    it('closes with Tab and moves on to the next control', async () => {
      const el = await menu();
      await openWith(el);
      await sendKeys({ press: 'Tab' });
      await waitUntil(() => !isOpen(el), 'the menu closes');
      expect(document.activeElement?.id).to.equal('after');
    });

    it('closes with Shift+Tab and moves back to the previous control', async () => {
      const el = await menu();
      await openWith(el);
      await sendKeys({ press: 'Shift+Tab' });
      await waitUntil(() => !isOpen(el), 'the menu closes');
      expect(document.activeElement?.id).to.equal('before');
    });

    it('toggles with a click on the button, and closes on a click outside', async () => {
      const el = await menu();
      const box = trigger(el).getBoundingClientRect();
      await sendMouse({ type: 'click', position: [Math.round(box.x + 16), Math.round(box.y + 16)] });
      await waitUntil(() => isOpen(el), 'a click opens the menu');
      expect(focusedLabel(el)).to.equal(labels(el)[0]);
      await sendMouse({ type: 'click', position: [Math.round(box.x + 16), Math.round(box.y + 16)] });
      await waitUntil(() => !isOpen(el), 'a second click closes it');
      await sendMouse({ type: 'click', position: [Math.round(box.x + 16), Math.round(box.y + 16)] });
      await waitUntil(() => isOpen(el), 'a third click opens it again');
      await sendMouse({ type: 'click', position: [600, 500] });
      await waitUntil(() => !isOpen(el), 'a click outside closes it');
    });

    it('keeps focus in the open menu when the seat changes under it', async () => {
      const el = await menu();
      await openWith(el, 'ArrowUp');
      expect(focusedLabel(el)).to.equal('Kick off seat');
      expect((await live.session('ada').liveSeatStore(live.liveId).leaveSeat()).isSuccess).to.equal(true);
      await waitUntil(() => labels(el).length === 1, 'only Lock seat is left');
      await waitUntil(() => focusedLabel(el) === 'Lock seat', 'focus moves to the item left');
      expect(isOpen(el)).to.equal(true);
    });

    it('chooses an item with Enter and closes, focus back on the button', async () => {
      const el = await menu({ seatIndex: 4 });
      await choose(el, 'Lock seat');
      await waitUntil(() => !isOpen(el), 'the menu closes');
      expect(triggerFocused(el)).to.equal(true);
      await waitFor(hostSeats(), (seats) => seats[4]?.isLocked === true, 'seat 5 locked');
    });
  });

  describe('properties', () => {
    it('is registered as <seat-menu>', () => {
      expect(document.createElement('seat-menu')).to.be.instanceOf(SeatMenu);
    });

    it('lists what a host may do to a guest with the microphone on', async () => {
      const el = await menu();
      await openWith(el);
      expect(labels(el)).to.deep.equal([
        'Close microphone',
        'Forbid microphone',
        'Forbid camera',
        'Move to seat 3',
        'Move to seat 4',
        'Move to seat 5',
        'Move to seat 6',
        'Move to seat 7',
        'Move to seat 8',
        'Move to seat 9',
        'Lock seat',
        'Kick off seat',
      ]);
    });

    it('offers "Allow" for a forbidden device, and never one to turn it on', async () => {
      const seats = live.host.liveSeatStore(live.liveId);
      expect((await seats.closeRemoteCamera('ada', { forbid: true })).isSuccess).to.equal(true);
      expect((await seats.closeRemoteMicrophone('ada', { forbid: true })).isSuccess).to.equal(true);
      const el = await menu();
      await waitUntil(() => el.shadowRoot!.querySelector('[part~="trigger"]') !== null);
      await waitFor(hostSeats(), (s) => s[ADA_SEAT]?.userInfo?.allowOpenMicrophone === false, 'forbidden');
      await openWith(el);
      expect(labels(el).slice(0, 2)).to.deep.equal(['Allow microphone', 'Allow camera']);
    });

    it('lists no free seat that is locked, and only Lock or Unlock for an empty seat', async () => {
      expect((await live.host.liveSeatStore(live.liveId).lockSeat(2)).isSuccess).to.equal(true);
      await waitFor(hostSeats(), (seats) => seats[2]?.isLocked === true, 'seat 3 locked');
      const guest = await menu();
      await openWith(guest);
      expect(labels(guest)).not.to.include('Move to seat 3');
      const locked = await menu({ seatIndex: 2 });
      await openWith(locked);
      expect(labels(locked)).to.deep.equal(['Unlock seat']);
      const empty = await menu({ seatIndex: 3 });
      await openWith(empty);
      expect(labels(empty)).to.deep.equal(['Lock seat']);
    });

    it('follows the seat list at seat-index', async () => {
      const el = await menu();
      await openWith(el);
      expect(labels(el)).to.include('Close microphone');
      expect((await live.session('ada').liveSeatStore(live.liveId).muteMicrophone()).isSuccess).to.equal(
        true,
      );
      await waitUntil(() => !labels(el).includes('Close microphone'), 'the item goes with the mic');
      expect(labels(el)).to.include('Forbid microphone');
    });

    it('takes the seat from the seat property over seat-index', async () => {
      const seat = seatOf(live.host, 4)!;
      const el = await menu({ seat, seatIndex: ADA_SEAT });
      expect(trigger(el).getAttribute('aria-label')).to.equal('Actions for seat 5');
    });

    it('gives an administrator only Lock or Unlock on the owner seat', async () => {
      const audience = live.host.liveAudienceStore(live.liveId);
      expect((await audience.setAdministrator('grace')).isSuccess).to.equal(true);
      const graceRole = live.session('grace').liveAudienceStore(live.liveId).selfRole;
      await waitFor(graceRole, (role) => role === 'admin', 'grace is an admin');
      const owner = await menu({ session: live.session('grace'), seatIndex: 0 });
      await openWith(owner);
      expect(labels(owner)).to.deep.equal(['Lock seat']);
      const guest = await menu({ session: live.session('grace'), seatIndex: ADA_SEAT });
      await openWith(guest);
      expect(labels(guest)).to.include('Kick off seat');
    });

    it('renders nothing without a seat', async () => {
      const el = await fixture<SeatMenu>(
        html`<seat-menu .session=${live.host} live-id=${live.liveId}></seat-menu>`,
      );
      expect(el.shadowRoot!.querySelector('[part~="trigger"]')).to.equal(null);
      expect(el.matches(':state(hidden-for-role)')).to.equal(false);
    });
  });

  describe('states', () => {
    it('is hidden-for-role for the audience, rendering nothing', async () => {
      const el = await menu({ session: live.session('grace') });
      expect(el.matches(':state(hidden-for-role)')).to.equal(true);
      expect(el.shadowRoot!.querySelector('[part~="trigger"]')).to.equal(null);
      expect(getComputedStyle(el).display).to.equal('none');
    });

    it('is hidden-for-role on the host own seat', async () => {
      const el = await menu({ seatIndex: 0 });
      expect(el.matches(':state(hidden-for-role)')).to.equal(true);
      expect(el.shadowRoot!.querySelector('[part~="trigger"]')).to.equal(null);
    });

    it('shows up once the viewer becomes an administrator', async () => {
      const el = await menu({ session: live.session('grace') });
      expect((await live.host.liveAudienceStore(live.liveId).setAdministrator('grace')).isSuccess).to.equal(
        true,
      );
      await waitUntil(() => !el.matches(':state(hidden-for-role)'), 'the menu shows for the admin');
      expect(plain(trigger(el).getAttribute('aria-label'))).to.equal('Actions for Ada');
    });

    it('is open while the menu is open', async () => {
      const el = await menu();
      expect(isOpen(el)).to.equal(false);
      await openWith(el);
      expect(isOpen(el)).to.equal(true);
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !isOpen(el), 'closed');
    });

    it('is not open after being moved while open', async () => {
      const el = await menu();
      await openWith(el);
      const parent = el.parentElement!;
      el.remove();
      expect(isOpen(el)).to.equal(false);
      parent.append(el);
      await el.updateComplete;
      expect(isOpen(el)).to.equal(false);
      expect(trigger(el).getAttribute('aria-expanded')).to.equal('false');
    });

    it('is busy while an action runs', async () => {
      const el = await menu({ seatIndex: 4 });
      await openWith(el);
      item(el, 'Lock seat').click();
      // Set at once: the local hub may answer before the next render.
      expect(el.matches(':state(busy)')).to.equal(true);
      await waitUntil(() => !el.matches(':state(busy)'), 'the action ends');
      await el.updateComplete;
      expect(trigger(el).getAttribute('aria-disabled')).to.equal('false');
      expect(trigger(el).popoverTargetElement === panel(el), 'the button invokes the menu').to.equal(true);
    });
  });

  describe('parts', () => {
    it('exposes trigger, menu, group, item, item-danger and separator', async () => {
      const el = await menu();
      await openWith(el);
      for (const name of ['trigger', 'menu', 'group', 'item', 'item-danger', 'separator']) {
        expect(el.shadowRoot!.querySelector(`[part~="${name}"]`) !== null, name).to.equal(true);
      }
      const danger = el.shadowRoot!.querySelector('[part~="item-danger"]')!;
      expect(danger.part.contains('item')).to.equal(true);
      expect((danger.textContent ?? '').trim()).to.equal('Kick off seat');
      expect(el.shadowRoot!.querySelector('[part~="group"]')!.getAttribute('aria-label')).to.equal(
        'Move to another seat',
      );
    });

    it('opens next to its button', async () => {
      const el = await menu();
      await openWith(el);
      const button = trigger(el).getBoundingClientRect();
      const box = panel(el).getBoundingClientRect();
      const below = Math.abs(box.top - button.bottom) <= 8;
      const above = Math.abs(box.bottom - button.top) <= 8;
      expect(
        below || above,
        `menu at ${box.top}..${box.bottom}, button ${button.top}..${button.bottom}`,
      ).to.equal(true);
      const aligned = Math.abs(box.right - button.right) <= 1 || Math.abs(box.left - button.left) <= 1;
      expect(aligned, `menu ${box.left}..${box.right}, button ${button.left}..${button.right}`).to.equal(
        true,
      );
    });

    it('is a 32px round button by default, sized by --seat-menu-size', async () => {
      const el = await menu();
      expect(trigger(el).getBoundingClientRect().width).to.equal(32);
      expect(getComputedStyle(trigger(el)).borderTopLeftRadius).to.equal('9999px');
      el.style.setProperty('--seat-menu-size', '40px');
      expect(trigger(el).getBoundingClientRect().width).to.equal(40);
    });

    it('lets the page style parts', async () => {
      const style = document.createElement('style');
      style.textContent = 'seat-menu.styled::part(item-danger) { color: rgb(7, 8, 9); }';
      document.head.append(style);
      try {
        const el = await menu();
        el.classList.add('styled');
        await openWith(el);
        expect(getComputedStyle(item(el, 'Kick off seat')).color).to.equal('rgb(7, 8, 9)');
      } finally {
        style.remove();
      }
    });
  });

  describe('events', () => {
    it('kicks a seated guest: seat-kick, then the guest is idle and the seat empty', async () => {
      const el = await menu();
      await openWith(el);
      const fired = oneEvent<SeatKickEvent>(el, SeatKickEvent.type);
      await choose(el, 'Kick off seat');
      const event = await fired;
      expect(event).to.be.instanceOf(SeatKickEvent);
      expect(event.seatIndex).to.equal(ADA_SEAT);
      expect(event.userInfo.userId).to.equal('ada');
      expect(event.cancelable && event.bubbles && event.composed).to.equal(true);
      const adaStatus = live.session('ada').coGuestStore(live.liveId).coGuestState.selfStatus;
      await waitFor(adaStatus, (status) => status === 'idle', 'ada is idle');
      await waitFor(hostSeats(), (seats) => seats[ADA_SEAT]?.userInfo === null, 'the seat is empty');
    });

    it('closes the microphone: seat-device-close, then the seat shows the mic off', async () => {
      const el = await menu();
      const fired = oneEvent<SeatDeviceCloseEvent>(el, SeatDeviceCloseEvent.type);
      await choose(el, 'Close microphone');
      const event = await fired;
      expect(event.device).to.equal('microphone');
      expect(event.userInfo.userId).to.equal('ada');
      const seat = await waitFor(
        hostSeats(),
        (seats) => seats[ADA_SEAT]?.userInfo?.microphoneStatus === 'off',
        'mic off',
      );
      expect(seat[ADA_SEAT]?.userInfo?.allowOpenMicrophone).to.equal(true);
    });

    it('forbids the camera, then allows it again without turning it on', async () => {
      const el = await menu();
      const forbidden = oneEvent<SeatDeviceForbidEvent>(el, SeatDeviceForbidEvent.type);
      await choose(el, 'Forbid camera');
      expect((await forbidden).device).to.equal('camera');
      await waitFor(
        hostSeats(),
        (seats) => seats[ADA_SEAT]?.userInfo?.allowOpenCamera === false,
        'camera forbidden',
      );
      await waitUntil(() => !el.matches(':state(busy)'), 'the action ends');
      const allowed = oneEvent<SeatDeviceAllowEvent>(el, SeatDeviceAllowEvent.type);
      await choose(el, 'Allow camera');
      expect((await allowed).device).to.equal('camera');
      const seats = await waitFor(
        hostSeats(),
        (list) => list[ADA_SEAT]?.userInfo?.allowOpenCamera === true,
        'camera allowed',
      );
      expect(seats[ADA_SEAT]?.userInfo?.cameraStatus).to.equal('off');
    });

    it('moves the guest to a free seat', async () => {
      const el = await menu();
      const fired = oneEvent<SeatMoveEvent>(el, SeatMoveEvent.type);
      await choose(el, 'Move to seat 6');
      const event = await fired;
      expect(event.targetIndex).to.equal(5);
      expect(event.seatIndex).to.equal(ADA_SEAT);
      await waitFor(
        hostSeats(),
        (seats) => adaSeated(seats[5]) && seats[ADA_SEAT]?.userInfo === null,
        'moved',
      );
    });

    it('locks and unlocks an empty seat', async () => {
      const el = await menu({ seatIndex: 4 });
      const locking = oneEvent<SeatLockEvent>(el, SeatLockEvent.type);
      await choose(el, 'Lock seat');
      const lock = await locking;
      expect(lock.seatIndex).to.equal(4);
      expect(lock.userInfo).to.equal(null);
      await waitFor(hostSeats(), (seats) => seats[4]?.isLocked === true, 'locked');
      await waitUntil(() => !el.matches(':state(busy)'), 'the action ends');
      const unlocking = oneEvent<SeatUnlockEvent>(el, SeatUnlockEvent.type);
      await choose(el, 'Unlock seat');
      expect((await unlocking).seatIndex).to.equal(4);
      await waitFor(hostSeats(), (seats) => seats[4]?.isLocked === false, 'unlocked');
    });

    it('locks an occupied seat: the guest keeps it', async () => {
      const el = await menu();
      await choose(el, 'Lock seat');
      const seats = await waitFor(hostSeats(), (list) => list[ADA_SEAT]?.isLocked === true, 'locked');
      expect(adaSeated(seats[ADA_SEAT])).to.equal(true);
    });

    it('does nothing but close when the page vetoes the event', async () => {
      const el = await menu();
      el.addEventListener(SeatKickEvent.type, (event) => event.preventDefault(), { once: true });
      await choose(el, 'Kick off seat');
      await waitUntil(() => !isOpen(el), 'the menu closes');
      expect(el.matches(':state(busy)')).to.equal(false);
      // Commands run in order: once a later command shows, a kick sent before it would show too.
      expect((await live.host.liveSeatStore(live.liveId).lockSeat(7)).isSuccess).to.equal(true);
      const seats = await waitFor(hostSeats(), (list) => list[7]?.isLocked === true, 'the later lock');
      expect(adaSeated(seats[ADA_SEAT])).to.equal(true);
    });

    it('fires action-error when the store refuses', async () => {
      // A stale seat: Grace is not on any seat, so the server refuses to kick her.
      const stale: SeatUserInfo = {
        ...seatOf(live.host, ADA_SEAT)!.userInfo!,
        userId: 'grace',
        userName: 'Grace',
      };
      const el = await menu({ seat: { ...seatOf(live.host, ADA_SEAT)!, userInfo: stale } });
      const failed = oneEvent<ActionErrorEvent>(el, 'action-error');
      await choose(el, 'Kick off seat');
      const error: ActionErrorEvent = await failed;
      expect(error.action).to.equal('kickUserOutOfSeat');
      expect(error.errorCode).to.be.a('number').and.not.equal(0);
      await waitUntil(() => !el.matches(':state(busy)'), 'busy ends after the failure');
    });
  });

  describe('i18n', () => {
    it('switches language at runtime', async () => {
      const el = await menu();
      await openWith(el);
      await loadLocale('zh-CN');
      setLocale('zh-CN');
      await el.updateComplete;
      expect(plain(trigger(el).getAttribute('aria-label'))).to.equal('Ada 的操作');
      expect(labels(el)).to.include('踢下麦');
      expect(trigger(el).getAttribute('lang')).to.equal('zh-CN');
      await loadLocale('ko');
      setLocale('ko');
      await el.updateComplete;
      expect(labels(el)).to.include('자리에서 내보내기');
      expect(labels(el)).to.include('6번 자리로 이동');
    });
  });

  describe('hostile data', () => {
    for (const name of HOSTILE_STRINGS) {
      it(`renders the name ${JSON.stringify(name)} inert`, async () => {
        const user = { ...seatOf(live.host, ADA_SEAT)!.userInfo!, userName: name };
        const el = await menu({ seat: { ...seatOf(live.host, ADA_SEAT)!, userInfo: user } });
        await openWith(el);
        expect(plain(trigger(el).getAttribute('aria-label'))).to.equal(`Actions for ${name.trim()}`);
        const check = inertIn(el);
        expect(check.ok, check.problem).to.equal(true);
        await expect(el).to.be.accessible();
      });
    }
  });
});
