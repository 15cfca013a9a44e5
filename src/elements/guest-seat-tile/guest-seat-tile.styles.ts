import { css } from 'lit';

export default css`
  :host {
    --_avatar-size: var(--seat-avatar-size, clamp(24px, 36cqmin, 96px));

    display: block;
    position: relative;
    min-width: 0;
    aspect-ratio: var(--seat-aspect-ratio, 16 / 9);
    border-radius: var(--seat-radius, var(--_cg-radius-l));
    color: var(--_cg-color-on-stage);
    font-size: var(--_cg-font-size-m);
  }

  .tile {
    position: absolute;
    inset: 0;
    overflow: hidden;
    border-radius: inherit;
    background: var(--seat-background, var(--_cg-color-stage));
    container-type: size;
  }

  .tile[tabindex] {
    cursor: pointer;
  }

  .tile:focus {
    outline: none;
  }

  .tile:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: var(--_cg-focus-ring-offset);
  }

  .layer {
    position: absolute;
    inset: 0;
    border-radius: inherit;
  }

  /* --_edge: the space at the tile's edges; --_bar: the height of the top bar's actions. */
  .layer,
  .bar {
    --_edge: var(--_cg-space-2);
    --_bar: var(--seat-menu-size, 32px);
  }

  @container (max-width: 119px) {
    .layer,
    .bar {
      --_edge: var(--_cg-space-1);
      --_bar: 24px;
      --seat-menu-size: 24px;
    }
  }

  /* Background and empty layers */

  .placeholder {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: var(--_cg-space-1);
    height: 100%;
    padding: var(--_cg-space-2);
    text-align: center;
  }

  /* The avatar keeps clear of the top bar and of the name tag; a short tile shows none. */
  .background .placeholder {
    padding: calc(var(--_bar) + 2 * var(--_cg-space-1)) var(--_edge)
      calc(var(--_edge) + var(--_cg-font-size-s) * var(--_cg-line-height) + 2 * var(--_cg-space-1));
  }

  .avatar {
    flex: none;
    width: auto;
    height: min(var(--_avatar-size), 100%);
    aspect-ratio: 1;
    border-radius: var(--_cg-radius-full);
    object-fit: cover;
  }

  @container (max-height: 99px) {
    .background .avatar {
      display: none;
    }
  }

  .initials {
    display: grid;
    place-items: center;
    overflow: hidden;
    background: var(--_cg-color-avatar);
    color: var(--_cg-color-on-avatar);
    font-size: calc(var(--_avatar-size) * 0.4);
    font-weight: var(--_cg-font-weight-bold);
    line-height: 1;
    user-select: none;
  }

  .initials svg {
    width: 60%;
    height: 60%;
  }

  .empty .placeholder {
    color: var(--_cg-color-on-stage-muted);
    font-size: var(--_cg-font-size-s);
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

  /* Video */

  .video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: var(--seat-video-fit, cover);
  }

  .video.mirrored {
    transform: var(--seat-local-video-transform, scaleX(-1));
  }

  /* Foreground layer */

  .ring {
    position: absolute;
    inset: 0;
    border-radius: inherit;
    box-shadow: inset 0 0 0 var(--_cg-speaking-ring-width) var(--_cg-speaking-ring-color);
    opacity: 0;
    transition: opacity var(--_cg-duration) var(--_cg-easing);
    pointer-events: none;
  }

  .ring.on {
    opacity: 1;
  }

  .name-tag,
  .badge {
    min-width: 0;
    padding: 2px var(--_cg-space-2);
    border-radius: var(--_cg-radius-full);
    background: var(--_cg-overlay-background);
    color: var(--_cg-color-on-overlay);
    font-size: var(--_cg-font-size-s);
    font-weight: var(--_cg-font-weight-medium);
  }

  .name-tag {
    position: absolute;
    left: var(--_edge);
    bottom: var(--_edge);
    display: inline-flex;
    align-items: center;
    gap: var(--_cg-space-1);
    max-width: calc(100% - 2 * var(--_edge));
  }

  /* The top bar: badges, then the actions at the inline end; the badges give way to them. */

  .bar {
    position: absolute;
    inset: var(--_cg-space-1) var(--_cg-space-1) auto;
    display: flex;
    align-items: center;
    gap: var(--_cg-space-1);
    min-height: var(--_bar);
    pointer-events: none;
  }

  /* The connection-quality bars: on the overlay's pill, in colours that read on it; hidden until measured. */
  .quality {
    --connection-quality-size: 14px;
    --connection-quality-excellent-color: var(--_cg-speaking-ring-color);
    --connection-quality-good-color: var(--_cg-speaking-ring-color);
    --connection-quality-poor-color: #fcd34d;
    --connection-quality-lost-color: #fca5a5;
    --connection-quality-empty-color: rgb(255 255 255 / 0.35);

    flex: none;
    padding: 3px var(--_cg-space-2);
    border-radius: var(--_cg-radius-full);
    background: var(--_cg-overlay-background);
    color: var(--_cg-color-on-overlay);
  }

  .quality:state(unknown) {
    display: none;
  }

  slot[name='actions']::slotted(*) {
    flex: none;
    margin-inline-start: auto;
    pointer-events: auto;
  }

  .badge,
  .tag-name {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .mic-icon {
    display: inline-flex;
    flex: none;
    width: 1.2em;
    height: 1.2em;
  }

  .mic-icon svg {
    width: 100%;
    height: 100%;
  }

  @container (max-width: 119px) {
    .name-tag,
    .badge,
    .quality {
      padding-inline: var(--_cg-space-1);
    }

    .name-tag {
      gap: 2px;
    }
  }

  .you {
    flex: none;
    padding-inline-start: var(--_cg-space-1);
    border-inline-start: 1px solid currentColor;
    font-weight: normal;
  }
`;
