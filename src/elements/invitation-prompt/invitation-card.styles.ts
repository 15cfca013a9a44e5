import { css } from 'lit';

/** The card's styles: loaded with the card, on the first invitation (see `invitation-card.ts`). */
export default css`
  /* A popover in the top layer, in the middle of the viewport wherever the page is scrolled. */
  .card {
    align-items: flex-start;
    gap: var(--_cg-space-3);
    max-width: min(var(--invitation-prompt-width, 22rem), calc(100% - 2 * var(--_cg-space-3)));
    max-height: calc(100% - 2 * var(--_cg-space-3));
    padding: var(--_cg-space-4);
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--invitation-prompt-radius, var(--_cg-radius-l));
    background: var(--invitation-prompt-background, var(--_cg-color-surface-raised));
    color: inherit;
    box-shadow: var(--_cg-shadow);
    animation: enter var(--_cg-duration) var(--_cg-easing);
  }

  .card:popover-open {
    display: flex;
  }

  @keyframes enter {
    from {
      opacity: 0;
      transform: translateY(4px);
    }
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

  .body {
    display: flex;
    flex: 1;
    flex-direction: column;
    gap: var(--_cg-space-2);
    min-width: 0;
  }

  p {
    margin: 0;
  }

  .message {
    font-size: var(--_cg-font-size-l);
    font-weight: var(--_cg-font-weight-bold);
    overflow-wrap: anywhere;
  }

  .details {
    display: flex;
    flex-direction: column;
    gap: var(--_cg-space-1);
    color: var(--_cg-color-text-muted);
  }

  .extra-info {
    overflow-wrap: anywhere;
    white-space: pre-line;
  }

  .countdown {
    font-size: var(--_cg-font-size-s);
    font-variant-numeric: tabular-nums;
  }

  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: var(--_cg-space-2);
  }

  button {
    min-height: 36px;
    padding: var(--_cg-space-1) var(--_cg-space-4);
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--_cg-radius-full);
    background: transparent;
    color: var(--_cg-color-text);
    font: inherit;
    font-weight: var(--_cg-font-weight-medium);
    cursor: pointer;
    transition: filter var(--_cg-duration) var(--_cg-easing);
  }

  .accept {
    border-color: transparent;
    background: var(--_cg-color-accent);
    color: var(--_cg-color-on-accent);
  }

  button:hover:not([aria-disabled='true']) {
    filter: brightness(1.08);
  }

  button:focus {
    outline: none;
  }

  button:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: var(--_cg-focus-ring-offset);
  }

  button[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.7;
  }

  .error {
    color: var(--_cg-color-danger);
    font-size: var(--_cg-font-size-s);
  }

  @media (prefers-reduced-motion: reduce) {
    .card {
      animation: none;
    }
  }
`;
