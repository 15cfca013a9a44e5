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

  .avatar {
    flex: none;
    width: var(--_avatar-size);
    height: var(--_avatar-size);
    border-radius: var(--_cg-radius-full);
    object-fit: cover;
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

  .background-name {
    display: block;
    max-width: 100%;
    overflow: hidden;
    font-size: var(--_cg-font-size-s);
    text-overflow: ellipsis;
    white-space: nowrap;
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
    position: absolute;
    display: inline-flex;
    align-items: center;
    gap: var(--_cg-space-1);
    max-width: calc(100% - 2 * var(--_cg-space-2));
    padding: 2px var(--_cg-space-2);
    border-radius: var(--_cg-radius-full);
    background: var(--_cg-overlay-background);
    color: var(--_cg-color-on-overlay);
    font-size: var(--_cg-font-size-s);
    font-weight: var(--_cg-font-weight-medium);
  }

  .name-tag {
    left: var(--_cg-space-2);
    bottom: var(--_cg-space-2);
  }

  .badge {
    top: var(--_cg-space-2);
    right: var(--_cg-space-2);
  }

  .badge.limit {
    right: auto;
    left: var(--_cg-space-2);
  }

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

  .you {
    flex: none;
    padding-inline-start: var(--_cg-space-1);
    border-inline-start: 1px solid currentColor;
    font-weight: normal;
  }
`;
