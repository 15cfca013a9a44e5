/**
 * Light and dark for the whole page. The kit's design tokens (`--cg-*`) are declared once on
 * `:root` with the kit's own defaults, so the page's CSS (demo.css) and the kit's elements share
 * one palette. The scheme follows the system unless the user picks one: `data-cg-theme` on `<html>`
 * then forces it, for the page (demo.css reads `--cg-color-scheme`) and for every element.
 */
import { TOKENS, type TokenDefinition } from '../src/styles/tokens.js';
import { loadPreference, savePreference } from './state.js';

export type ThemeMode = 'system' | 'light' | 'dark';

const MODES: readonly ThemeMode[] = ['system', 'light', 'dark'];

function value(token: TokenDefinition): string {
  return token.dark !== undefined && token.dark !== token.light
    ? `light-dark(${token.light}, ${token.dark})`
    : token.light;
}

/** `:root` with every token at the kit's default (built from the kit's constants, no user input). */
export function tokenRules(): string {
  const declarations = TOKENS.map((token: TokenDefinition) => `--cg-${token.name}: ${value(token)};`);
  return `:root {\n  ${declarations.join('\n  ')}\n}`;
}

/** Puts the kit's tokens on `:root`. */
export function installTokens(document: Document): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(tokenRules());
  document.adoptedStyleSheets = [sheet, ...document.adoptedStyleSheets];
}

/** The theme the user chose last (default: follow the system). */
export function savedTheme(): ThemeMode {
  const saved = loadPreference('theme');
  return MODES.find((mode) => mode === saved) ?? 'system';
}

/** Applies `mode` to the page and remembers it. */
export function applyTheme(root: HTMLElement, mode: ThemeMode): void {
  if (mode === 'system') root.removeAttribute('data-cg-theme');
  else root.setAttribute('data-cg-theme', mode);
  savePreference('theme', mode === 'system' ? null : mode);
}

/** The mode after `mode` in the toggle's cycle: system → light → dark → system. */
export function nextTheme(mode: ThemeMode): ThemeMode {
  return MODES[(MODES.indexOf(mode) + 1) % MODES.length] ?? 'system';
}
