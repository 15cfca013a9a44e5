/**
 * How `<live-core-view>` arranges its stage: which seat is large, which arrangement, and the
 * classes and sizes the stage is drawn with, from the stage's measured box (a `ResizeObserver`) and
 * the speaker view's focus (with its hold timer). The decisions are the pure helpers of layout.ts;
 * this controller keeps their state between updates. docs/decisions/0034.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SeatInfo } from '../../protocol/types.js';
import {
  filmstrip,
  fitGrid,
  floatTile,
  mainSeat,
  nextSpeakerFocus,
  SPEAKER_HOLD_MS,
  stageArrangement,
  type Box,
  type SpeakerFocus,
  type StageArrangement,
  type StageGrid,
  type StageLayout,
} from './layout.js';

/** The stage's box (its border box) and the gap between its cells, in CSS pixels. */
interface StageBox extends Box {
  readonly gap: number;
}

/** How the stage is drawn: classes and custom properties for its arrangement, and its columns. */
export interface StageLook {
  readonly classes: Readonly<Record<string, boolean>>;
  readonly style: Readonly<Record<string, string>>;
  /** Tiles per row for Up and Down (1 where the tiles are in one column or row). */
  readonly columns: number;
}

/** What the view shows, for `arrange()`. */
export interface StageInput {
  readonly layout: StageLayout;
  readonly shown: readonly SeatInfo[];
  readonly grid: StageGrid;
  /** The pinned user id, or `null`. */
  readonly pinned: string | null;
  /** Who speaks now, by user id. */
  readonly speaking: ReadonlySet<string>;
  /** The speaker view's hold (ms). */
  readonly hold: number;
}

/** The stage as `arrange()` lays it out. */
export interface StageArranged {
  /** The seat shown large, or `null`. */
  readonly main: number | null;
  readonly arrangement: StageArrangement;
  readonly look: StageLook;
}

function occupied(
  seat: SeatInfo,
): seat is SeatInfo & { readonly userInfo: NonNullable<SeatInfo['userInfo']> } {
  return seat.userInfo !== null;
}

export class StageArrangementController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  #stage: Element | null = null;
  /** The stage's box, once measured. */
  #box: StageBox | null = null;
  readonly #resize = new ResizeObserver((entries) => {
    this.#measure(entries[0]);
  });
  /** Who the `speaker` layout shows, and the timer of its next look (a speaker's hold). */
  #speakerFocus: SpeakerFocus | null = null;
  #speakerTimer: ReturnType<typeof setTimeout> | undefined;

  /** The host's stage is its shadow root's `[part~="stage"]`. */
  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    if (this.#stage !== null) this.#resize.observe(this.#stage);
  }

  /**
   * Measures the stage once it is rendered. The observer reports its box before the next frame is
   * drawn, so the first frame is drawn to size; until then the stage draws a grid by count.
   */
  hostUpdated(): void {
    const stage = this.#host.shadowRoot?.querySelector('[part~="stage"]') ?? null;
    if (stage === null || stage === this.#stage) return;
    if (this.#stage !== null) this.#resize.unobserve(this.#stage);
    this.#stage = stage;
    this.#resize.observe(stage);
  }

  hostDisconnected(): void {
    this.#resize.disconnect();
    clearTimeout(this.#speakerTimer);
    this.#speakerFocus = null;
  }

  /** The large seat, the arrangement and the stage's look for what the view shows. */
  arrange(input: StageInput): StageArranged {
    const speaker = this.#followSpeaker(input);
    const main = mainSeat(input.layout, input.shown, input.pinned, speaker);
    const arrangement = stageArrangement(input.layout, main);
    return { main, arrangement, look: this.#look(arrangement, main, input) };
  }

  /**
   * The user the `speaker` layout shows (`nextSpeakerFocus`), and a timer for the end of a hold;
   * `null`, and no timer, in other layouts.
   */
  #followSpeaker({ layout, shown, speaking, hold }: StageInput): string | null {
    clearTimeout(this.#speakerTimer);
    if (layout !== 'speaker') {
      this.#speakerFocus = null;
      return null;
    }
    const seated = shown.filter(occupied).map((seat) => seat.userInfo.userId);
    const home = shown.find((seat) => seat.index === 0)?.userInfo?.userId ?? null;
    const now = performance.now();
    const held = Number.isFinite(hold) ? Math.max(0, hold) : SPEAKER_HOLD_MS;
    const step = nextSpeakerFocus(this.#speakerFocus, seated, speaking, home, now, held);
    this.#speakerFocus = step.focus;
    if (step.recheckAt !== null) {
      this.#speakerTimer = setTimeout(() => {
        this.#host.requestUpdate();
      }, step.recheckAt - now);
    }
    return step.focus.userId;
  }

  /** The stage's classes and sizes for its arrangement, from its measured box. */
  #look(arrangement: StageArrangement, main: number | null, { shown, grid }: StageInput): StageLook {
    const { columns, rows } = grid;
    const box = this.#box;
    const count = shown.length;
    const others = count - (main === null ? 0 : 1);
    const style: Record<string, string> = { '--_columns': String(columns), '--_rows': String(rows) };
    const solo = main !== null && others === 0;
    switch (arrangement) {
      case 'grid':
        return { classes: { grid: true }, style, columns };
      case 'fit': {
        if (box === null) return { classes: { grid: true }, style, columns };
        const fit = fitGrid(count, box, box.gap);
        style['--_tile-width'] = `${fit.width}px`;
        style['--_tile-height'] = `${fit.height}px`;
        return { classes: { fit: true }, style, columns: fit.columns };
      }
      case 'float': {
        if (box !== null) {
          const tile = floatTile(box, others, box.gap);
          style['--_float-width'] = `${tile.width}px`;
          style['--_float-ratio'] = String(tile.ratio);
        }
        return { classes: { float: true, solo }, style, columns: 1 };
      }
      case 'landscape':
        return { classes: { landscape: true, solo }, style, columns: 1 };
      case 'speaker': {
        const strip = box === null ? null : filmstrip(box, others, box.gap);
        if (strip !== null) {
          style['--_strip-width'] = `${strip.width}px`;
          style['--_strip-height'] = `${strip.height}px`;
        }
        return { classes: { speaker: true, below: strip?.placement === 'below', solo }, style, columns: 1 };
      }
    }
  }

  /** Keeps the stage's box; re-renders the host when it changed by half a pixel or more. */
  #measure(entry: ResizeObserverEntry | undefined): void {
    const size = entry?.borderBoxSize[0];
    if (entry === undefined || size === undefined) return;
    const next: StageBox = {
      width: size.inlineSize,
      height: size.blockSize,
      gap: Number.parseFloat(getComputedStyle(entry.target).rowGap) || 0,
    };
    const previous = this.#box;
    if (
      previous !== null &&
      Math.abs(previous.width - next.width) < 0.5 &&
      Math.abs(previous.height - next.height) < 0.5 &&
      previous.gap === next.gap
    ) {
      return;
    }
    this.#box = next;
    this.#host.requestUpdate();
  }
}
