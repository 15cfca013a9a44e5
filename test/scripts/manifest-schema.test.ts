import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
// @ts-expect-error -- a plain .mjs script without type declarations
import { manifestProblems } from '../../scripts/manifest-schema.mjs';

const problems = manifestProblems as (data: unknown) => string[];
const committed = JSON.parse(
  await readFile(new URL('../../custom-elements.json', import.meta.url), 'utf8'),
) as {
  modules: { path: string }[];
};

describe('custom-elements.json against the official schema', () => {
  it('passes, and names only modules the package ships', () => {
    assert.deepEqual(problems(committed), []);
    assert.ok(committed.modules.every((module) => /^dist\/.+\.js$/.test(module.path)));
  });

  it('reports a reference without a name, and a path into the sources', () => {
    const broken = {
      schemaVersion: '2.1.0',
      modules: [
        {
          kind: 'javascript-module',
          path: 'src/elements/x/x.styles.ts',
          declarations: [],
          exports: [{ kind: 'js', name: 'default', declaration: { module: 'src/elements/x/x.styles.ts' } }],
        },
      ],
    };
    const found = problems(broken);
    assert.ok(
      found.some((line) => line.includes("must have required property 'name'")),
      found.join('\n'),
    );
    assert.ok(found.some((line) => line.includes('"src/elements/x/x.styles.ts" is not a shipped module')));
  });
});
