/**
 * <live-core-view>: the stage. Real stores on the in-page hub (test/browser/shared/live.ts); the
 * view reads the seats of one session, as a page would. Layers (builder and templates) are tested
 * in live-core-view-layers.test.ts, the pure layout helpers in live-core-view-layout.test.ts.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import { LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { LiveController } from '../../src/controllers/live-controller.js';
import {
  createSession,
  getDefaultSession,
  LiveCoreController,
  setDefaultSession,
  type Session,
} from '../../src/core/index.js';
import {
  EmptySeatSelectEvent,
  GuestSeatTile,
  SeatSelectEvent,
} from '../../src/elements/guest-seat-tile/guest-seat-tile.js';
import {
  LiveCoreView,
  SeatApplyRequestEvent,
  SeatInviteRequestEvent,
  SeatPinEvent,
  SeatUnpinEvent,
  STAGE_LAYOUTS,
  type StageLayout,
  type StageLayoutOption,
} from '../../src/elements/live-core-view/live-core-view.js';
import type { SeatMenu } from '../../src/elements/seat-menu/seat-menu.js';
import { DeviceStore } from '../../src/media/device-store.js';
import { LiveMedia } from '../../src/media/live-media.js';
import { ActionErrorEvent } from '../../src/elements/shared/events.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import type { SeatInfo } from '../../src/protocol/types.js';
import { waitFor } from '../core/helpers.js';
import { isShown, liveVideoStream, queryPart, stopStreams } from './shared/layers.js';
import { startLive, testUser, type LiveOptions, type TestLive } from './shared/live.js';

/** Shows the live it finds through LiveController: how a kit element inside the view sees it. */
@customElement('stage-probe')
class StageProbe extends LitElement {
  @property({ attribute: false }) session: Session | null = null;
  @property({ attribute: 'live-id' }) liveId: string | null = null;
  readonly live = new LiveController(this);
  readonly seats = this.live.bind((stores) => stores.seats.seatList, []);
  readonly user = this.live.bindSession((session) => session.loginStore.loginUserInfo);

  /** `<live id>/<user id>/<occupied seats>`. */
  get seen(): string {
    const occupiedSeats = this.seats.value.filter((seat) => seat.userInfo !== null).length;
    return `${this.live.liveId ?? '-'}/${this.user.value?.userId ?? '-'}/${occupiedSeats}`;
  }

  protected override render() {
    return html`<span>${this.seen}</span>`;
  }
}

let live: TestLive;

async function begin(options: LiveOptions = {}): Promise<TestLive> {
  live = await startLive(options);
  return live;
}

async function view(
  viewer = 'host',
  options: {
    layout?: StageLayoutOption;
    showEmptySeats?: boolean;
    streams?: ReadonlyMap<string, MediaStream>;
  } = {},
): Promise<LiveCoreView> {
  const el = await fixture<LiveCoreView>(
    html`<live-core-view
      style="width: 360px"
      .session=${live.session(viewer)}
      live-id=${live.liveId}
      layout=${options.layout ?? 'auto'}
      ?show-empty-seats=${options.showEmptySeats ?? false}
      .streams=${options.streams ?? null}
    ></live-core-view>`,
  );
  await el.updateComplete;
  return el;
}

function cells(el: LiveCoreView): HTMLElement[] {
  return Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="cell"]'));
}

function tiles(el: LiveCoreView): GuestSeatTile[] {
  return Array.from(el.shadowRoot!.querySelectorAll('guest-seat-tile'));
}

/** The seat indexes of the tiles shown, in DOM order. */
function shown(el: LiveCoreView): number[] {
  return tiles(el).map((tile) => tile.seat?.index ?? -1);
}

function tileOf(el: LiveCoreView, index: number): GuestSeatTile {
  const found = tiles(el).find((tile) => tile.seat?.index === index);
  if (found === undefined) throw new Error(`no tile for seat ${index}`);
  return found;
}

function stage(el: LiveCoreView): HTMLElement {
  return el.shadowRoot!.querySelector<HTMLElement>('[part~="stage"]')!;
}

function text(node: Element | null | undefined): string {
  return (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Activates a tile the way a pointer does (its `tile` part is what the user clicks). */
function click(tile: GuestSeatTile): void {
  queryPart(tile, 'tile')!.click();
}

/** Waits until the view shows exactly the seats `indexes`. */
async function showsSeats(el: LiveCoreView, indexes: readonly number[]): Promise<void> {
  await waitUntil(() => shown(el).join() === indexes.join(), `the view shows seats ${indexes.join()}`);
}

function isShownButton(button: HTMLElement): boolean {
  return button.checkVisibility();
}

function columns(el: LiveCoreView): number {
  return getComputedStyle(stage(el)).gridTemplateColumns.split(' ').length;
}

function rect(element: Element): DOMRect {
  return element.getBoundingClientRect();
}

/** The seat of the tile that has focus in the view, or `null`. */
function focusedSeat(el: LiveCoreView): number | null {
  const focused = el.shadowRoot!.activeElement;
  return focused instanceof GuestSeatTile ? (focused.seat?.index ?? -1) : null;
}

/**
 * Presses Tab `count` times; for each, what has focus: a tile's seat index, the part of one of the
 * view's controls (`pin-button`…, `seat-menu` for a seat menu), or the text of a page button.
 */
async function tabs(el: LiveCoreView, count: number): Promise<(number | string)[]> {
  const reached: (number | string)[] = [];
  for (let step = 0; step < count; step += 1) {
    await sendKeys({ press: 'Tab' });
    const focused = el.shadowRoot!.activeElement;
    if (focused instanceof GuestSeatTile) reached.push(focused.seat?.index ?? -1);
    else if (focused instanceof HTMLElement && focused.part.length > 0) reached.push(focused.part.value);
    else if (focused !== null) reached.push(focused.localName);
    else reached.push(document.activeElement?.textContent ?? 'none');
  }
  return reached;
}

describe('<live-core-view>', () => {
  afterEach(() => {
    live?.close();
    stopStreams();
    setDefaultSession(null);
  });

  describe('accessibility', () => {
    for (const layout of STAGE_LAYOUTS) {
      it(`passes axe in ${layout}, for the host and for the audience`, async () => {
        await begin({ audience: ['alice', 'bob'] });
        await live.seat('alice', 1);
        const host = await view('host', { layout });
        await showsSeats(host, layout.startsWith('fixed') ? [0, 1, 2, 3, 4, 5, 6, 7, 8] : [0, 1]);
        await expect(host).to.be.accessible();
        const audience = await view('bob', { layout });
        await expect(audience).to.be.accessible();
      });
    }

    it('passes axe with no live, and once the live ended', async () => {
      const idle = await fixture<LiveCoreView>(html`<live-core-view></live-core-view>`);
      await expect(idle).to.be.accessible();
      await begin({ audience: ['alice'] });
      const el = await view('alice');
      await live.host.liveListStore.endLive();
      await waitUntil(() => el.matches(':state(ended)'), 'the view shows the end');
      await expect(el).to.be.accessible();
    });

    it('is a list of seats named "Seats", one item per seat shown', async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 2);
      const el = await view('host');
      await showsSeats(el, [0, 2]);
      expect(stage(el).getAttribute('role')).to.equal('list');
      expect(stage(el).getAttribute('aria-label')).to.equal('Seats');
      expect(cells(el).map((cell) => cell.getAttribute('role'))).to.deep.equal(['listitem', 'listitem']);
      expect(cells(el).every((cell) => cell.parentElement === stage(el))).to.equal(true);
    });

    it("is one Tab stop: Tab enters on a tile, then reaches that tile's controls, then leaves", async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 4);
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <button type="button">before</button>
          <live-core-view layout="fixed-float" .session=${live.host} live-id=${live.liveId}></live-core-view>
          <button type="button">after</button>
        </div>`,
      );
      const el = wrapper.querySelector('live-core-view')!;
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      wrapper.querySelector('button')!.focus();
      expect(await tabs(el, 4)).to.deep.equal([0, 'fullscreen-button', 'pin-button', 'after']);
      // Arrows move along the tiles; the tile reached is the stage's stop from then on.
      wrapper.querySelector('button')!.focus();
      await sendKeys({ press: 'Tab' });
      for (let step = 0; step < 4; step += 1) await sendKeys({ press: 'ArrowRight' });
      expect(focusedSeat(el)).to.equal(4);
      expect(await tabs(el, 4)).to.deep.equal(['fullscreen-button', 'pin-button', 'seat-menu', 'after']);
      await sendKeys({ press: 'Shift+Tab' });
      await sendKeys({ press: 'Shift+Tab' });
      await sendKeys({ press: 'Shift+Tab' });
      await sendKeys({ press: 'Shift+Tab' });
      expect(focusedSeat(el)).to.equal(4);
      await sendKeys({ press: 'Shift+Tab' });
      expect(document.activeElement?.textContent).to.equal('before');
    });

    it('marks its texts with the language of the messages', async () => {
      const el = await fixture<LiveCoreView>(html`<live-core-view></live-core-view>`);
      expect(el.shadowRoot!.querySelector('[part~="frame"]')!.getAttribute('lang')).to.equal('en');
    });
  });

  describe('properties', () => {
    it('has documented defaults', () => {
      const el = document.createElement('live-core-view');
      expect(el).to.be.instanceOf(LiveCoreView);
      expect([
        el.session,
        el.liveId,
        el.controller,
        el.layout,
        el.showEmptySeats,
        el.videoWidgetBuilder,
        el.streams,
        el.speakingUsers,
        el.activeLayout,
        el.pinned,
        el.speakerHold,
        el.noTileControls,
      ]).to.deep.equal([
        null,
        null,
        null,
        'auto',
        false,
        null,
        null,
        null,
        'dynamic-grid',
        null,
        1500,
        false,
      ]);
    });

    it('takes live-id, layout, show-empty-seats, pinned, speaker-hold and no-tile-controls as attributes', async () => {
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          live-id="room-1"
          layout="fixed-float"
          show-empty-seats
          pinned="ada"
          speaker-hold="300"
          no-tile-controls
        ></live-core-view>`,
      );
      expect([
        el.liveId,
        el.layout,
        el.showEmptySeats,
        el.pinned,
        el.speakerHold,
        el.noTileControls,
      ]).to.deep.equal(['room-1', 'fixed-float', true, 'ada', 300, true]);
    });

    it('shows one tile per seat with the seat, keyed by the seat index', async () => {
      await begin({ audience: ['alice', 'bob'] });
      await live.seat('alice', 3);
      const el = await view('host');
      await showsSeats(el, [0, 3]);
      const hostTile = tileOf(el, 0);
      expect(tileOf(el, 3).seat?.userInfo?.userId).to.equal('alice');
      await live.seat('bob', 1);
      await showsSeats(el, [0, 1, 3]);
      expect(tileOf(el, 0) === hostTile, 'the host keeps its tile').to.equal(true);
      await live.session('alice').coGuestStore(live.liveId).disconnect();
      await showsSeats(el, [0, 1]);
      expect(tiles(el).length).to.equal(2);
    });

    it("gives each tile its user's stream", async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 1);
      const streams = new Map([['alice', liveVideoStream()]]);
      const el = await view('host', { streams });
      await showsSeats(el, [0, 1]);
      expect(tileOf(el, 1).stream === streams.get('alice'), "alice's stream").to.equal(true);
      expect(tileOf(el, 0).stream === null, 'no stream for the host').to.equal(true);
      el.streams = new Map([['host', liveVideoStream()]]);
      await el.updateComplete;
      expect(tileOf(el, 0).stream !== null, 'the host now has one').to.equal(true);
      expect(tileOf(el, 1).stream === null, 'alice has none').to.equal(true);
    });

    it("marks the logged-in user's tile local, and speaking users' tiles", async () => {
      await begin({ audience: ['alice', 'bob'] });
      await live.seat('alice', 1);
      await live.seat('bob', 2);
      const el = await view('alice');
      await showsSeats(el, [0, 1, 2]);
      expect(tiles(el).map((tile) => tile.local)).to.deep.equal([false, true, false]);
      expect(tiles(el).map((tile) => tile.speaking)).to.deep.equal([false, false, false]);
      el.speakingUsers = new Set(['bob', 'host']);
      await el.updateComplete;
      expect(tiles(el).map((tile) => tile.speaking)).to.deep.equal([true, false, true]);
    });

    it('makes every tile selectable', async () => {
      await begin({ audience: ['alice'] });
      const el = await view('host', { layout: 'fixed-grid' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(tiles(el).every((tile) => tile.selectable)).to.equal(true);
    });

    it('shows nothing without a live, and empties when the live id goes', async () => {
      await begin({ audience: ['alice'] });
      const el = await view('host');
      await showsSeats(el, [0]);
      el.liveId = null;
      await el.updateComplete;
      expect(tiles(el).length).to.equal(0);
    });
  });

  describe('layouts', () => {
    const auto: readonly (readonly [number, StageLayout])[] = [
      [9, 'dynamic-grid'],
      [7, 'dynamic-float'],
      [4, 'landscape'],
      [16, 'dynamic-grid'],
    ];
    for (const [maxSeatCount, expected] of auto) {
      it(`picks ${expected} for a live with ${maxSeatCount} seats`, async () => {
        await begin({ maxSeatCount });
        const el = await view('host');
        await waitUntil(() => el.activeLayout === expected, `the view picks ${expected}`);
        expect(el.matches(`:state(${expected})`)).to.equal(true);
      });
    }

    it('follows the layout attribute, and takes an unknown one as auto', async () => {
      await begin({ maxSeatCount: 7 });
      const el = await view('host', { layout: 'fixed-grid' });
      expect(el.activeLayout).to.equal('fixed-grid');
      el.layout = 'landscape';
      await el.updateComplete;
      expect(el.activeLayout).to.equal('landscape');
      el.setAttribute('layout', 'nonsense');
      await el.updateComplete;
      expect(el.activeLayout).to.equal('dynamic-float');
    });

    it('dynamic-grid: shows only occupied seats, in a grid that adapts to their count', async () => {
      await begin({ audience: ['alice', 'bob', 'carol', 'dave'] });
      const el = await view('host', { layout: 'dynamic-grid' });
      await showsSeats(el, [0]);
      expect(columns(el)).to.equal(1);
      await live.seat('alice', 5);
      await showsSeats(el, [0, 5]);
      expect(columns(el)).to.equal(2);
      for (const userId of ['bob', 'carol', 'dave']) await live.seat(userId);
      await waitUntil(() => shown(el).length === 5, 'five seats shown');
      expect(columns(el)).to.equal(3);
      const [first, second] = cells(el).map(rect);
      expect(Math.round(first!.width)).to.equal(Math.round(second!.width));
    });

    it('dynamic layouts show empty seats with show-empty-seats', async () => {
      await begin({});
      const el = await view('host', { layout: 'dynamic-grid', showEmptySeats: true });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      el.showEmptySeats = false;
      await el.updateComplete;
      expect(shown(el)).to.deep.equal([0]);
    });

    it('fixed-grid: shows every seat, empty ones too, 3 × 3', async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 4);
      const el = await view('host', { layout: 'fixed-grid' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(columns(el)).to.equal(3);
      expect(getComputedStyle(stage(el)).gridTemplateRows.split(' ').length).to.equal(3);
    });

    it('dynamic-float: seat 0 fills the stage, guests float in a column at the side', async () => {
      await begin({ maxSeatCount: 7, audience: ['alice', 'bob'] });
      await live.seat('alice', 2);
      await live.seat('bob', 5);
      const el = await view('host');
      await showsSeats(el, [0, 2, 5]);
      expect(el.activeLayout).to.equal('dynamic-float');
      // Hit tests need the point in the viewport (an earlier test may have scrolled the page).
      stage(el).scrollIntoView({ block: 'start' });
      const box = rect(stage(el));
      const [main, first, second] = cells(el).map(rect);
      expect(Math.round(main!.width)).to.equal(Math.round(box.width));
      expect(Math.round(main!.height)).to.equal(Math.round(box.height));
      expect(first!.width).to.be.lessThan(box.width / 2);
      expect(first!.right).to.be.closeTo(box.right, 16);
      expect(Math.round(second!.left)).to.equal(Math.round(first!.left));
      expect(second!.top).to.be.greaterThan(first!.bottom - 1);
      const hit = el.shadowRoot!.elementFromPoint(first!.left + 4, first!.top + 4);
      expect(cells(el)[1]!.contains(hit), 'a guest tile is drawn over the host').to.equal(true);
    });

    it('fixed-float: every seat, seat 0 filling the stage', async () => {
      await begin({ maxSeatCount: 7 });
      const el = await view('host', { layout: 'fixed-float' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6]);
      expect(Math.round(rect(cells(el)[0]!).width)).to.equal(Math.round(rect(stage(el)).width));
    });

    it('landscape: a 16:9 stage, seat 0 large, guests in a strip at the side or below', async () => {
      await begin({ maxSeatCount: 4, audience: ['alice'] });
      await live.seat('alice', 2);
      const el = await view('host');
      el.style.width = '640px';
      await showsSeats(el, [0, 2]);
      const box = rect(stage(el));
      expect(box.width / box.height).to.be.closeTo(16 / 9, 0.02);
      let [main, guest] = cells(el).map(rect);
      expect(main!.width).to.be.greaterThan(guest!.width * 2);
      expect(guest!.left).to.be.greaterThan(main!.right - 1);
      el.style.width = '400px';
      await waitUntil(() => rect(cells(el)[1]!).top >= rect(cells(el)[0]!).bottom - 1, 'the strip moves');
      [main, guest] = cells(el).map(rect);
      expect(guest!.top).to.be.greaterThan(main!.bottom - 1);
    });

    it('gives seat 0 the whole stage while it is alone', async () => {
      await begin({ maxSeatCount: 4 });
      const el = await view('host');
      await showsSeats(el, [0]);
      expect(Math.round(rect(cells(el)[0]!).width)).to.equal(Math.round(rect(stage(el)).width));
    });

    it('takes its gap, stage shape and float size from CSS custom properties', async () => {
      await begin({ maxSeatCount: 7, audience: ['alice'] });
      await live.seat('alice', 1);
      const el = await view('host');
      await showsSeats(el, [0, 1]);
      el.style.setProperty('--live-gap', '10px');
      el.style.setProperty('--live-stage-aspect-ratio', '1');
      el.style.setProperty('--live-float-size', '50px');
      expect(getComputedStyle(stage(el)).rowGap).to.equal('10px');
      expect(Math.round(rect(stage(el)).height)).to.equal(360);
      expect(Math.round(rect(cells(el)[1]!).width)).to.equal(50);
    });

    it('animates cells only without prefers-reduced-motion', async () => {
      await begin({});
      const el = await view('host');
      await showsSeats(el, [0]);
      expect(getComputedStyle(cells(el)[0]!).animationName).to.equal('cell-in');
      await emulateMedia({ reducedMotion: 'reduce' });
      try {
        expect(getComputedStyle(cells(el)[0]!).animationName).to.equal('none');
      } finally {
        await emulateMedia({ reducedMotion: 'no-preference' });
      }
    });

    it('resizes with its container', async () => {
      await begin({});
      await setViewport({ width: 800, height: 900 });
      const el = await view('host');
      el.style.width = '50%';
      await showsSeats(el, [0]);
      const before = rect(stage(el)).width;
      await setViewport({ width: 600, height: 900 });
      await waitUntil(() => rect(stage(el)).width < before, 'the stage shrinks');
      expect(Math.round(rect(stage(el)).width)).to.equal(Math.round(rect(el).width));
    });
  });

  describe('parts', () => {
    it('exposes the frame, stage, cells, seats, message and overlay', async () => {
      await begin({ maxSeatCount: 7, audience: ['alice'] });
      await live.seat('alice', 3);
      const el = await view('host', { layout: 'fixed-float' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6]);
      for (const name of ['frame', 'stage', 'message', 'overlay']) {
        expect(el.shadowRoot!.querySelectorAll(`[part~="${name}"]`).length, name).to.equal(1);
      }
      expect(cells(el).map((cell) => cell.getAttribute('part'))).to.deep.equal([
        'cell cell-0 cell-main',
        'cell cell-1 cell-empty',
        'cell cell-2 cell-empty',
        'cell cell-3',
        'cell cell-4 cell-empty',
        'cell cell-5 cell-empty',
        'cell cell-6 cell-empty',
      ]);
      expect(tiles(el).every((tile) => tile.part.contains('seat'))).to.equal(true);
    });

    it("holds the seat menu in each occupied cell's seat-actions box, over the top end corner", async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 2);
      const el = await view('host', { layout: 'fixed-grid' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      const boxes = Array.from(el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="seat-actions"]'));
      expect(boxes.map((box) => box.closest('[part~="cell"]')!.part.contains('cell-empty'))).to.deep.equal([
        false,
        false,
      ]);
      const box = boxes[1]!;
      box.scrollIntoView({ block: 'center' });
      expect(Array.from(box.children).map((child) => child.part.value || child.localName)).to.deep.equal([
        'fullscreen-button',
        'pin-button',
        'seat-menu',
      ]);
      await box.querySelector('seat-menu')!.updateComplete;
      const cell = rect(box.closest('[part~="cell"]')!);
      expect(rect(box).right).to.be.closeTo(cell.right - 4, 1);
      expect(rect(box).top).to.be.closeTo(cell.top + 4, 1);
      const hit = el.shadowRoot!.elementFromPoint(rect(box).left + 2, rect(box).top + 2);
      expect(box.contains(hit), 'the box is drawn over the tile').to.equal(true);
    });

    it('draws its other children over the bottom of the stage, where they take clicks', async () => {
      await begin({});
      const el = await fixture<LiveCoreView>(
        html`<live-core-view style="width: 360px" .session=${live.host} live-id=${live.liveId}
          ><button type="button">Join</button></live-core-view
        >`,
      );
      await showsSeats(el, [0]);
      const button = el.querySelector('button')!;
      button.scrollIntoView({ block: 'center' });
      expect(button.assignedSlot?.parentElement?.part.contains('overlay')).to.equal(true);
      const box = rect(button);
      const area = rect(stage(el));
      expect(box.bottom).to.be.closeTo(area.bottom - 8, 1);
      expect(box.left + box.width / 2).to.be.closeTo(area.left + area.width / 2, 1);
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      expect(hit === button, 'the button is on top').to.equal(true);
    });

    it("exports each tile's parts with a seat- prefix", async () => {
      await begin({});
      const style = document.createElement('style');
      style.textContent = 'live-core-view::part(seat-name-tag) { color: rgb(9, 8, 7); }';
      document.head.append(style);
      try {
        const el = await view('host');
        await showsSeats(el, [0]);
        expect(getComputedStyle(queryPart(el, 'name-tag')!).color).to.equal('rgb(9, 8, 7)');
      } finally {
        style.remove();
      }
    });
  });

  describe('states', () => {
    it('has a state for the active layout', async () => {
      await begin({});
      const el = await view('host');
      for (const layout of STAGE_LAYOUTS) {
        el.layout = layout;
        await el.updateComplete;
        const on = STAGE_LAYOUTS.filter((name) => el.matches(`:state(${name})`));
        expect(on).to.deep.equal([layout]);
      }
    });

    it('is empty while no one is on a seat; says so only once it shows a live', async () => {
      const idle = await fixture<LiveCoreView>(html`<live-core-view></live-core-view>`);
      expect(idle.matches(':state(empty)')).to.equal(true);
      // No live (yet): nothing is known about its seats, so nothing is said about them.
      expect(text(idle.shadowRoot!.querySelector('[part~="message"]'))).to.equal('');
      await begin({ audience: ['alice'] });
      const notJoined = await fixture<LiveCoreView>(
        html`<live-core-view .session=${live.session('alice')} live-id="elsewhere"></live-core-view>`,
      );
      expect(text(notJoined.shadowRoot!.querySelector('[part~="message"]'))).to.equal('');
      const el = await view('alice');
      await showsSeats(el, [0]);
      expect(el.matches(':state(empty)')).to.equal(false);
      expect(text(el.shadowRoot!.querySelector('[part~="message"]'))).to.equal('');
      await live.host.liveSeatStore(live.liveId).leaveSeat();
      await showsSeats(el, []);
      expect(el.matches(':state(empty)')).to.equal(true);
      expect(text(el.shadowRoot!.querySelector('[part~="message"]'))).to.equal('No one is on a seat yet');
    });

    it("shows a guest's tile reconnecting while the seat waits for them, and frees it after the grace period", async () => {
      const clock = new ManualScheduler(Date.now());
      await begin({ hub: { scheduler: clock } });
      const guest = createSession({ reconnect: false });
      try {
        expect((await guest.loginStore.login({ hub: live.hub, user: testUser('ada') })).isSuccess).to.equal(
          true,
        );
        expect((await guest.liveListStore.joinLive(live.liveId)).isSuccess).to.equal(true);
        expect((await guest.coGuestStore(live.liveId).applyForSeat({ seatIndex: 1 })).isSuccess).to.equal(
          true,
        );
        await waitFor(
          live.host.coGuestStore(live.liveId).coGuestState.applicants,
          (list) => list.length === 1,
        );
        expect((await live.host.coGuestStore(live.liveId).acceptApplication('ada')).isSuccess).to.equal(true);
        const el = await view('host');
        await showsSeats(el, [0, 1]);
        const tile = tileOf(el, 1);
        expect(tile.matches(':state(reconnecting)')).to.equal(false);
        live.hub.dropConnections('ada');
        await waitUntil(() => tile.matches(':state(reconnecting)'), "the host's tile shows Ada reconnecting");
        await tile.updateComplete;
        expect(isShown(queryPart(tile, 'connection-badge')), 'a visible label').to.equal(true);
        expect(text(queryPart(tile, 'connection-badge'))).to.equal('Reconnecting…');
        clock.advance(20_000);
        await showsSeats(el, [0]);
      } finally {
        guest.dispose();
      }
    });

    it('is ended once the live ended, and says so', async () => {
      await begin({ audience: ['alice'] });
      const el = await view('alice');
      await showsSeats(el, [0]);
      expect(el.matches(':state(ended)')).to.equal(false);
      await live.host.liveListStore.endLive();
      await waitUntil(() => el.matches(':state(ended)'), 'the view shows the end');
      const message = el.shadowRoot!.querySelector('[part~="message"]')!;
      expect(text(message)).to.equal('The live has ended');
      expect(message.getAttribute('role')).to.equal('status');
    });
  });

  describe('events', () => {
    it('asks an audience member to join on an empty seat; by default it applies for that seat', async () => {
      await begin({ audience: ['alice'] });
      const el = await view('alice', { layout: 'fixed-grid' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      const seat = tileOf(el, 4);
      expect(text(seat.querySelector('[part~="empty-action"]'))).to.equal('Seat 5 Request to join');
      const request = oneEvent<SeatApplyRequestEvent>(el, SeatApplyRequestEvent.type);
      click(seat);
      const event = await request;
      expect(event).to.be.instanceOf(SeatApplyRequestEvent);
      expect([event.seatIndex, event.bubbles, event.composed, event.cancelable]).to.deep.equal([
        4,
        true,
        true,
        true,
      ]);
      const applicants = await waitFor(
        live.host.coGuestStore(live.liveId).coGuestState.applicants,
        (list) => list.length > 0,
        'the host sees the application',
      );
      expect(applicants.map((item) => `${item.userId}@${item.seatIndex}`)).to.deep.equal(['alice@4']);
      await waitUntil(() => tileOf(el, 4).querySelector('[part~="empty-action"]') === null, 'no more offer');
    });

    it('applies nothing when the request is prevented', async () => {
      await begin({ audience: ['alice'] });
      const el = await view('alice', { layout: 'fixed-grid' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      el.addEventListener(SeatApplyRequestEvent.type, (event) => event.preventDefault(), { once: true });
      click(tileOf(el, 2));
      // Commands are handled in order: had the prevented request gone out, this one would be refused.
      await live.apply('alice', { seatIndex: 6 });
      const applicants = live.host.coGuestStore(live.liveId).coGuestState.applicants.get();
      expect(applicants.map((item) => `${item.userId}@${item.seatIndex}`)).to.deep.equal(['alice@6']);
    });

    it('answers Enter and Space on an empty seat like a click', async () => {
      await begin({ audience: ['alice'] });
      const el = await view('alice', { layout: 'fixed-grid' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      const seen: number[] = [];
      el.addEventListener(SeatApplyRequestEvent.type, (event) => {
        seen.push(event.seatIndex);
        event.preventDefault();
      });
      tileOf(el, 3).focus();
      await sendKeys({ press: 'Enter' });
      tileOf(el, 7).focus();
      await sendKeys({ press: 'Space' });
      expect(seen).to.deep.equal([3, 7]);
    });

    it('asks a host to invite someone to an empty seat, and does nothing else', async () => {
      await begin({ audience: ['alice'] });
      const el = await view('host', { layout: 'fixed-grid' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(queryPart(tileOf(el, 1), 'tile')!.getAttribute('aria-label')).to.equal(
        'Seat 2, Empty seat, Invite',
      );
      expect(text(tileOf(el, 1).querySelector('[part~="empty-action"]'))).to.equal('Seat 2 Invite');
      const applied: number[] = [];
      el.addEventListener(SeatApplyRequestEvent.type, (event) => applied.push(event.seatIndex));
      const request = oneEvent<SeatInviteRequestEvent>(el, SeatInviteRequestEvent.type);
      click(tileOf(el, 1));
      const event = await request;
      expect(event).to.be.instanceOf(SeatInviteRequestEvent);
      expect([event.seatIndex, event.bubbles, event.composed, event.cancelable]).to.deep.equal([
        1,
        true,
        true,
        false,
      ]);
      expect(applied).to.deep.equal([]);
      expect(live.host.coGuestStore(live.liveId).coGuestState.invitees.get().length).to.equal(0);
    });

    it('asks nothing on a locked seat', async () => {
      await begin({ audience: ['alice'] });
      const locked = await live.host.liveSeatStore(live.liveId).lockSeat(3);
      expect(locked.isSuccess).to.equal(true);
      for (const viewer of ['alice', 'host']) {
        await waitFor(
          live.session(viewer).liveSeatStore(live.liveId).seatList,
          (seats) => seats[3]?.isLocked === true,
          `${viewer} sees the lock`,
        );
        const el = await view(viewer, { layout: 'fixed-grid' });
        const asked: string[] = [];
        el.addEventListener(SeatApplyRequestEvent.type, () => asked.push('apply'));
        el.addEventListener(SeatInviteRequestEvent.type, () => asked.push('invite'));
        const selected = oneEvent<EmptySeatSelectEvent>(el, EmptySeatSelectEvent.type);
        expect(tileOf(el, 3).querySelector('[part~="empty-action"]') === null, 'no offer').to.equal(true);
        click(tileOf(el, 3));
        expect((await selected).isLocked).to.equal(true);
        expect(asked).to.deep.equal([]);
      }
    });

    it('offers nothing to an audience member who already applied', async () => {
      await begin({ audience: ['alice'] });
      await live.apply('alice', { seatIndex: 2 });
      const el = await view('alice', { layout: 'fixed-grid' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(el.shadowRoot!.querySelectorAll('[part~="empty-action"]').length).to.equal(0);
    });

    it("lets an occupied tile's seat-select bubble out, and adds nothing", async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 1);
      const el = await view('host');
      await showsSeats(el, [0, 1]);
      const asked: string[] = [];
      el.addEventListener(SeatApplyRequestEvent.type, () => asked.push('apply'));
      el.addEventListener(SeatInviteRequestEvent.type, () => asked.push('invite'));
      const selected = oneEvent<SeatSelectEvent>(document, SeatSelectEvent.type);
      click(tileOf(el, 1));
      const event = await selected;
      expect([event.seatIndex, event.userInfo.userId]).to.deep.equal([1, 'alice']);
      expect(asked).to.deep.equal([]);
    });

    it('fires action-error when applying fails', async () => {
      await begin({ audience: ['alice'], hub: { roomLimits: { maxPendingApplications: 0 } } });
      const el = await view('alice', { layout: 'fixed-grid' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      const failed = oneEvent<ActionErrorEvent>(el, ActionErrorEvent.type);
      click(tileOf(el, 5));
      const event = await failed;
      expect(event.action).to.equal('applyForSeat');
      expect(event.errorCode).to.equal(ErrorCode.LIMIT_EXCEEDED);
      expect([event.bubbles, event.composed]).to.deep.equal([true, true]);
    });
  });

  describe('context', () => {
    it('hands its session and live to kit elements inside it, children or nested', async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 1);
      const el = await fixture<LiveCoreView>(
        html`<live-core-view .session=${live.session('alice')} live-id=${live.liveId}>
          <stage-probe id="child"></stage-probe>
          <div>
            <section><stage-probe id="nested"></stage-probe></section>
          </div>
        </live-core-view>`,
      );
      const probes = Array.from(el.querySelectorAll<StageProbe>('stage-probe'));
      await waitUntil(
        () => probes.every((probe) => probe.seen === 'room/alice/2'),
        'the probes see the live',
      );
      expect(probes.map((probe) => probe.seen)).to.deep.equal(['room/alice/2', 'room/alice/2']);
    });

    it('follows its live and session, and hands the change down', async () => {
      await begin({ audience: ['alice'] });
      const el = await fixture<LiveCoreView>(
        html`<live-core-view .session=${live.host}><stage-probe></stage-probe></live-core-view>`,
      );
      const probe = el.querySelector<StageProbe>('stage-probe')!;
      await probe.updateComplete;
      expect(probe.seen).to.equal('-/host/0');
      el.liveId = live.liveId;
      await waitUntil(() => probe.seen === 'room/host/1', 'the probe follows the live');
      el.session = live.session('alice');
      await waitUntil(() => probe.seen === 'room/alice/1', 'the probe follows the session');
    });

    it('shows the default session, and the live of an enclosing view', async () => {
      await begin({ audience: ['alice'] });
      setDefaultSession(live.session('alice'));
      const outer = await fixture<LiveCoreView>(
        html`<live-core-view live-id=${live.liveId}
          ><live-core-view id="inner"></live-core-view
        ></live-core-view>`,
      );
      const inner = outer.querySelector<LiveCoreView>('#inner')!;
      await showsSeats(outer, [0]);
      await showsSeats(inner, [0]);
      expect(tileOf(inner, 0).seat?.userInfo?.userId).to.equal('host');
      expect(getDefaultSession() === live.session('alice')).to.equal(true);
    });

    it('lets an element inside it name its own live', async () => {
      await begin({ audience: ['alice'] });
      const el = await fixture<LiveCoreView>(
        html`<live-core-view .session=${live.host} live-id=${live.liveId}
          ><stage-probe live-id="elsewhere"></stage-probe
        ></live-core-view>`,
      );
      const probe = el.querySelector<StageProbe>('stage-probe')!;
      await waitUntil(() => probe.seen === 'elsewhere/host/0', 'the probe keeps its own live');
    });
  });

  describe('sound', function () {
    // Real peer connections on loopback (the view's own media).
    this.timeout(20_000);

    it('shows "Tap to unmute" while the browser holds the sound back, and a press starts it', async () => {
      await begin({ audience: ['alice', 'bob'] });
      await live.seat('alice', 1);
      // The browser's refusal before a user gesture (this test browser allows autoplay).
      // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the element as `this`
      const play = HTMLMediaElement.prototype.play;
      let refuse = true;
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        return refuse ? Promise.reject(new DOMException('no gesture', 'NotAllowedError')) : play.call(this);
      };
      try {
        // Alice publishes (her own page would run her media through its view).
        LiveMedia.for(live.session('alice'), live.liveId).start();
        const el = await view('bob');
        await showsSeats(el, [0, 1]);
        const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="unmute-button"]')!;
        expect(isShownButton(button), 'hidden while nothing is held back').to.equal(false);
        expect((await DeviceStore.for(live.session('alice')).openLocalMicrophone()).isSuccess).to.equal(true);
        await waitUntil(() => el.matches(':state(audio-blocked)'), 'the sound is held back', {
          timeout: 15_000,
        });
        await el.updateComplete;
        expect(isShownButton(button), 'the button shows').to.equal(true);
        expect(text(button)).to.equal('Tap to unmute');
        await expect(el).to.be.accessible();
        refuse = false;
        button.click();
        await waitUntil(() => !el.matches(':state(audio-blocked)'), 'the sound plays', { timeout: 15_000 });
        await el.updateComplete;
        expect(isShownButton(button), 'hidden once the sound plays').to.equal(false);
      } finally {
        HTMLMediaElement.prototype.play = play;
      }
    });

    it("says on a seat's tile when the viewer limit keeps its video away", async () => {
      await begin({
        audience: ['alice', 'bob', 'carol'],
        hub: { roomLimits: { maxViewersPerPublisher: 1 } },
      });
      await live.seat('alice', 1);
      LiveMedia.for(live.session('alice'), live.liveId).start();
      const first = await view('bob');
      await showsSeats(first, [0, 1]);
      await waitFor(
        LiveMedia.for(live.session('bob'), live.liveId).viewerStatus,
        (status) => status.get('alice') === 'live' || status.get('alice') === 'connecting',
        'bob takes the one slot',
      );
      const second = await view('carol');
      await showsSeats(second, [0, 1]);
      await waitUntil(() => tileOf(second, 1).matches(':state(viewer-limit)'), 'carol is over the limit', {
        timeout: 10_000,
      });
      expect(tileOf(first, 1).matches(':state(viewer-limit)'), 'bob is not').to.equal(false);
      expect(queryPart(tileOf(second, 1), 'tile')!.getAttribute('aria-label')).to.include(
        'Viewer limit reached',
      );
    });

    it('starts no media of its own when the page gives streams and speakers', async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 1);
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          .session=${live.host}
          live-id=${live.liveId}
          .streams=${new Map()}
          .speakingUsers=${new Set()}
        ></live-core-view>`,
      );
      await showsSeats(el, [0, 1]);
      expect(LiveMedia.for(live.host, live.liveId).running.get(), 'no media started').to.equal(false);
    });
  });

  describe('video', () => {
    /** A reload of a `<video>`: the load algorithm ran again (`emptied`, then `loadstart`). */
    interface Reloads {
      loadstart: number;
      emptied: number;
    }

    function videoOf(tile: GuestSeatTile): HTMLVideoElement {
      const video = tile.shadowRoot!.querySelector('video');
      if (video === null) throw new Error(`no video in the tile of seat ${tile.seat?.index ?? -1}`);
      return video;
    }

    function countReloads(video: HTMLVideoElement): Reloads {
      const counts: Reloads = { loadstart: 0, emptied: 0 };
      video.addEventListener('loadstart', () => (counts.loadstart += 1));
      video.addEventListener('emptied', () => (counts.emptied += 1));
      return counts;
    }

    /**
     * Resolves once every media event queued so far has fired: a fresh video's `loadstart` is
     * queued after them, on the same task source, and fires in order.
     */
    async function mediaEventsDelivered(): Promise<void> {
      const probe = document.createElement('video');
      probe.muted = true;
      const started = oneEvent(probe, 'loadstart');
      probe.srcObject = liveVideoStream();
      await started;
    }

    async function seatsShow(
      el: LiveCoreView,
      predicate: (seats: readonly SeatInfo[]) => boolean,
      label: string,
    ): Promise<void> {
      await waitFor(live.host.liveSeatStore(live.liveId).seatList, predicate, label);
      await el.updateComplete;
      await Promise.all(tiles(el).map((tile) => tile.updateComplete));
    }

    it('keeps each video playing its stream through speaking, mute, camera and seat changes', async () => {
      await begin({ audience: ['alice', 'bob', 'carol'] });
      await live.seat('alice', 1);
      await live.seat('bob', 2);
      const streams = new Map([
        ['alice', liveVideoStream()],
        ['bob', liveVideoStream()],
      ]);
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          style="width: 360px"
          .session=${live.host}
          live-id=${live.liveId}
          .streams=${streams}
          .speakingUsers=${new Set<string>()}
        ></live-core-view>`,
      );
      await showsSeats(el, [0, 1, 2]);
      await mediaEventsDelivered();
      const alice = countReloads(videoOf(tileOf(el, 1)));
      const bob = countReloads(videoOf(tileOf(el, 2)));
      const host = countReloads(videoOf(tileOf(el, 0)));

      // Speaking: the active speaker moves several times a second.
      for (const speakers of [['alice'], ['bob'], ['alice', 'bob'], [], ['host'], ['alice']]) {
        el.speakingUsers = new Set(speakers);
        await el.updateComplete;
        await Promise.all(tiles(el).map((tile) => tile.updateComplete));
      }
      // Mute, and the host closes a camera; the guest turns it on again.
      const liveId = live.liveId;
      await live.session('alice').liveSeatStore(liveId).publishDeviceStatus({ microphone: 'off' });
      await seatsShow(el, (seats) => seats[1]?.userInfo?.microphoneStatus === 'off', 'alice muted');
      await live.host.liveSeatStore(liveId).closeRemoteCamera('bob');
      await seatsShow(el, (seats) => seats[2]?.userInfo?.cameraStatus === 'off', "bob's camera off");
      await live.session('bob').liveSeatStore(liveId).publishDeviceStatus({ camera: 'on' });
      await seatsShow(el, (seats) => seats[2]?.userInfo?.cameraStatus === 'on', "bob's camera on");
      // Seats change around them: a guest takes a seat, another seat is locked.
      await live.seat('carol', 3);
      await seatsShow(el, (seats) => seats[3]?.userInfo !== null, 'carol seated');
      await live.host.liveSeatStore(liveId).lockSeat(5);
      await seatsShow(el, (seats) => seats[5]?.isLocked === true, 'seat 6 locked');
      await mediaEventsDelivered();
      expect({ alice, bob, host }, 'no video reloaded').to.deep.equal({
        alice: { loadstart: 0, emptied: 0 },
        bob: { loadstart: 0, emptied: 0 },
        host: { loadstart: 0, emptied: 0 },
      });

      // A new stream is a real change: that video, and only it, loads again.
      const reloaded = oneEvent(videoOf(tileOf(el, 1)), 'loadstart');
      el.streams = new Map([...streams, ['alice', liveVideoStream()]]);
      await reloaded;
      await mediaEventsDelivered();
      expect({ alice, bob, host }).to.deep.equal({
        alice: { loadstart: 1, emptied: 1 },
        bob: { loadstart: 0, emptied: 0 },
        host: { loadstart: 0, emptied: 0 },
      });
    });
  });

  describe('small tiles', () => {
    const NAMES: Readonly<Record<string, string>> = {
      long: 'Maximiliana Alexandrina von Habsburg-Lothringen',
      cjk: '王小明的直播间测试用户名字',
      rtl: 'محمد عبد الرحمن الشريف',
      lost: 'Grace Brewster Murray Hopper',
    };

    /** Elements of `root`'s shadow trees (nested ones too) that show text of their own. */
    function textBoxes(root: Element): HTMLElement[] {
      return deepElements(root).filter(
        (element) =>
          isShown(element) &&
          Array.from(element.childNodes).some(
            (node) => node.nodeType === Node.TEXT_NODE && (node.textContent ?? '').trim() !== '',
          ),
      );
    }

    function deepElements(root: Element): HTMLElement[] {
      const found: HTMLElement[] = [];
      const visit = (scope: ShadowRoot | Element): void => {
        for (const element of scope.querySelectorAll<HTMLElement>('*')) {
          found.push(element);
          if (element.shadowRoot !== null) visit(element.shadowRoot);
        }
      };
      if (root.shadowRoot !== null) visit(root.shadowRoot);
      return found;
    }

    function overlap(a: DOMRect, b: DOMRect): boolean {
      const tolerance = 0.5;
      return (
        a.left < b.right - tolerance &&
        b.left < a.right - tolerance &&
        a.top < b.bottom - tolerance &&
        b.top < a.bottom - tolerance
      );
    }

    function describeBox(element: Element): string {
      const box = rect(element);
      const text = (element.textContent ?? '').trim().slice(0, 24);
      return `"${text}" (${[box.left, box.top, box.right, box.bottom].map(Math.round).join(',')})`;
    }

    it('keeps the texts, the seat menu and the name apart on the smallest tiles, for long, CJK and RTL names', async () => {
      await begin({
        maxSeatCount: 7,
        audience: ['long', 'cjk', 'rtl'],
        users: {
          long: { userName: NAMES.long },
          cjk: { userName: NAMES.cjk },
          rtl: { userName: NAMES.rtl },
        },
      });
      await live.seat('long', 1);
      await live.seat('cjk', 2);
      await live.seat('rtl', 3);
      // A guest whose connection drops and stays away: the seat waits for them.
      const lost = createSession({ reconnect: false });
      try {
        expect(
          (await lost.loginStore.login({ hub: live.hub, user: testUser('lost', { userName: NAMES.lost }) }))
            .isSuccess,
        ).to.equal(true);
        expect((await lost.liveListStore.joinLive(live.liveId)).isSuccess).to.equal(true);
        expect((await lost.coGuestStore(live.liveId).applyForSeat({ seatIndex: 4 })).isSuccess).to.equal(
          true,
        );
        await waitFor(
          live.host.coGuestStore(live.liveId).coGuestState.applicants,
          (list) => list.length === 1,
          'the application',
        );
        expect((await live.host.coGuestStore(live.liveId).acceptApplication('lost')).isSuccess).to.equal(
          true,
        );
        await waitFor(
          live.host.liveSeatStore(live.liveId).seatList,
          (seats) => seats[4]?.userInfo?.userId === 'lost',
          'lost is seated',
        );
        live.hub.dropConnections('lost');
        await waitFor(
          live.host.liveSeatStore(live.liveId).seatList,
          (seats) => seats[4]?.userInfo?.connection === 'lost',
          'the seat waits for lost',
        );

        // 228px wide, and 64px floating tiles (3:4 on this tall stage): smaller than the kit draws them.
        const el = await fixture<LiveCoreView>(
          html`<live-core-view
            style="width: 228px; --live-float-size: 64px"
            layout="dynamic-float"
            .session=${live.host}
            live-id=${live.liveId}
            .streams=${new Map()}
            .speakingUsers=${new Set()}
          ></live-core-view>`,
        );
        await showsSeats(el, [0, 1, 2, 3, 4]);
        await Promise.all(
          [...tiles(el), ...el.shadowRoot!.querySelectorAll('seat-menu')].map(
            (element) => (element as LitElement).updateComplete,
          ),
        );
        // The cells fade in: finish that instead of waiting for it.
        for (const animation of el.shadowRoot!.getAnimations()) animation.finish();
        await waitUntil(
          () => Math.round(rect(cells(el)[1]!).height) === Math.round((64 * 4) / 3),
          'the floating tiles take the shape of the tall stage',
        );
        for (const index of [1, 2, 3, 4]) {
          const tile = tileOf(el, index);
          const cell = tile.closest<HTMLElement>('[part~="cell"]')!;
          const name = tile.seat!.userInfo!.userName;
          const where = `seat ${index} (${name})`;
          expect(Math.round(rect(cell).width), `${where}: the smallest tile`).to.equal(64);
          expect(tile.matches(':state(camera-off)'), `${where}: camera off`).to.equal(true);
          const texts = textBoxes(tile);
          expect(
            texts.filter((element) => (element.textContent ?? '').includes(name)).length,
            `${where}: the name shows once`,
          ).to.equal(1);
          if (index === 4) {
            expect(
              texts.some((element) => element.part.contains('connection-badge')),
              `${where}: the badge shows`,
            ).to.equal(true);
          }
          const trigger = cell.querySelector('seat-menu')!.shadowRoot!.querySelector('[part~="trigger"]')!;
          for (const [i, a] of texts.entries()) {
            const box = rect(a);
            const inside =
              box.left >= rect(cell).left - 0.5 &&
              box.right <= rect(cell).right + 0.5 &&
              box.top >= rect(cell).top - 0.5 &&
              box.bottom <= rect(cell).bottom + 0.5;
            expect(inside, `${where}: ${describeBox(a)} inside the tile ${describeBox(cell)}`).to.equal(true);
            expect(
              overlap(box, rect(trigger)),
              `${where}: ${describeBox(a)} clear of ⋮ ${describeBox(trigger)}`,
            ).to.equal(false);
            for (const b of texts.slice(i + 1)) {
              if (a.contains(b) || b.contains(a)) continue;
              expect(
                overlap(box, rect(b)),
                `${where}: ${describeBox(a)} clear of ${describeBox(b)}`,
              ).to.equal(false);
            }
          }
        }
      } finally {
        lost.dispose();
      }
    });
  });

  describe('stage sizes', () => {
    afterEach(async () => {
      await setViewport({ width: 800, height: 600 });
    });

    /** A view as a desktop page sizes it: 820px wide, 16:10 (820×512, in a 1280×800 window). */
    async function desktop(layout: StageLayoutOption, viewer = 'host'): Promise<LiveCoreView> {
      await setViewport({ width: 1280, height: 800 });
      return fixture<LiveCoreView>(
        html`<live-core-view
          style="width: 820px; --live-stage-aspect-ratio: 16 / 10"
          .session=${live.session(viewer)}
          live-id=${live.liveId}
          layout=${layout}
          .streams=${new Map()}
          .speakingUsers=${new Set(['alice'])}
        ></live-core-view>`,
      );
    }

    /** A view as a phone page sizes it: the window's width, `ratio` (in a 390×844 window). */
    async function phone(layout: StageLayoutOption, ratio: string): Promise<LiveCoreView> {
      await setViewport({ width: 390, height: 844 });
      return fixture<LiveCoreView>(
        html`<live-core-view
          style="width: 100%; --live-stage-aspect-ratio: ${ratio}"
          .session=${live.host}
          live-id=${live.liveId}
          layout=${layout}
          .streams=${new Map()}
          .speakingUsers=${new Set(['alice'])}
        ></live-core-view>`,
      );
    }

    /** The boxes of the cells of `indexes`, once `ready` holds for them (the stage measured). */
    async function boxes(
      el: LiveCoreView,
      indexes: readonly number[],
      ready: (cells: readonly DOMRect[], stage: DOMRect) => boolean,
      what: string,
    ): Promise<{ stage: DOMRect; cells: DOMRect[] }> {
      await showsSeats(el, indexes);
      stage(el).scrollIntoView({ block: 'start' });
      await waitUntil(() => ready(cells(el).map(rect), rect(stage(el))), what);
      return { stage: rect(stage(el)), cells: cells(el).map(rect) };
    }

    function ratioOf(box: DOMRect): number {
      return box.width / box.height;
    }

    function inside(box: DOMRect, area: DOMRect): boolean {
      return (
        box.left >= area.left - 0.5 &&
        box.right <= area.right + 0.5 &&
        box.top >= area.top - 0.5 &&
        box.bottom <= area.bottom + 0.5
      );
    }

    async function seatThree(maxSeatCount = 7): Promise<void> {
      await begin({ maxSeatCount, audience: ['alice', 'bob', 'carol'] });
      await live.seat('alice', 1);
      await live.seat('bob', 2);
      await live.seat('carol', 3);
    }

    it('float, 1280×800: guests are 16:9 tiles a quarter of the stage wide, in its inline-end quarter', async () => {
      await seatThree();
      const el = await desktop('dynamic-float');
      const { stage: area, cells: found } = await boxes(
        el,
        [0, 1, 2, 3],
        (list, box) => list[1]!.width >= box.width / 4 - 1,
        'the guests are a quarter of the stage wide',
      );
      const [main, ...guests] = found;
      expect(Math.round(area.width)).to.equal(820);
      expect(Math.round(main!.width)).to.equal(Math.round(area.width));
      expect(Math.round(main!.height)).to.equal(Math.round(area.height));
      for (const [position, guest] of guests.entries()) {
        const where = `guest ${position + 1}: ${Math.round(guest.width)}×${Math.round(guest.height)}`;
        expect(guest.width, where).to.be.at.least(area.width / 4 - 1);
        expect(guest.height, where).to.be.at.least(110);
        expect(ratioOf(guest), where).to.be.closeTo(16 / 9, 0.05);
        expect(inside(guest, area), `${where} inside the stage`).to.equal(true);
        expect(guest.right, where).to.be.closeTo(area.right - 4, 1);
        // The host's picture keeps its middle: the guests stay in the inline-end quarter.
        expect(guest.left, where).to.be.at.least(area.left + area.width * 0.74);
        if (position > 0) expect(guest.top, where).to.be.at.least(guests[position - 1]!.bottom);
      }
    });

    it('float, 390×844: guests are 3:4 tiles 30% of a tall stage wide, at its inline end', async () => {
      await seatThree();
      const el = await phone('dynamic-float', '3 / 4');
      const { stage: area, cells: found } = await boxes(
        el,
        [0, 1, 2, 3],
        (list) => ratioOf(list[1]!) < 1,
        'the guests take the shape of the tall stage',
      );
      expect(area.width).to.be.at.most(390);
      for (const [position, guest] of found.slice(1).entries()) {
        const where = `guest ${position + 1}: ${Math.round(guest.width)}×${Math.round(guest.height)}`;
        expect(guest.width, where).to.be.at.least(Math.max(96, area.width * 0.3 - 1));
        expect(ratioOf(guest), where).to.be.closeTo(3 / 4, 0.03);
        expect(inside(guest, area), `${where} inside the stage`).to.equal(true);
        expect(guest.right, where).to.be.closeTo(area.right - 4, 1);
        expect(guest.left, where).to.be.at.least(area.left + area.width * 0.6);
      }
    });

    it('float: guests float at the inline end of a right-to-left page, and wrap into a second column', async () => {
      await begin({ maxSeatCount: 7, audience: ['a', 'b', 'c', 'd', 'e', 'f'] });
      for (const [position, userId] of ['a', 'b', 'c', 'd', 'e', 'f'].entries())
        await live.seat(userId, position + 1);
      const el = await desktop('dynamic-float');
      el.dir = 'rtl';
      const { stage: area, cells: found } = await boxes(
        el,
        [0, 1, 2, 3, 4, 5, 6],
        (list, box) => list[1]!.left < box.left + 8,
        'the guests move to the left',
      );
      const guests = found.slice(1);
      expect(guests[0]!.left).to.be.closeTo(area.left + 4, 1);
      // Six guests do not fit one column of 16:9 tiles a quarter wide: four, then two further in.
      expect(guests.slice(0, 4).every((guest) => Math.abs(guest.left - guests[0]!.left) < 1)).to.equal(true);
      expect(guests[4]!.left).to.be.at.least(guests[0]!.right);
      expect(guests.every((guest) => inside(guest, area) && guest.width >= area.width / 4 - 1)).to.equal(
        true,
      );
    });

    it('grid, 1280×800: equal 16:9 tiles, as large as the stage allows, centred', async () => {
      await seatThree(9);
      const el = await desktop('grid');
      const { stage: area, cells: found } = await boxes(
        el,
        [0, 1, 2, 3],
        (list) => Math.abs(ratioOf(list[0]!) - 16 / 9) < 0.02,
        'the tiles are 16:9',
      );
      const first = found[0]!;
      expect(el.matches(':state(grid)')).to.equal(true);
      expect(found.every((cell) => Math.round(cell.width) === Math.round(first.width))).to.equal(true);
      expect(found.every((cell) => Math.round(cell.height) === Math.round(first.height))).to.equal(true);
      expect(found.every((cell) => inside(cell, area))).to.equal(true);
      // 2 × 2 of 408×229: the width is filled, the height is shared out above and below.
      expect(Math.round(first.width)).to.equal(408);
      expect(found[1]!.top).to.be.closeTo(first.top, 0.5);
      expect(found[2]!.top).to.be.at.least(first.bottom);
      expect(found[1]!.right).to.be.closeTo(area.right, 1);
      expect(first.top - area.top).to.be.closeTo(area.bottom - found[3]!.bottom, 1);
    });

    it('grid, 390×844: equal 16:9 tiles in one column on a phone in portrait', async () => {
      await seatThree(9);
      const el = await phone('grid', '9 / 16');
      const { stage: area, cells: found } = await boxes(
        el,
        [0, 1, 2, 3],
        (list) => Math.abs(ratioOf(list[0]!) - 16 / 9) < 0.02,
        'the tiles are 16:9',
      );
      const first = found[0]!;
      expect(found.every((cell) => Math.abs(cell.left - first.left) < 0.5)).to.equal(true);
      expect(found.every((cell) => inside(cell, area))).to.equal(true);
      // Four rows fill the stage's height; the tiles are as wide as that allows, centred.
      expect(found[3]!.bottom - first.top).to.be.closeTo(area.height, 4);
      expect(first.width).to.be.at.least(area.width * 0.7);
      expect(first.left - area.left).to.be.closeTo(area.right - first.right, 1);
    });

    it('speaker, 1280×800: the speaker large, the others in a 16:9 filmstrip at the inline end', async () => {
      await seatThree(9);
      const el = await desktop('speaker');
      const { stage: area, cells: found } = await boxes(
        el,
        [0, 1, 2, 3],
        (list) => Math.abs(ratioOf(list[0]!) - 16 / 9) < 0.02,
        'the filmstrip is drawn',
      );
      const main = found[1]!;
      expect(cells(el)[1]!.part.contains('cell-main'), 'alice speaks: she is large').to.equal(true);
      expect(main.left).to.be.closeTo(area.left, 0.5);
      expect(Math.round(main.height)).to.equal(Math.round(area.height));
      const strip = [found[0]!, found[2]!, found[3]!];
      for (const tile of strip) {
        expect(ratioOf(tile)).to.be.closeTo(16 / 9, 0.02);
        expect(tile.width).to.be.at.least(160);
        expect(tile.right).to.be.closeTo(area.right, 0.5);
        expect(tile.left).to.be.at.least(main.right);
        expect(main.width).to.be.at.least(tile.width * 3);
      }
      expect(strip[0]!.bottom).to.be.at.most(strip[1]!.top);
      expect(strip[1]!.bottom).to.be.at.most(strip[2]!.top);
    });

    it('speaker, 390×844: the speaker on top, the others in a 3:4 filmstrip below', async () => {
      await seatThree(9);
      const el = await phone('speaker', '9 / 16');
      const { stage: area, cells: found } = await boxes(
        el,
        [0, 1, 2, 3],
        (list) => ratioOf(list[0]!) < 1,
        'the filmstrip is drawn',
      );
      const main = found[1]!;
      expect(Math.round(main.width)).to.equal(Math.round(area.width));
      expect(main.top).to.be.closeTo(area.top, 0.5);
      for (const tile of [found[0]!, found[2]!, found[3]!]) {
        expect(ratioOf(tile)).to.be.closeTo(3 / 4, 0.03);
        expect(tile.width).to.be.at.least(area.width * 0.25);
        expect(tile.top).to.be.at.least(main.bottom);
        expect(tile.bottom).to.be.closeTo(area.bottom, 0.5);
      }
      expect(main.height).to.be.at.least(area.height * 0.65);
    });
  });

  describe('speaker layout', () => {
    async function speakerView(hold: number): Promise<LiveCoreView> {
      await begin({ audience: ['alice', 'bob'] });
      await live.seat('alice', 1);
      await live.seat('bob', 2);
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          style="width: 360px"
          .session=${live.host}
          live-id=${live.liveId}
          layout="speaker"
          speaker-hold=${hold}
          .streams=${new Map()}
          .speakingUsers=${new Set<string>()}
        ></live-core-view>`,
      );
      await showsSeats(el, [0, 1, 2]);
      return el;
    }

    function large(el: LiveCoreView): number | undefined {
      return tiles(el).find((tile) => tile.closest('[part~="cell"]')!.part.contains('cell-main'))?.seat
        ?.index;
    }

    async function speaking(el: LiveCoreView, ...userIds: string[]): Promise<void> {
      el.speakingUsers = new Set(userIds);
      await el.updateComplete;
    }

    it('shows seat 0 while nobody speaks, and whoever speaks', async () => {
      const el = await speakerView(0);
      expect(el.matches(':state(speaker)')).to.equal(true);
      expect(large(el)).to.equal(0);
      await speaking(el, 'bob');
      expect(large(el)).to.equal(2);
      await speaking(el, 'alice');
      expect(large(el)).to.equal(1);
      await speaking(el);
      expect(large(el)).to.equal(0);
      expect(cells(el).filter((cell) => cell.part.contains('cell-main')).length).to.equal(1);
    });

    it('keeps a speaker large for the hold once quiet, so that turns do not flap', async () => {
      const el = await speakerView(60_000);
      await speaking(el, 'alice');
      expect(large(el)).to.equal(1);
      await speaking(el, 'bob');
      expect(large(el), 'bob speaks, alice is held').to.equal(1);
      await speaking(el);
      expect(large(el), 'nobody speaks, alice is held').to.equal(1);
      await speaking(el, 'alice', 'bob');
      expect(large(el)).to.equal(1);
    });

    it('hands over once the hold is over', async () => {
      const el = await speakerView(100);
      await speaking(el, 'alice');
      await speaking(el, 'bob');
      expect(large(el), 'at once: alice, held').to.equal(1);
      await waitUntil(() => large(el) === 2, 'bob takes over after the hold');
    });

    it('moves on when the speaker leaves the seat', async () => {
      const el = await speakerView(60_000);
      await speaking(el, 'alice');
      expect(large(el)).to.equal(1);
      await live.session('alice').coGuestStore(live.liveId).disconnect();
      await showsSeats(el, [0, 2]);
      expect(large(el)).to.equal(0);
    });
  });

  describe('pin', () => {
    async function pinView(
      layout: StageLayoutOption,
      pinned: string | null = null,
      maxSeatCount = 9,
    ): Promise<LiveCoreView> {
      await begin({ maxSeatCount, audience: ['alice', 'bob'] });
      await live.seat('alice', 2);
      await live.seat('bob', 3);
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          style="width: 360px"
          .session=${live.host}
          live-id=${live.liveId}
          layout=${layout}
          .pinned=${pinned}
          .streams=${new Map()}
          .speakingUsers=${new Set(['bob'])}
        ></live-core-view>`,
      );
      return el;
    }

    function cellOf(el: LiveCoreView, index: number): HTMLElement {
      return cells(el).find((cell) => cell.part.contains(`cell-${index}`))!;
    }

    function pinButton(el: LiveCoreView, index: number): HTMLButtonElement {
      return cellOf(el, index).querySelector<HTMLButtonElement>('[part~="pin-button"]')!;
    }

    function area(box: DOMRect): number {
      return box.width * box.height;
    }

    function plain(value: string | null): string {
      return (value ?? '').replace(/[\u2068\u2069]/g, '');
    }

    for (const layout of STAGE_LAYOUTS) {
      it(`shows the pinned user largest in ${layout}`, async () => {
        const el = await pinView(layout, 'alice');
        await waitUntil(() => cells(el).some((cell) => cell.part.contains('cell-2')), "alice's tile");
        await waitUntil(
          () =>
            cells(el).every((cell) => cell === cellOf(el, 2) || area(rect(cell)) < area(rect(cellOf(el, 2)))),
          "alice's tile is the largest",
        );
        expect(cellOf(el, 2).part.contains('cell-main')).to.equal(true);
        expect(cellOf(el, 2).part.contains('cell-pinned')).to.equal(true);
        expect(cells(el).filter((cell) => cell.part.contains('cell-main')).length).to.equal(1);
        expect(el.matches(':state(pinned)')).to.equal(true);
        expect(pinButton(el, 2).getAttribute('aria-pressed')).to.equal('true');
        expect(pinButton(el, 3).getAttribute('aria-pressed')).to.equal('false');
      });
    }

    it('changes nothing for a user who is not on a seat shown, until they are', async () => {
      await begin({ audience: ['alice', 'carol'] });
      await live.seat('alice', 2);
      const el = await view('host', { layout: 'dynamic-grid' });
      el.pinned = 'carol';
      await showsSeats(el, [0, 2]);
      expect(el.matches(':state(pinned)')).to.equal(false);
      expect(cells(el).some((cell) => cell.part.contains('cell-main'))).to.equal(false);
      await live.seat('carol', 5);
      await showsSeats(el, [0, 2, 5]);
      expect(el.matches(':state(pinned)')).to.equal(true);
      expect(cellOf(el, 5).part.contains('cell-main')).to.equal(true);
    });

    it('pins and unpins from the tile, with seat-pin and seat-unpin, and reflects pinned', async () => {
      const el = await pinView('grid');
      await showsSeats(el, [0, 2, 3]);
      const button = pinButton(el, 2);
      expect(button.localName).to.equal('button');
      expect(plain(button.getAttribute('aria-label'))).to.equal('Pin Alice');
      expect(button.getAttribute('aria-pressed')).to.equal('false');
      setTimeout(() => button.click());
      const pin = (await oneEvent(el, SeatPinEvent.type)) as unknown as SeatPinEvent;
      expect(pin).to.be.instanceOf(SeatPinEvent);
      expect([pin.seatIndex, pin.userId, pin.cancelable, pin.bubbles, pin.composed]).to.deep.equal([
        2,
        'alice',
        true,
        true,
        true,
      ]);
      await el.updateComplete;
      expect(el.pinned).to.equal('alice');
      expect(el.getAttribute('pinned')).to.equal('alice');
      expect(button.getAttribute('aria-pressed')).to.equal('true');
      expect(plain(button.getAttribute('aria-label')), 'a toggle keeps its name').to.equal('Pin Alice');
      setTimeout(() => button.click());
      const unpin = (await oneEvent(el, SeatUnpinEvent.type)) as unknown as SeatUnpinEvent;
      expect(unpin).to.be.instanceOf(SeatUnpinEvent);
      expect([unpin.seatIndex, unpin.userId, unpin.cancelable]).to.deep.equal([2, 'alice', true]);
      await el.updateComplete;
      expect(el.pinned).to.equal(null);
      expect(el.hasAttribute('pinned')).to.equal(false);
      expect(button.getAttribute('aria-pressed')).to.equal('false');
    });

    it('pins another user in place of the pinned one, and pins nothing when the page prevents it', async () => {
      const el = await pinView('grid', 'alice');
      await showsSeats(el, [0, 2, 3]);
      pinButton(el, 3).click();
      await el.updateComplete;
      expect(el.pinned).to.equal('bob');
      expect(pinButton(el, 2).getAttribute('aria-pressed')).to.equal('false');
      el.addEventListener(SeatUnpinEvent.type, (event) => event.preventDefault());
      el.addEventListener(SeatPinEvent.type, (event) => event.preventDefault());
      pinButton(el, 3).click();
      pinButton(el, 2).click();
      await el.updateComplete;
      expect(el.pinned).to.equal('bob');
    });

    it('is operable with the keyboard, its name in the language of the messages', async () => {
      const el = await pinView('dynamic-grid');
      await showsSeats(el, [0, 2, 3]);
      tileOf(el, 0).focus();
      await sendKeys({ press: 'ArrowRight' });
      expect(focusedSeat(el)).to.equal(2);
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement === pinButton(el, 2), 'the pin control has focus').to.equal(true);
      // A visible focus ring on the control reached by keyboard.
      expect(getComputedStyle(pinButton(el, 2)).outlineStyle).to.equal('solid');
      await waitUntil(() => getComputedStyle(pinButton(el, 2)).opacity === '1', 'the control shows');
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(el.pinned).to.equal('alice');
      await sendKeys({ press: ' ' });
      await el.updateComplete;
      expect(el.pinned).to.equal(null);
      await loadLocale('zh-CN');
      setLocale('zh-CN');
      try {
        await el.updateComplete;
        expect(plain(pinButton(el, 2).getAttribute('aria-label'))).to.equal('固定 Alice 的画面');
      } finally {
        setLocale('en');
      }
    });

    it('shows its controls on hover and focus, and the pin while pressed; no-tile-controls hides them', async () => {
      const el = await pinView('dynamic-grid', 'alice');
      await showsSeats(el, [0, 2, 3]);
      const opacity = (button: Element): string => getComputedStyle(button).opacity;
      const fullscreen = (index: number): HTMLElement =>
        cellOf(el, index).querySelector<HTMLElement>('[part~="fullscreen-button"]')!;
      await waitUntil(() => opacity(pinButton(el, 3)) === '0', 'quiet controls');
      expect(opacity(pinButton(el, 2)), 'pressed').to.equal('1');
      expect(opacity(fullscreen(2))).to.equal('0');
      el.noTileControls = true;
      await el.updateComplete;
      expect(
        el.shadowRoot!.querySelectorAll('[part~="pin-button"], [part~="fullscreen-button"]').length,
      ).to.equal(0);
    });
  });

  describe('full screen', () => {
    afterEach(async () => {
      if (document.fullscreenElement !== null) await document.exitFullscreen();
      delete (document as { fullscreenEnabled?: boolean }).fullscreenEnabled;
    });

    function fullscreenButton(el: LiveCoreView, index: number): HTMLButtonElement {
      return cells(el)
        .find((cell) => cell.part.contains(`cell-${index}`))!
        .querySelector<HTMLButtonElement>('[part~="fullscreen-button"]')!;
    }

    it('shows a tile full screen from its control, and Escape leaves', async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 1);
      const el = await view('host');
      await showsSeats(el, [0, 1]);
      const button = fullscreenButton(el, 1);
      expect(button.checkVisibility()).to.equal(true);
      expect(button.getAttribute('aria-label')?.replace(/[\u2068\u2069]/g, '')).to.equal(
        'Show Alice full screen',
      );
      tileOf(el, 0).focus();
      await sendKeys({ press: 'ArrowRight' });
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement === button, 'the control has focus').to.equal(true);
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => el.matches(':state(fullscreen)'), 'the tile is full screen');
      expect(el.shadowRoot!.fullscreenElement === tileOf(el, 1), "alice's tile").to.equal(true);
      expect(button.getAttribute('aria-label')).to.equal('Exit full screen');
      // In full screen the controls stay in sight, focused or not (no fade to wait for).
      await emulateMedia({ reducedMotion: 'reduce' });
      try {
        button.blur();
        expect(getComputedStyle(button).opacity).to.equal('1');
      } finally {
        await emulateMedia({ reducedMotion: 'no-preference' });
      }
      button.focus();
      await sendKeys({ press: 'Escape' });
      await waitUntil(() => !el.matches(':state(fullscreen)'), 'Escape leaves');
      expect(document.fullscreenElement).to.equal(null);
      expect(button.getAttribute('aria-label')?.replace(/[\u2068\u2069]/g, '')).to.equal(
        'Show Alice full screen',
      );
    });

    it('leaves full screen when its control is pressed again', async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 1);
      const el = await view('host');
      await showsSeats(el, [0, 1]);
      fullscreenButton(el, 0).focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => el.matches(':state(fullscreen)'), 'the tile is full screen');
      expect(el.shadowRoot!.fullscreenElement === tileOf(el, 0), "the host's tile").to.equal(true);
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => !el.matches(':state(fullscreen)'), 'the control leaves');
      expect(document.fullscreenElement).to.equal(null);
    });

    it('hides the control where the browser has no element full screen', async () => {
      Object.defineProperty(document, 'fullscreenEnabled', { configurable: true, get: () => false });
      await begin({ audience: ['alice'] });
      await live.seat('alice', 1);
      const el = await view('host');
      await showsSeats(el, [0, 1]);
      expect(fullscreenButton(el, 1).hidden).to.equal(true);
      expect(fullscreenButton(el, 1).checkVisibility()).to.equal(false);
      await expect(el).to.be.accessible();
    });
  });

  describe('keyboard', () => {
    it('moves between tiles with the arrow keys, Home and End; Up and Down by rows in a grid', async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 4);
      const el = await view('host', { layout: 'fixed-grid' });
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      tileOf(el, 0).focus();
      const moves: (number | null)[] = [];
      for (const key of [
        'ArrowRight',
        'ArrowDown',
        'ArrowDown',
        'ArrowDown',
        'ArrowLeft',
        'ArrowUp',
        'End',
        'ArrowRight',
        'Home',
        'ArrowLeft',
      ]) {
        await sendKeys({ press: key });
        moves.push(focusedSeat(el));
      }
      expect(moves).to.deep.equal([1, 4, 7, 7, 6, 3, 8, 8, 0, 0]);
      expect(tiles(el).map((tile) => tile.getAttribute('tabindex'))).to.deep.equal([
        '0',
        '-1',
        '-1',
        '-1',
        '-1',
        '-1',
        '-1',
        '-1',
        '-1',
      ]);
    });

    it('follows the reading direction, moves by one in a column, and leaves keys in a seat menu alone', async () => {
      await begin({ maxSeatCount: 7, audience: ['alice', 'bob'] });
      await live.seat('alice', 1);
      await live.seat('bob', 2);
      const el = await view('host');
      await showsSeats(el, [0, 1, 2]);
      tileOf(el, 1).focus();
      await sendKeys({ press: 'ArrowDown' });
      expect(focusedSeat(el)).to.equal(2);
      el.dir = 'rtl';
      await sendKeys({ press: 'ArrowRight' });
      expect(focusedSeat(el)).to.equal(1);
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement?.localName).to.equal('seat-menu');
      await sendKeys({ press: 'ArrowLeft' });
      expect(el.shadowRoot!.activeElement?.localName).to.equal('seat-menu');
    });

    it('keeps a Tab stop when the tile that had it goes', async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 1);
      const el = await view('host');
      await showsSeats(el, [0, 1]);
      tileOf(el, 0).focus();
      await sendKeys({ press: 'ArrowRight' });
      expect(tiles(el).map((tile) => tile.getAttribute('tabindex'))).to.deep.equal(['-1', '0']);
      await live.session('alice').coGuestStore(live.liveId).disconnect();
      await showsSeats(el, [0]);
      expect(tileOf(el, 0).getAttribute('tabindex')).to.equal('0');
    });
  });

  describe('seat menu', () => {
    function menuOf(el: LiveCoreView, index: number): SeatMenu | null {
      const cell = cells(el).find((item) => item.part.contains(`cell-${index}`));
      return cell?.querySelector('seat-menu') ?? null;
    }

    function menuTrigger(menu: SeatMenu | null): HTMLButtonElement | null {
      return menu?.shadowRoot?.querySelector<HTMLButtonElement>('[part~="trigger"]') ?? null;
    }

    it("shows a host a menu on each guest's seat, not on their own", async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 1);
      const el = await view('host');
      await showsSeats(el, [0, 1]);
      const guestMenu = menuOf(el, 1);
      await guestMenu?.updateComplete;
      expect(menuTrigger(guestMenu)?.getAttribute('aria-label') ?? '').to.include('Alice');
      const ownMenu = menuOf(el, 0);
      await ownMenu?.updateComplete;
      expect(menuTrigger(ownMenu) === null, 'no menu on the host seat').to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('kicks a guest from the menu through the view’s session and live', async () => {
      await begin({ audience: ['alice'] });
      await live.seat('alice', 1);
      const el = await view('host');
      await showsSeats(el, [0, 1]);
      const menu = menuOf(el, 1)!;
      await menu.updateComplete;
      menuTrigger(menu)!.click();
      await waitUntil(() => menu.shadowRoot!.querySelectorAll('[role="menuitem"]').length > 0, 'menu opens');
      const kick = Array.from(menu.shadowRoot!.querySelectorAll<HTMLElement>('[role="menuitem"]')).find(
        (item) => text(item) === 'Kick off seat',
      );
      kick!.click();
      await waitFor(
        live.session('alice').coGuestStore(live.liveId).coGuestState.selfStatus,
        (status) => status === 'idle',
        'alice is off the seat',
      );
      await showsSeats(el, [0]);
    });

    it('shows no menu to the audience, nor with no-seat-menu', async () => {
      await begin({ audience: ['alice', 'bob'] });
      await live.seat('alice', 1);
      const audienceView = await view('bob');
      await showsSeats(audienceView, [0, 1]);
      const menu = menuOf(audienceView, 1);
      await menu?.updateComplete;
      expect(menuTrigger(menu) === null, 'no menu for the audience').to.equal(true);
      const hostView = await fixture<LiveCoreView>(
        html`<live-core-view no-seat-menu .session=${live.host} live-id=${live.liveId}></live-core-view>`,
      );
      await showsSeats(hostView, [0, 1]);
      expect(menuOf(hostView, 1) === null, 'no-seat-menu').to.equal(true);
    });
  });

  describe('controller', () => {
    it('wins over the session, live-id and context, and hands its live down', async () => {
      await begin({ audience: ['alice'] });
      const controller = LiveCoreController.create({ session: live.host });
      controller.setLiveID(live.liveId);
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          layout="fixed-grid"
          .session=${live.session('alice')}
          live-id="elsewhere"
          .controller=${controller}
          ><stage-probe></stage-probe
        ></live-core-view>`,
      );
      const probe = el.querySelector<StageProbe>('stage-probe')!;
      await showsSeats(el, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(tileOf(el, 0).local, "the host's own tile").to.equal(true);
      expect(text(tileOf(el, 1).querySelector('[part~="empty-action"]'))).to.equal('Seat 2 Invite');
      await waitUntil(() => probe.seen === 'room/host/1', 'the probe sees the controller');
      el.controller = null;
      await waitUntil(() => probe.seen === 'elsewhere/alice/0', 'back to the properties');
      controller.dispose();
    });

    it("follows the controller's live while connected, and its disposal", async () => {
      await begin({ audience: ['alice'] });
      const controller = LiveCoreController.create({ session: live.session('alice') });
      const el = await fixture<LiveCoreView>(
        html`<live-core-view .controller=${controller}><stage-probe></stage-probe></live-core-view>`,
      );
      const probe = el.querySelector<StageProbe>('stage-probe')!;
      expect(shown(el)).to.deep.equal([]);
      controller.setLiveID(live.liveId);
      await showsSeats(el, [0]);
      await waitUntil(() => probe.seen === 'room/alice/1', 'the probe follows');
      controller.setLiveID('another');
      await showsSeats(el, []);
      await waitUntil(() => probe.seen === 'another/alice/0', 'the probe follows the switch');
      const parent = el.parentElement!;
      el.remove();
      controller.setLiveID(live.liveId);
      parent.append(el);
      await showsSeats(el, [0]);
      controller.dispose();
      await showsSeats(el, []);
      await waitUntil(() => probe.seen === '-/alice/0', 'the probe loses the live');
    });
  });
});
