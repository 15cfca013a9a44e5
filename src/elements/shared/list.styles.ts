import { css } from 'lit';

/**
 * What `<applicant-list>` and `<audience-list>` share: the host box, the header, the scroller and
 * the rows with their avatar. Each list sets `--_list-max-height` from its own public property.
 */
export const listStyles = css`
  :host {
    display: block;
    color: var(--_cg-color-text);
    font-size: var(--_cg-font-size-m);
  }

  .base {
    display: flex;
    flex-direction: column;
    gap: var(--_cg-space-2);
    min-width: 0;
  }

  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--_cg-space-2);
  }

  .count {
    font-weight: var(--_cg-font-weight-bold);
  }
  .scroller {
    max-height: var(--_list-max-height, 400px);
    overflow-y: auto;
    overscroll-behavior: contain;
    border: 1px solid var(--_cg-color-border);
    border-radius: var(--_cg-radius-m);
    background: var(--_cg-color-surface);
  }

  .list {
    position: relative;
    min-height: 0;
  }

  .row {
    position: absolute;
    inset-inline: 0;
    display: flex;
    align-items: center;
    gap: var(--_cg-space-2);
    padding: 0 var(--_cg-space-3);
    border-top: 1px solid var(--_cg-color-border);
    overflow: hidden;
  }

  .row[aria-posinset='1'] {
    border-top-color: transparent;
  }

  .row:focus {
    outline: none;
  }

  .row:focus-visible {
    outline: var(--_cg-focus-ring-width) solid var(--_cg-focus-ring-color);
    outline-offset: calc(-1 * var(--_cg-focus-ring-width));
  }

  .row[aria-busy='true'] {
    opacity: 0.6;
    transition: opacity var(--_cg-duration) var(--_cg-easing);
  }

  .avatar {
    flex: none;
    width: 36px;
    height: 36px;
    border-radius: var(--_cg-radius-full);
    object-fit: cover;
  }

  .initials {
    display: grid;
    place-items: center;
    overflow: hidden;
    background: var(--_cg-color-avatar);
    color: var(--_cg-color-on-avatar);
    font-size: 14px;
    font-weight: var(--_cg-font-weight-bold);
    line-height: 1;
    user-select: none;
  }

  .initials svg {
    width: 60%;
    height: 60%;
  }

  .text {
    display: flex;
    flex: 1;
    flex-direction: column;
    min-width: 0;
  }

  .line {
    display: flex;
    align-items: baseline;
    gap: var(--_cg-space-2);
    min-width: 0;
  }

  .secondary {
    color: var(--_cg-color-text-muted);
    font-size: var(--_cg-font-size-s);
  }
`;
