import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

/**
 * The device icons of `<device-toggle>`, drawn like the kit's icons
 * (src/utils/icons.ts: 24×24 strokes in `currentColor`, hidden from assistive technology; the
 * button's text carries the meaning).
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
