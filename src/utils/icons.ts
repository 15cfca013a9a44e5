import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

/**
 * The kit's icons: 24×24 stroke icons drawn with `currentColor`, so they take the text colour.
 * Shapes are `svg` templates, so that they are created in the SVG namespace. They carry no meaning
 * of their own: the element that shows one marks it `aria-hidden` and states the meaning in text or
 * in an accessible name.
 */

function icon(paths: SVGTemplateResult): TemplateResult {
  return html`<svg
    viewBox="0 0 24 24"
    width="24"
    height="24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    focusable="false"
    aria-hidden="true"
  >
    ${paths}
  </svg>`;
}

export const microphoneIcon = icon(svg`
  <rect x="9" y="3" width="6" height="11" rx="3"></rect>
  <path d="M5 11a7 7 0 0 0 14 0"></path>
  <path d="M12 18v3"></path>
`);

export const microphoneOffIcon = icon(svg`
  <rect x="9" y="3" width="6" height="11" rx="3"></rect>
  <path d="M5 11a7 7 0 0 0 14 0"></path>
  <path d="M12 18v3"></path>
  <path d="M4 4l16 16"></path>
`);

export const personIcon = icon(svg`
  <circle cx="12" cy="8" r="4"></circle>
  <path d="M4 21a8 8 0 0 1 16 0"></path>
`);

export const plusIcon = icon(svg`<path d="M12 5v14M5 12h14"></path>`);

export const lockIcon = icon(svg`
  <rect x="5" y="11" width="14" height="10" rx="2"></rect>
  <path d="M8 11V7a4 4 0 0 1 8 0v4"></path>
`);

export const speakerIcon = icon(svg`
  <path d="M4 9v6h4l5 4V5L8 9z"></path>
  <path d="M16 9a4 4 0 0 1 0 6"></path>
  <path d="M18.5 6.5a7.5 7.5 0 0 1 0 11"></path>
`);
