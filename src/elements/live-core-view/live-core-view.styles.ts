import { css } from 'lit';

export default css`
  :host {
    --_gap: var(--live-gap, var(--_cg-space-1));
    --_float-size: var(--live-float-size, clamp(64px, 28cqi, 180px));

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
    width: 100%;
    height: 100%;
    aspect-ratio: auto;
  }

  /* Float layouts: seat 0 fills the stage, guests float in a column at its inline end. */

  .stage.float {
    grid-template-columns: var(--_float-size);
    justify-content: end;
    padding: var(--_gap);
  }

  .float .cell.main {
    position: absolute;
    inset: 0;
    z-index: 0;
  }

  .float .cell.main > guest-seat-tile {
    border-radius: 0;
  }

  .float .cell:not(.main) {
    z-index: 1;
  }

  /* Landscape: seat 0 large, guests in a strip at its side (below it on a narrow view). */

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

  @container live-core-view (max-width: 320px) {
    :host {
      --_gap: var(--live-gap, 2px);
    }
  }

  /* Per-seat controls, in the tile's top bar (its actions slot, at the inline end). */

  .seat-actions {
    display: flex;
    gap: var(--_cg-space-1);
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
  }
`;
