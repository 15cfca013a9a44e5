/**
 * <live-core-view> layers (the seed's VideoWidgetBuilder): the builder property and the declarative
 * `<template slot="foreground|background">` children, stamped per seat, kept in the page's light DOM,
 * added and removed with the seats, and inert whatever the users' data holds. Real stores on the
 * in-page hub.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import { nothing, type TemplateResult } from 'lit';
import type { GuestSeatTile } from '../../src/elements/guest-seat-tile/guest-seat-tile.js';
import {
  LiveCoreView,
  type SeatFullInfo,
  type VideoWidgetBuilder,
  type ViewLayer,
} from '../../src/elements/live-core-view/live-core-view.js';
import { Stamp, type SeatTemplateData } from '../../src/elements/live-core-view/stamp.js';
import type { SeatInfo } from '../../src/protocol/types.js';
import { waitFor } from '../core/helpers.js';
import { HOSTILE_STRINGS, HOSTILE_URLS, inertIn } from './shared/hostile.js';
import {
  endedVideoStream,
  isShown,
  liveVideoStream,
  queryPart,
  runLayerContract,
  stopStreams,
  type VideoState,
} from './shared/layers.js';
import { startLive, type LiveOptions, type TestLive } from './shared/live.js';

/** A 1×1 GIF: a safe avatar that loads without network. */
const AVATAR = 'data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';

/** Guests of the nine-seat live, on seats 1 to 8 in this order. */
const GUESTS = ['ada', 'bob', 'cy', 'dee', 'eve', 'fay', 'gus', 'hal'] as const;

let live: TestLive;

async function begin(options: LiveOptions = {}): Promise<TestLive> {
  live = await startLive(options);
  return live;
}

/** A nine-seat live with the host on seat 0 and the eight guests on seats 1 to 8. */
async function fullLive(): Promise<TestLive> {
  await begin({ audience: [...GUESTS] });
  for (const [position, userId] of GUESTS.entries()) await live.seat(userId, position + 1);
  await seatsSeen('host', (seats) => occupied(seats).length === 9, 'nine seats taken');
  return live;
}

function occupied(seats: readonly SeatInfo[]): number[] {
  return seats.filter((seat) => seat.userInfo !== null).map((seat) => seat.index);
}

function seatsSeen(viewer: string, predicate: (seats: readonly SeatInfo[]) => boolean, label: string) {
  return waitFor(live.session(viewer).liveSeatStore(live.liveId).seatList, predicate, label);
}

/** Resolves once `viewer`'s seat list satisfies `predicate` and `el` has rendered it. */
async function settle(
  el: LiveCoreView,
  viewer: string,
  predicate: (seats: readonly SeatInfo[]) => boolean,
  label: string,
): Promise<void> {
  await seatsSeen(viewer, predicate, label);
  await el.updateComplete;
}

/** Resolves once the view and every tile in it have rendered. */
async function rendered(el: LiveCoreView): Promise<void> {
  await el.updateComplete;
  await Promise.all(tiles(el).map((tile) => tile.updateComplete));
}

function tiles(el: LiveCoreView): GuestSeatTile[] {
  return Array.from(el.shadowRoot!.querySelectorAll('guest-seat-tile'));
}

function tileOf(el: LiveCoreView, index: number): GuestSeatTile {
  const found = tiles(el).find((tile) => tile.seat?.index === index);
  if (found === undefined) throw new Error(`no tile for seat ${index}`);
  return found;
}

/** The view's layer children: `slot → text`, sorted by slot. */
function views(el: LiveCoreView): string[] {
  return Array.from(el.children)
    .filter((child) => child.slot.startsWith('seat-'))
    .map((child) => `${child.slot}=${(child.textContent ?? '').replace(/\s+/g, ' ').trim()}`)
    .sort();
}

function viewOf(el: LiveCoreView, slot: string): HTMLElement {
  const found = Array.from(el.children).find((child) => child.slot === slot);
  if (!(found instanceof HTMLElement)) throw new Error(`no view in slot ${slot}`);
  return found;
}

/** Whether `node` is drawn in the `layer` of the tile of seat `index`. */
function drawnIn(el: LiveCoreView, node: Element, index: number, layer: ViewLayer): boolean {
  const forwarding = node.assignedSlot;
  return (
    forwarding !== null &&
    forwarding.name === `seat-${index}-${layer}` &&
    forwarding.parentElement === tileOf(el, index) &&
    forwarding.assignedSlot?.name === layer
  );
}

function nameOf(userId: string): string {
  return userId.charAt(0).toUpperCase() + userId.slice(1);
}

/** `slot=text` for every occupied seat and layer, with `text(name, index, layer)`. */
function expected(
  seats: readonly (readonly [number, string])[],
  text: (name: string, index: number, layer: ViewLayer) => string,
): string[] {
  return seats
    .flatMap(([index, userId]) =>
      (['foreground', 'background'] as const).map(
        (layer) => `seat-${index}-${layer}=${text(nameOf(userId), index, layer)}`,
      ),
    )
    .sort();
}

const NINE: readonly (readonly [number, string])[] = [
  [0, 'host'],
  ...GUESTS.map((userId, position) => [position + 1, userId] as const),
];

/** After `changeSeats`: dee left seat 4, fay was kicked from seat 6, bob moved from seat 2 to 4. */
const AFTER_CHANGES: readonly (readonly [number, string])[] = [
  [0, 'host'],
  [1, 'ada'],
  [3, 'cy'],
  [4, 'bob'],
  [5, 'eve'],
  [7, 'gus'],
  [8, 'hal'],
];

/** A guest leaves, another is kicked, a third moves: the seed's FAQ cases. */
async function changeSeats(el: LiveCoreView): Promise<void> {
  const seats = live.host.liveSeatStore(live.liveId);
  expect((await live.session('dee').coGuestStore(live.liveId).disconnect()).isSuccess, 'dee leaves').to.equal(
    true,
  );
  await settle(el, 'host', (list) => list[4]?.userInfo === null, 'seat 4 is free');
  expect((await seats.kickUserOutOfSeat('fay')).isSuccess, 'fay is kicked').to.equal(true);
  await settle(el, 'host', (list) => list[6]?.userInfo === null, 'seat 6 is free');
  expect((await seats.moveUserToSeat('bob', 4)).isSuccess, 'bob moves').to.equal(true);
  await settle(el, 'host', (list) => list[4]?.userInfo?.userId === 'bob', 'bob is on seat 4');
}

/** A builder that returns a new `<span>` per call and records its calls as `index:layer`. */
function spanBuilder(calls: string[] = []): VideoWidgetBuilder & { readonly calls: string[] } {
  return {
    calls,
    coGuestWidgetBuilder(info: SeatFullInfo, layer: ViewLayer) {
      calls.push(`${info.index}:${layer}`);
      const span = document.createElement('span');
      span.className = `built-${layer}`;
      span.textContent = `${layer} ${info.userInfo.userName}@${info.index}`;
      return span;
    },
  };
}

describe('<live-core-view> layers', () => {
  // Visibility is checked in the settled state: no entrance fade of new cells.
  before(async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
  });

  after(async () => {
    await emulateMedia({ reducedMotion: 'no-preference' });
  });

  afterEach(() => {
    live?.close();
    stopStreams();
  });

  describe('slots', () => {
    it('adds and removes the builder views of nine seats as people leave, are kicked and move', async () => {
      await fullLive();
      const builder = spanBuilder();
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          .session=${live.host}
          live-id=${live.liveId}
          .videoWidgetBuilder=${builder}
        ></live-core-view>`,
      );
      await el.updateComplete;
      expect(el.activeLayout).to.equal('dynamic-grid');
      expect(views(el)).to.deep.equal(expected(NINE, (name, index, layer) => `${layer} ${name}@${index}`));
      for (const [index] of NINE) {
        for (const layer of ['foreground', 'background'] as const) {
          const node = viewOf(el, `seat-${index}-${layer}`);
          expect(node.classList.contains(`built-${layer}`), 'the node the builder returned').to.equal(true);
          expect(drawnIn(el, node, index, layer), `seat ${index} ${layer} is drawn in its tile`).to.equal(
            true,
          );
        }
      }
      await changeSeats(el);
      expect(views(el)).to.deep.equal(
        expected(AFTER_CHANGES, (name, index, layer) => `${layer} ${name}@${index}`),
      );
      expect(drawnIn(el, viewOf(el, 'seat-4-foreground'), 4, 'foreground')).to.equal(true);
      expect(el.querySelectorAll('[slot^="seat-"]').length, 'no stale node').to.equal(14);
    });

    it('adds and removes the template stamps of nine seats as people leave, are kicked and move', async () => {
      await fullLive();
      const el = await fixture<LiveCoreView>(
        html`<live-core-view .session=${live.host} live-id=${live.liveId}>
          <template slot="foreground"><span class="tag">{{userName}} #{{seatNumber}}</span></template>
          <template slot="background"><b>{{userName}}</b> (seat {{seatIndex}})</template>
        </live-core-view>`,
      );
      await el.updateComplete;
      const text = (name: string, index: number, layer: ViewLayer): string =>
        layer === 'foreground' ? `${name} #${index + 1}` : `${name} (seat ${index})`;
      expect(views(el)).to.deep.equal(expected(NINE, text));
      for (const [index] of NINE) {
        const stamp = viewOf(el, `seat-${index}-foreground`);
        expect(stamp.style.display).to.equal('contents');
        expect(drawnIn(el, stamp, index, 'foreground'), `seat ${index} is drawn in its tile`).to.equal(true);
      }
      await changeSeats(el);
      expect(views(el)).to.deep.equal(expected(AFTER_CHANGES, text));
      expect(el.querySelectorAll('[slot^="seat-"]').length, 'no stale stamp').to.equal(14);
    });

    it('removes every view when the live goes, or ends', async () => {
      await begin({ audience: ['ada'] });
      await live.seat('ada', 1);
      const el = await fixture<LiveCoreView>(
        html`<live-core-view .session=${live.session('ada')} live-id=${live.liveId}>
          <template slot="foreground">{{userName}}</template>
        </live-core-view>`,
      );
      await settle(el, 'ada', (seats) => occupied(seats).length === 2, 'two seats');
      expect(views(el).length).to.equal(2);
      el.liveId = null;
      await el.updateComplete;
      expect(views(el)).to.deep.equal([]);
      el.liveId = live.liveId;
      await el.updateComplete;
      expect(views(el).length).to.equal(2);
      await live.host.liveListStore.endLive();
      await waitUntil(() => views(el).length === 0, 'the views go with the live');
    });

    it('calls the builder once per seat and layer, and again only for a seat whose data changed', async () => {
      await begin({ audience: ['ada', 'bob'] });
      await live.seat('ada', 1);
      await live.seat('bob', 2);
      const builder = spanBuilder();
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          .session=${live.host}
          live-id=${live.liveId}
          .videoWidgetBuilder=${builder}
        ></live-core-view>`,
      );
      await settle(el, 'host', (seats) => occupied(seats).length === 3, 'three seats');
      expect([...builder.calls].sort()).to.deep.equal(
        [
          '0:background',
          '0:foreground',
          '1:background',
          '1:foreground',
          '2:background',
          '2:foreground',
        ].sort(),
      );
      builder.calls.length = 0;

      // Another seat changes: the seat list is new, ada's and bob's seats are not.
      expect((await live.host.liveSeatStore(live.liveId).lockSeat(5)).isSuccess).to.equal(true);
      await settle(el, 'host', (seats) => seats[5]?.isLocked === true, 'seat 5 locked');
      el.speakingUsers = new Set(['ada']);
      el.streams = new Map([['bob', liveVideoStream()]]);
      await el.updateComplete;
      expect(builder.calls).to.deep.equal([]);

      await live.session('ada').liveSeatStore(live.liveId).publishDeviceStatus({ microphone: 'on' });
      await settle(el, 'host', (seats) => seats[1]?.userInfo?.microphoneStatus === 'on', 'ada unmuted');
      expect([...builder.calls].sort()).to.deep.equal(['1:background', '1:foreground']);
      expect(viewOf(el, 'seat-1-foreground').textContent).to.equal('foreground Ada@1');

      const next = spanBuilder();
      el.videoWidgetBuilder = next;
      await el.updateComplete;
      expect(next.calls.length, 'a new builder builds every seat').to.equal(6);
      expect(builder.calls.length).to.equal(2);
    });

    it('keeps the tile default layer where the builder returns nothing', async () => {
      await begin({ audience: ['ada'] });
      await live.seat('ada', 1);
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          .session=${live.host}
          live-id=${live.liveId}
          .videoWidgetBuilder=${{
            coGuestWidgetBuilder: (info: SeatFullInfo, layer: ViewLayer) =>
              layer === 'foreground' && info.index === 1 ? document.createElement('hr') : undefined,
          }}
        ></live-core-view>`,
      );
      await settle(el, 'host', (seats) => occupied(seats).length === 2, 'two seats');
      expect(views(el)).to.deep.equal(['seat-1-foreground=']);
      const ada = tileOf(el, 1);
      expect(ada.querySelectorAll('slot').length, 'only the filled layer is forwarded').to.equal(1);
      expect(isShown(queryPart(ada, 'name-tag')), 'default foreground replaced').to.equal(false);
      expect(isShown(queryPart(ada, 'initials')), 'default background kept').to.equal(true);
      expect(isShown(queryPart(tileOf(el, 0), 'name-tag')), "the host's default foreground").to.equal(true);
    });

    it('renders Lit templates from the builder into a light-DOM container it reuses', async () => {
      await begin({ audience: ['ada'] });
      await live.seat('ada', 1);
      const builder: VideoWidgetBuilder = {
        coGuestWidgetBuilder: (info, layer): TemplateResult | undefined =>
          layer === 'foreground'
            ? html`<em class="lit-tag">${info.userInfo.userName}: ${info.userInfo.microphoneStatus}</em>`
            : undefined,
      };
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          .session=${live.host}
          live-id=${live.liveId}
          .videoWidgetBuilder=${builder}
        ></live-core-view>`,
      );
      await settle(el, 'host', (seats) => occupied(seats).length === 2, 'two seats');
      const container = viewOf(el, 'seat-1-foreground');
      const em = container.querySelector('em')!;
      expect([container.localName, container.style.display, em.textContent]).to.deep.equal([
        'div',
        'contents',
        'Ada: off',
      ]);
      expect(getComputedStyle(em).display, 'the page styles it').to.equal('inline');
      await live.session('ada').liveSeatStore(live.liveId).publishDeviceStatus({ microphone: 'on' });
      await settle(el, 'host', (seats) => seats[1]?.userInfo?.microphoneStatus === 'on', 'ada unmuted');
      expect(viewOf(el, 'seat-1-foreground') === container, 'the same container').to.equal(true);
      expect(container.querySelector('em') === em, 'Lit updated the same element').to.equal(true);
      expect(em.textContent).to.equal('Ada: on');
    });

    it('lets the builder win over the templates where it returns something', async () => {
      await begin({ audience: ['ada'] });
      await live.seat('ada', 1);
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          .session=${live.host}
          live-id=${live.liveId}
          .videoWidgetBuilder=${{
            coGuestWidgetBuilder: (info: SeatFullInfo, layer: ViewLayer) =>
              layer === 'foreground' ? html`built ${info.userInfo.userName}` : nothing,
          }}
        >
          <template slot="foreground">stamped {{userName}}</template>
          <template slot="background">stamped {{userName}}</template>
        </live-core-view>`,
      );
      await settle(el, 'host', (seats) => occupied(seats).length === 2, 'two seats');
      expect(views(el)).to.deep.equal([
        'seat-0-background=stamped Host',
        'seat-0-foreground=built Host',
        'seat-1-background=stamped Ada',
        'seat-1-foreground=built Ada',
      ]);
      el.videoWidgetBuilder = null;
      await el.updateComplete;
      expect(views(el)).to.deep.equal([
        'seat-0-background=stamped Host',
        'seat-0-foreground=stamped Host',
        'seat-1-background=stamped Ada',
        'seat-1-foreground=stamped Ada',
      ]);
    });

    it('binds every template field, as text, and updates the stamp in place', async () => {
      await begin({ audience: ['ada'] });
      await live.seat('ada', 1);
      const el = await fixture<LiveCoreView>(
        html`<live-core-view .session=${live.session('ada')} live-id=${live.liveId}>
          <template slot="foreground"
            ><p
              data-fields="{{userId}}|{{userName}}|{{avatarUrl}}|{{seatIndex}}|{{seatNumber}}|{{microphoneStatus}}|{{cameraStatus}}|{{role}}|{{isLocal}}"
              data-mic="{{ microphoneStatus }}"
            >
              {{userId}}|{{userName}}|{{avatarUrl}}|{{seatIndex}}|{{seatNumber}}|{{microphoneStatus}}|{{cameraStatus}}|{{role}}|{{isLocal}}
            </p></template
          >
        </live-core-view>`,
      );
      await settle(el, 'ada', (seats) => occupied(seats).length === 2, 'two seats');
      const p = viewOf(el, 'seat-1-foreground').querySelector('p')!;
      expect(p.textContent?.trim()).to.equal('ada|Ada||1|2|off|off|audience|true');
      expect(p.dataset.fields).to.equal('ada|Ada||1|2|off|off|audience|true');
      expect(viewOf(el, 'seat-0-foreground').querySelector('p')!.textContent?.trim()).to.equal(
        'host|Host||0|1|off|off|owner|false',
      );
      await live.session('ada').liveSeatStore(live.liveId).publishDeviceStatus({ microphone: 'on' });
      await settle(el, 'ada', (seats) => seats[1]?.userInfo?.microphoneStatus === 'on', 'ada unmuted');
      expect(viewOf(el, 'seat-1-foreground').querySelector('p') === p, 'the same element').to.equal(true);
      expect([p.dataset.mic, p.textContent?.trim()]).to.deep.equal([
        'on',
        'ada|Ada||1|2|on|off|audience|true',
      ]);
    });

    it('follows templates added and removed later', async () => {
      await begin({ audience: ['ada'] });
      await live.seat('ada', 1);
      const el = await fixture<LiveCoreView>(
        html`<live-core-view .session=${live.host} live-id=${live.liveId}></live-core-view>`,
      );
      await settle(el, 'host', (seats) => occupied(seats).length === 2, 'two seats');
      expect(views(el)).to.deep.equal([]);
      const template = document.createElement('template');
      template.slot = 'foreground';
      template.innerHTML = '<i>{{userName}}</i>';
      el.append(template);
      await waitUntil(() => views(el).length === 2, 'stamps appear');
      expect(isShown(queryPart(tileOf(el, 1), 'name-tag')), 'default foreground replaced').to.equal(false);
      template.remove();
      await waitUntil(() => views(el).length === 0, 'stamps go');
      expect(isShown(queryPart(tileOf(el, 1), 'name-tag')), 'default foreground back').to.equal(true);
    });
  });

  describe('layer contract inside the view', () => {
    let style: HTMLStyleElement;

    before(() => {
      style = document.createElement('style');
      style.textContent = `
        .page-layer { display: block; width: 48px; height: 24px; }
        .page-foreground { color: rgb(1, 2, 3); }
        .page-background { color: rgb(4, 5, 6); }
      `;
      document.head.append(style);
    });

    after(() => {
      style.remove();
    });

    /** A view of a live with ada seated on seat 1; her layers from `how`, no video yet. */
    async function seatedView(how: 'builder' | 'templates' | 'none'): Promise<{
      el: LiveCoreView;
      tile: GuestSeatTile;
      setVideo: (state: VideoState) => Promise<void>;
    }> {
      await begin({ audience: ['ada'] });
      await live.seat('ada', 1);
      const builder: VideoWidgetBuilder = {
        coGuestWidgetBuilder(_info, layer) {
          const div = document.createElement('div');
          div.className = `page-layer page-${layer}`;
          div.textContent = `${layer} from the page`;
          return div;
        },
      };
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          style="width: 480px"
          .session=${live.host}
          live-id=${live.liveId}
          .videoWidgetBuilder=${how === 'builder' ? builder : null}
        >
          ${
            how === 'templates'
              ? html`<template slot="foreground"
                    ><div class="page-layer page-foreground">foreground from the page</div></template
                  ><template slot="background"
                    ><div class="page-layer page-background">background from the page</div></template
                  >`
              : nothing
          }
        </live-core-view>`,
      );
      await settle(el, 'host', (seats) => occupied(seats).length === 2, 'two seats');
      const seats = live.session('ada').liveSeatStore(live.liveId);
      const setVideo = async (state: VideoState): Promise<void> => {
        const camera = state === 'camera-off' || state === 'none' ? 'off' : 'on';
        await seats.publishDeviceStatus({ camera });
        await settle(el, 'host', (list) => list[1]?.userInfo?.cameraStatus === camera, `camera ${camera}`);
        el.streams = new Map(
          state === 'none' ? [] : [['ada', state === 'ended' ? endedVideoStream() : liveVideoStream()]],
        );
        await el.updateComplete;
        await tileOf(el, 1).updateComplete;
      };
      return { el, tile: tileOf(el, 1), setVideo };
    }

    // The builder passes the page's own nodes through, so the shared contract of every tile-like
    // element applies to it as written; template stamps are clones, checked below.
    runLayerContract('from the builder: the shared layer contract', async ({ foreground, background }) => {
      await begin({ audience: ['ada'] });
      await live.seat('ada', 1);
      const builderOf = (layers: Partial<Record<ViewLayer, HTMLElement>>): VideoWidgetBuilder => ({
        coGuestWidgetBuilder: (info, layer) => (info.index === 1 ? layers[layer] : undefined),
      });
      const el = await fixture<LiveCoreView>(
        html`<live-core-view
          style="width: 480px"
          .session=${live.host}
          live-id=${live.liveId}
          .videoWidgetBuilder=${builderOf({ foreground, background })}
        ></live-core-view>`,
      );
      await settle(el, 'host', (seats) => occupied(seats).length === 2, 'two seats');
      await rendered(el);
      const seats = live.session('ada').liveSeatStore(live.liveId);
      return {
        element: tileOf(el, 1),
        async setVideo(state) {
          const camera = state === 'camera-off' || state === 'none' ? 'off' : 'on';
          await seats.publishDeviceStatus({ camera });
          await settle(el, 'host', (list) => list[1]?.userInfo?.cameraStatus === camera, `camera ${camera}`);
          el.streams = new Map(
            state === 'none' ? [] : [['ada', state === 'ended' ? endedVideoStream() : liveVideoStream()]],
          );
          await rendered(el);
        },
        async clearLayer(layer) {
          el.videoWidgetBuilder = builderOf(layer === 'foreground' ? { background } : { foreground });
          await rendered(el);
        },
      };
    });

    for (const how of ['templates'] as const) {
      describe(`from the ${how}`, () => {
        it('keeps layer content in the light DOM, styled by the page', async () => {
          const { el } = await seatedView(how);
          for (const [layer, color] of [
            ['foreground', 'rgb(1, 2, 3)'],
            ['background', 'rgb(4, 5, 6)'],
          ] as const) {
            const node = viewOf(el, `seat-1-${layer}`);
            const content = node.classList.contains('page-layer') ? node : node.querySelector('.page-layer')!;
            expect(node.getRootNode() === document, `${layer} is in the page's tree`).to.equal(true);
            expect(getComputedStyle(content).color, `page CSS styles the ${layer}`).to.equal(color);
          }
        });

        it('shows the background only without video, the video only with it, the foreground always', async () => {
          const { el, tile, setVideo } = await seatedView(how);
          // The builder is called again when the camera changes: look the content up each time.
          const content = (layer: ViewLayer): Element => {
            const node = viewOf(el, `seat-1-${layer}`);
            return node.classList.contains('page-layer') ? node : node.querySelector('.page-layer')!;
          };
          const states: readonly (readonly [VideoState, boolean])[] = [
            ['none', false],
            ['live', true],
            ['camera-off', false],
            ['live', true],
            ['ended', false],
          ];
          for (const [state, video] of states) {
            await setVideo(state);
            expect(isShown(content('background')), `background with '${state}'`).to.equal(!video);
            expect(isShown(queryPart(tile, 'video')), `video with '${state}'`).to.equal(video);
            expect(isShown(content('foreground')), `foreground with '${state}'`).to.equal(true);
          }
        });

        it('draws the foreground above the video', async () => {
          const { el, setVideo } = await seatedView(how);
          await setVideo('live');
          const node = viewOf(el, 'seat-1-foreground');
          const content = node.classList.contains('page-layer') ? node : node.querySelector('.page-layer')!;
          content.scrollIntoView({ block: 'center' });
          const box = content.getBoundingClientRect();
          expect(box.width * box.height).to.be.greaterThan(0);
          const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
          expect(hit === content, 'the foreground is topmost at its centre').to.equal(true);
        });
      });
    }

    it('shows the default layers when there is no builder and no template', async () => {
      const { tile, setVideo } = await seatedView('none');
      await setVideo('none');
      expect(isShown(queryPart(tile, 'initials')), 'default avatar').to.equal(true);
      expect(isShown(queryPart(tile, 'name-tag')), 'default name tag').to.equal(true);
      await setVideo('live');
      expect(isShown(queryPart(tile, 'initials')), 'no avatar over the video').to.equal(false);
      expect(isShown(queryPart(tile, 'name-tag')), 'name tag over the video').to.equal(true);
    });
  });

  describe('hostile data', () => {
    /** Ten guests named with the hostile strings, with hostile avatar URLs, on a 16-seat live. */
    async function hostileLive(): Promise<readonly string[]> {
      const ids = HOSTILE_STRINGS.map((_, position) => `evil${position}`);
      const users = Object.fromEntries(
        ids.map((id, position) => [
          id,
          { userName: HOSTILE_STRINGS[position]!, avatarUrl: HOSTILE_URLS[position % HOSTILE_URLS.length]! },
        ]),
      );
      await begin({ maxSeatCount: 16, audience: ids, users });
      for (const [position, id] of ids.entries()) await live.seat(id, position + 1);
      await seatsSeen('host', (seats) => occupied(seats).length === ids.length + 1, 'everyone seated');
      return ids;
    }

    it('stamps hostile names and avatar URLs as inert text', async () => {
      const ids = await hostileLive();
      const el = await fixture<LiveCoreView>(
        html`<live-core-view .session=${live.host} live-id=${live.liveId}>
          <template slot="foreground"
            ><span class="name" title="{{userName}}" onclick="window.__pwned = 1">{{userName}}</span
            ><a class="link" href="{{avatarUrl}}">{{userName}}</a
            ><a class="profile" href="https://example.test/u?name={{userName}}">profile</a>
            <script>
              window.__pwned = 1;
            </script></template
          >
          <template slot="background"
            ><img class="avatar" alt="{{userName}}" src="{{avatarUrl}}" srcset="{{avatarUrl}} 2x" /><span
              class="styled"
              style="color: {{userName}}"
              >{{avatarUrl}}</span
            ></template
          >
        </live-core-view>`,
      );
      await rendered(el);
      const check = inertIn(el);
      expect(check.ok, check.problem).to.equal(true);
      for (const [position, id] of ids.entries()) {
        const seat = position + 1;
        const name = HOSTILE_STRINGS[position]!;
        const foreground = viewOf(el, `seat-${seat}-foreground`);
        const background = viewOf(el, `seat-${seat}-background`);
        const span = foreground.querySelector('.name')!;
        expect(span.textContent, `${id}'s name as text`).to.equal(name);
        expect(span.getAttribute('title')).to.equal(name);
        expect(span.hasAttribute('onclick'), 'no handler').to.equal(false);
        expect(foreground.querySelector('script') === null, 'no script').to.equal(true);
        expect(foreground.querySelector('.link')!.hasAttribute('href'), 'no hostile link').to.equal(false);
        expect(foreground.querySelector('.profile')!.getAttribute('href')).to.equal(
          new URL(`https://example.test/u?name=${encodeURIComponent(name)}`).href,
        );
        const img = background.querySelector('img')!;
        expect([img.hasAttribute('src'), img.hasAttribute('srcset')]).to.deep.equal([false, false]);
        expect(img.getAttribute('alt')).to.equal(name);
        expect(background.querySelector('.styled')!.hasAttribute('style'), 'no style from data').to.equal(
          false,
        );
        expect(background.querySelector('.styled')!.textContent).to.equal(
          HOSTILE_URLS[position % HOSTILE_URLS.length],
        );
      }
    });

    it('renders hostile data inert in the default layers and in Lit templates from the builder', async () => {
      await hostileLive();
      const plain = await fixture<LiveCoreView>(
        html`<live-core-view
          .session=${live.host}
          live-id=${live.liveId}
          layout="fixed-grid"
        ></live-core-view>`,
      );
      await rendered(plain);
      const built = await fixture<LiveCoreView>(
        html`<live-core-view
          .session=${live.host}
          live-id=${live.liveId}
          .videoWidgetBuilder=${{
            coGuestWidgetBuilder: (info: SeatFullInfo) =>
              html`<span title=${info.userInfo.userName}>${info.userInfo.userName}</span>`,
          }}
        ></live-core-view>`,
      );
      await rendered(built);
      for (const el of [plain, built]) {
        const check = inertIn(el);
        expect(check.ok, check.problem).to.equal(true);
      }
      expect(viewOf(built, 'seat-1-foreground').textContent).to.equal(HOSTILE_STRINGS[0]);
    });
  });

  describe('stamps', () => {
    const DATA: SeatTemplateData = {
      userId: 'ada',
      userName: 'Ada <b>L</b>',
      avatarUrl: AVATAR,
      seatIndex: '2',
      seatNumber: '3',
      microphoneStatus: 'on',
      cameraStatus: 'off',
      role: 'audience',
      isLocal: 'false',
    };

    function stamp(markup: string, data: Partial<SeatTemplateData> = {}): HTMLElement {
      const template = document.createElement('template');
      template.innerHTML = markup;
      const made = new Stamp(template);
      made.update({ ...DATA, ...data });
      return made.root;
    }

    const table: readonly (readonly [string, string, Partial<SeatTemplateData>, string])[] = [
      [
        'fills text as text',
        '<p>{{userName}} on {{ seatNumber }}</p>',
        {},
        '<p>Ada &lt;b&gt;L&lt;/b&gt; on 3</p>',
      ],
      ['leaves unknown placeholders', '<p>{{nope}} {{userId}}</p>', {}, '<p>{{nope}} ada</p>'],
      ['sets a safe URL', '<img src="{{avatarUrl}}">', {}, `<img src="${AVATAR}">`],
      ['drops an unsafe URL', '<img src="{{avatarUrl}}">', { avatarUrl: 'javascript:alert(1)' }, '<img>'],
      ['drops an empty URL', '<img src="{{avatarUrl}}">', { avatarUrl: '' }, '<img>'],
      [
        'drops a URL that a blank placeholder starts',
        '<img src="{{avatarUrl}}?size=2" srcset="{{ avatarUrl }} 2x">',
        { avatarUrl: ' ' },
        '<img>',
      ],
      [
        'drops a srcset URL that would split into more candidates',
        '<img srcset="{{avatarUrl}} 1x">',
        { avatarUrl: 'data:image/png,a 2x, javascript:x() 3x' },
        '<img>',
      ],
      [
        'encodes a placeholder inside a URL',
        '<a href="https://x.test/u/{{userName}}">u</a>',
        {},
        '<a href="https://x.test/u/Ada%20%3Cb%3EL%3C%2Fb%3E">u</a>',
      ],
      [
        'checks each srcset candidate',
        '<img srcset="{{avatarUrl}} 1x, https://x.test/b.png 2x">',
        {},
        `<img srcset="${AVATAR} 1x, https://x.test/b.png 2x">`,
      ],
      [
        'drops a srcset with an unsafe candidate',
        '<img srcset="{{avatarUrl}} 1x, https://x.test/b.png 2x">',
        { avatarUrl: 'file:///etc/passwd' },
        '<img>',
      ],
      ['drops a style with a placeholder', '<p style="color: {{userName}}">x</p>', {}, '<p>x</p>'],
      ['keeps a style without one', '<p style="color: red">x</p>', {}, '<p style="color: red">x</p>'],
      ['drops srcdoc with a placeholder', '<iframe srcdoc="{{userName}}"></iframe>', {}, '<iframe></iframe>'],
      ['removes on* attributes', '<p onclick="x()" onmouseover="{{userId}}">x</p>', {}, '<p>x</p>'],
      ['removes scripts', '<p>a</p><script>window.__pwned = 1</script>', {}, '<p>a</p>'],
      ['removes authored javascript: URLs', '<a href=" javascript:x()">x</a>', {}, '<a>x</a>'],
      ['keeps authored links', '<a href="#top">x</a>', {}, '<a href="#top">x</a>'],
      ['leaves the text of a style alone', '<style>p{{userId}}</style>', {}, '<style>p{{userId}}</style>'],
      [
        'drops placeholders in SVG animations',
        '<svg><a><set attributeName="href" to="{{userName}}"></set></a></svg>',
        {},
        '<svg><a><set attributeName="href"></set></a></svg>',
      ],
    ];
    for (const [what, markup, data, html_] of table) {
      it(what, () => {
        expect(stamp(markup, data).innerHTML).to.equal(html_);
      });
    }

    it('fills attributes as text', () => {
      const root = stamp('<p title="{{userName}}" data-n="{{seatNumber}}"></p>');
      const p = root.querySelector('p')!;
      expect([p.getAttribute('title'), p.dataset.n, p.childElementCount]).to.deep.equal([
        'Ada <b>L</b>',
        '3',
        0,
      ]);
    });

    it('refuses SVG documents in URLs (they run script outside an <img>)', () => {
      const svg = 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"></svg>';
      expect(stamp('<iframe src="{{avatarUrl}}"></iframe>', { avatarUrl: svg }).innerHTML).to.equal(
        '<iframe></iframe>',
      );
      expect(
        stamp('<object data="{{avatarUrl}}"></object>', { avatarUrl: 'data:text/html,x' }).innerHTML,
      ).to.equal('<object></object>');
    });

    it('puts a dropped URL back when the data makes it safe', () => {
      const template = document.createElement('template');
      template.innerHTML = '<img src="{{avatarUrl}}">';
      const made = new Stamp(template);
      made.update({ ...DATA, avatarUrl: 'javascript:x()' });
      expect(made.root.innerHTML).to.equal('<img>');
      made.update(DATA);
      expect(made.root.innerHTML).to.equal(`<img src="${AVATAR}">`);
    });
  });
});
