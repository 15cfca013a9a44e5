import { css } from 'lit';

export default css`
  :host {
    --_avatar-size: var(--invitation-prompt-avatar-size, 40px);

    display: block;
    color: var(--_cg-color-text);
    font-size: var(--_cg-font-size-m);
  }
`;
