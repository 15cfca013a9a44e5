import { css } from 'lit';

export default css`
  :host {
    --_size: var(--connection-quality-size, 14px);
    --_fill: currentColor;
    --_empty: var(--connection-quality-empty-color, color-mix(in srgb, currentColor 30%, transparent));

    display: inline-block;
    line-height: 0;
    vertical-align: middle;
  }

  :host(:state(excellent)) {
    --_fill: var(--connection-quality-excellent-color, var(--_cg-color-success));
  }

  :host(:state(good)) {
    --_fill: var(--connection-quality-good-color, var(--_cg-color-success));
  }

  :host(:state(poor)) {
    --_fill: var(--connection-quality-poor-color, light-dark(#b45309, #fcd34d));
  }

  .indicator {
    position: relative;
    display: inline-flex;
    align-items: flex-end;
    gap: calc(var(--connection-quality-bar-width, 3px) * 0.67);
    height: var(--_size);
  }

  .bar {
    width: var(--connection-quality-bar-width, 3px);
    border-radius: 1px;
    background: var(--_empty);
  }

  .bar:nth-child(1) {
    height: 40%;
  }

  .bar:nth-child(2) {
    height: 70%;
  }

  .bar:nth-child(3) {
    height: 100%;
  }

  .bar[part~='bar-on'] {
    background: var(--_fill);
  }

  /* Lost: the bars struck through, in the lost colour. */
  .indicator::after {
    content: '';
    position: absolute;
    top: 50%;
    left: -2px;
    right: -2px;
    height: 2px;
    border-radius: 1px;
    background: var(--connection-quality-lost-color, var(--_cg-color-danger));
    transform: rotate(-40deg);
    visibility: hidden;
  }

  :host(:state(lost)) .indicator::after {
    visibility: visible;
  }
`;
