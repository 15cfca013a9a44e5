import { ContextProvider } from '@lit/context';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { atom } from 'nanostores';
import { liveContext, LiveController, type LiveTarget } from '../../controllers/live-controller.js';
import { StoreController } from '../../controllers/store-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import type { SelfStatus } from '../../core/co-guest-store.js';
import type { LiveCoreController } from '../../core/live-core-controller.js';
import type { Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { isManager } from '../../protocol/roles.js';
import type { LiveInfo, Role, SeatInfo, UserInfo } from '../../protocol/types.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import { speakerIcon } from '../../utils/icons.js';
import '../guest-seat-tile/guest-seat-tile.js';
import '../seat-menu/seat-menu.js';
import { LiveMedia, mediaFor, type ViewerStatus } from '../../media/live-media.js';
import { MediaQualityController } from './media-quality.js';
import type { EmptySeatSelectEvent } from '../guest-seat-tile/guest-seat-tile.js';
import { perform } from '../shared/events.js';
import {
  resolveLayout,
  shownSeats,
  SPEAKER_HOLD_MS,
  stageGrid,
  STAGE_LAYOUTS,
  type StageGrid,
  type StageLayout,
  type StageLayoutOption,
} from './layout.js';
import { PageLayers } from './page-layers.js';
import type { SeatFullInfo, VideoWidgetBuilder, ViewLayer } from './seat-views.js';
import styles from './live-core-view.styles.js';
import { actionText, emptyAction, tileControls, TILE_PARTS, type EmptySeatAction } from './tile-content.js';
import { StageArrangementController, type StageLook } from './stage-arrangement.js';
import { StageFocusController, type StageOrder } from './stage-focus.js';
import { SeatApplyRequestEvent, SeatInviteRequestEvent, SeatPinEvent, SeatUnpinEvent } from './events.js';

export * from './events.js';
export { SPEAKER_HOLD_MS, STAGE_LAYOUTS, type StageLayout, type StageLayoutOption } from './layout.js';
export type { SeatFullInfo, SeatLayerView, VideoWidgetBuilder, ViewLayer } from './seat-views.js';
export type { SeatTemplateData } from './stamp.js';

// Read-only stand-ins while there is no live: never written.
const NO_SEATS = atom<readonly SeatInfo[]>([]);
const NO_LIVE_INFO = atom<LiveInfo | null>(null);
const NOT_ENDED = atom(false);
const NO_ROLE = atom<Role | null>(null);
const IDLE = atom<SelfStatus>('idle');
const NO_USER = atom<UserInfo | null>(null);
const NO_LIVE_ID = atom<string | null>(null);
const NO_STREAMS = atom<ReadonlyMap<string, MediaStream>>(new Map());
const NO_SPEAKERS = atom<ReadonlySet<string>>(new Set());
const NOT_BLOCKED = atom(false);
const NO_VIEWER_STATUS = atom<ReadonlyMap<string, ViewerStatus>>(new Map());

function occupied(seat: SeatInfo): seat is SeatFullInfo {
  return seat.userInfo !== null;
}

/**
 * The live's stage (the seed's `LiveCoreWidget`): one `<guest-seat-tile>` per seat, laid out by a
 * layout template like Tencent's, with per-seat foreground and background layers the page builds
 * (`videoWidgetBuilder`) or declares (`<template>` children). It reads the seats from
 * `liveSeatStore.seatList` and hands its session and live down to every kit element inside it.
 *
 * **Which live.** In this order: `controller` (a `LiveCoreController`: its `session`, and its
 * `liveId` store, followed while connected), then the `session` property and `live-id`
 * attribute, then the context of an enclosing `<live-core-view>`, then the page's default session.
 * The view provides what it shows (`{ session, liveId }`, `liveContext`) to its light-DOM children
 * and their descendants, so kit elements inside it need no attributes.
 *
 * **Seats.** Tiles are keyed by seat index and created and removed as the layout shows seats. Every
 * tile is `selectable`; activating an occupied tile fires the tile's own `seat-select` (it bubbles
 * out of the view; the view adds nothing).
 * Activating an empty, unlocked seat asks to join (`seat-apply-request`, for an audience member who
 * has no request or seat yet) or to invite (`seat-invite-request`, for the owner and administrators);
 * the empty tile then reads "Request to join" or "Invite". A locked seat asks nothing.
 *
 * **Layouts** (`layout`; docs/elements.md#layouts). Tencent's: `dynamic-grid` (occupied seats, a
 * grid by count), `fixed-grid` (every seat, 3 × 3 for 9), `dynamic-float` (seat 0 fills the stage,
 * guests float at its inline end as video-shaped tiles a quarter of a wide stage wide), `fixed-float`
 * (the same with every seat), `landscape` (16:9, seat 0 large, guests in a strip). The meeting
 * views: `grid` (equal 16:9 tiles, as large as the stage allows) and `speaker` (the active speaker
 * large, kept for `speaker-hold` ms once quiet; nobody speaking: seat 0; the others in a
 * filmstrip). `auto` (default): 7 seats → `dynamic-float`, 4 → `landscape`, else `dynamic-grid`.
 * All but the fixed ones show empty seats too with `show-empty-seats`.
 *
 * **Pin, full screen, keyboard.** Each occupied tile has a full-screen control and a pin toggle
 * (`aria-pressed`), shown on hover and focus (always on touch screens and in full screen, the pin
 * while pressed; `no-tile-controls` hides them). The pin fires `seat-pin` / `seat-unpin`; unless
 * prevented the view sets `pinned`: that user is large for this viewer in any layout. Full screen is
 * the tile's `requestFullscreen()` (hidden where the browser has none); Escape leaves. The stage is
 * one Tab stop (a roving tabindex): Tab enters on the last tile focused, then its controls; arrow
 * keys, Home and End move between tiles.
 *
 * **Layers** (the seed's `VideoWidgetBuilder`). For each occupied seat and each layer
 * (`foreground`: always over the video; `background`: while the user has no video):
 * 1. `videoWidgetBuilder.coGuestWidgetBuilder(seatFullInfo, viewLayer)`, when it returns a node or
 *    a Lit template. It is called once per seat and layer, and again only when that seat's data
 *    changed;
 * 2. otherwise a stamp of the `<template slot="foreground">` / `<template slot="background">` child,
 *    with `{{field}}` placeholders filled as text: `userId`, `userName`, `avatarUrl`, `seatIndex`
 *    (0-based), `seatNumber` (1-based), `microphoneStatus`, `cameraStatus` (`on`/`off`), `role`,
 *    `isLocal` (`true`/`false`). A placeholder in a URL attribute (`src`, `href`, `srcset`,
 *    `poster`, `xlink:href`, `action`, `formaction`, `data`…) must give an http(s), blob or
 *    `data:image` URL (an SVG one only on elements that load images) or the attribute is dropped;
 *    a placeholder that does not start the URL is percent-encoded, one that starts it must not be
 *    blank.
 *    `on*` attributes and `<script>` are removed from stamps; placeholders never go into `style`,
 *    `srcdoc` or SVG animations (the attribute is dropped). Stamps update in place when the
 *    seat's data changes;
 * 3. otherwise the tile's default layer.
 *
 * Built and stamped nodes stay in the page's light DOM, as children of the view with
 * `slot="seat-<index>-<layer>"` (the view forwards them into the seat's tile), so page CSS styles
 * them; the view adds and removes them itself as people take, leave and change seats. The
 * `seat-<index>-<layer>` slot names are reserved for this. The code of the builder's calls and the
 * stamps loads the first time a page gives a builder or a template; the view's first render waits
 * for it (so no tile shows its default layer first), and so does `updateComplete`.
 *
 * Texts come from the i18n layer (`setLocale`, `registerMessages`).
 *
 * @summary The live's stage: a video tile per seat, in Tencent's layouts, a grid or a speaker view,
 *   with pin, full screen and custom layers.
 *
 * @slot - Content drawn over the stage, at its bottom (kit elements such as `<apply-button>` read
 *   the view's live from context).
 * @slot foreground - A `<template slot="foreground">` child: stamped for each occupied seat and drawn
 *   over its video (name tags, badges). The first such template is used.
 * @slot background - A `<template slot="background">` child: stamped for each occupied seat and
 *   drawn while its user has no video (avatar placeholders).
 *
 * @csspart frame - The box holding the stage, the message and the overlay.
 * @csspart stage - The stage: a CSS grid of cells, a list of seats for assistive technology.
 * @csspart cell - Each seat's cell (a list item) holding its tile.
 * @csspart cell-<index> - The cell of seat `<index>` (0-based): `cell-0` is the host's seat.
 * @csspart cell-main - The cell shown large: seat 0 in the float and landscape layouts, the speaker
 *   in `speaker`, the pinned user's in any layout.
 * @csspart cell-pinned - The cell of the pinned user (`pinned`).
 * @csspart cell-empty - The cell of an empty seat.
 * @csspart seat - Each `<guest-seat-tile>`; its own parts are exported as `seat-<part>`
 *   (`seat-video`, `seat-name-tag`, `seat-foreground`…).
 * @csspart seat-actions - The box at the top inline-end corner of each occupied seat's tile (its
 *   `actions` slot) holding per-seat controls: full screen, pin (see `no-tile-controls`) and the
 *   host's `<seat-menu>` (see `no-seat-menu`). The tile's texts keep clear of it.
 * @csspart pin-button - The pin control of a seat ("Pin Ada", `aria-pressed` while pinned).
 * @csspart fullscreen-button - The full-screen control of a seat ("Show Ada full screen", then
 *   "Exit full screen"); hidden where the browser has no element full screen.
 * @csspart seat-menu-trigger - The `<seat-menu>` button of a seat (the menu's `trigger` part).
 * @csspart seat-menu - The open `<seat-menu>` of a seat (the menu's `menu` part).
 * @csspart empty-action - "Request to join" / "Invite" on an empty seat that offers it.
 * @csspart empty-action-label - The text of `empty-action`.
 * @csspart message - "No one is on a seat yet" (once the view shows a live it has entered) or "The
 *   live has ended", over the stage.
 * @csspart overlay - The box of the default slot, over the bottom of the stage.
 * @csspart unmute-button - "Tap to unmute", over the stage while the browser holds the live's sound
 *   back until a user gesture (autoplay policy); pressing it starts the sound.
 *
 * @cssproperty [--live-gap=var(--cg-space-1, 4px)] - Space between cells and around floating
 *   tiles.
 * @cssproperty [--live-stage-aspect-ratio=9 / 16] - Shape of the stage (`16 / 9` in `landscape`);
 *   `auto` to size it by the view's height.
 * @cssproperty [--live-stage-background=var(--cg-color-stage)] - Fill of the stage.
 * @cssproperty [--live-seat-background] - Fill of the tiles, seen while a user has no video and on
 *   empty seats (each tile's `--seat-background`). Default: the stage's fill, a little lighter, so
 *   that tiles stand out from the stage; the float layouts' main seat keeps the stage's fill.
 * @cssproperty [--live-stage-radius=var(--cg-radius-l, 12px)] - Corner radius of the stage.
 * @cssproperty [--live-float-size] - Width of the floating guest tiles in the float layouts. Unset
 *   (default): a quarter of a wide stage (at least 160px), 30% of a tall one (at least 96px), less
 *   when many tiles share a column. Their shape is 16:9 on a wide stage, 3:4 on a tall one.
 *
 * @cssstate dynamic-grid - The active layout is `dynamic-grid` (`layout`, or what `auto` picked).
 * @cssstate fixed-grid - The active layout is `fixed-grid`.
 * @cssstate dynamic-float - The active layout is `dynamic-float`.
 * @cssstate fixed-float - The active layout is `fixed-float`.
 * @cssstate landscape - The active layout is `landscape`.
 * @cssstate grid - The active layout is `grid`.
 * @cssstate speaker - The active layout is `speaker`.
 * @cssstate pinned - A pinned user (`pinned`) is on a seat shown: their tile is large.
 * @cssstate fullscreen - One of the view's tiles is full screen.
 * @cssstate empty - No one is on a seat (or there is no live).
 * @cssstate ended - The live has ended (`liveSeatStore.liveEnded`).
 * @cssstate audio-blocked - The browser holds the live's sound back until a user gesture; the
 *   `unmute-button` shows.
 *
 * @fires {SeatApplyRequestEvent} seat-apply-request - An audience member activated an empty seat.
 *   Cancelable; by default the view applies for that seat. Bubbles, composed.
 * @fires {SeatInviteRequestEvent} seat-invite-request - A host activated an empty seat; the page
 *   opens its audience list. Bubbles, composed.
 * @fires {SeatSelectEvent} seat-select - From a tile: an occupied seat was activated. Bubbles,
 *   composed.
 * @fires {EmptySeatSelectEvent} empty-seat-select - From a tile: an empty seat was activated (also
 *   when it is locked). Bubbles, composed.
 * @fires {SeatPinEvent} seat-pin - The viewer pressed a tile's pin control. Cancelable; by default the
 *   view sets `pinned` to the tile's user. Bubbles, composed.
 * @fires {SeatUnpinEvent} seat-unpin - The viewer pressed the pinned tile's pin control. Cancelable;
 *   by default the view sets `pinned` to `null`. Bubbles, composed.
 * @fires {ActionErrorEvent} action-error - Applying for a seat failed. Bubbles, composed.
 */
export class LiveCoreView extends LitElement {
  static override styles = [tokens, base, styles];

  /** An explicit session; `null` (default) to take it from the context or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** The live to show; `null` (default) to take it from the context. */
  @property({ attribute: 'live-id' }) liveId: string | null = null;

  /**
   * The seed's `LiveCoreController`: when set, its `session` and its `liveId` store say what the
   * view shows, whatever `session`, `live-id` and the context say.
   */
  @property({ attribute: false }) controller: LiveCoreController | null = null;

  /** The layout, or `auto` (default) to pick one of Tencent's templates from the live's seat count. */
  @property() layout: StageLayoutOption = 'auto';

  /**
   * The user shown large for this viewer, by user id, in any layout, while they are on a seat shown
   * (a seat move keeps them pinned). `null` (default): none. The tiles' pin controls set and clear
   * it (reflected to the attribute).
   */
  @property({ reflect: true }) pinned: string | null = null;

  /** How long (ms) the `speaker` layout keeps a speaker large once they are quiet (default 1500). */
  @property({ type: Number, attribute: 'speaker-hold' }) speakerHold = SPEAKER_HOLD_MS;

  /** Dynamic layouts show empty seats too (fixed layouts always do). */
  @property({ type: Boolean, attribute: 'show-empty-seats' }) showEmptySeats = false;

  /**
   * Hides the host's `<seat-menu>` (kick, devices, lock, move) on each occupied seat. The menu shows
   * only to the owner and administrators, and never on their own seat.
   */
  @property({ type: Boolean, attribute: 'no-seat-menu' }) noSeatMenu = false;

  /** Hides the pin and full-screen controls of the tiles. */
  @property({ type: Boolean, attribute: 'no-tile-controls' }) noTileControls = false;

  /** Builds per-seat layer views (the seed's `VideoWidgetBuilder`); wins over `<template>` children. */
  @property({ attribute: false }) videoWidgetBuilder: VideoWidgetBuilder | null = null;

  /**
   * Each seated user's media, by user id. `null` (default): the live's own media (`LiveMedia`: peer
   * connections to the seat holders, and the user's own camera), started when the view shows a
   * live. Set a map to show other streams (stories, tests); with `speakingUsers` set too, the view
   * starts no media.
   */
  @property({ attribute: false }) streams: ReadonlyMap<string, MediaStream> | null = null;

  /** Who speaks now, by user id. `null` (default): from the live's media (`LiveMedia` audio levels). */
  @property({ attribute: false }) speakingUsers: ReadonlySet<string> | null = null;

  readonly #internals = this.attachInternals();
  readonly #i18n = new LocalizeController(this);
  readonly #live = new LiveController(this);
  readonly #provider = new ContextProvider(this, { context: liveContext });
  readonly #controllerLiveId = new StoreController(this, NO_LIVE_ID);
  readonly #user = new StoreController(this, NO_USER);
  readonly #seatList = new StoreController(this, NO_SEATS);
  readonly #liveInfo = new StoreController(this, NO_LIVE_INFO);
  readonly #ended = new StoreController(this, NOT_ENDED);
  readonly #selfRole = new StoreController(this, NO_ROLE);
  readonly #selfStatus = new StoreController(this, IDLE);
  /** The live's media (`LiveMedia`), read only while `streams` / `speakingUsers` are `null`. */
  readonly #mediaStreams = new StoreController(this, NO_STREAMS);
  readonly #mediaSpeaking = new StoreController(this, NO_SPEAKERS);
  readonly #quality = new MediaQualityController(this);
  readonly #autoplayBlocked = new StoreController(this, NOT_BLOCKED);
  readonly #viewerStatus = new StoreController(this, NO_VIEWER_STATUS);
  /** The page's own layers, once their code is loaded (the first time the page gives some). */
  readonly #layers = new PageLayers(this);
  #target: LiveTarget | null = null;
  #layout: StageLayout = 'dynamic-grid';
  #shown: readonly SeatInfo[] = [];
  #grid: StageGrid = { columns: 1, rows: 1, solo: false };
  readonly #arrangement = new StageArrangementController(this);
  readonly #focus = new StageFocusController(this, () => this.#order());
  /** The seat shown large, or `null`. */
  #main: number | null = null;
  #look: StageLook = { classes: { grid: true }, style: {}, columns: 1 };

  constructor() {
    super();
    new ThemeController(this);
  }

  /** The layout template in use (`layout`, or what `auto` picked). */
  get activeLayout(): StageLayout {
    return this.#layout;
  }

  /**
   * While the code of the page's own layers loads, the first render waits for it, so that no tile
   * shows its default layer first (a later builder or template renders once it is there).
   */
  protected override shouldUpdate(changed: PropertyValues<this>): boolean {
    if (this.#layers.need(this.videoWidgetBuilder) && !this.hasUpdated) return false;
    return super.shouldUpdate(changed);
  }

  /** Waits for the code of the page's own layers too while it loads. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    const loading = this.#layers.loading;
    if (loading === null) return done;
    await loading;
    return this.getUpdateComplete();
  }

  /**
   * Derives what to show. Done here rather than in `willUpdate` because the `LiveController`
   * settles the session and live in its `hostUpdate`, which runs between the two.
   */
  protected override update(changed: PropertyValues<this>): void {
    this.#retarget();
    this.#retargetMedia();
    const seats = this.#seatList.value;
    const layout = resolveLayout(this.layout, this.#liveInfo.value?.maxSeatCount);
    const shown = shownSeats(layout, seats, this.showEmptySeats);
    this.#layout = layout;
    this.#shown = shown;
    this.#grid = stageGrid(layout, shown, seats.length);
    const pinned = this.#pinnedUser();
    const { main, look } = this.#arrangement.arrange({
      layout,
      shown,
      grid: this.#grid,
      pinned,
      speaking: this.speakingUsers ?? this.#mediaSpeaking.value,
      hold: this.speakerHold,
    });
    this.#main = main;
    this.#look = look;
    const pinnedShown = pinned !== null && shown.some((seat) => seat.userInfo?.userId === pinned);
    const selfId = this.#user.value?.userId;
    this.#quality.update(this.streams === null ? this.#target : null, layout, shown, main, selfId);
    this.#layers.views?.sync(
      shown.filter(occupied).map((seat) => ({ seat, local: seat.userInfo.userId === selfId })),
      this.videoWidgetBuilder,
      this.#layers.templates,
    );
    setStates(this.#internals, {
      ...Object.fromEntries(STAGE_LAYOUTS.map((name) => [name, name === layout])),
      empty: !seats.some(occupied),
      ended: this.#ended.value,
      'audio-blocked': this.#autoplayBlocked.value,
      pinned: pinnedShown,
      fullscreen: this.#focus.fullscreenSeat !== null,
    });
    super.update(changed);
  }

  protected override render() {
    // "No one is on a seat" only for a live the view shows: not while it is being entered, nor
    // after entering it failed (the page or `<live-session>` says why).
    const message = this.#ended.value
      ? this.#i18n.t('stage.ended')
      : this.#shown.length === 0 && this.#liveInfo.value !== null
        ? this.#i18n.t('stage.noSeats')
        : '';
    const { classes, style } = this.#look;
    const roving = this.#focus.rovingSeat();
    return html`
      <div class="frame" part="frame" lang=${this.#i18n.lang}>
        <div
          class=${classMap({ stage: true, ...classes })}
          part="stage"
          role="list"
          aria-label=${this.#i18n.t('stage.label')}
          style=${styleMap(style)}
          @keydown=${this.#focus.onKeyDown}
          @focusin=${this.#focus.onFocusIn}
        >
          ${repeat(
            this.#shown,
            (seat) => seat.index,
            (seat) => this.#renderCell(seat, seat.index === roving),
          )}
        </div>
        <p class="message" part="message" role="status">${message}</p>
        <button
          type="button"
          class="unmute"
          part="unmute-button"
          ?hidden=${!this.#autoplayBlocked.value}
          @click=${this.#onUnmute}
        >
          <span aria-hidden="true">${speakerIcon}</span>${this.#i18n.t('stage.unmute')}
        </button>
        <div class="overlay" part="overlay"><slot></slot></div>
      </div>
    `;
  }

  #renderCell(seat: SeatInfo, roving: boolean) {
    const user = seat.userInfo;
    const main = seat.index === this.#main;
    const pinned = user !== null && user.userId === this.#pinnedUser();
    const parts = ['cell', `cell-${seat.index}`];
    if (main) parts.push('cell-main');
    if (pinned) parts.push('cell-pinned');
    if (user === null) parts.push('cell-empty');
    return html`
      <div class=${classMap({ cell: true, main, pinned })} part=${parts.join(' ')} role="listitem">
        <guest-seat-tile
          part="seat"
          exportparts=${TILE_PARTS}
          selectable
          tabindex=${roving ? '0' : '-1'}
          action-label=${user === null ? actionText(this.#emptySeatAction(seat), this.#i18n) : ''}
          ?viewer-limit=${user !== null && this.#viewerStatus.value.get(user.userId) === 'capped'}
          ?media-reconnecting=${user !== null && this.#viewerStatus.value.get(user.userId) === 'reconnecting'}
          .seat=${seat}
          .stream=${user === null ? null : ((this.streams ?? this.#mediaStreams.value).get(user.userId) ?? null)}
          ?local=${user !== null && user.userId === this.#user.value?.userId}
          ?speaking=${user !== null && (this.speakingUsers ?? this.#mediaSpeaking.value).has(user.userId)}
          @empty-seat-select=${this.#onEmptySeatSelect}
        >
          ${user === null ? emptyAction(seat, this.#emptySeatAction(seat), this.#i18n) : nothing}${this.#renderLayerSlot(seat, 'foreground')}${this.#renderLayerSlot(seat, 'background')}${
            user === null
              ? nothing
              : html`<div class="seat-actions" part="seat-actions" slot="actions">
                  ${
                    this.noTileControls
                      ? nothing
                      : tileControls(
                          {
                            user,
                            pinned,
                            fullscreen: seat.index === this.#focus.fullscreenSeat,
                            onPin: this.#onPinClick,
                            onFullscreen: this.#focus.onFullscreenClick,
                          },
                          this.#i18n,
                        )
                  }${
                    // Only for those who may manage seats (it shows others nothing), so that an
                    // autoloaded audience page never loads it (docs/decisions/0032).
                    this.noSeatMenu || !isManager(this.#selfRole.value)
                      ? nothing
                      : html`<seat-menu
                          .seat=${seat}
                          exportparts="trigger: seat-menu-trigger, menu: seat-menu"
                        ></seat-menu>`
                  }
                </div>`
          }
        </guest-seat-tile>
      </div>
    `;
  }

  /**
   * Forwards the seat's layer content into its tile. Rendered only when there is content: a
   * forwarded slot, even an empty one, replaces the tile's default layer (so this is the one slot
   * the kit renders conditionally; STYLE.md prefers toggling a wrapper).
   */
  #renderLayerSlot(seat: SeatInfo, layer: ViewLayer) {
    const name = seat.userInfo === null ? null : this.#layers.slotFor(seat.index, layer);
    return name === null ? nothing : html`<slot name=${name} slot=${layer}></slot>`;
  }

  #onEmptySeatSelect(event: EmptySeatSelectEvent): void {
    // Only this view's own tiles: a tile inside a page's layer content is the page's business.
    if (event.target !== event.currentTarget) return;
    const seat = this.#seatList.value.find((item) => item.index === event.seatIndex);
    const target = this.#target;
    const liveId = target?.liveId ?? null;
    if (seat === undefined || target === null || liveId === null) return;
    const action = this.#emptySeatAction(seat);
    if (action === 'invite') {
      const invite = new SeatInviteRequestEvent(seat.index);
      this.dispatchEvent(invite);
    } else if (action === 'apply') {
      const request = new SeatApplyRequestEvent(seat.index);
      this.dispatchEvent(request);
      if (request.defaultPrevented) return;
      const coGuest = target.session.coGuestStore(liveId);
      void perform(this, 'applyForSeat', () => coGuest.applyForSeat({ seatIndex: seat.index }));
    }
  }

  #onPinClick(event: MouseEvent): void {
    const seat = this.#focus.tileOf(event)?.seat;
    const user = seat?.userInfo;
    if (seat === undefined || seat === null || user === undefined || user === null) return;
    const unpin = user.userId === this.#pinnedUser();
    const intent = unpin
      ? new SeatUnpinEvent(seat.index, user.userId)
      : new SeatPinEvent(seat.index, user.userId);
    this.dispatchEvent(intent);
    if (intent.defaultPrevented) return;
    this.pinned = unpin ? null : user.userId;
  }

  /** What activating `seat` does for the viewer: hosts invite, idle audience members apply. */
  #emptySeatAction(seat: SeatInfo): EmptySeatAction {
    if (seat.userInfo !== null || seat.isLocked) return null;
    const role = this.#selfRole.value;
    if (isManager(role)) return 'invite';
    if (role === 'audience' && this.#selfStatus.value === 'idle') return 'apply';
    return null;
  }

  /** The pinned user id, or `null` (an empty `pinned` pins nobody). */
  #pinnedUser(): string | null {
    return this.pinned === null || this.pinned === '' ? null : this.pinned;
  }

  /** The tiles in seat order, the large one and the tiles per row, for the keys. */
  #order(): StageOrder {
    return { seats: this.#shown.map((seat) => seat.index), main: this.#main, columns: this.#look.columns };
  }

  /** Points the stores at what the view shows (controller, then the LiveController's pick). */
  #retarget(): void {
    const controller = this.controller;
    this.#controllerLiveId.setStore(controller?.liveId ?? NO_LIVE_ID);
    const session = controller?.session ?? this.#live.session;
    const liveId = controller === null ? this.#live.liveId : this.#controllerLiveId.value;
    const current = this.#target;
    if (current !== null && current.session === session && current.liveId === liveId) return;
    this.#target = { session, liveId };
    this.#provider.setValue(this.#target);
    this.#user.setStore(session.loginStore.loginUserInfo);
    if (liveId === null) {
      this.#seatList.setStore(NO_SEATS);
      this.#liveInfo.setStore(NO_LIVE_INFO);
      this.#ended.setStore(NOT_ENDED);
      this.#selfRole.setStore(NO_ROLE);
      this.#selfStatus.setStore(IDLE);
      return;
    }
    const seats = session.liveSeatStore(liveId);
    this.#seatList.setStore(seats.seatList);
    this.#liveInfo.setStore(seats.liveInfo);
    this.#ended.setStore(seats.liveEnded);
    this.#selfRole.setStore(session.liveAudienceStore(liveId).selfRole);
    this.#selfStatus.setStore(session.coGuestStore(liveId).coGuestState.selfStatus);
  }

  /**
   * Reads the live's media while the page gives no `streams` / `speakingUsers` of its own; reading
   * them starts the media (peer connections), so a page that passes its own never starts it.
   */
  #retargetMedia(): void {
    const target = this.#target;
    const liveId = target?.liveId ?? null;
    const media = target === null || liveId === null ? null : mediaFor(target.session, liveId);
    this.#mediaStreams.setStore(media !== null && this.streams === null ? media.streams : NO_STREAMS);
    this.#mediaSpeaking.setStore(
      media !== null && this.speakingUsers === null ? media.speakingUsers : NO_SPEAKERS,
    );
    const own = media !== null && this.streams === null && target !== null && liveId !== null;
    const live = own ? LiveMedia.for(target.session, liveId) : null;
    this.#autoplayBlocked.setStore(live?.autoplayBlocked ?? NOT_BLOCKED);
    this.#viewerStatus.setStore(live?.viewerStatus ?? NO_VIEWER_STATUS);
  }

  /** "Tap to unmute": the user's gesture lets the browser play the live's sound. */
  #onUnmute(): void {
    const target = this.#target;
    const liveId = target?.liveId ?? null;
    if (target === null || liveId === null) return;
    void LiveMedia.for(target.session, liveId).resumeAudio();
  }
}

customElements.define('live-core-view', LiveCoreView);

declare global {
  interface HTMLElementTagNameMap {
    'live-core-view': LiveCoreView;
  }
}
