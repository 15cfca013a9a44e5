import { css } from 'lit';

export default css`
  :host {
    --_size: var(--seat-menu-size, 32px);

    display: inline-block;
    width: var(--_size);
    height: var(--_size);
    font-size: var(--_cg-font-size-m);
  }

  :host(:state(hidden-for-role)) {
    display: none;
  }

  .trigger {
    display: grid;
    place-items: center;
    width: 100%;
    height: 100%;
    padding: 0;
    border: 0;
    border-radius: var(--_cg-radius-full);
    background: var(--seat-menu-background, var(--_cg-overlay-background));
    color: var(--seat-menu-color, var(--_cg-color-on-overlay));
    cursor: pointer;
    transition: background-color var(--_cg-duration) var(--_cg-easing);
  }

  .trigger:hover,
  .trigger[aria-expanded='true'] {
    background: color-mix(in srgb, var(--seat-menu-background, var(--_cg-overlay-background)), #000 25%);
  }

  .trigger[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.7;
  }

  .trigger:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: var(--_cg-focus-ring-offset);
    box-shadow: 0 0 0 calc(var(--_cg-focus-ring-offset) + var(--_cg-focus-ring-width)) #fff;
  }

  .trigger svg {
    width: 60%;
    height: 60%;
  }

  /*
   * The menu: a popover in the top layer, placed by script next to the button, within the
   * viewport less a margin (8px, the script's MARGIN).
   */

  .menu {
    position: fixed;
    inset: auto;
    min-width: var(--seat-menu-min-width, 12rem);
    max-width: min(20rem, calc(100% - 16px));
    max-height: min(var(--seat-menu-max-height, 100%), calc(100% - 16px));
    margin: 0;
    padding: var(--_cg-space-1);
    overflow: auto;
    overscroll-behavior: contain;
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--_cg-radius-m);
    background: var(--_cg-color-surface-raised);
    color: var(--_cg-color-text);
    box-shadow: var(--_cg-shadow);
    font-family: var(--_cg-font-family);
    font-size: var(--_cg-font-size-m);
    line-height: var(--_cg-line-height);
  }

  .item {
    display: block;
    width: 100%;
    padding: var(--_cg-space-2) var(--_cg-space-3);
    border: 0;
    border-radius: var(--_cg-radius-s);
    background: none;
    color: inherit;
    font: inherit;
    text-align: start;
    white-space: nowrap;
    cursor: pointer;
  }

  .item:hover,
  .item:focus {
    outline: none;
    background: var(--_cg-color-surface);
  }

  .item:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: calc(-1 * var(--_cg-focus-ring-width));
  }

  .item.danger {
    color: var(--_cg-color-danger);
  }

  .separator {
    height: 1px;
    margin: var(--_cg-space-1) 0;
    background: var(--_cg-color-border);
  }
`;
