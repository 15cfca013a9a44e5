/**
 * Stories for <live-core-view> (Storybook CSF 3). See stories/README.md.
 *
 * Each story is a live on the in-page hub, seen by the host (or by Ada, in the audience), with
 * synthetic cameras fed through `.streams`. One story per layout (Tencent's templates, the grid and
 * the speaker view, on a desktop stage and a phone's), a pinned user, the tiles' pin and full-screen
 * controls, the live's states, the seed's "Refine UI details" (a nickname over the video, an avatar
 * placeholder while the camera is off) written both ways, with a builder and with templates, and
 * hostile user data.
 */
import { html, type TemplateResult } from 'lit';
import type { ReadableAtom } from 'nanostores';
import '../src/elements/live-core-view/live-core-view.js';
import type {
  LiveCoreView,
  StageLayoutOption,
  VideoWidgetBuilder,
} from '../src/elements/live-core-view/live-core-view.js';
import type { SeatInfo } from '../src/protocol/types.js';
import { safeImageUrl } from '../src/utils/safe-url.js';
import { demoLive, liveOf, type DemoLive, type DemoLiveOptions } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

interface PlayContext extends StoryContext {
  readonly canvasElement: HTMLElement;
}

/** Everyone the stories seat, in seat order. */
const GUESTS = ['ada', 'grace', 'linus', 'mei', 'jiho', 'alan', 'katherine', 'tim'] as const;

/** Resolves once `store` satisfies `predicate` (a story's setup is asynchronous on the hub). */
function until<T>(store: ReadableAtom<T>, predicate: (value: T) => boolean, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (predicate(store.get())) {
      resolve();
      return;
    }
    const stop = store.listen((value) => {
      if (!predicate(value)) return;
      stop();
      clearTimeout(timer);
      resolve();
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`the story live did not settle: ${what}`));
    }, 4000);
  });
}

function occupied(seats: readonly SeatInfo[]): number {
  return seats.filter((seat) => seat.userInfo !== null).length;
}

/** A live as `options` say, once the host sees every seated guest on their seat. */
async function seatedLive(options: DemoLiveOptions): Promise<DemoLive> {
  const live = await demoLive(options);
  const seated = (options.seated ?? []).length + 1;
  await until(live.host.liveSeatStore(live.liveId).seatList, (seats) => occupied(seats) >= seated, 'seats');
  return live;
}

/** `userIds` turn their camera off (the seed's audience B: microphone only). */
async function camerasOff(live: DemoLive, userIds: readonly string[]): Promise<DemoLive> {
  for (const userId of userIds) {
    await live.session(userId).liveSeatStore(live.liveId).publishDeviceStatus({ camera: 'off' });
  }
  await until(
    live.host.liveSeatStore(live.liveId).seatList,
    (seats) =>
      seats.every(
        (seat) => !userIds.includes(seat.userInfo?.userId ?? '') || seat.userInfo?.cameraStatus === 'off',
      ),
    'cameras off',
  );
  return live;
}

function loadLive(options: DemoLiveOptions, cameraOff: readonly string[] = []) {
  return [async () => ({ live: await camerasOff(await seatedLive(options), cameraOff) })];
}

interface StageOptions {
  /** Who watches (default: the host). */
  readonly viewer?: string;
  readonly layout?: StageLayoutOption;
  /** The view's width (default 360px, a phone's). */
  readonly width?: string;
  /** `--live-stage-aspect-ratio` (default: the view's own, 9 / 16). */
  readonly ratio?: string;
  readonly showEmptySeats?: boolean;
  readonly pinned?: string;
  /** Who speaks (default: what the live's media hears). */
  readonly speaking?: readonly string[];
}

/** The view of `viewer` (default: the host), with every member's synthetic camera. */
function stage(live: DemoLive, options: StageOptions = {}, content: TemplateResult | string = '') {
  const ratio = options.ratio === undefined ? '' : `; --live-stage-aspect-ratio: ${options.ratio}`;
  return html`<live-core-view
    style="width: ${options.width ?? '360px'}${ratio}"
    .session=${live.session(options.viewer ?? 'host')}
    live-id=${live.liveId}
    layout=${options.layout ?? 'auto'}
    .pinned=${options.pinned ?? null}
    ?show-empty-seats=${options.showEmptySeats ?? false}
    .streams=${live.streams()}
    .speakingUsers=${options.speaking === undefined ? null : new Set(options.speaking)}
    >${content}</live-core-view
  >`;
}

/** A desktop page's stage: 640px wide, 16:10. */
const DESKTOP = { width: '640px', ratio: '16 / 10' } as const;

/** The cells of the view, with their boxes. */
function cellBoxes(view: LiveCoreView): { part: string; box: DOMRect }[] {
  return Array.from(view.shadowRoot?.querySelectorAll('[part~="cell"]') ?? [], (cell) => ({
    part: cell.getAttribute('part') ?? '',
    box: cell.getBoundingClientRect(),
  }));
}

/** The view, once it shows `count` tiles. */
async function findView(canvasElement: HTMLElement, count: number): Promise<LiveCoreView> {
  const view = await waitFor(
    () => deepQuery<LiveCoreView>(canvasElement, 'live-core-view'),
    'the view is on the page',
  );
  await waitFor(
    () => view.shadowRoot?.querySelectorAll('guest-seat-tile').length === count,
    `${count} tiles`,
  );
  return view;
}

export default {
  title: 'Elements/live-core-view',
  component: 'live-core-view',
};

/** Ada watches a live where only the host is seated; empty seats offer "Request to join". */
export const EmptyLive = {
  loaders: loadLive({ audience: ['ada'] }),
  render: (_args: unknown, { loaded }: StoryContext) =>
    stage(liveOf(loaded), { viewer: 'ada', layout: 'fixed-grid' }),
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 9);
    assert(!view.matches(':state(empty)'), 'the host is seated');
    assert(
      view.shadowRoot?.querySelectorAll('[part~="empty-action"]').length === 8,
      'eight seats to ask for',
    );
  },
};

/** No live yet: the stage says nobody is seated. */
export const NoLive = {
  render: () => html`<live-core-view style="width: 360px"></live-core-view>`,
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 0);
    assert(view.matches(':state(empty)'), 'the view is empty');
  },
};

/** `dynamic-grid` with all nine seats taken (the host and eight guests). */
export const FullGrid = {
  loaders: loadLive({ audience: [...GUESTS], seated: [...GUESTS] }),
  render: (_args: unknown, { loaded }: StoryContext) => stage(liveOf(loaded)),
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 9);
    assert(view.activeLayout === 'dynamic-grid', 'the nine-seat live takes the dynamic grid');
  },
};

/** `dynamic-grid` with three people: the grid adapts to the count. */
export const DynamicGrid = {
  loaders: loadLive({ audience: ['ada', 'grace'], seated: ['ada', 'grace'] }),
  render: (_args: unknown, { loaded }: StoryContext) => stage(liveOf(loaded)),
};

/** `fixed-grid` as the host sees it: every seat, empty ones offer "Invite". */
export const FixedGrid = {
  loaders: loadLive({ audience: ['ada', 'grace', 'linus'], seated: ['ada', 'grace', 'linus'] }),
  render: (_args: unknown, { loaded }: StoryContext) => stage(liveOf(loaded), { layout: 'fixed-grid' }),
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 9);
    const offers = view.shadowRoot?.querySelectorAll('[part~="empty-action"]') ?? [];
    assert(offers.length === 5, 'five empty seats to invite to');
  },
};

/** A seven-seat live: `auto` picks `dynamic-float`, the host fills the stage, guests float. */
export const Float7 = {
  loaders: loadLive({
    maxSeatCount: 7,
    audience: ['ada', 'grace', 'linus'],
    seated: ['ada', 'grace', 'linus'],
  }),
  render: (_args: unknown, { loaded }: StoryContext) => stage(liveOf(loaded)),
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 4);
    assert(view.activeLayout === 'dynamic-float', 'seven seats float');
  },
};

/** `fixed-float`: the same with every seat shown. */
export const FixedFloat = {
  loaders: loadLive({ maxSeatCount: 7, audience: ['ada', 'grace'], seated: ['ada', 'grace'] }),
  render: (_args: unknown, { loaded }: StoryContext) => stage(liveOf(loaded), { layout: 'fixed-float' }),
};

/** A four-seat live: `auto` picks `landscape`, a 16:9 stage with the guests in a strip. */
export const Landscape4 = {
  loaders: loadLive({
    maxSeatCount: 4,
    audience: ['ada', 'grace', 'linus'],
    seated: ['ada', 'grace', 'linus'],
  }),
  render: (_args: unknown, { loaded }: StoryContext) => stage(liveOf(loaded), { width: '640px' }),
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 4);
    assert(view.activeLayout === 'landscape', 'four seats go landscape');
  },
};

/**
 * A seven-seat live on a desktop stage (640×400): `dynamic-float` keeps the host's picture and
 * floats the guests as 16:9 tiles a quarter of the stage wide in its inline-end quarter.
 */
export const FloatDesktop = {
  loaders: loadLive({
    maxSeatCount: 7,
    audience: ['ada', 'grace', 'linus'],
    seated: ['ada', 'grace', 'linus'],
  }),
  render: (_args: unknown, { loaded }: StoryContext) => stage(liveOf(loaded), DESKTOP),
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 4);
    await waitFor(() => {
      const [main, ...guests] = cellBoxes(view);
      return (
        main !== undefined &&
        guests.every(({ box }) => box.width >= main.box.width / 4 - 1 && box.width > box.height)
      );
    }, 'guests a quarter of the stage wide, 16:9');
  },
};

/** `grid` on a desktop stage: equal 16:9 tiles, as large as the stage allows, centred. */
export const Grid = {
  loaders: loadLive({
    audience: ['ada', 'grace', 'linus', 'alan'],
    seated: ['ada', 'grace', 'linus', 'alan'],
  }),
  render: (_args: unknown, { loaded }: StoryContext) => stage(liveOf(loaded), { ...DESKTOP, layout: 'grid' }),
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 5);
    assert(view.matches(':state(grid)'), 'the grid');
    await waitFor(
      () => cellBoxes(view).every(({ box }) => Math.abs(box.width / box.height - 16 / 9) < 0.02),
      'the tiles are 16:9',
    );
  },
};

/** `grid` on a phone in portrait: the same tiles in one column while that makes them larger. */
export const GridPhone = {
  loaders: loadLive({ audience: ['ada', 'grace', 'linus'], seated: ['ada', 'grace', 'linus'] }),
  render: (_args: unknown, { loaded }: StoryContext) => stage(liveOf(loaded), { layout: 'grid' }),
};

/** `speaker` on a desktop stage: Grace speaks and is large; the others in a filmstrip at the side. */
export const Speaker = {
  loaders: loadLive({
    audience: ['ada', 'grace', 'linus', 'alan'],
    seated: ['ada', 'grace', 'linus', 'alan'],
  }),
  render: (_args: unknown, { loaded }: StoryContext) =>
    stage(liveOf(loaded), { ...DESKTOP, layout: 'speaker', speaking: ['grace'] }),
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 5);
    const main = cellBoxes(view).find(({ part }) => part.includes('cell-main'));
    assert(main?.part.includes('cell-2') === true, 'Grace, on seat 3, is large');
  },
};

/** `speaker` on a phone: Ada speaks and is large; the others in a filmstrip below. */
export const SpeakerPhone = {
  loaders: loadLive({ audience: ['ada', 'grace', 'linus'], seated: ['ada', 'grace', 'linus'] }),
  render: (_args: unknown, { loaded }: StoryContext) =>
    stage(liveOf(loaded), { layout: 'speaker', speaking: ['ada'] }),
};

/** The host pinned Linus (`pinned="linus"`) in the grid: he is large for them, his pin pressed. */
export const Pinned = {
  loaders: loadLive({ audience: ['ada', 'grace', 'linus'], seated: ['ada', 'grace', 'linus'] }),
  render: (_args: unknown, { loaded }: StoryContext) =>
    stage(liveOf(loaded), { ...DESKTOP, layout: 'grid', pinned: 'linus' }),
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 4);
    assert(view.matches(':state(pinned)'), 'a user is pinned');
    const pin = view.shadowRoot?.querySelector('[part~="cell-pinned"] [part~="pin-button"]');
    assert(pin?.getAttribute('aria-pressed') === 'true', "Linus's pin is pressed");
  },
};

/**
 * The controls of a tile, reached by keyboard: the stage is one Tab stop, the arrow keys move to
 * Ada's tile, Tab to its pin control (then full screen, then the host's seat menu). Pressing the pin
 * shows Ada large; full screen shows her tile alone on the screen until Escape.
 */
export const TileControls = {
  loaders: loadLive({ audience: ['ada', 'grace'], seated: ['ada', 'grace'] }),
  render: (_args: unknown, { loaded }: StoryContext) => stage(liveOf(loaded), { ...DESKTOP, layout: 'grid' }),
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 3);
    const pin = await waitFor(
      () => view.shadowRoot?.querySelector<HTMLButtonElement>('[part~="cell-1"] [part~="pin-button"]'),
      "Ada's pin control",
    );
    pin.focus();
    assert(view.shadowRoot?.activeElement === pin, 'the pin control has focus');
  },
};

/** The live ended: the stage says so. */
export const Ended = {
  loaders: [
    async () => {
      const live = await seatedLive({ audience: ['ada'] });
      await live.host.liveListStore.endLive();
      await until(live.session('ada').liveSeatStore(live.liveId).liveEnded, (ended) => ended, 'the end');
      return { live };
    },
  ],
  render: (_args: unknown, { loaded }: StoryContext) => stage(liveOf(loaded), { viewer: 'ada' }),
  play: async ({ canvasElement }: PlayContext) => {
    const view = await findView(canvasElement, 0);
    assert(view.matches(':state(ended)'), 'the view shows the end');
  },
};

/** Page CSS of the seed's "Refine UI details": the stamped and built nodes are the page's. */
const refineStyles = html`<style>
  .refine-name {
    position: absolute;
    left: 5px;
    bottom: 5px;
    padding: 4px 8px;
    border-radius: 12px;
    background: rgb(0 0 0 / 0.6);
    color: #fff;
    font:
      14px system-ui,
      sans-serif;
  }
  .refine-placeholder {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 8px;
    height: 100%;
    background: #424242;
    color: #fff;
    font:
      12px system-ui,
      sans-serif;
  }
  .refine-avatar {
    position: relative;
    width: 60px;
    height: 60px;
    overflow: hidden;
    border-radius: 50%;
    background: #9e9e9e;
  }
  .refine-avatar svg,
  .refine-avatar img {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .refine-avatar img:not([src]) {
    display: none;
  }
</style>`;

/** The default avatar of the seed (`Icons.person`), drawn by the page. */
const personIcon = html`<svg viewBox="0 0 24 24" fill="#fff" aria-hidden="true">
  <circle cx="12" cy="9" r="4"></circle>
  <path d="M4 21a8 8 0 0 1 16 0z"></path>
</svg>`;

/** The seed's `_buildCoGuestWidget`, on the web: a few lines. */
const refineBuilder: VideoWidgetBuilder = {
  coGuestWidgetBuilder(seat, layer) {
    const { userName, avatarUrl } = seat.userInfo;
    const avatar = safeImageUrl(avatarUrl);
    return layer === 'foreground'
      ? html`<span class="refine-name">${userName}</span>`
      : html`<div class="refine-placeholder">
          <span class="refine-avatar"
            >${personIcon}${avatar === '' ? '' : html`<img src=${avatar} alt="" />`}</span
          >
          <span>${userName}</span>
        </div>`;
  },
};

const REFINE_GUESTS = ['ada', 'grace', 'linus'];

async function checkRefined(canvasElement: HTMLElement): Promise<void> {
  const view = await findView(canvasElement, 4);
  const names = Array.from(view.querySelectorAll('.refine-name'), (node) => node.textContent);
  assert(names.length === 4, 'a nickname on every seat');
  assert(names.includes('Grace Hopper'), "Grace's nickname");
  assert(view.querySelectorAll('.refine-placeholder').length === 4, 'a placeholder for every seat');
}

/** "Refine UI details" with a builder: Grace has her camera off and shows her avatar. */
export const RefineWithBuilder = {
  loaders: loadLive({ audience: REFINE_GUESTS, seated: REFINE_GUESTS }, ['grace']),
  render: (_args: unknown, { loaded }: StoryContext) => {
    const live = liveOf(loaded);
    return html`${refineStyles}
      <live-core-view
        style="width: 360px"
        .session=${live.host}
        live-id=${live.liveId}
        .streams=${live.streams()}
        .videoWidgetBuilder=${refineBuilder}
      ></live-core-view>`;
  },
  play: async ({ canvasElement }: PlayContext) => checkRefined(canvasElement),
};

/** "Refine UI details" with no JavaScript: the same from `<template>` children. */
export const RefineWithTemplates = {
  loaders: loadLive({ audience: REFINE_GUESTS, seated: REFINE_GUESTS }, ['grace']),
  render: (_args: unknown, { loaded }: StoryContext) => {
    const live = liveOf(loaded);
    return html`${refineStyles}
      <live-core-view
        style="width: 360px"
        .session=${live.host}
        live-id=${live.liveId}
        .streams=${live.streams()}
      >
        <template slot="foreground"><span class="refine-name">{{userName}}</span></template>
        <template slot="background">
          <div class="refine-placeholder">
            <span class="refine-avatar"
              ><svg viewBox="0 0 24 24" fill="#fff" aria-hidden="true">
                <circle cx="12" cy="9" r="4"></circle>
                <path d="M4 21a8 8 0 0 1 16 0z"></path></svg
              ><img src="{{avatarUrl}}" alt=""
            /></span>
            <span>{{userName}}</span>
          </div>
        </template>
      </live-core-view>`;
  },
  play: async ({ canvasElement }: PlayContext) => checkRefined(canvasElement),
};

/** Names and avatar URLs that try to inject markup or run script: shown as text, never loaded. */
const HOSTILE_USERS: readonly { readonly userName: string; readonly avatarUrl: string }[] = [
  { userName: '<img src=x onerror="window.__pwned=1">', avatarUrl: 'javascript:window.__pwned=1' },
  {
    userName: '"><svg onload="window.__pwned=1">',
    avatarUrl: 'data:text/html,<script>window.__pwned=1</script>',
  },
  { userName: '{{constructor.constructor("window.__pwned=1")()}}', avatarUrl: ' JaVaScRiPt:alert(1)' },
  { userName: '\u202Egnp.exe\u202C', avatarUrl: 'file:///etc/passwd' },
];

/** Hostile user data, in the default layers and in stamped templates. */
export const HostileData = {
  loaders: [
    async () => {
      const live = await seatedLive({});
      const coGuest = live.host.coGuestStore(live.liveId);
      for (const [position, user] of HOSTILE_USERS.entries()) {
        const userId = `hostile${position}`;
        const session = await live.join(userId, user);
        await session.coGuestStore(live.liveId).applyForSeat({ seatIndex: position + 1 });
        await until(
          coGuest.coGuestState.applicants,
          (list) => list.some((item) => item.userId === userId),
          userId,
        );
        await coGuest.acceptApplication(userId);
      }
      await until(live.host.liveSeatStore(live.liveId).seatList, (seats) => occupied(seats) === 5, 'seated');
      return { live };
    },
  ],
  render: (_args: unknown, { loaded }: StoryContext) => {
    const live = liveOf(loaded);
    return html`<div style="display: flex; flex-wrap: wrap; gap: 16px">
      ${stage(live, { layout: 'fixed-grid', width: '320px' })}
      ${stage(
        live,
        { layout: 'fixed-grid', width: '320px' },
        html`${refineStyles}<template slot="foreground"
            ><span class="refine-name" title="{{userName}}">{{userName}}</span></template
          ><template slot="background"
            ><div class="refine-placeholder"><img src="{{avatarUrl}}" alt="{{userName}}" /></div
          ></template>`,
      )}
    </div>`;
  },
  play: async ({ canvasElement }: PlayContext) => {
    const views = await waitFor(() => {
      const found = canvasElement.querySelectorAll<LiveCoreView>('live-core-view');
      return found.length === 2 ? Array.from(found) : null;
    }, 'both views');
    const stamped = views[1]!;
    await waitFor(() => stamped.querySelectorAll('.refine-name').length === 5, 'five name tags');
    const names = Array.from(stamped.querySelectorAll('.refine-name'), (node) => node.textContent);
    assert(names.includes(HOSTILE_USERS[0]!.userName), 'a hostile name is shown as text');
    // Only the host's own avatar loads; every hostile URL is dropped.
    assert(stamped.querySelectorAll('img[src]').length === 1, 'no hostile avatar is loaded');
    assert(deepQuery(canvasElement, 'script, iframe') === null, 'nothing injected');
    assert((window as { __pwned?: number }).__pwned === undefined, 'no script ran');
  },
};
