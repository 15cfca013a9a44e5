import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { minifyTemplateSource } from '../../scripts/esbuild-minify-templates.mjs';

const minify = minifyTemplateSource as (source: string) => string;

describe('esbuild-minify-templates', () => {
  const cases: [string, string, string][] = [
    [
      'css: comments, whitespace, punctuation',
      'const s = css`\n  /* note */\n  :host {\n    color: red ;\n  }\n  .a > .b, .c :hover { margin: 0 !important; }\n`;',
      'const s = css` :host{color:red}.a>.b,.c :hover{margin:0!important}`;',
    ],
    [
      'html: line breaks collapse to one, comments go, expressions stay',
      'html`\n  <div>\n    <!-- a note -->\n    <p>${a  +  b}</p>\n  </div>\n`',
      'html`\n<div>\n<p>${a  +  b}</p>\n</div>\n`',
    ],
    [
      'nested templates in expressions are minified too',
      'html`<ul>\n  ${items.map((i) => html`\n    <li>${i}</li>\n  `)}\n</ul>`',
      'html`<ul>\n${items.map((i) => html`\n<li>${i}</li>\n`)}\n</ul>`',
    ],
    [
      'untagged templates, strings, comments and regular expressions are kept',
      "const t = `a\n   b`; const s = 'html`x  \\n`'; // css`a  b`\nconst r = /`[ ]+/g; f(css`a  {  }`);",
      "const t = `a\n   b`; const s = 'html`x  \\n`'; // css`a  b`\nconst r = /`[ ]+/g; f(css`a{}`);",
    ],
    ['a space inside one line of html is kept', 'html`<b>${a} ${b}</b>`', 'html`<b>${a} ${b}</b>`'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      assert.equal(minify(input), expected);
    });
  }
});
