/**
 * The keyboard and full screen of `<live-core-view>`'s stage: a roving tabindex over the tiles
 * (the stage is one Tab stop; arrow keys, Home and End move between tiles), Escape out of full
 * screen, and which tile is full screen. docs/decisions/0034.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { GuestSeatTile } from '../guest-seat-tile/guest-seat-tile.js';
import { tileKeyTarget } from './layout.js';

/** Whether the browser can show an element full screen (iPhone Safari cannot). */
export function canFullscreen(): boolean {
  return (
    (document.fullscreenEnabled as boolean | undefined) === true && 'requestFullscreen' in Element.prototype
  );
}

function ignore(): void {
  // A refused request (no user gesture, not allowed): the page stays as it is.
}

/** What the stage shows now, for the keys. */
export interface StageOrder {
  /** The seat indexes of the tiles, in seat order. */
  readonly seats: readonly number[];
  /** The seat shown large, or `null`. */
  readonly main: number | null;
  /** Tiles per row (Up and Down move by this many). */
  readonly columns: number;
}

export class StageFocusController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #order: () => StageOrder;
  /** The seat whose tile was last focused: the stage's stop in the Tab sequence. */
  #activeSeat: number | null = null;
  #fullscreenSeat: number | null = null;

  /** The host's stage is its shadow root's `[part~="stage"]` (the tiles' grandparent); `order` says what it shows now. */
  constructor(host: ReactiveControllerHost & HTMLElement, order: () => StageOrder) {
    this.#host = host;
    this.#order = order;
    host.addController(this);
  }

  /** The seat whose tile is full screen, or `null`. */
  get fullscreenSeat(): number | null {
    return this.#fullscreenSeat;
  }

  hostConnected(): void {
    document.addEventListener('fullscreenchange', this.#onFullscreenChange);
  }

  hostDisconnected(): void {
    document.removeEventListener('fullscreenchange', this.#onFullscreenChange);
  }

  /** The seat whose tile is in the Tab sequence: the last one focused, else the large one, else the first. */
  rovingSeat(): number | null {
    const { seats, main } = this.#order();
    const active = this.#activeSeat;
    if (active !== null && seats.includes(active)) return active;
    return main ?? seats[0] ?? null;
  }

  /** The stage's `keydown`: arrow keys, Home and End on a tile move to another tile; Escape leaves full screen. */
  readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'Escape') {
      if (this.#fullscreenSeat === null || document.fullscreenElement === null) return;
      event.preventDefault();
      document.exitFullscreen().catch(ignore);
      return;
    }
    // Only keys on a tile itself: a control in it (the seat menu) has keys of its own.
    const tile = this.tileOf(event);
    const origin = event.composedPath()[0];
    if (tile === null || !(origin instanceof Node) || origin.getRootNode() !== tile.shadowRoot) return;
    const order = this.#order();
    const from = order.seats.indexOf(tile.seat?.index ?? -1);
    const rtl = getComputedStyle(this.#host).direction === 'rtl';
    const to = from < 0 ? null : tileKeyTarget(event.key, from, order.seats.length, order.columns, rtl);
    if (to === null) return;
    event.preventDefault();
    const seatIndex = order.seats[to];
    if (to === from || seatIndex === undefined) return;
    this.#activeSeat = seatIndex;
    this.#host.requestUpdate();
    this.#tileAt(seatIndex)?.focus();
  };

  /** The stage's `focusin`: the tile that has focus becomes the stage's stop in the Tab sequence. */
  readonly onFocusIn = (event: FocusEvent): void => {
    const index = this.tileOf(event)?.seat?.index;
    if (index === undefined || index === this.#activeSeat) return;
    this.#activeSeat = index;
    this.#host.requestUpdate();
  };

  /** A full-screen control's `click`: its tile full screen, or out of full screen when it is. */
  readonly onFullscreenClick = (event: MouseEvent): void => {
    const tile = this.tileOf(event);
    if (tile === null) return;
    if (this.#host.shadowRoot?.fullscreenElement === tile) {
      document.exitFullscreen().catch(ignore);
      return;
    }
    tile.requestFullscreen().catch(ignore);
  };

  /** The host's own tile that `event` went through, or `null` (a tile inside a page's layer). */
  tileOf(event: Event): GuestSeatTile | null {
    const stage = this.#stage();
    for (const node of event.composedPath()) {
      if (node instanceof HTMLElement && node.localName === 'guest-seat-tile') {
        return node.parentElement?.parentElement === stage ? (node as GuestSeatTile) : null;
      }
    }
    return null;
  }

  #stage(): HTMLElement | null {
    return this.#host.shadowRoot?.querySelector<HTMLElement>('[part~="stage"]') ?? null;
  }

  #tileAt(seatIndex: number): GuestSeatTile | null {
    const tiles = this.#stage()?.querySelectorAll<GuestSeatTile>(':scope > * > guest-seat-tile') ?? [];
    return Array.from(tiles).find((tile) => tile.seat?.index === seatIndex) ?? null;
  }

  readonly #onFullscreenChange = (): void => {
    const element = this.#host.shadowRoot?.fullscreenElement ?? null;
    const seat =
      element !== null && element.localName === 'guest-seat-tile'
        ? ((element as GuestSeatTile).seat?.index ?? null)
        : null;
    if (seat === this.#fullscreenSeat) return;
    this.#fullscreenSeat = seat;
    this.#host.requestUpdate();
  };
}
