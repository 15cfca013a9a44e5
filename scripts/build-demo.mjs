// @ts-check
/**
 * Builds the demo app (demo/) into `dist/demo/`: `node scripts/build-demo.mjs`.
 *
 * - `demo/main.ts` is bundled with the kit from `src/` (not from `dist/`, so the demo never lags
 *   behind the sources), minified, with `process.env.NODE_ENV` set to `production` (nanostores and
 *   Lit drop their development checks). Code splitting keeps the WebRTC part (`src/media/peer.ts`
 *   with simple-peer, loaded by `LiveMedia` with a dynamic `import()`) in a lazy chunk of its own.
 * - `demo/demo.css` is minified next to it; `demo/index.html` is copied as it is.
 * - simple-peer's `debug` is replaced by a no-op, as in `scripts/bundle-peer.mjs`.
 *
 * The output is served by the dev server: `node dist/server/cli.js serve --dev --static dist/demo`.
 * Prints what it wrote and the size of each file.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = `${root}dist/demo`;

/** @type {import('esbuild').Plugin} */
const noDebug = {
  name: 'co-guest-demo:no-debug',
  setup(context) {
    context.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'no-debug' }));
    context.onLoad({ filter: /.*/, namespace: 'no-debug' }, () => ({
      contents: 'const off = () => {}; off.enabled = false; export default () => off;',
      loader: 'js',
    }));
  },
};

/**
 * Fails when the browser bundle reaches a Node built-in, or when simple-peer is in what the page
 * loads up front (the entry and the chunks it imports statically): WebRTC code must stay lazy.
 * @param {import('esbuild').Metafile} metafile
 */
function check(metafile) {
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  for (const input of Object.keys(metafile.inputs)) {
    if (builtins.has(input)) throw new Error(`build-demo: the browser bundle reaches Node's "${input}"`);
  }
  const entry = Object.keys(metafile.outputs).find(
    (file) => metafile.outputs[file]?.entryPoint === 'demo/main.ts',
  );
  if (entry === undefined) throw new Error('build-demo: no output for demo/main.ts');
  /** @type {string[]} */
  const upFront = [entry];
  // The array grows while it is walked: the iterator reads its length at each step.
  for (const file of upFront) {
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !upFront.includes(imported.path))
        upFront.push(imported.path);
    }
  }
  for (const file of upFront) {
    const inputs = Object.keys(metafile.outputs[file]?.inputs ?? {});
    if (inputs.some((input) => input.includes('simple-peer'))) {
      throw new Error(
        `build-demo: simple-peer is in ${file}, which the page loads up front; it must stay lazy`,
      );
    }
  }
}

/** Builds the demo; resolves with the files written and their sizes in bytes. */
export async function buildDemo() {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'demo/main.ts', demo: 'demo/demo.css' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    chunkNames: 'chunks/[name]-[hash]',
    define: { 'process.env.NODE_ENV': '"production"' },
    conditions: ['production'],
    tsconfig: 'demo/tsconfig.json',
    plugins: [noDebug],
    metafile: true,
    logLevel: 'warning',
  });
  check(result.metafile);
  await copyFile(`${root}demo/index.html`, `${outdir}/index.html`);
  /** @type {{ file: string; bytes: number }[]} */
  const files = Object.entries(result.metafile.outputs)
    .filter(([file]) => !file.endsWith('.map'))
    .map(([file, output]) => ({ file: relative(outdir, `${root}${file}`), bytes: output.bytes }));
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await buildDemo();
  for (const { file, bytes } of files) {
    console.log(`  dist/demo/${file}  ${(bytes / 1024).toFixed(1)} KiB`);
  }
  console.log('  dist/demo/index.html');
}
