import { svg } from 'lit';
import { icon } from '../../utils/icons.js';

/**
 * The stage's own icons (pin, full screen), drawn like the kit's (src/utils/icons.ts): 24×24
 * strokes in `currentColor`, hidden from assistive technology (the buttons carry the names).
 */
export const pinIcon = icon(svg`
  <path d="M9 3h6l-1 7 3 3v2H7v-2l3-3z"></path>
  <path d="M12 15v6"></path>
`);

export const fullscreenIcon = icon(svg`<path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"></path>`);

export const exitFullscreenIcon = icon(svg`<path d="M9 4v5H4M15 4v5h5M9 20v-5H4M15 20v-5h5"></path>`);
