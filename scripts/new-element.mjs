#!/usr/bin/env node
// @ts-check
/**
 * Scaffolds a new element with the house shape (STYLE.md "Elements"), so that every element starts
 * identical:
 *
 *   src/elements/<tag>/<tag>.ts         the class, its JSDoc contract, tokens, i18n and theme
 *   src/elements/<tag>/<tag>.styles.ts  its styles
 *   test/browser/<tag>.test.ts          describe('<tag>') grouped by public surface
 *   stories/<tag>.stories.ts            a CSF 3 story
 *
 * registers the class in `src/index.ts` (the root module and the drop-in bundle), and prints every
 * step that needs a person: texts in every locale, docs/elements.md, the manifest.
 *
 * Usage: node scripts/new-element.mjs <tag> [--dry-run] [--root <dir>]
 *
 *   <tag>       a valid custom element name, lowercase with a dash: `apply-button`
 *   --dry-run   print what would be written, write nothing
 *   --root      the repository to write into (default: this script's repository)
 *
 * Never overwrites: when any of the four files exists, nothing is written and the exit code is 1.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Names the HTML spec reserves (SVG and MathML elements with a dash). */
const RESERVED = new Set([
  'annotation-xml',
  'color-profile',
  'font-face',
  'font-face-src',
  'font-face-uri',
  'font-face-format',
  'font-face-name',
  'missing-glyph',
]);

/** Lowercase ASCII, starts with a letter, at least one dash, no trailing or double dash. */
const TAG = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;

/**
 * @param {string} tag
 * @returns {string | null} why `tag` cannot be an element of the kit, or null when it can
 */
export function invalidTag(tag) {
  if (!TAG.test(tag)) {
    return `"${tag}" is not a custom element name of the kit: lowercase letters and digits, words joined by single dashes (e.g. apply-button)`;
  }
  if (RESERVED.has(tag)) return `"${tag}" is reserved by the HTML specification`;
  return null;
}

/** `guest-seat-tile` → `GuestSeatTile`. @param {string} tag */
export function className(tag) {
  return tag
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/**
 * The four files for `tag`, by path relative to the repository.
 * @param {string} tag
 * @returns {Record<string, string>}
 */
export function scaffold(tag) {
  const name = className(tag);
  return {
    [`src/elements/${tag}/${tag}.ts`]: `import { html, LitElement } from 'lit';
import { ThemeController } from '../../controllers/theme-controller.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { base, tokens } from '../../styles/tokens.js';
import styles from './${tag}.styles.js';

/**
 * TODO: what this element is for, in the seed's terms, and where its state comes from.
 *
 * @summary TODO: one line.
 *
 * @slot - TODO: or remove.
 *
 * @csspart base - The element's outer box.
 */
export class ${name} extends LitElement {
  static override styles = [tokens, base, styles];

  #i18n = new LocalizeController(this);

  constructor() {
    super();
    new ThemeController(this);
  }

  protected override render() {
    return html\`<div class="base" part="base" lang=\${this.#i18n.lang}><slot></slot></div>\`;
  }
}

customElements.define('${tag}', ${name});

declare global {
  interface HTMLElementTagNameMap {
    '${tag}': ${name};
  }
}
`,

    [`src/elements/${tag}/${tag}.styles.ts`]: `import { css } from 'lit';

export default css\`
  :host {
    display: block;
    color: var(--_cg-color-text);
    font-size: var(--_cg-font-size-m);
  }
\`;
`,

    [`test/browser/${tag}.test.ts`]: `import { expect, fixture, html } from '@open-wc/testing';
import { ${name} } from '../../src/elements/${tag}/${tag}.js';

describe('<${tag}>', () => {
  describe('accessibility', () => {
    it('passes axe', async () => {
      const el = await fixture<${name}>(html\`<${tag}></${tag}>\`);
      await expect(el).to.be.accessible();
    });
  });

  describe('properties', () => {
    it('is registered as <${tag}>', () => {
      expect(document.createElement('${tag}')).to.be.instanceOf(${name});
    });
  });

  describe('parts', () => {
    it('exposes its base part', async () => {
      const el = await fixture<${name}>(html\`<${tag}></${tag}>\`);
      expect(el.shadowRoot?.querySelector('[part~="base"]') !== null).to.equal(true);
    });
  });

  // Add, as the element grows: describe('slots'), describe('states') (el.matches(':state(x)')),
  // describe('events') (oneEvent + sendKeys / click, like a user).
});
`,

    [`stories/${tag}.stories.ts`]: `/**
 * Stories for <${tag}> (Storybook CSF 3). See stories/README.md.
 */
import { html } from 'lit';
import '../src/elements/${tag}/${tag}.js';

export default {
  title: 'Elements/${tag}',
  component: '${tag}',
};

export const Default = {
  render: () => html\`<${tag}></${tag}>\`,
};
`,
  };
}

/**
 * The line that registers `tag` in the root module (importing the module defines the element).
 * @param {string} tag
 */
export function rootExport(tag) {
  return `export { ${className(tag)} } from './elements/${tag}/${tag}.js';\n`;
}

/**
 * What is left to do by hand once the files exist, in order.
 * @param {string} tag
 */
export function remainingSteps(tag) {
  return [
    `Texts: add the element's keys under '${tag}.' to src/i18n/messages.ts and to every catalog in src/i18n/locales/ (test/browser/i18n.test.ts fails on a key a locale lacks).`,
    `Events: put the element's event classes in src/elements/${tag}/events.ts and export them from src/index.ts next to ${className(tag)}.`,
    `Autoloader: add '${tag}' with its module to ELEMENTS in src/autoloader.ts (test/scripts/autoloader.test.ts fails on a tag it lacks).`,
    `Docs: add a "<${tag}>" section to docs/elements.md (what it is for, its attributes, events, slots, parts and states).`,
    'Manifest: run `npm run manifest` (custom-elements.json and docs/api), then `npm run manifest:check`.',
    `Size: add the element to the size budget if it ships in the drop-in bundle (\`npm run size\`).`,
  ];
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      root: { type: 'string', default: resolve(dirname(fileURLToPath(import.meta.url)), '..') },
    },
  });
  const [tag, ...extra] = positionals;
  if (tag === undefined || extra.length > 0) {
    console.error('Usage: node scripts/new-element.mjs <tag> [--dry-run] [--root <dir>]');
    return 2;
  }
  const problem = invalidTag(tag);
  if (problem !== null) {
    console.error(problem);
    return 2;
  }
  const root = resolve(values.root);
  const files = Object.entries(scaffold(tag)).map(([path, text]) => ({ path: join(root, path), text }));
  const existing = files.filter((file) => existsSync(file.path));
  if (existing.length > 0) {
    console.error(`Nothing written: these files exist already:`);
    for (const file of existing) console.error(`  ${relative(root, file.path)}`);
    return 1;
  }
  for (const file of files) {
    if (!values['dry-run']) {
      await mkdir(dirname(file.path), { recursive: true });
      await writeFile(file.path, file.text, { flag: 'wx' });
    }
    console.log(`${values['dry-run'] ? 'would create' : 'created'} ${relative(root, file.path)}`);
  }
  const index = join(root, 'src/index.ts');
  if (existsSync(index) && !(await readFile(index, 'utf8')).includes(rootExport(tag))) {
    if (!values['dry-run']) await appendFile(index, rootExport(tag));
    console.log(`${values['dry-run'] ? 'would register' : 'registered'} ${className(tag)} in src/index.ts`);
  }
  console.log('\nRemaining steps:');
  remainingSteps(tag).forEach((step, i) => console.log(`  ${i + 1}. ${step}`));
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
