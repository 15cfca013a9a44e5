/**
 * `data-cg-theme="light" | "dark"` on any ancestor forces the kit's colour scheme below it.
 *
 * Shadow styles cannot see ancestors' attributes in every browser (`:host-context()` is
 * Chromium-only), so the attribute is turned into the inherited custom property
 * `--cg-color-scheme` by one tiny constructable stylesheet, adopted by each tree scope (the
 * document, or a shadow root) that holds one of our elements or one of its shadow hosts. The
 * rules use `:where()` so that any page rule setting `--cg-color-scheme` wins.
 */

const THEME_RULES = `
:where([data-cg-theme="dark"]) { --cg-color-scheme: dark; }
:where([data-cg-theme="light"]) { --cg-color-scheme: light; }
`;

let sheet: CSSStyleSheet | undefined;
const adopted = new WeakSet<Document | ShadowRoot>();

function themeSheet(): CSSStyleSheet {
  if (sheet === undefined) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(THEME_RULES);
  }
  return sheet;
}

/**
 * Makes `data-cg-theme` work for `element`: adopts the theme rules in every tree scope from the
 * element's up to the document. Cheap to call repeatedly; a scope is only touched once.
 */
export function adoptThemeRules(element: Element): void {
  let root = element.getRootNode();
  while (root instanceof ShadowRoot || root instanceof Document) {
    if (!adopted.has(root)) {
      adopted.add(root);
      const rules = themeSheet();
      if (!root.adoptedStyleSheets.includes(rules)) {
        root.adoptedStyleSheets = [...root.adoptedStyleSheets, rules];
      }
    }
    if (root instanceof Document) return;
    root = root.host.getRootNode();
  }
}
