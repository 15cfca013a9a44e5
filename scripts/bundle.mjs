// @ts-check
/**
 * The drop-in browser bundles (`npm run build`, after tsc): files a page loads with one
 * `<script type="module" src=".../co-guest-kit.js">` and no build step of its own.
 *
 * - `dist/browser/co-guest-kit.js`: `src/index.ts` with every dependency inlined (lit, @lit/context,
 *   nanostores), every element self-registering and the same exports, minified, with a sourcemap.
 *   Parts loaded on demand are files of their own in `dist/browser/chunks/`: the WebRTC part
 *   (simple-peer and `src/media/peer.ts`) is `peer-[hash].js`, the capture code of `DeviceStore` is
 *   `device-store-runtime-[hash].js`, a live's media is `live-media-runtime-[hash].js`
 *   (docs/decisions/0024, 0030), the in-page hub of local mode is `local-[hash].js`, the shipped
 *   locales other than English are `ko-[hash].js` and `zh-CN-[hash].js`; code they share with the
 *   main file lands in `chunk-[hash].js`. The chunks are found relative to the main file, so the
 *   folder can be served from anywhere as it is.
 * - lit's `html` / `css` template literals are minified first (`esbuild-minify-templates.mjs`);
 *   terser then compresses each output once more, source maps chained (docs/decisions/0029);
 *   bundled license texts go to a linked `*.LEGAL.txt` next to each file.
 * - `dist/browser/co-guest-kit-core.js`: the headless core (`src/core/index.ts`) alone, minified.
 *
 * `process.env.NODE_ENV` is `"production"` (lit's production build, no dev-mode warnings). The
 * script fails when a bundle reaches a Node built-in, when simple-peer lands outside the peer
 * chunk, or when the core bundle pulls in lit. It prints each file with its gzip size.
 *
 * Usage: `node scripts/bundle.mjs [--out dir]` (default `dist/browser`).
 */
import { mkdir, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { build } from 'esbuild';
import { minify } from 'terser';
import { minifyTemplates } from './esbuild-minify-templates.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The file names other tools point at (size budgets, examples, docs). */
export const MAIN_FILE = 'co-guest-kit.js';
export const CORE_FILE = 'co-guest-kit-core.js';
export const CHUNKS_DIR = 'chunks';

/**
 * simple-peer logs through `debug`, which the kit does not ship: a no-op instead (as in
 * scripts/bundle-peer.mjs).
 * @type {import('esbuild').Plugin}
 */
const noDebug = {
  name: 'co-guest-kit:no-debug',
  setup(context) {
    context.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'no-debug' }));
    context.onLoad({ filter: /.*/, namespace: 'no-debug' }, () => ({
      contents: 'const off = () => {}; off.enabled = false; export default () => off;',
      loader: 'js',
    }));
  },
};

// ── extra esbuild plugins ──────────────────────────────────────────────────────────────────────
// Plugins listed here run in both bundles, after the kit's own (e.g. a minifier of lit `html` and
// `css` template literals). Add them to this array; nothing else needs to change.
/** @type {import('esbuild').Plugin[]} */
export const extraPlugins = [minifyTemplates()];
// ───────────────────────────────────────────────────────────────────────────────────────────────

/** @type {import('esbuild').BuildOptions} */
const shared = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  tsconfig: 'tsconfig.build.json',
  define: { 'process.env.NODE_ENV': '"production"' },
};

/**
 * Builds both bundles into `outDir` (emptied first).
 * @param {{ outDir?: string }} [options]
 * @returns {Promise<{ outDir: string, files: { file: string, bytes: number, gzip: number, eager: boolean }[] }>}
 */
export async function bundle(options = {}) {
  const outDir = resolve(root, options.outDir ?? 'dist/browser');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const plugins = [noDebug, ...extraPlugins];

  const main = await build({
    ...shared,
    plugins,
    entryPoints: { [MAIN_FILE.replace(/\.js$/, '')]: 'src/index.ts' },
    outdir: outDir,
    splitting: true,
    chunkNames: `${CHUNKS_DIR}/[name]-[hash]`,
    entryNames: '[name]',
  });
  const core = await build({
    ...shared,
    plugins,
    entryPoints: ['src/core/index.ts'],
    outfile: resolve(outDir, CORE_FILE),
  });

  /** @type {import('esbuild').Metafile} */
  const metafile = {
    inputs: { ...main.metafile.inputs, ...core.metafile.inputs },
    outputs: { ...main.metafile.outputs, ...core.metafile.outputs },
  };
  check(metafile);
  await Promise.all(
    Object.keys(metafile.outputs)
      .filter((file) => file.endsWith('.js'))
      .map((file) => compress(resolve(root, file))),
  );
  const eager = eagerOutputs(main.metafile, MAIN_FILE);
  const files = Object.keys(metafile.outputs)
    .filter((file) => file.endsWith('.js'))
    .map((file) => {
      const absolute = resolve(root, file);
      const text = readFileSync(absolute);
      return {
        file: relative(outDir, absolute),
        bytes: text.length,
        gzip: gzipSync(text, { level: 9 }).length,
        eager: eager.has(file) || file.endsWith(CORE_FILE),
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
  return { outDir, files };
}

/**
 * A second pass over one of esbuild's minified files: terser's compressor and mangler find what a
 * single-pass minifier leaves (about 1 kB gzip on the eager files, ADR 29), keeping the linked license
 * comment and chaining the source map back to the sources.
 * @param {string} file
 */
async function compress(file) {
  const [code, map] = await Promise.all([readFile(file, 'utf8'), readFile(`${file}.map`, 'utf8')]);
  const result = await minify(code, {
    module: true,
    ecma: 2020,
    compress: { passes: 2 },
    format: { comments: /^!/ },
    sourceMap: { content: map, url: `${basename(file)}.map` },
  });
  if (result.code === undefined || typeof result.map !== 'string') {
    throw new Error(`bundle: terser gave nothing for ${file}`);
  }
  await Promise.all([writeFile(file, result.code), writeFile(`${file}.map`, result.map)]);
}

/**
 * Fails on what a browser bundle must not hold.
 * @param {import('esbuild').Metafile} metafile
 */
function check(metafile) {
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  for (const input of Object.keys(metafile.inputs)) {
    if (builtins.has(input)) throw new Error(`bundle: a browser bundle reaches Node's "${input}"`);
  }
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const inputs = Object.keys(output.inputs);
    const isPeer = /\/peer-[^/]+\.js$/.test(file);
    if (!isPeer && inputs.some((input) => input.includes('simple-peer') || input === 'src/media/peer.ts')) {
      throw new Error(`bundle: simple-peer must stay in the lazy peer chunk, but ${file} holds it`);
    }
    if (
      file.endsWith(CORE_FILE) &&
      inputs.some((input) => /node_modules\/(lit|lit-html|@lit)\//.test(input))
    ) {
      throw new Error(`bundle: the core bundle must not hold lit (${file})`);
    }
  }
}

/**
 * The outputs a page loads as soon as it imports `entry` (its static imports, transitively).
 * @param {import('esbuild').Metafile} metafile
 * @param {string} entry
 * @returns {Set<string>}
 */
function eagerOutputs(metafile, entry) {
  const start = Object.keys(metafile.outputs).find((file) => file.endsWith(`/${entry}`));
  /** @type {Set<string>} */
  const seen = new Set();
  const queue = start === undefined ? [] : [start];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement') queue.push(imported.path);
    }
  }
  return seen;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const { outDir, files } = await bundle(values.out === undefined ? {} : { outDir: values.out });
  const kb = (/** @type {number} */ bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  process.stdout.write(`${relative(root, outDir) || outDir}/\n`);
  for (const { file, bytes, gzip, eager } of files) {
    process.stdout.write(
      `  ${file.padEnd(40)} ${kb(bytes).padStart(9)}  ${kb(gzip).padStart(8)} gzip  ${eager ? 'loaded at once' : 'lazy'}\n`,
    );
  }
}
