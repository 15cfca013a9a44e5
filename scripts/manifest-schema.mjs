// @ts-check
/**
 * Checks a custom elements manifest against the official schema (the `custom-elements-manifest`
 * package's `schema.json`, JSON Schema draft-07), and that its module paths name the JavaScript the
 * package ships. Used by scripts/check-manifest.mjs (`npm test`) and test/scripts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('custom-elements-manifest/schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

/**
 * What is wrong with `data` as a published manifest: one line per schema error (its JSON pointer and
 * message), then one per module path or reference outside `dist/…js`.
 * @param {unknown} data
 * @returns {string[]}
 */
export function manifestProblems(data) {
  const problems = validate(data)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
  /** @param {unknown} node @param {string} at */
  const visit = (node, at) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${at}/${i}`));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (
          (key === 'path' || key === 'module') &&
          typeof value === 'string' &&
          !/^dist\/.+\.js$/.test(value)
        ) {
          problems.push(`${at}/${key} "${value}" is not a shipped module (dist/….js)`);
        }
        visit(value, `${at}/${key}`);
      }
    }
  };
  visit(data, '');
  return problems;
}
