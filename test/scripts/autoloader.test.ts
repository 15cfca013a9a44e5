/**
 * The autoloader knows every tag of the kit: each `customElements.define('<tag>', …)` in
 * src/elements has its entry in `ELEMENTS` of src/autoloader.ts, importing that element's module,
 * and the pages of the size budgets (scripts/size-checks.mjs) name only such tags.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- a plain .mjs module without type declarations
import { PAGES } from '../../scripts/size-checks.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The tags src/elements defines. */
async function definedTags(): Promise<string[]> {
  const tags: string[] = [];
  const dir = join(root, 'src/elements');
  for (const folder of await readdir(dir)) {
    const files = await readdir(join(dir, folder)).catch(() => [] as string[]);
    for (const file of files.filter((name) => name.endsWith('.ts'))) {
      const text = await readFile(join(dir, folder, file), 'utf8');
      for (const match of text.matchAll(/customElements\.define\(\s*'([a-z][a-z0-9-]*)'/g)) {
        if (match[1] !== undefined) tags.push(match[1]);
      }
    }
  }
  return tags.sort();
}

describe('src/autoloader.ts', () => {
  it('has every tag of the kit, each with its own module', async () => {
    const text = await readFile(join(root, 'src/autoloader.ts'), 'utf8');
    const entries = [
      ...text.matchAll(/'([a-z-]+)': \(\) => import\('\.\/elements\/([a-z-]+)\/([a-z-]+)\.js'\)/g),
    ];
    for (const [entry, tag, folder, file] of entries) {
      assert.ok(tag === folder && tag === file, `${entry} imports the module of its own tag`);
    }
    assert.deepEqual(entries.map((entry) => entry[1]).sort(), await definedTags());
  });

  it('the size budgets’ pages hold only tags of the kit', async () => {
    const tags = new Set(await definedTags());
    const pages = PAGES as Record<string, readonly string[]>;
    for (const [page, list] of Object.entries(pages)) {
      for (const tag of list) assert.ok(tags.has(tag), `${page}: <${tag}>`);
    }
  });
});
