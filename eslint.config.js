// @ts-check
/**
 * ESLint flat config: `npm run lint` runs `eslint . --max-warnings 0` (then `prettier --check .`).
 * Formatting is Prettier's job; this file only holds rules about correctness and safety.
 */
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import lit from 'eslint-plugin-lit';
import litA11y from 'eslint-plugin-lit-a11y';
import wc from 'eslint-plugin-wc';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Ways to turn a string into markup. Elements render through Lit templates only. */
const htmlSinkMessage = 'Builds markup from a string (XSS risk). Render with a Lit `html` template instead.';

/**
 * What each folder of `src/` may import of the others (docs/architecture.md, "Layers"). A folder
 * not listed under another's `may` is above it or beside it, and importing it is an error.
 * `node` marks the layers that run only in Node.
 * @type {Record<string, { may: string[], node?: boolean }>}
 */
export const LAYERS = {
  protocol: { may: [] },
  engine: { may: ['protocol'] },
  hub: { may: ['protocol', 'engine'] },
  server: { may: ['protocol', 'engine', 'hub'], node: true },
  local: { may: ['protocol', 'engine', 'hub'] },
  core: { may: ['protocol'] },
  media: { may: ['protocol', 'core'] },
  styles: { may: [] },
  utils: { may: ['protocol'] },
  controllers: { may: ['protocol', 'core', 'media', 'styles', 'utils'] },
  i18n: { may: ['protocol', 'core', 'controllers'] },
  elements: { may: ['protocol', 'core', 'media', 'local', 'controllers', 'i18n', 'styles', 'utils'] },
};

/** Node's own modules and the server's packages: never in code that runs in browsers. */
const NODE_ONLY = ['node:*', 'ws', 'jose'];

function layerRules() {
  return Object.entries(LAYERS).map(([layer, { may, node }]) => {
    const above = Object.keys(LAYERS).filter((other) => other !== layer && !may.includes(other));
    const patterns = [
      {
        group: above.flatMap((other) => [`../${other}/*`, `../../${other}/*`, `../../../${other}/*`]),
        message: `${layer} is below these layers (docs/architecture.md, "Layers"): move the shared part down, or invert the dependency.`,
      },
    ];
    if (!node) {
      patterns.push({ group: NODE_ONLY, message: `${layer} runs in browsers too: no Node module here.` });
    }
    return { files: [`src/${layer}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns }] } };
  });
}

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'custom-elements.json',
      'storybook-static/',
      // Apps of their own: they resolve co-guest-kit once it is installed into them (test/frameworks).
      'examples/vue/',
      'examples/react/',
      'examples/angular/',
    ],
  },

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  lit.configs['flat/recommended'],
  wc.configs['flat/recommended'],
  litA11y.configs.recommended,

  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: { wc: { elementBaseClasses: ['LitElement'] } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  // Plain JavaScript (this file, tool configs, scripts/) is not part of the TypeScript program:
  // lint it without type information, with Node's globals.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },

  // No markup from strings anywhere in the library.
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: htmlSinkMessage },
        { property: 'outerHTML', message: htmlSinkMessage },
        { property: 'insertAdjacentHTML', message: htmlSinkMessage },
        { property: 'setHTMLUnsafe', message: htmlSinkMessage },
        { property: 'createContextualFragment', message: htmlSinkMessage },
        { object: 'document', property: 'write', message: htmlSinkMessage },
        { object: 'document', property: 'writeln', message: htmlSinkMessage },
        { property: 'srcdoc', message: htmlSinkMessage },
        { property: 'parseHTMLUnsafe', message: htmlSinkMessage },
      ],
      // The same sinks reached without a member expression: `Object.assign(el, { innerHTML })`,
      // `Reflect.set(el, 'innerHTML', …)`, `el.setAttribute('srcdoc' | 'onclick', …)`, a DOMParser.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Property[key.name=/^(innerHTML|outerHTML|srcdoc)$/]',
          message: htmlSinkMessage,
        },
        {
          selector: 'Property[key.value=/^(innerHTML|outerHTML|srcdoc)$/]',
          message: htmlSinkMessage,
        },
        {
          selector:
            "CallExpression[callee.object.name='Reflect'][callee.property.name='set'][arguments.1.value=/^(innerHTML|outerHTML|srcdoc)$/]",
          message: htmlSinkMessage,
        },
        {
          selector:
            'CallExpression[callee.property.name=/^setAttribute(NS)?$/][arguments.0.value=/^(srcdoc$|on)/i]',
          message: htmlSinkMessage,
        },
        { selector: "NewExpression[callee.name='DOMParser']", message: htmlSinkMessage },
        // A decorated class has every #private member lowered to WeakMap helpers by esbuild, about
        // 3 kB gzip in the drop-in bundle (docs/decisions/0028).
        {
          selector: 'ClassDeclaration > Decorator',
          message: 'Register with customElements.define() after the class, not a class decorator (ADR 28).',
        },
      ],
      'no-restricted-imports': [
        'error',
        // lit's unsafeHTML / unsafeSVG / unsafeStatic (and lit-html's copies), with or without `.js`.
        {
          paths: [
            { name: 'lit/static-html.js', importNames: ['unsafeStatic'], message: htmlSinkMessage },
            { name: 'lit-html/static.js', importNames: ['unsafeStatic'], message: htmlSinkMessage },
          ],
          patterns: [
            { group: ['lit/directives/unsafe-*', 'lit-html/directives/unsafe-*'], message: htmlSinkMessage },
          ],
        },
      ],
    },
  },

  // The layers of docs/architecture.md ("Layers"): a folder imports only the layers below it, and
  // code that runs in browsers imports nothing of Node. `test/scripts/layers.test.ts` proves that a
  // deliberate upward import fails.
  ...layerRules(),

  // Tests: the only relaxation is `no-floating-promises` for calls known to be safe un-awaited:
  // - node:test's `describe`/`it`/`test` return promises that the runner itself awaits;
  // - @open-wc/semantic-dom-diff retypes chai's `equal` family as returning a Promise (for its async
  //   `.dom.equal`), so every plain `expect(a).to.equal(b)` would be reported. The type is matched
  //   by name (`Equal`), so an un-awaited `.dom.equal` slips through too; `to.be.accessible()` and
  //   every other promise must still be awaited.
  {
    files: ['test/**/*.ts', 'stories/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
            { from: 'package', package: 'chai', name: 'Equal' },
          ],
        },
      ],
    },
  },

  // Browser tests run in the page (mocha globals from @web/test-runner).
  {
    files: ['test/browser/**/*.ts', 'stories/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.mocha } },
  },
);
