/**
 * Pure layout helpers of `<live-core-view>`: which layout applies, which seats it shows, which one
 * is large, how its grid is sized, and who the speaker view shows. No DOM; table-tested in
 * test/browser/live-core-view-layout.test.ts. The decisions are in docs/decisions/0034.
 *
 * Five templates mirror Tencent's `SeatLayoutTemplate` (reference/tencent-api.md B.3); two more are
 * the views of meeting kits (LiveKit Meet, RealtimeKit):
 *
 * | layout          | from                          | shows                      | arrangement                                              |
 * | --------------- | ----------------------------- | -------------------------- | -------------------------------------------------------- |
 * | `dynamic-grid`  | `VideoDynamicGrid9Seats` 600  | occupied seats             | a grid that adapts to how many are shown                 |
 * | `fixed-grid`    | `VideoFixedGrid9Seats` 800    | every seat, empty ones too | a square-ish grid of every seat (3 × 3 for 9)            |
 * | `dynamic-float` | `VideoDynamicFloat7Seats` 601 | occupied seats             | seat 0 fills the stage, guests float at a side           |
 * | `fixed-float`   | `VideoFixedFloat7Seats` 801   | every seat                 | as `dynamic-float`, empty seats too                      |
 * | `landscape`     | `VideoLandscape4Seats` 200    | occupied seats             | 16:9, seat 0 large, guests in a strip                    |
 * | `grid`          | a meeting grid                | occupied seats             | equal 16:9 tiles, as large as the stage allows           |
 * | `speaker`       | a speaker view                | occupied seats             | the active speaker large, the others in a filmstrip      |
 *
 * A pinned user (`pinned`) is large in every layout: the main seat of the float, landscape and
 * speaker layouts, and a speaker arrangement in the grids.
 *
 * The templates are sized for Tencent's seat counts (9, 7, 4) but lay out any count.
 */
import type { SeatInfo } from '../../protocol/types.js';

/** Every layout, in the order of the table above. */
export const STAGE_LAYOUTS = [
  'dynamic-grid',
  'fixed-grid',
  'dynamic-float',
  'fixed-float',
  'landscape',
  'grid',
  'speaker',
] as const;

/** A layout of the stage. */
export type StageLayout = (typeof STAGE_LAYOUTS)[number];

/** The `layout` attribute: a layout, or `auto` to pick one from the live's seat count. */
export type StageLayoutOption = StageLayout | 'auto';

/** Whether `value` names a layout. */
export function isStageLayout(value: unknown): value is StageLayout {
  return typeof value === 'string' && (STAGE_LAYOUTS as readonly string[]).includes(value);
}

/**
 * The layout to use: `option` when it names one; otherwise (`auto`, or anything unknown) the
 * template Tencent pairs with the live's seat count: 7 → `dynamic-float`, 4 → `landscape`, any other
 * count (or none yet) → `dynamic-grid`. `auto` never picks `grid` or `speaker`: a page asks for them.
 */
export function resolveLayout(option: unknown, maxSeatCount: number | null | undefined): StageLayout {
  if (isStageLayout(option)) return option;
  if (maxSeatCount === 7) return 'dynamic-float';
  if (maxSeatCount === 4) return 'landscape';
  return 'dynamic-grid';
}

/** Whether the template shows only occupied seats (unless `show-empty-seats` is set). */
export function isDynamic(layout: StageLayout): boolean {
  return layout !== 'fixed-grid' && layout !== 'fixed-float';
}

/** Whether the template gives seat 0 the main area (float and landscape templates). */
export function hasMainSeat(layout: StageLayout): boolean {
  return isFloat(layout) || layout === 'landscape';
}

/** Whether the layout is one of the float templates. */
export function isFloat(layout: StageLayout): boolean {
  return layout === 'dynamic-float' || layout === 'fixed-float';
}

/** The seats the stage shows, in seat order: occupied ones, or all of them when empty ones are shown. */
export function shownSeats(
  layout: StageLayout,
  seats: readonly SeatInfo[],
  showEmptySeats: boolean,
): readonly SeatInfo[] {
  if (showEmptySeats || !isDynamic(layout)) return seats;
  return seats.filter((seat) => seat.userInfo !== null);
}

/** The grid of the stage. */
export interface StageGrid {
  /** Columns of the grid (grid templates), or of the guest strip on a narrow landscape stage. */
  readonly columns: number;
  /** Rows of the grid (grid templates), or guest slots (float and landscape templates). */
  readonly rows: number;
  /** Only seat 0 is shown in a template with a main seat: it takes the whole stage. */
  readonly solo: boolean;
}

/**
 * How the stage's grid is sized for `shown` seats out of `seatCount`.
 *
 * - Grid templates: `dynamic-grid` adapts to the shown count (1 → 1 × 1, 2 → 2 × 1, 3–4 → 2 × 2,
 *   5–6 → 3 × 2, 7–9 → 3 × 3, then 4 columns…); `fixed-grid` is sized for every seat.
 * - Float and landscape templates: one slot per guest seat (`seatCount - 1`, at least 1), so guest
 *   tiles keep their size as people come and go (the landscape strip's rows; floating tiles are
 *   sized by `floatTile`).
 * - `grid` and `speaker` are sized by `fitGrid` and `filmstrip` from the stage's box; this gives
 *   the count-based grid they use until the box is known.
 */
export function stageGrid(layout: StageLayout, shown: readonly SeatInfo[], seatCount: number): StageGrid {
  if (hasMainSeat(layout)) {
    const slots = Math.max(1, seatCount - 1);
    return {
      columns: slots,
      rows: slots,
      solo: shown.length > 0 && shown.every((seat) => seat.index === 0),
    };
  }
  const count = Math.max(1, layout === 'fixed-grid' ? Math.max(seatCount, shown.length) : shown.length);
  const columns = Math.ceil(Math.sqrt(count));
  return { columns, rows: Math.ceil(count / columns), solo: false };
}

/**
 * How the stage arranges its cells:
 * - `grid`: a CSS grid of equal cells (`dynamic-grid`, `fixed-grid`; `stageGrid`);
 * - `fit`: equal tiles of a video shape, as large as the stage allows, centred (`grid`; `fitGrid`);
 * - `float`: the main seat fills the stage, the others float over its inline end (`floatTile`);
 * - `landscape`: the main seat large, the others in a strip at its side or below (`stageGrid`);
 * - `speaker`: the main seat large, the others in a filmstrip at its side or below (`filmstrip`).
 */
export type StageArrangement = 'grid' | 'fit' | 'float' | 'landscape' | 'speaker';

/**
 * The seat shown large, or `null` when all are equal.
 *
 * 1. The seat of the `pinned` user, when it is shown, in every layout;
 * 2. `speaker`: the seat of `speaker` (the user the speaker view follows, `nextSpeakerFocus`), else
 *    seat 0, else the first seat shown;
 * 3. float and landscape templates: seat 0 when it is shown;
 * 4. otherwise none.
 */
export function mainSeat(
  layout: StageLayout,
  shown: readonly SeatInfo[],
  pinned: string | null,
  speaker: string | null,
): number | null {
  const seatOf = (userId: string | null): SeatInfo | undefined =>
    userId === null ? undefined : shown.find((seat) => seat.userInfo?.userId === userId);
  const pinnedSeat = seatOf(pinned);
  if (pinnedSeat !== undefined) return pinnedSeat.index;
  const first = shown.find((seat) => seat.index === 0);
  if (layout === 'speaker') return (seatOf(speaker) ?? first ?? shown[0])?.index ?? null;
  if (hasMainSeat(layout)) return first?.index ?? null;
  return null;
}

/** How `layout` arranges its cells with `main` large (`mainSeat`); see `StageArrangement`. */
export function stageArrangement(layout: StageLayout, main: number | null): StageArrangement {
  if (isFloat(layout)) return 'float';
  if (layout === 'landscape') return 'landscape';
  if (layout === 'speaker' || main !== null) return 'speaker';
  return layout === 'grid' ? 'fit' : 'grid';
}

/** A box in CSS pixels. */
export interface Box {
  readonly width: number;
  readonly height: number;
}

/** The video shape of tiles on a stage of `box`: 16:9 on a wide stage, 3:4 on a tall one (phones). */
export function tileRatio(box: Box): number {
  return box.width >= box.height ? 16 / 9 : 3 / 4;
}

/** Equal tiles in a grid: how many columns and rows, and each tile's size in whole pixels. */
export interface FitGrid extends Box {
  readonly columns: number;
  readonly rows: number;
}

/**
 * The grid of the `grid` layout: `count` equal tiles of `ratio` (width / height, default 16:9),
 * `gap` apart, as large as they can be in `box`. Every column count is tried, the one giving the
 * largest tiles wins (the fewest columns on a tie). Sizes are rounded down to whole pixels so that
 * the tiles always fit.
 */
export function fitGrid(count: number, box: Box, gap: number, ratio = 16 / 9): FitGrid {
  const tiles = Math.max(1, count);
  let best: FitGrid = { columns: 1, rows: tiles, width: 0, height: 0 };
  for (let columns = 1; columns <= tiles; columns += 1) {
    const rows = Math.ceil(tiles / columns);
    const cellWidth = (box.width - (columns - 1) * gap) / columns;
    const cellHeight = (box.height - (rows - 1) * gap) / rows;
    const width = Math.floor(Math.max(0, Math.min(cellWidth, cellHeight * ratio)));
    if (width > best.width) best = { columns, rows, width, height: Math.floor(width / ratio) };
  }
  return best;
}

/** Floating tiles: their width and shape. */
export interface FloatTile extends Box {
  /** Width / height. */
  readonly ratio: number;
}

/**
 * The guest tiles of the float templates on a stage of `box` (its padding, `gap`, included), for
 * `count` floating tiles in a column at the stage's inline end.
 *
 * - Shape: 16:9 on a wide stage, 3:4 on a tall one (`tileRatio`).
 * - Width: a quarter of the stage's width on a wide stage, at least 160px (but never over 40% of
 *   it); 30% on a tall one, at least 96px (likewise). On a 1280×800 desktop's 820×512 stage that is
 *   205×115; on a 390px phone, about 112×150.
 * - No taller than the stage (less its padding).
 * - When more tiles than fit in one column: they shrink to fit it, down to three quarters of that
 *   width; below that they keep it and wrap into a second column towards the inline start.
 */
export function floatTile(box: Box, count: number, gap: number): FloatTile {
  const ratio = tileRatio(box);
  const wide = ratio > 1;
  const [share, floor] = wide ? [0.25, 160] : [0.3, 96];
  let width = Math.max(box.width * share, Math.min(floor, box.width * 0.4));
  const room = Math.max(0, box.height - 2 * gap);
  width = Math.min(width, room * ratio);
  const tiles = Math.max(1, count);
  const fits = Math.floor((room + gap) / (width / ratio + gap));
  if (tiles > fits) {
    const shrunk = ((room - (tiles - 1) * gap) / tiles) * ratio;
    if (shrunk >= width * 0.75) width = shrunk;
  }
  width = Math.floor(Math.max(0, width));
  return { width, height: Math.floor(width / ratio), ratio };
}

/** The filmstrip of the speaker view: where it is and each tile's size in whole pixels. */
export interface Filmstrip extends Box {
  /** `side`: a column at the stage's inline end (a wide stage); `below`: a row under the main seat. */
  readonly placement: 'side' | 'below';
}

/**
 * The filmstrip of the speaker arrangement for `count` tiles (the seats not shown large) on a
 * stage of `box`, `gap` apart.
 *
 * - A wide stage: a column at the inline end of 16:9 tiles a fifth of the stage's width (at least
 *   160px, never over 30% of it), shrunk when they would not fit the stage's height.
 * - A tall stage (phones): a row under the main seat of 3:4 tiles 30% of the stage's width, shrunk
 *   when they would not fit its width, and never over 30% of its height.
 */
export function filmstrip(box: Box, count: number, gap: number): Filmstrip {
  const ratio = tileRatio(box);
  const tiles = Math.max(1, count);
  if (ratio > 1) {
    let width = Math.max(box.width * 0.2, Math.min(160, box.width * 0.3));
    const fit = ((box.height - (tiles - 1) * gap) / tiles) * ratio;
    width = Math.floor(Math.max(0, Math.min(width, fit)));
    return { placement: 'side', width, height: Math.floor(width / ratio) };
  }
  let width = Math.min(box.width * 0.3, (box.width - (tiles - 1) * gap) / tiles);
  width = Math.min(width, box.height * 0.3 * ratio);
  width = Math.floor(Math.max(0, width));
  return { placement: 'below', width, height: Math.floor(width / ratio) };
}

/**
 * Who the speaker view shows large: a user id, whether they were heard speaking while shown, and
 * since when they are quiet (`null` while they speak). Kept by the view between updates and passed
 * back to `nextSpeakerFocus`.
 */
export interface SpeakerFocus {
  readonly userId: string | null;
  /** The user spoke while shown; `false` for the user shown because nobody spoke (seat 0). */
  readonly heard: boolean;
  /** When (ms, the caller's clock) the user was first seen quiet; `null` while they speak. */
  readonly quietSince: number | null;
}

/** The speaker view's next focus, and when to ask again (a switch waits for the hold). */
export interface SpeakerFocusStep {
  readonly focus: SpeakerFocus;
  /** The time (ms) at which the focus may change without any other change; `null`: it will not. */
  readonly recheckAt: number | null;
}

/** The hold of the speaker view: how long the large speaker stays once quiet (ms). */
export const SPEAKER_HOLD_MS = 1500;

/**
 * The speaker view's focus after a change (of who speaks, who is seated, or the clock).
 *
 * - With no focus yet (or its user left the seats): the first speaker in seat order, else
 *   `fallback` (the user on seat 0: the owner), else the first seated user.
 * - A user in focus who spoke keeps it while they speak, and for `hold` ms after they fall quiet:
 *   no flapping between speakers who take turns quickly.
 * - Once they have been quiet for `hold`: the first other speaker in seat order takes it, or, with
 *   nobody speaking, `fallback`. A user shown because nobody spoke gives way to a speaker at once.
 *
 * `seated` are the user ids the view shows, in seat order; `now` is the caller's clock (ms).
 */
export function nextSpeakerFocus(
  previous: SpeakerFocus | null,
  seated: readonly string[],
  speaking: ReadonlySet<string>,
  fallback: string | null,
  now: number,
  hold: number = SPEAKER_HOLD_MS,
): SpeakerFocusStep {
  const focus = (userId: string | null): SpeakerFocus => {
    const heard = userId !== null && speaking.has(userId);
    return { userId, heard, quietSince: heard ? null : now };
  };
  const speaker = seated.find((userId) => speaking.has(userId)) ?? null;
  const home = fallback !== null && seated.includes(fallback) ? fallback : (seated[0] ?? null);
  const current = previous?.userId ?? null;
  if (previous === null || current === null || !seated.includes(current)) {
    return { focus: focus(speaker ?? home), recheckAt: null };
  }
  if (speaking.has(current))
    return { focus: { userId: current, heard: true, quietSince: null }, recheckAt: null };
  const kept: SpeakerFocus = { ...previous, quietSince: previous.quietSince ?? now };
  const quietSince = kept.quietSince ?? now;
  const next = speaker ?? home;
  if (next === null || next === current) return { focus: kept, recheckAt: null };
  if (!kept.heard || now - quietSince >= hold) return { focus: focus(next), recheckAt: null };
  return { focus: kept, recheckAt: quietSince + hold };
}

/**
 * Where a key moves focus among `count` tiles in seat order, from position `from`: Left and Right by
 * one (swapped when `rtl`), Up and Down by `columns` (a row of a grid), Home and End to the ends.
 * A move past the ends stays put (`from`); `null` for a key that moves nothing.
 */
export function tileKeyTarget(
  key: string,
  from: number,
  count: number,
  columns: number,
  rtl: boolean,
): number | null {
  const forward = rtl ? -1 : 1;
  const within = (to: number): number => (to >= 0 && to < count ? to : from);
  switch (key) {
    case 'ArrowRight':
      return within(from + forward);
    case 'ArrowLeft':
      return within(from - forward);
    case 'ArrowDown':
      return within(from + columns);
    case 'ArrowUp':
      return within(from - columns);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

export { sameSeat } from '../../protocol/same-seat.js';
