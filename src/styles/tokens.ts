import { css, unsafeCSS, type CSSResultGroup } from 'lit';

/**
 * The kit's design tokens.
 *
 * A page themes every element at once by setting the public `--cg-*` custom properties on any
 * ancestor (`:root`, a container, the element itself); they inherit into shadow roots. Elements
 * never read `--cg-*` directly: `tokens` maps each one to a private `--_cg-*` property on `:host`
 * with the kit's default as the fallback, so an element looks right with no global stylesheet.
 *
 * Colours have a light and a dark default (CSS `light-dark()`). Which one applies follows the
 * element's `color-scheme`: `var(--cg-color-scheme, light dark)`, i.e. the user's
 * `prefers-color-scheme` unless a page sets `--cg-color-scheme: light | dark` on an ancestor, or
 * puts `data-cg-theme="light" | "dark"` on one (see `ThemeController`).
 *
 * Motion: `--_cg-duration` is `0s` under `prefers-reduced-motion: reduce`, whatever the page set.
 *
 * docs/theming.md lists every token; keep it in sync with `TOKENS`.
 */

/** One public token: its name without `--cg-`, and its default (light, and dark when it differs). */
export interface TokenDefinition {
  readonly name: string;
  readonly light: string;
  readonly dark?: string;
}

/**
 * Every public token with its defaults, the single source for `tokens`. What each is for is in
 * docs/theming.md, whose table a test checks against this list (names and defaults); it is not
 * repeated here, so the texts do not ship in the bundle.
 */
export const TOKENS = [
  // Colours
  { name: 'color-surface', light: '#f3f4f6', dark: '#1f2937' },
  { name: 'color-surface-raised', light: '#ffffff', dark: '#111827' },
  { name: 'color-text', light: '#111827', dark: '#f9fafb' },
  { name: 'color-text-muted', light: '#4b5563', dark: '#d1d5db' },
  { name: 'color-border', light: '#d1d5db', dark: '#4b5563' },
  { name: 'color-accent', light: '#1d4ed8', dark: '#93c5fd' },
  { name: 'color-on-accent', light: '#ffffff', dark: '#111827' },
  { name: 'color-danger', light: '#b91c1c', dark: '#fca5a5' },
  { name: 'color-on-danger', light: '#ffffff', dark: '#111827' },
  { name: 'color-success', light: '#15803d', dark: '#86efac' },
  { name: 'color-stage', light: '#1f2937', dark: '#0b0f19' },
  { name: 'color-on-stage', light: '#f9fafb' },
  { name: 'color-on-stage-muted', light: '#d1d5db' },
  { name: 'color-avatar', light: '#4b5563', dark: '#374151' },
  { name: 'color-on-avatar', light: '#ffffff' },
  { name: 'overlay-background', light: 'rgb(0 0 0 / 0.6)' },
  { name: 'color-on-overlay', light: '#ffffff' },
  { name: 'speaking-ring-color', light: '#22c55e', dark: '#4ade80' },
  { name: 'speaking-ring-width', light: '3px' },
  { name: 'focus-ring-color', light: '#1d4ed8', dark: '#93c5fd' },
  { name: 'focus-ring-width', light: '2px' },
  { name: 'focus-ring-offset', light: '2px' },
  // Shape and space
  { name: 'radius-s', light: '4px' },
  { name: 'radius-m', light: '8px' },
  { name: 'radius-l', light: '12px' },
  { name: 'radius-full', light: '9999px' },
  { name: 'space-1', light: '4px' },
  { name: 'space-2', light: '8px' },
  { name: 'space-3', light: '12px' },
  { name: 'space-4', light: '16px' },
  { name: 'space-6', light: '24px' },
  { name: 'shadow', light: '0 4px 16px rgb(0 0 0 / 0.18)' },
  // Type
  {
    name: 'font-family',
    light:
      'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif',
  },
  { name: 'font-size-s', light: '12px' },
  { name: 'font-size-m', light: '14px' },
  { name: 'font-size-l', light: '16px' },
  { name: 'font-weight-medium', light: '500' },
  { name: 'font-weight-bold', light: '600' },
  { name: 'line-height', light: '1.4' },
  // Motion
  { name: 'duration', light: '150ms' },
  { name: 'easing', light: 'cubic-bezier(0.2, 0, 0, 1)' },
] as const satisfies readonly TokenDefinition[];

/** The name of a public token, e.g. `color-accent` for `--cg-color-accent`. */
export type TokenName = (typeof TOKENS)[number]['name'];

function fallback(token: TokenDefinition): string {
  return 'dark' in token && token.dark !== undefined && token.dark !== token.light
    ? `light-dark(${token.light}, ${token.dark})`
    : token.light;
}

const declarations = TOKENS.map(
  (token: TokenDefinition) => `--_cg-${token.name}: var(--cg-${token.name}, ${fallback(token)});`,
).join('\n  ');

/**
 * Put first in every element's `static styles`. Declares `--_cg-*` on `:host` from the public
 * tokens, and the element's `color-scheme`. (Built from `TOKENS`, our own constants, hence
 * `unsafeCSS`; no page or user input reaches it.)
 */
export const tokens: CSSResultGroup = [
  unsafeCSS(`:host {
  color-scheme: var(--cg-color-scheme, light dark);
  ${declarations}
}`),
  css`
    @media (prefers-reduced-motion: reduce) {
      :host {
        --_cg-duration: 0s;
      }
    }
  `,
];

/**
 * Resets shared by every element: border-box sizing, the kit's font, `[hidden]` that wins over
 * any `display`, and a `.visually-hidden` class for text meant only for assistive technology.
 */
export const base = css`
  :host {
    box-sizing: border-box;
    font-family: var(--_cg-font-family);
    line-height: var(--_cg-line-height);
  }

  :host([hidden]) {
    display: none !important;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  [hidden] {
    display: none !important;
  }

  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
`;
