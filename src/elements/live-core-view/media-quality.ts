/**
 * Which layer of each seat holder's video `<live-core-view>` asks the live's media for (the SFU
 * mode relays one simulcast layer per viewer and publisher; the mesh ignores the wish): `high` for
 * the tile shown large and for the tiles of a small grid, `low` for the others (floating guests, a
 * filmstrip, a grid of more than four), `off` for every tile while the page is hidden (the sound
 * goes on). `wantedQuality` is the pure rule; the controller tells `LiveMedia` what changed.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LiveMedia, type MediaQuality } from '../../media/live-media.js';
import type { Session } from '../../core/session.js';
import type { SeatInfo } from '../../protocol/types.js';
import type { StageLayout } from './layout.js';

/** Tiles a grid may show, each large enough for the high layer. */
export const HIGH_GRID_TILES = 4;

const GRIDS: ReadonlySet<StageLayout> = new Set(['grid', 'dynamic-grid', 'fixed-grid']);

/** The layer a tile asks for: see the module. */
export function wantedQuality(
  layout: StageLayout,
  main: boolean,
  shownCount: number,
  hidden: boolean,
): MediaQuality {
  if (hidden) return 'off';
  if (main) return 'high';
  return GRIDS.has(layout) && shownCount <= HIGH_GRID_TILES ? 'high' : 'low';
}

/** Tells the live's media the layer each shown seat holder's tile wants, when it changes. */
export class MediaQualityController implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  /** The wish last told for the current live, by user id. */
  #told = new Map<string, MediaQuality>();
  #target: { readonly session: Session; readonly liveId: string } | null = null;
  readonly #onVisibility = (): void => this.#host.requestUpdate();

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.#onVisibility);
  }

  /**
   * The stage now: `target` is the live whose own media the view shows (`null`: the page gives
   * its own streams, nothing is asked); `shown` the seats shown, `main` the large one's index.
   */
  update(
    target: { readonly session: Session; readonly liveId: string | null } | null,
    layout: StageLayout,
    shown: readonly SeatInfo[],
    main: number | null,
    selfId: string | undefined,
  ): void {
    const liveId = target?.liveId ?? null;
    if (target?.session !== this.#target?.session || liveId !== this.#target?.liveId) {
      this.#told = new Map();
      this.#target = target === null || liveId === null ? null : { session: target.session, liveId };
    }
    const live = this.#target;
    if (live === null) return;
    const tiles = shown.flatMap((seat) =>
      seat.userInfo === null || seat.userInfo.userId === selfId
        ? []
        : [{ userId: seat.userInfo.userId, main: seat.index === main }],
    );
    const hidden = document.visibilityState === 'hidden';
    for (const tile of tiles) {
      const quality = wantedQuality(layout, tile.main, tiles.length, hidden);
      if (this.#told.get(tile.userId) === quality) continue;
      this.#told.set(tile.userId, quality);
      LiveMedia.for(live.session, live.liveId).setWantedQuality(tile.userId, quality);
    }
  }
}
