import { css } from 'lit';

export default css`
  :host {
    /* No box of its own: the page's content lays out as if the element were not there. */
    display: contents;
    color: var(--_cg-color-text);
    font-size: var(--_cg-font-size-m);
  }

  .status {
    display: block;
    margin: 0;
    padding: var(--_cg-space-2) 0;
  }

  .connecting {
    color: var(--_cg-color-text-muted);
  }

  .error {
    color: var(--_cg-color-danger);
    font-weight: var(--_cg-font-weight-medium);
  }

  button {
    margin-inline-start: var(--_cg-space-2);
    padding: var(--_cg-space-1) var(--_cg-space-3);
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--_cg-radius-full);
    background: var(--_cg-color-surface-raised);
    color: var(--_cg-color-text);
    font: inherit;
    cursor: pointer;
  }

  button:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: var(--_cg-focus-ring-offset);
  }
`;
