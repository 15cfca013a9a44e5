import { css } from 'lit';

export default css`
  :host {
    --_background: var(--device-toggle-background, var(--_cg-color-surface));
    --_color: var(--device-toggle-color, var(--_cg-color-text));

    display: inline-block;
    color: var(--_cg-color-text);
    font-size: var(--_cg-font-size-m);
  }

  :host(:state(on)) {
    --_background: var(--device-toggle-on-background, var(--_cg-color-accent));
    --_color: var(--device-toggle-on-color, var(--_cg-color-on-accent));
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
    border-radius: var(--device-toggle-radius, var(--_cg-radius-full));
    background: var(--_background);
    color: var(--_color);
    font: inherit;
    font-weight: var(--_cg-font-weight-medium);
    line-height: 1.2;
    cursor: pointer;
    transition:
      background-color var(--_cg-duration) var(--_cg-easing),
      color var(--_cg-duration) var(--_cg-easing),
      filter var(--_cg-duration) var(--_cg-easing);
  }

  :host(:state(on)) .button {
    border-color: transparent;
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

  .button[aria-disabled='true'] {
    cursor: not-allowed;
  }

  :host(:state(locked)) .button,
  :host(:state(unsupported)) .button {
    color: var(--_cg-color-text-muted);
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
    color: var(--_cg-color-text-muted);
    font-size: var(--_cg-font-size-s);
  }

  :host(:state(error)) .status {
    color: var(--_cg-color-danger);
  }
`;
