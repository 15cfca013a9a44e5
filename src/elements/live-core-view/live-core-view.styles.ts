import { css } from 'lit';

export default css`
  :host {
    --_gap: var(--live-gap, var(--_cg-space-1));
    display: block;
    position: relative;
    container: live-core-view / inline-size;
    color: var(--_cg-color-on-stage);
    font-size: var(--_cg-font-size-m);
  }

  .frame {
    position: relative;
    height: 100%;
  }

  /* The stage: a grid of cells. --_columns and --_rows come from the layout helpers. */

  .stage {
    display: grid;
    grid-template-columns: repeat(var(--_columns, 1), minmax(0, 1fr));
    grid-template-rows: repeat(var(--_rows, 1), minmax(0, 1fr));
    gap: var(--_gap);
    position: relative;
    width: 100%;
    height: 100%;
    aspect-ratio: var(--live-stage-aspect-ratio, 9 / 16);
    overflow: hidden;
    border-radius: var(--live-stage-radius, var(--_cg-radius-l));
    background: var(--live-stage-background, var(--_cg-color-stage));
  }

  .cell {
    position: relative;
    min-width: 0;
    min-height: 0;
    animation: cell-in var(--_cg-duration) var(--_cg-easing);
  }

  .cell > guest-seat-tile {
    --seat-background: var(
      --live-seat-background,
      color-mix(in srgb, var(--live-stage-background, var(--_cg-color-stage)), #fff 7%)
    );

    width: 100%;
    height: 100%;
    aspect-ratio: auto;
  }

  /*
   * Float layouts: the main seat fills the stage, the others float in a column at its inline end,
   * wrapping into a further column towards the inline start when they do not fit (wrap-reverse).
   * --_float-width and --_float-ratio come from the layout helpers (floatTile).
   */

  .stage.float {
    display: flex;
    flex-flow: column wrap-reverse;
    align-content: flex-start;
    padding: var(--_gap);
  }

  .float .cell.main {
    position: absolute;
    inset: 0;
    z-index: 0;
  }

  .float .cell.main > guest-seat-tile {
    --seat-background: var(--live-stage-background, var(--_cg-color-stage));

    border-radius: 0;
  }

  .float .cell:not(.main) {
    flex: none;
    z-index: 1;
    width: var(--live-float-size, var(--_float-width, 25cqi));
    aspect-ratio: var(--_float-ratio, 16 / 9);
  }

  /* Landscape: the main seat large, guests in a strip at its side (below it on a narrow view). */

  .stage.landscape {
    grid-template-columns: minmax(0, 3fr) minmax(0, 1fr);
    aspect-ratio: var(--live-stage-aspect-ratio, 16 / 9);
  }

  .landscape .cell.main {
    grid-column: 1;
    grid-row: 1 / -1;
  }

  .landscape .cell:not(.main) {
    grid-column: 2;
  }

  .stage.solo {
    grid-template-columns: minmax(0, 1fr);
    grid-template-rows: minmax(0, 1fr);
  }

  .solo .cell.main {
    grid-column: 1;
    grid-row: 1;
  }

  @container live-core-view (max-width: 479px) {
    .stage.landscape:not(.solo) {
      grid-template-columns: repeat(var(--_columns, 3), minmax(0, 1fr));
      grid-template-rows: minmax(0, 3fr) minmax(0, 1fr);
    }

    .landscape:not(.solo) .cell.main {
      grid-column: 1 / -1;
      grid-row: 1;
    }

    .landscape:not(.solo) .cell:not(.main) {
      grid-column: auto;
      grid-row: 2;
    }
  }

  /* grid: equal tiles of a video shape, centred; --_tile-width/height come from fitGrid. */

  .stage.fit {
    display: flex;
    flex-wrap: wrap;
    place-content: center;
  }

  .fit .cell {
    flex: none;
    width: var(--_tile-width);
    height: var(--_tile-height);
  }

  /*
   * Speaker arrangement: the main seat large, the others in a filmstrip at its inline end (a wide
   * stage) or below it (a tall one, .below). --_strip-width/height come from filmstrip.
   */

  .stage.speaker {
    grid-template-columns: var(--_strip-width, 20cqi);
    grid-template-rows: none;
    grid-auto-rows: var(--_strip-height, calc(20cqi * 9 / 16));
    place-content: center end;
  }

  .stage.speaker.below {
    grid-template-columns: none;
    grid-template-rows: var(--_strip-height, calc(30cqi * 4 / 3));
    grid-auto-flow: column;
    grid-auto-columns: var(--_strip-width, 30cqi);
    place-content: end center;
  }

  .speaker .cell.main {
    position: absolute;
    inset: 0;
    inset-inline-end: calc(var(--_strip-width, 20cqi) + var(--_gap));
  }

  .speaker.below .cell.main {
    inset: 0;
    inset-block-end: calc(var(--_strip-height, calc(30cqi * 4 / 3)) + var(--_gap));
  }

  .speaker.solo .cell.main {
    inset: 0;
  }

  @container live-core-view (max-width: 320px) {
    :host {
      --_gap: var(--live-gap, 2px);
    }
  }

  /* A tile shown full screen: the whole picture, no corners. */

  .cell > guest-seat-tile:fullscreen {
    --seat-radius: 0;
    --seat-video-fit: contain;
  }

  /*
   * Per-seat controls, in the tile's top bar (its actions slot, at the inline end). Full screen and
   * pin show while the pointer is over the tile or focus is in it, on touch screens and in full
   * screen always, and the pin while pressed; --seat-menu-size (24px on a small tile, from the tile) sizes them all.
   * On a tile too narrow for all of them in a row, they wrap under each other.
   */

  .seat-actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: var(--_cg-space-1);
    max-width: 100%;
  }

  .tile-button {
    display: grid;
    flex: none;
    place-items: center;
    width: var(--seat-menu-size, 32px);
    height: var(--seat-menu-size, 32px);
    padding: 0;
    border: 0;
    border-radius: var(--_cg-radius-full);
    background: var(--_cg-overlay-background);
    color: var(--_cg-color-on-overlay);
    cursor: pointer;
    opacity: 0;
    transition:
      opacity var(--_cg-duration) var(--_cg-easing),
      background-color var(--_cg-duration) var(--_cg-easing);
  }

  .tile-button[hidden] {
    display: none;
  }

  .cell:hover .tile-button,
  .cell:focus-within .tile-button,
  guest-seat-tile:fullscreen .tile-button,
  .tile-button[aria-pressed='true'] {
    opacity: 1;
  }

  @media (hover: none) {
    .tile-button {
      opacity: 1;
    }
  }

  .tile-button:hover {
    background: color-mix(in srgb, var(--_cg-overlay-background), #000 25%);
  }

  .tile-button[aria-pressed='true'] {
    background: var(--_cg-color-accent);
    color: var(--_cg-color-on-accent);
  }

  .tile-button:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: var(--_cg-focus-ring-offset);
    box-shadow: 0 0 0 calc(var(--_cg-focus-ring-offset) + var(--_cg-focus-ring-width)) #fff;
  }

  .tile-button svg {
    width: 60%;
    height: 60%;
  }

  /* "Request to join" / "Invite" on an empty seat. */

  .empty-action {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: var(--_cg-space-1);
    height: 100%;
    padding: var(--_cg-space-2);
    color: var(--_cg-color-on-stage-muted);
    font-size: var(--_cg-font-size-s);
    text-align: center;
  }

  .empty-icon {
    display: inline-flex;
    width: clamp(16px, 20cqmin, 32px);
    height: clamp(16px, 20cqmin, 32px);
  }

  .empty-icon svg {
    width: 100%;
    height: 100%;
  }

  .seat-number {
    color: var(--_cg-color-on-stage);
    font-weight: var(--_cg-font-weight-medium);
  }

  .action-label {
    color: var(--_cg-color-on-stage);
  }

  /* Message and overlay, over the stage. */

  .message {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    margin: 0;
    padding: var(--_cg-space-4);
    color: var(--_cg-color-on-stage-muted);
    text-align: center;
    pointer-events: none;
  }

  .unmute {
    position: absolute;
    inset-block-start: var(--_cg-space-2);
    inset-inline-start: 50%;
    translate: -50% 0;
    z-index: 3;
    display: inline-flex;
    align-items: center;
    gap: var(--_cg-space-1);
    padding: var(--_cg-space-1) var(--_cg-space-3);
    border: 0;
    border-radius: var(--_cg-radius-full);
    background: var(--_cg-color-accent);
    color: var(--_cg-color-on-accent);
    font: inherit;
    cursor: pointer;
  }

  .unmute[hidden] {
    display: none;
  }

  .unmute:focus-visible {
    outline: 2px solid var(--_cg-color-accent);
    outline-offset: 2px;
  }

  .unmute svg {
    width: 1.25em;
    height: 1.25em;
  }

  .overlay {
    position: absolute;
    inset: auto 0 0;
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: var(--_cg-space-2);
    padding: var(--_cg-space-2);
    pointer-events: none;
  }

  ::slotted(*) {
    pointer-events: auto;
  }

  @keyframes cell-in {
    from {
      opacity: 0;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .cell {
      animation: none;
    }

    .tile-button {
      transition: none;
    }
  }
`;
