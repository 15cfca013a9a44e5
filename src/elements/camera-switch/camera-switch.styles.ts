import { css } from 'lit';

export default css`
  :host {
    display: inline-block;
    color: var(--_cg-color-text);
    font-size: var(--_cg-font-size-m);
  }

  :host(:state(hidden)) {
    display: none;
  }

  .base {
    display: inline-flex;
    flex-direction: column;
    align-items: flex-start;
    gap: var(--_cg-space-1);
  }

  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--_cg-space-2);
    min-height: 40px;
    padding: var(--_cg-space-2) var(--_cg-space-4) var(--_cg-space-2) var(--_cg-space-3);
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--camera-switch-radius, var(--_cg-radius-full));
    background: var(--camera-switch-background, var(--_cg-color-surface));
    color: var(--camera-switch-color, var(--_cg-color-text));
    font: inherit;
    font-weight: var(--_cg-font-weight-medium);
    line-height: 1.2;
    cursor: pointer;
    transition: filter var(--_cg-duration) var(--_cg-easing);
  }

  .button:hover:not([aria-disabled='true']) {
    filter: brightness(1.08);
  }

  .button:active:not([aria-disabled='true']) {
    filter: brightness(0.95);
  }

  .button:focus {
    outline: none;
  }

  .button:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: var(--_cg-focus-ring-offset);
  }

  :host(:state(busy)) .button {
    cursor: progress;
  }

  .icon {
    display: inline-flex;
    flex: none;
  }

  .icon svg {
    width: 1.25em;
    height: 1.25em;
  }

  .status {
    margin: 0;
    max-width: 24em;
    color: var(--_cg-color-danger);
    font-size: var(--_cg-font-size-s);
  }
`;
