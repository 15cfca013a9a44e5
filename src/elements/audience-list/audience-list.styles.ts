import { css } from 'lit';

export default css`
  :host {
    --_list-max-height: var(--audience-list-max-height, 400px);
  }

  .matches {
    flex: 1;
    color: var(--_cg-color-text-muted);
    font-size: var(--_cg-font-size-s);
  }

  .filter {
    flex: 1 1 12em;
    min-width: 0;
    min-height: 32px;
    padding: 0 var(--_cg-space-2);
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--_cg-radius-m);
    background: var(--_cg-color-surface-raised);
    color: inherit;
    font: inherit;
  }

  .filter::placeholder {
    color: var(--_cg-color-text-muted);
    opacity: 1;
  }

  .filter:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: var(--_cg-focus-ring-offset);
  }

  .name {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .name {
    font-weight: var(--_cg-font-weight-medium);
  }

  .badge {
    flex: none;
    padding: 0 var(--_cg-space-1);
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--_cg-radius-s);
    font-size: var(--_cg-font-size-s);
  }

  .badge.role {
    border-color: var(--_cg-color-accent);
    color: var(--_cg-color-accent);
  }

  .status.seated {
    color: var(--_cg-color-success);
  }

  .button {
    flex: none;
    min-height: 32px;
    padding: 0 var(--_cg-space-3);
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--_cg-radius-m);
    background: transparent;
    color: inherit;
    font: inherit;
    font-weight: var(--_cg-font-weight-medium);
    cursor: pointer;
    transition: background-color var(--_cg-duration) var(--_cg-easing);
  }

  .button.accent {
    border-color: var(--_cg-color-accent);
    background: var(--_cg-color-accent);
    color: var(--_cg-color-on-accent);
  }

  .button:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: var(--_cg-focus-ring-offset);
  }

  .button:disabled,
  .button[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.5;
  }

  .empty {
    margin: 0;
    padding: var(--_cg-space-4);
    color: var(--_cg-color-text-muted);
    text-align: center;
  }
`;
