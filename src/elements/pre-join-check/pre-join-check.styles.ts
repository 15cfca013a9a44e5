import { css } from 'lit';

export default css`
  :host {
    display: block;
    color: var(--_cg-color-text);
    font-size: var(--_cg-font-size-m);
  }

  [hidden] {
    display: none !important;
  }

  .base {
    display: grid;
    gap: var(--_cg-space-3);
  }

  .preview {
    position: relative;
    overflow: hidden;
    aspect-ratio: var(--pre-join-preview-ratio, 16 / 9);
    border-radius: var(--_cg-radius-l);
    background: var(--pre-join-preview-background, #111);
    color: var(--_cg-color-on-stage);
  }

  .video {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }

  .video.mirrored {
    transform: scaleX(-1);
  }

  .placeholder {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: var(--_cg-space-2);
    padding: var(--_cg-space-4);
    color: var(--_cg-color-on-stage-muted);
    text-align: center;
  }

  .placeholder-icon svg {
    width: 40px;
    height: 40px;
  }

  .toggles {
    position: absolute;
    inset-inline: 0;
    bottom: 0;
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: var(--_cg-space-2);
    padding: var(--_cg-space-3);
  }

  button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--_cg-space-2);
    min-height: 40px;
    padding: var(--_cg-space-2) var(--_cg-space-4);
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--_cg-radius-full);
    background: var(--_cg-color-surface);
    color: var(--_cg-color-text);
    font: inherit;
    font-weight: var(--_cg-font-weight-medium);
    line-height: 1.2;
    cursor: pointer;
  }

  button:focus {
    outline: none;
  }

  button:focus-visible,
  select:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: var(--_cg-focus-ring-offset);
  }

  button[aria-disabled='true'] {
    cursor: progress;
  }

  .toggle {
    border-color: transparent;
    background: var(--_cg-overlay-background);
    color: var(--_cg-color-on-overlay);
  }

  .icon {
    display: inline-flex;
  }

  .icon svg {
    width: 1.25em;
    height: 1.25em;
  }

  .meter {
    height: 8px;
    overflow: hidden;
    border-radius: var(--_cg-radius-full);
    background: var(--_cg-color-surface);
    box-shadow: inset 0 0 0 1px var(--_cg-color-border);
  }

  .meter-bar {
    height: 100%;
    border-radius: inherit;
    background: var(--pre-join-meter-color, var(--_cg-color-success));
    transition: width 60ms linear;
  }

  .problem {
    display: grid;
    gap: var(--_cg-space-2);
    justify-items: start;
    padding: var(--_cg-space-3);
    border: 1px solid var(--_cg-color-danger);
    border-radius: var(--_cg-radius-m);
    color: var(--_cg-color-danger);
  }

  .problem p {
    margin: 0;
    font-weight: var(--_cg-font-weight-medium);
  }

  .pickers {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(160px, 1fr));
    gap: var(--_cg-space-3);
  }

  .picker {
    display: grid;
    gap: var(--_cg-space-1);
    min-width: 0;
  }

  .picker-label {
    color: var(--_cg-color-text-muted);
    font-size: var(--_cg-font-size-s);
    font-weight: var(--_cg-font-weight-medium);
  }

  select {
    width: 100%;
    min-width: 0;
    min-height: 40px;
    padding: var(--_cg-space-2);
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--_cg-radius-m);
    background: var(--_cg-color-surface-raised);
    color: var(--_cg-color-text);
    font: inherit;
    text-overflow: ellipsis;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: var(--_cg-space-2);
  }

  .confirm {
    border-color: transparent;
    background: var(--pre-join-confirm-background, var(--_cg-color-accent));
    color: var(--pre-join-confirm-color, var(--_cg-color-on-accent));
  }

  @media (prefers-reduced-motion: reduce) {
    .meter-bar {
      transition: none;
    }
  }
`;
