/**
 * How scripts/bundle.mjs cuts the browser files (ADR 0037):
 * - the English catalog, cut by tag in the autoloader's files: each tag's files
 *   (`elements/manifest.json`), with the parts its element loads on first use, carry every text its
 *   element's own sources name, an audience page carries no text that only a host's tags show nor
 *   the invitation card's (loaded with the first invitation), and the drop-in file keeps the whole
 *   catalog;
 * - the stage's code for a page's own layers (builder calls, template stamps) is a lazy part;
 * - the headless core's file loads the checks of what a server sends from a chunk of its own, and
 *   works in Node as it is.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { en } from '../../src/i18n/messages.js';
// @ts-expect-error -- a plain .mjs module without type declarations
import { PAGES as pages } from '../../scripts/size-checks.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = pages as { readonly audience: readonly string[]; readonly host: readonly string[] };

interface Manifest {
  readonly autoloader: string;
  readonly tags: Readonly<Record<string, readonly string[]>>;
}

/** Whether `code` names `key` as a whole string. */
function names(code: string, key: string): boolean {
  return code.includes(`"${key}"`) || code.includes(`'${key}'`) || code.includes(`\`${key}\``);
}

/** Whether minified `code` holds the text of `key` (an entry `"key":"…"` of a catalog object). */
function defines(code: string, key: string): boolean {
  return code.includes(`"${key}":`) || code.includes(`'${key}':`);
}

/** The keys of the catalog that the sources of `folder` (under src/elements) name. */
async function keysOf(folder: string): Promise<string[]> {
  const dir = join(root, 'src/elements', folder);
  let text = '';
  for (const file of await readdir(dir)) {
    if (file.endsWith('.ts')) text += await readFile(join(dir, file), 'utf8');
  }
  return Object.keys(en).filter((key) => names(text, key));
}

describe('scripts/bundle.mjs', { timeout: 120_000 }, () => {
  let out: string;
  let manifest: Manifest;
  /** The text of `files` (paths from the output folder), joined. */
  const read = async (files: readonly string[]): Promise<string> =>
    (await Promise.all(files.map((file) => readFile(join(out, file), 'utf8')))).join('\n');
  const page = (tags: readonly string[]): string[] => [
    ...new Set([manifest.autoloader, ...tags.flatMap((tag) => manifest.tags[tag] ?? [])]),
  ];

  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'co-guest-kit-texts-'));
    // @ts-expect-error -- a plain .mjs build script without type declarations
    const { bundle } = (await import('../../scripts/bundle.mjs')) as {
      bundle: (options: { outDir: string }) => Promise<unknown>;
    };
    await bundle({ outDir: out });
    manifest = JSON.parse(await readFile(join(out, 'elements/manifest.json'), 'utf8')) as Manifest;
  });

  after(async () => {
    await rm(out, { recursive: true, force: true });
  });

  /** The files of `elements/` that a tag's own modules load on first use (its lazy parts). */
  const lazyParts = async (tag: string): Promise<string[]> => {
    const found: string[] = [];
    for (const file of await readdir(join(out, 'elements'))) {
      if (!file.endsWith('.js') || manifest.tags[tag]?.includes(`elements/${file}`)) continue;
      const map = JSON.parse(await readFile(join(out, 'elements', `${file}.map`), 'utf8')) as {
        sources: string[];
      };
      if (map.sources.some((source) => source.endsWith(`src/elements/${tag}/${tag}.ts`))) continue;
      if (map.sources.some((source) => source.includes(`src/elements/${tag}/`)))
        found.push(`elements/${file}`);
    }
    return found;
  };

  it('each tag’s files, with its lazy parts, carry every text its own sources name', async () => {
    for (const [tag, files] of Object.entries(manifest.tags)) {
      const code = await read([...files, ...(await lazyParts(tag))]);
      const keys = await keysOf(tag);
      for (const key of keys) assert.ok(defines(code, key), `<${tag}>'s files hold the text of "${key}"`);
    }
  });

  it('an audience page carries no text that only the host’s lists and menus show', async () => {
    const code = await read(page(PAGES.audience));
    const hostOnly = ['applicant-list', 'audience-list', 'seat-menu', 'live-notifications'];
    const shown = new Set((await Promise.all(PAGES.audience.map((tag) => keysOf(tag)))).flat());
    const moved = (await Promise.all(hostOnly.map((tag) => keysOf(tag))))
      .flat()
      .filter((key) => !shown.has(key));
    assert.ok(moved.length > 30, `the host's own texts (${moved.length})`);
    for (const key of moved) assert.ok(!defines(code, key), `"${key}" is not in an audience page`);
  });

  it('a stage without layers of its own loads no builder or stamping code', async () => {
    /** The source modules of `files`, from their maps. */
    const sources = async (files: readonly string[]): Promise<string[]> =>
      (
        await Promise.all(
          files.map(
            async (file) =>
              (JSON.parse(await readFile(join(out, `${file}.map`), 'utf8')) as { sources: string[] }).sources,
          ),
        )
      ).flat();
    const layers = ['src/elements/live-core-view/seat-views.ts', 'src/elements/live-core-view/stamp.ts'];
    const onPage = await sources(page(PAGES.audience));
    for (const module of layers) {
      assert.ok(!onPage.some((source) => source.endsWith(module)), `${module} is not on an audience page`);
    }
    const lazy = await sources(await lazyParts('live-core-view'));
    for (const module of layers) {
      assert.ok(
        lazy.some((source) => source.endsWith(module)),
        `${module} is a lazy part of the view`,
      );
    }
  });

  it('an audience page loads the invitation card, its styles and its texts with the first invitation', async () => {
    const code = await read(page(PAGES.audience));
    const [card, ...more] = await lazyParts('invitation-prompt');
    assert.ok(card !== undefined && more.length === 0, `one lazy part of <invitation-prompt>: ${card}`);
    assert.ok(!page(PAGES.audience).includes(card), 'the card is no file the page fetches at once');
    const lazy = await read([card]);
    for (const key of ['invitation.accept', 'invitation.message', 'invitation.expires']) {
      assert.ok(!defines(code, key), `"${key}" is not in an audience page`);
      assert.ok(defines(lazy, key), `"${key}" comes with the card`);
    }
    assert.ok(!code.includes('.card:popover-open'), 'the card’s styles come with it');
    assert.ok(lazy.includes('.card:popover-open'));
    assert.doesNotMatch(lazy, /lit-html|_\$litType\$/, 'the card takes lit from the base');
  });

  it('the core file loads its lazy part from its own chunks, and runs', async () => {
    const code = await readFile(join(out, 'co-guest-kit-core.js'), 'utf8');
    const lazy = [...code.matchAll(/import\("\.\/(chunks\/[^"]+)"\)/g)].map((match) => match[1]);
    assert.ok(lazy.length > 0, 'the core file imports a part on demand');
    for (const file of lazy) {
      assert.match(file ?? '', /^chunks\/core-/, `${file} is a chunk of the core's own`);
      const part = await readFile(join(out, file ?? ''), 'utf8');
      for (const [, imported] of part.matchAll(/from"\.\/([^"]+)"/g)) {
        assert.match(imported ?? '', /^core-/, `${file} imports only the core's chunks`);
      }
    }
    const core = (await import(pathToFileURL(join(out, 'co-guest-kit-core.js')).href)) as {
      createSession?: unknown;
    };
    assert.equal(typeof core.createSession, 'function');
    for (const file of lazy) await import(pathToFileURL(join(out, file ?? '')).href);
  });

  it('the drop-in file keeps the whole catalog', async () => {
    const files = [
      'co-guest-kit.js',
      ...(await readdir(join(out, 'chunks')))
        .filter((file) => /^chunk-.*\.js$/.test(file))
        .map((file) => `chunks/${file}`),
    ];
    const code = await read(files);
    for (const key of Object.keys(en)) assert.ok(defines(code, key), `the drop-in file holds "${key}"`);
  });
});
