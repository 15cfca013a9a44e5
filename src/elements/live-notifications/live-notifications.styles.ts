import { css } from 'lit';

export default css`
  :host {
    display: block;
    color: var(--_cg-color-text);
    font-size: var(--_cg-font-size-m);
    pointer-events: none;
  }

  .list {
    display: flex;
    flex-direction: column;
    gap: var(--notifications-gap, var(--_cg-space-2));
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .toast {
    display: flex;
    align-items: flex-start;
    gap: var(--_cg-space-2);
    width: var(--notifications-width, 20rem);
    max-width: 100%;
    padding: var(--_cg-space-2) var(--_cg-space-2) var(--_cg-space-2) var(--_cg-space-3);
    border: 1px solid var(--_cg-color-border);
    border-inline-start: 4px solid var(--notifications-accent, var(--_cg-color-accent));
    border-radius: var(--_cg-radius-m);
    background: var(--_cg-color-surface-raised);
    color: var(--_cg-color-text);
    box-shadow: var(--_cg-shadow);
    pointer-events: auto;
    animation: toast-in var(--_cg-duration) var(--_cg-easing);
  }

  .toast.urgent {
    border-inline-start-color: var(--notifications-urgent, var(--_cg-color-danger));
  }

  @keyframes toast-in {
    from {
      opacity: 0;
      translate: 0 8px;
    }
  }

  .message {
    flex: 1;
    min-width: 0;
    margin: 0;
    padding-block: 2px;
    overflow-wrap: anywhere;
  }

  .dismiss {
    display: grid;
    flex: none;
    place-items: center;
    width: 24px;
    height: 24px;
    padding: 0;
    border: 0;
    border-radius: var(--_cg-radius-full);
    background: none;
    color: var(--_cg-color-text-muted);
    cursor: pointer;
  }

  .dismiss:hover {
    background: var(--_cg-color-surface);
    color: var(--_cg-color-text);
  }

  .dismiss:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: 0;
  }

  .dismiss svg {
    width: 16px;
    height: 16px;
  }
`;
