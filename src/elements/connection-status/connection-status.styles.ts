import { css } from 'lit';

export default css`
  :host {
    --_dot: var(--connection-status-offline-color, var(--_cg-color-danger));

    display: inline-block;
    color: var(--_cg-color-text);
    font-size: var(--_cg-font-size-s);
  }

  :host(:state(connected)) {
    --_dot: var(--connection-status-connected-color, var(--_cg-color-success));
  }

  :host(:state(connecting)),
  :host(:state(reconnecting)) {
    --_dot: var(--connection-status-pending-color, var(--_cg-color-accent));
  }

  .badge {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_cg-space-1) var(--_cg-space-2);
    padding: var(--_cg-space-1) var(--_cg-space-3);
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--_cg-radius-full);
    background: var(--connection-status-background, var(--_cg-color-surface));
    color: var(--connection-status-color, var(--_cg-color-text));
    font-weight: var(--_cg-font-weight-medium);
  }

  .dot {
    flex: none;
    width: var(--connection-status-dot-size, 8px);
    height: var(--connection-status-dot-size, 8px);
    border-radius: var(--_cg-radius-full);
    background: var(--_dot);
  }

  :host(:state(connecting)) .dot,
  :host(:state(reconnecting)) .dot {
    animation: pulse 1.2s ease-in-out infinite;
  }

  @keyframes pulse {
    50% {
      opacity: 0.35;
    }
  }

  .reason {
    color: var(--_cg-color-text-muted);
    font-weight: normal;
  }

  @media (prefers-reduced-motion: reduce) {
    :host(:state(connecting)) .dot,
    :host(:state(reconnecting)) .dot {
      animation: none;
    }
  }
`;
