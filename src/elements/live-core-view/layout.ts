/**
 * Pure layout helpers of `<live-core-view>`: which template applies, which seats it shows and how
 * its grid is sized. No DOM; table-tested in test/browser/live-core-view-layout.test.ts.
 *
 * The templates mirror Tencent's `SeatLayoutTemplate` (reference/tencent-api.md B.3):
 *
 * | layout          | Tencent                       | shows                     | arrangement                                   |
 * | --------------- | ----------------------------- | ------------------------- | --------------------------------------------- |
 * | `dynamic-grid`  | `VideoDynamicGrid9Seats` 600  | occupied seats            | a grid that adapts to how many are shown      |
 * | `fixed-grid`    | `VideoFixedGrid9Seats` 800    | every seat, empty ones too | a square-ish grid of every seat (3 × 3 for 9) |
 * | `dynamic-float` | `VideoDynamicFloat7Seats` 601 | occupied seats            | seat 0 fills the stage, guests float at a side |
 * | `fixed-float`   | `VideoFixedFloat7Seats` 801   | every seat                | as `dynamic-float`, empty seats too           |
 * | `landscape`     | `VideoLandscape4Seats` 200    | occupied seats            | 16:9, seat 0 large, guests in a strip         |
 *
 * The templates are sized for Tencent's seat counts (9, 7, 4) but lay out any count.
 */
import type { SeatInfo } from '../../protocol/types.js';

/** Every layout template, in the order of the table above. */
export const STAGE_LAYOUTS = [
  'dynamic-grid',
  'fixed-grid',
  'dynamic-float',
  'fixed-float',
  'landscape',
] as const;

/** A layout template of the stage. */
export type StageLayout = (typeof STAGE_LAYOUTS)[number];

/** The `layout` attribute: a template, or `auto` to pick one from the live's seat count. */
export type StageLayoutOption = StageLayout | 'auto';

/** Whether `value` names a layout template. */
export function isStageLayout(value: unknown): value is StageLayout {
  return typeof value === 'string' && (STAGE_LAYOUTS as readonly string[]).includes(value);
}

/**
 * The template to use: `option` when it names one; otherwise (`auto`, or anything unknown) the
 * template Tencent pairs with the live's seat count: 7 → `dynamic-float`, 4 → `landscape`, any other
 * count (or none yet) → `dynamic-grid`.
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
  return layout === 'dynamic-float' || layout === 'fixed-float' || layout === 'landscape';
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
 *   tiles keep their size as people come and go.
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

export { sameSeat } from '../../protocol/same-seat.js';
