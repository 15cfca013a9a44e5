// @ts-check
/**
 * simple-peer (`@thaunknown/simple-peer`) for browsers, bundled: the package and its dependencies
 * (streamx, the `events` package, err-code, uint8-util, webrtc-polyfill's browser entry) are
 * CommonJS or Node-minded. The kit never asks a consumer's bundler to cope with them: the build
 * bundles them into `dist/media/peer.js` (the one module that imports simple-peer, loaded lazily),
 * so the published package has no runtime dependency on simple-peer, no Node polyfill to configure
 * and no native install script (webrtc-polyfill pulls node-datachannel in Node only).
 *
 * - `node scripts/bundle-peer.mjs` (run by `npm run build`, after tsc): replaces
 *   `dist/media/peer.js` with `src/media/peer.ts` bundled with simple-peer. It fails when the
 *   bundle pulls in any other module of the kit (peer.ts must stay a leaf) or a Node built-in.
 * - `simplePeerPlugin()`: a web-test-runner / web-dev-server plugin that serves the same bundle
 *   of simple-peer for the bare import `@thaunknown/simple-peer`, since the test page resolves
 *   node_modules unbundled and cannot load CommonJS.
 *
 * `debug` is replaced by a no-op (simple-peer logs through it; the kit does not ship it), and
 * simple-peer's default public STUN servers are never used: peer.ts always passes `iceServers`.
 */
import { mkdir } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The URL the test page gets for `@thaunknown/simple-peer`. */
export const SIMPLE_PEER_URL = '/__co-guest-kit/simple-peer.js';

/** @type {import('esbuild').Plugin} */
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

/** @type {import('esbuild').BuildOptions} */
const shared = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  legalComments: 'inline',
  logLevel: 'silent',
  plugins: [noDebug],
  // Node's built-ins must never be reached in the browser graph (`events` resolves to the package).
  external: [],
};

/**
 * simple-peer as one ES module (its default export is the `Peer` class).
 * @returns {Promise<string>}
 */
export async function bundleSimplePeer() {
  const result = await build({
    ...shared,
    stdin: {
      contents: "export { default } from '@thaunknown/simple-peer';",
      resolveDir: root,
      sourcefile: 'simple-peer-entry.js',
      loader: 'js',
    },
    write: false,
    metafile: true,
  });
  checkInputs(result.metafile, null);
  const [output] = result.outputFiles ?? [];
  if (output === undefined) throw new Error('bundle-peer: esbuild wrote nothing');
  return output.text;
}

/**
 * Fails on inputs the browser bundle must not have: another module of the kit (besides `entry`),
 * or a Node built-in.
 * @param {import('esbuild').Metafile} metafile
 * @param {string | null} entry
 */
function checkInputs(metafile, entry) {
  const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
  for (const input of Object.keys(metafile.inputs)) {
    if (input.startsWith('src/') && input !== entry) {
      throw new Error(
        `bundle-peer: ${entry ?? 'simple-peer'} must not import ${input} (keep peer.ts a leaf)`,
      );
    }
    if (builtins.has(input)) throw new Error(`bundle-peer: the browser bundle reaches Node's "${input}"`);
  }
}

/** Replaces the tsc output `dist/media/peer.js` with peer.ts bundled with simple-peer. */
export async function bundlePeerModule() {
  await mkdir(`${root}dist/media`, { recursive: true });
  const entry = 'src/media/peer.ts';
  const result = await build({
    ...shared,
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: 'dist/media/peer.js',
    sourcemap: true,
    metafile: true,
    tsconfig: 'tsconfig.build.json',
  });
  checkInputs(result.metafile, entry);
}

/**
 * Serves the simple-peer bundle to the test page (web-test-runner `plugins`).
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function simplePeerPlugin() {
  /** @type {Promise<string> | null} */
  let bundle = null;
  return {
    name: 'co-guest-kit-simple-peer',
    resolveImport({ source }) {
      return source === '@thaunknown/simple-peer' ? SIMPLE_PEER_URL : undefined;
    },
    async serve(context) {
      if (context.path !== SIMPLE_PEER_URL) return undefined;
      bundle ??= bundleSimplePeer();
      return { body: await bundle, type: 'js' };
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundlePeerModule();
}
