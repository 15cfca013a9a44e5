import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every Markdown file of the docs: the README, docs/ and the examples' READMEs. */
async function markdownFiles(): Promise<string[]> {
  const found = [join(root, 'README.md'), join(root, 'BENCHMARKS.md')];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.md')) found.push(path);
    }
  };
  await walk(join(root, 'docs'));
  for (const example of await readdir(join(root, 'examples'))) {
    const readme = join(root, 'examples', example, 'README.md');
    if (existsSync(readme)) found.push(readme);
  }
  return found;
}

/** The relative targets of a Markdown file's links and link definitions (no URLs, no anchors). */
function relativeTargets(markdown: string): string[] {
  const text = markdown.replace(/```[\s\S]*?```/g, '');
  const targets = [
    ...[...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1] ?? ''),
    ...[...text.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map((match) => match[1] ?? ''),
  ];
  return targets
    .map((target) => target.split('#')[0] ?? '')
    .filter((target) => target !== '' && !/^[a-z][a-z+.-]*:/i.test(target));
}

describe('the docs', () => {
  it('link only to files that are in the repository', async () => {
    const missing: string[] = [];
    for (const file of await markdownFiles()) {
      for (const target of relativeTargets(await readFile(file, 'utf8'))) {
        if (!existsSync(join(dirname(file), decodeURIComponent(target)))) {
          missing.push(`${relative(root, file)} → ${target}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('name only files that are in the repository', async () => {
    const missing: string[] = [];
    const path = /`((?:src|test|scripts|docs|examples|demo|bench|stories)\/[\w./@-]+\.[a-z]+)`/g;
    for (const file of await markdownFiles()) {
      for (const [, named = ''] of (await readFile(file, 'utf8')).matchAll(path)) {
        if (!existsSync(join(root, named))) missing.push(`${relative(root, file)} → ${named}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('index every decision record, with a status line under one heading format', async () => {
    const dir = join(root, 'docs', 'decisions');
    const index = await readFile(join(dir, 'README.md'), 'utf8');
    for (const name of (await readdir(dir)).filter((file) => /^\d{4}-.*\.md$/.test(file))) {
      const [heading, , status] = (await readFile(join(dir, name), 'utf8')).split('\n');
      assert.match(heading ?? '', new RegExp(`^# ${name.slice(0, 4)}: \\S`), name);
      assert.match(status ?? '', /^Status: (Accepted|Proposed|Superseded by \d{4})\b/, name);
      assert.ok(index.includes(`](${name})`), `${name} is in docs/decisions/README.md`);
    }
  });
});
