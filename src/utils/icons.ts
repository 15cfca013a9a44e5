import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

/**
 * The kit's icons: 24×24 stroke icons drawn with `currentColor`, so they take the text colour.
 * Shapes are `svg` templates, so that they are created in the SVG namespace. They carry no meaning
 * of their own: the element that shows one marks it `aria-hidden` and states the meaning in text or
 * in an accessible name.
 */

/** An icon of `paths`, drawn as every icon of the kit is. */
export function icon(paths: SVGTemplateResult): TemplateResult {
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

export const cameraIcon = icon(svg`
  <rect x="2" y="6" width="14" height="12" rx="2"></rect>
  <path d="M16 10l6-3v10l-6-3"></path>
`);

export const cameraOffIcon = icon(svg`
  <path d="M10 6h4a2 2 0 0 1 2 2v4l6-5v10"></path>
  <path d="M16 16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h1"></path>
  <path d="M3 3l18 18"></path>
`);

export const screenIcon = icon(svg`
  <rect x="2" y="3" width="20" height="14" rx="2"></rect>
  <path d="M8 21h8M12 17v4"></path>
  <path d="M12 13V7M9 10l3-3 3 3"></path>
`);

export const screenOffIcon = icon(svg`
  <rect x="2" y="3" width="20" height="14" rx="2"></rect>
  <path d="M8 21h8M12 17v4"></path>
  <path d="M9.5 7.5l5 5M14.5 7.5l-5 5"></path>
`);

/** Front/back camera (`<camera-switch>`). */
export const cameraSwitchIcon = icon(svg`
  <path d="M3 8a2 2 0 0 1 2-2h2l2-2h6l2 2h2a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z"></path>
  <path d="M8.5 12a3.5 3.5 0 0 1 6.2-2.2M15.5 14a3.5 3.5 0 0 1-6.2 2.2"></path>
  <path d="M15 7.5v2.5h-2.5M9 18.5V16h2.5"></path>
`);

/** Close / dismiss. */
export const closeIcon = icon(svg`<path d="M6 6l12 12M18 6L6 18"></path>`);

/** A vertical "more" icon (three dots), filled with `currentColor`. */
export const moreIcon = html`<svg
  viewBox="0 0 24 24"
  width="24"
  height="24"
  fill="currentColor"
  focusable="false"
  aria-hidden="true"
>
  <circle cx="12" cy="5" r="2"></circle>
  <circle cx="12" cy="12" r="2"></circle>
  <circle cx="12" cy="19" r="2"></circle>
</svg>`;
