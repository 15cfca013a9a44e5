import { css } from 'lit';

export default css`
  :host {
    --_background: var(--apply-button-background, var(--_cg-color-accent));
    --_color: var(--apply-button-color, var(--_cg-color-on-accent));

    display: inline-flex;
    flex-direction: column;
    align-items: flex-start;
    gap: var(--_cg-space-1);
    color: var(--_cg-color-text);
    font-size: var(--_cg-font-size-m);
  }

  :host(:state(host)) {
    display: none;
  }

  :host(:state(pending)) {
    --_background: var(--apply-button-pending-background, var(--_cg-color-surface));
    --_color: var(--apply-button-pending-color, var(--_cg-color-text));
  }

  :host(:state(connected)) {
    --_background: var(--apply-button-leave-background, var(--_cg-color-danger));
    --_color: var(--apply-button-leave-color, var(--_cg-color-on-danger));
  }

  .base {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_cg-space-2);
  }

  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--_cg-space-2);
    min-height: 40px;
    padding: var(--_cg-space-2) var(--_cg-space-4);
    border: 1px solid transparent;
    border-radius: var(--apply-button-radius, var(--_cg-radius-full));
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

  :host(:state(pending)) .button {
    border-color: var(--_cg-color-border);
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

  :host(:state(disabled)) .button {
    --_background: var(--_cg-color-surface);
    --_color: var(--_cg-color-text-muted);

    border-color: var(--_cg-color-border);
  }

  :host(:state(busy)) .button {
    cursor: progress;
  }

  .countdown {
    display: inline-flex;
    align-items: center;
    gap: var(--_cg-space-1);
    color: var(--_cg-color-text-muted);
    font-size: var(--_cg-font-size-s);
    font-variant-numeric: tabular-nums;
  }

  .ring {
    width: 1.5em;
    height: 1.5em;
    transform: rotate(-90deg);
  }

  .ring circle {
    fill: none;
    stroke-width: 3;
  }

  .ring-track {
    stroke: var(--_cg-color-border);
  }

  .ring-progress {
    stroke: var(--_cg-color-accent);
    stroke-linecap: round;
    transition: stroke-dashoffset var(--_cg-duration) linear;
  }

  .status {
    margin: 0;
    color: var(--_cg-color-text-muted);
    font-size: var(--_cg-font-size-s);
  }
`;
