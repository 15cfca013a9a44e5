// @ts-check
/**
 * The drop-in browser bundles (`npm run build`, after tsc): files a page loads with one
 * `<script type="module" src=".../co-guest-kit.js">` and no build step of its own.
 *
 * - `dist/browser/co-guest-kit.js`: `src/index.ts` with every dependency inlined (lit, @lit/context,
 *   nanostores), every element self-registering and the same exports, minified, with a sourcemap.
 *   Parts loaded on demand are files of their own in `dist/browser/chunks/`: the WebRTC part
 *   (simple-peer and `src/media/peer.ts`) is `peer-[hash].js`, built on its own (`buildPeer`), the capture code of `DeviceStore` is
 *   `device-store-runtime-[hash].js`, a live's media is `live-media-runtime-[hash].js`
 *   (docs/decisions/0024, 0030), the in-page hub of local mode is `local-[hash].js`, the shipped
 *   locales other than English are `ko-[hash].js` and `zh-CN-[hash].js`; code they share with the
 *   main file lands in `chunk-[hash].js`. The chunks are found relative to the main file, so the
 *   folder can be served from anywhere as it is.
 * - lit's `html` / `css` template literals are minified first (`esbuild-minify-templates.mjs`);
 *   terser then compresses each output once more, source maps chained (docs/decisions/0029);
 *   bundled license texts go to a linked `*.LEGAL.txt` next to each file.
 * - `dist/browser/co-guest-kit-core.js`: the headless core (`src/core/index.ts`) alone, minified;
 *   what it loads on demand (the checks of what a server sends, on the first login) is a chunk of
 *   its own, `chunks/core-[name]-[hash].js`, and so is what that part shares with the core file
 *   (docs/decisions/0037).
 * - `dist/browser/autoloader.js` (`src/autoloader.ts`): registers each tag the first time it appears,
 *   by importing that element's module from `dist/browser/elements/` (docs/decisions/0032). That
 *   folder is a build of its own, in two layers: `base-[hash].js`, what the elements use from outside
 *   their own folders (lit, @lit/context, nanostores, and the kit's modules that `BASE_MIN_ELEMENTS`
 *   or more elements use), exporting only what they import; and one `<tag>-[hash].js` per element
 *   with its own code, importing the base (code fewer elements share is a `chunk-[hash].js`). Its
 *   lazy parts (media, WebRTC, local mode, locales) are chunks of the same folder.
 *   The English catalog is cut the same way: a text only some tags show comes in those tags' own
 *   modules, which add it to the catalog before their element is defined (`englishByTags`,
 *   docs/decisions/0037); the base keeps the rest. A module of an element's folder that the
 *   element imports on first use (the invitation's card) is a lazy chunk there, with the texts only
 *   it names; the drop-in file, which registers every tag at once, takes it at once (`eagerOwnParts`).
 *   `elements/manifest.json` lists, for each tag, every file a page fetches when the tag appears (the
 *   size budgets and the tests read it). `<seat-menu>` is left to the autoloader there: `<live-core-view>`
 *   renders it for hosts only, and the autoloader registers it when it appears in the view.
 *
 * `process.env.NODE_ENV` is `"production"` (lit's production build, no dev-mode warnings). The
 * script fails when a bundle reaches a Node built-in, when simple-peer lands outside the peer
 * chunk, when the core bundle pulls in lit, when the autoloader imports anything at once, or when a
 * module of the base is bundled again into a file an element loads. It prints each file with its
 * gzip size and when a page loads it.
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
import { basename, dirname } from 'node:path';
import { build } from 'esbuild';
import { minify } from 'terser';
import ts from 'typescript';
import { minifyTemplateSource, minifyTemplates } from './esbuild-minify-templates.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The file names other tools point at (size budgets, examples, docs). */
export const MAIN_FILE = 'co-guest-kit.js';
export const CORE_FILE = 'co-guest-kit-core.js';
/** The core bundle's chunks (`chunks/core-…`): what it shares with its lazy parts, and those parts. */
export const CORE_CHUNK_PREFIX = 'core-';
export const CHUNKS_DIR = 'chunks';
export const AUTOLOADER_FILE = 'autoloader.js';
export const ELEMENTS_DIR = 'elements';
/** For each tag, the files a page fetches when the tag first appears (paths from `dist/browser/`). */
export const ELEMENTS_MANIFEST = `${ELEMENTS_DIR}/manifest.json`;

/**
 * A module of the kit outside the elements' own folders goes in the autoloader's base layer when at
 * least this many elements use it (every element uses lit, the core, the i18n layer and the
 * tokens); what fewer elements share stays out of the base, so a page without them never loads it
 * (the virtual list of the two host lists, say). Measured in docs/decisions/0032.
 */
const BASE_MIN_ELEMENTS = 3;

/**
 * Element modules that another element imports but renders only for some viewers: in the
 * autoloader build that import is dropped, and the autoloader registers the tag when it appears.
 * `<live-core-view>` renders `<seat-menu>` for the owner and administrators only.
 */
const LEFT_TO_AUTOLOADER = new Map([
  ['src/elements/live-core-view/live-core-view.ts', ['src/elements/seat-menu/seat-menu.ts']],
]);

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
 * @typedef {object} BundledFile
 * @property {string} file The path from `outDir`.
 * @property {number} bytes
 * @property {number} gzip
 * @property {boolean} eager Loaded as soon as a page imports `co-guest-kit.js` (or the core bundle).
 * @property {'at once' | 'lazy' | 'autoloader' | 'with its tag'} load When a page fetches it: at once
 *   (the drop-in file and the chunks it imports, the core bundle), the autoloader itself, with the
 *   tag that needs it (a file of some tag's list in the manifest), or lazily (first use).
 */

/**
 * Builds the bundles into `outDir` (emptied first): the drop-in file, the core bundle, and the
 * autoloader with its element modules.
 * @param {{ outDir?: string }} [options]
 * @returns {Promise<{ outDir: string, files: BundledFile[], manifest: ElementsManifest }>}
 */
export async function bundle(options = {}) {
  const outDir = resolve(root, options.outDir ?? 'dist/browser');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const plugins = [noDebug, ...extraPlugins];

  const mainPeer = await buildPeer(outDir, CHUNKS_DIR);
  const main = await build({
    ...shared,
    plugins: [mainPeer.plugin, eagerOwnParts, ...plugins],
    entryPoints: { [MAIN_FILE.replace(/\.js$/, '')]: 'src/index.ts' },
    outdir: outDir,
    splitting: true,
    chunkNames: `${CHUNKS_DIR}/[name]-[hash]`,
    entryNames: '[name]',
  });
  const core = await build({
    ...shared,
    plugins,
    entryPoints: { [CORE_FILE.replace(/\.js$/, '')]: 'src/core/index.ts' },
    outdir: outDir,
    splitting: true,
    chunkNames: `${CHUNKS_DIR}/${CORE_CHUNK_PREFIX}[name]-[hash]`,
    entryNames: '[name]',
  });
  const autoload = await buildAutoloader(outDir);

  /** @type {import('esbuild').Metafile} */
  const metafile = {
    inputs: {
      ...mainPeer.metafile.inputs,
      ...main.metafile.inputs,
      ...core.metafile.inputs,
      ...autoload.metafile.inputs,
    },
    outputs: {
      ...mainPeer.metafile.outputs,
      ...main.metafile.outputs,
      ...core.metafile.outputs,
      ...autoload.metafile.outputs,
    },
  };
  mainPeer.check(main.metafile);
  check(metafile);
  await Promise.all(
    Object.keys(metafile.outputs)
      .filter((file) => file.endsWith('.js'))
      .map((file) => compress(resolve(root, file))),
  );
  await writeFile(resolve(outDir, ELEMENTS_MANIFEST), `${JSON.stringify(autoload.manifest, null, 2)}\n`);
  const eager = eagerOutputs(main.metafile, MAIN_FILE);
  const coreEager = eagerOutputs(core.metafile, CORE_FILE);
  const withTag = new Set(Object.values(autoload.manifest.tags).flat());
  const files = Object.keys(metafile.outputs)
    .filter((file) => file.endsWith('.js'))
    .map((file) => {
      const absolute = resolve(root, file);
      const text = readFileSync(absolute);
      const name = relative(outDir, absolute);
      const isEager = eager.has(file) || coreEager.has(file);
      return {
        file: name,
        bytes: text.length,
        gzip: gzipSync(text, { level: 9 }).length,
        eager: isEager,
        /** @type {BundledFile['load']} */
        load: isEager
          ? 'at once'
          : name === AUTOLOADER_FILE
            ? 'autoloader'
            : withTag.has(name)
              ? 'with its tag'
              : 'lazy',
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
  return { outDir, files, manifest: autoload.manifest };
}

/**
 * @typedef {object} ElementsManifest
 * @property {string} autoloader The autoloader's file.
 * @property {Record<string, string[]>} tags For each tag, the files a page fetches when the tag
 *   first appears (its module, the base and the chunks they import at once), paths from `dist/browser/`.
 */

/** The kit's own folder of an element (`src/elements/<tag>/`), not `src/elements/shared/`. */
const ELEMENT_OWN = /^src\/elements\/(?!shared\/)[^/]+\//;

/**
 * The autoloader and the element modules it imports (`elements/`), in three esbuild runs:
 *
 * 1. The autoloader's graph as esbuild splits it, to learn which modules each element reaches at
 *    once. The base is every package module they reach and every module of the kit outside the
 *    elements' own folders that `BASE_MIN_ELEMENTS` or more elements reach (a module's imports are
 *    reached by whoever reaches it, so the base needs nothing from outside itself).
 * 2. The base: one module exporting, under short names, what the other modules import from it
 *    (their import declarations, read with TypeScript's parser), so esbuild keeps only that.
 * 3. The autoloader again, with every import of a base module from the element side replaced by an
 *    import of the same names from the base file.
 *
 * @param {string} outDir
 */
async function buildAutoloader(outDir) {
  const entry = { [AUTOLOADER_FILE.replace(/\.js$/, '')]: 'src/autoloader.ts' };
  const common = {
    ...shared,
    entryPoints: entry,
    outdir: outDir,
    splitting: true,
    entryNames: '[name]',
    chunkNames: `${ELEMENTS_DIR}/[name]-[hash]`,
  };

  // 1. What each element reaches at once.
  const graph = await build({ ...common, write: false, plugins: [leftToAutoloader, noDebug] });
  const elements = elementOutputs(graph.metafile);
  /** @type {Map<string, number>} */
  const reach = new Map();
  /** @type {Map<string, Set<string>>} each module's tags: the elements that reach it at once */
  const tagsOf = new Map();
  /** @type {Set<string>} */
  const elementSide = new Set();
  for (const [tag, output] of elements) {
    for (const input of inputsOf(graph.metafile, staticClosure(graph.metafile, [output]))) {
      reach.set(input, (reach.get(input) ?? 0) + 1);
      tagsOf.set(input, (tagsOf.get(input) ?? new Set()).add(tag));
    }
  }
  // An element's own part that it loads on first use (the invitation's card) is element side, so
  // that it takes lit and the rest from the base; what it reaches counts for its element's tag (the
  // base serves it as it serves the element), and its texts come with it (`englishByTags`).
  /** @type {Set<string>} */
  const lazyOwn = new Set(
    Object.keys(graph.metafile.inputs).filter((input) => ELEMENT_OWN.test(input) && !reach.has(input)),
  );
  for (const [file, output] of Object.entries(graph.metafile.outputs)) {
    const part = output.entryPoint;
    const tag = /^src\/elements\/([a-z-]+)\//.exec(part ?? '')?.[1];
    if (part === undefined || tag === undefined || !lazyOwn.has(part)) continue;
    for (const input of inputsOf(graph.metafile, staticClosure(graph.metafile, [file]))) {
      if (!tagsOf.get(input)?.has(tag)) reach.set(input, (reach.get(input) ?? 0) + 1);
    }
  }
  /** @type {Set<string>} */
  const base = new Set();
  for (const [input, count] of reach) {
    if (
      input.split('/').includes('node_modules') ||
      (!ELEMENT_OWN.test(input) && count >= BASE_MIN_ELEMENTS)
    ) {
      base.add(input);
    } else if (input.startsWith('src/') && input.endsWith('.ts')) {
      elementSide.add(input);
    } else {
      throw new Error(
        `bundle: the autoloader's elements reach ${input}, which is neither kit code nor a package`,
      );
    }
  }

  // 2. The base, exporting what the element side imports from it (and the catalog's hook).
  const english = await englishByTags(graph.metafile, tagsOf, elements.size, lazyOwn);
  const imports = await baseImports(elementSide, base);
  if (english.parts.length > 0 || english.lazy.size > 0) {
    imports.set(`./${LOCALIZE}`, (imports.get(`./${LOCALIZE}`) ?? new Set()).add(ADD_SHIPPED));
  }
  /** @type {Map<string, string>} `specifier name` → the base's export name */
  const exportName = new Map();
  const lines = [];
  for (const [specifier, names] of imports) {
    if (names.size === 0) {
      lines.push(`import ${JSON.stringify(specifier)};`);
      continue;
    }
    const list = [...names].map((name) => {
      const short = `_${exportName.size.toString(36)}`;
      exportName.set(`${specifier} ${name}`, short);
      return `${name} as ${short}`;
    });
    lines.push(`export { ${list.join(', ')} } from ${JSON.stringify(specifier)};`);
  }
  const peer = await buildPeer(outDir, ELEMENTS_DIR);
  const baseBuild = await build({
    ...shared,
    plugins: [peer.plugin, english.plugin, noDebug, ...extraPlugins],
    stdin: { contents: lines.join('\n'), resolveDir: root, sourcefile: 'autoloader-base.js', loader: 'js' },
    outdir: outDir,
    splitting: true,
    entryNames: `${ELEMENTS_DIR}/base-[hash]`,
    chunkNames: `${ELEMENTS_DIR}/[name]-[hash]`,
  });
  const baseFile = Object.entries(baseBuild.metafile.outputs).find(([, output]) => output.entryPoint)?.[0];
  if (baseFile === undefined) throw new Error('bundle: the base of the autoloader has no output');
  const baseUrl = `./${basename(baseFile)}`;

  // 3. The elements, importing the base.
  /** @type {import('esbuild').Plugin} */
  const fromBase = {
    name: 'co-guest-kit:from-base',
    setup(context) {
      context.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === fromBase || args.kind === 'entry-point') return undefined;
        if (!elementSide.has(relative(root, args.importer))) return undefined;
        const target = await context.resolve(args.path, {
          importer: args.importer,
          resolveDir: args.resolveDir,
          kind: args.kind,
          pluginData: fromBase,
        });
        if (target.errors.length > 0 || !base.has(relative(root, target.path))) return undefined;
        if (args.kind !== 'import-statement') {
          throw new Error(`bundle: ${args.importer} loads ${args.path} from the base with ${args.kind}`);
        }
        return {
          path: `${specifierOf(args.path, args.resolveDir)}\0${args.importer}`,
          namespace: 'co-guest-kit:base',
        };
      });
      context.onResolve({ filter: /.*/, namespace: 'co-guest-kit:base' }, (args) => ({
        path: args.path,
        external: true,
      }));
      context.onLoad({ filter: /.*/, namespace: 'co-guest-kit:base' }, (args) => {
        const specifier = args.path.slice(0, args.path.indexOf('\0'));
        const names = [...(imports.get(specifier) ?? [])];
        const list = names.map((name) => `${exportName.get(`${specifier} ${name}`)} as ${name}`);
        return {
          contents:
            names.length === 0
              ? `import ${JSON.stringify(baseUrl)};`
              : `export { ${list.join(', ')} } from ${JSON.stringify(baseUrl)};`,
          loader: 'js',
        };
      });
    },
  };
  /**
   * Each tag's module is a wrapper that first adds the English texts only its tags show, then
   * imports the element.
   * @type {import('esbuild').Plugin}
   */
  const withTexts = {
    name: 'co-guest-kit:with-texts',
    setup(context) {
      context.onResolve({ filter: /^\.\/elements\// }, (args) => {
        if (relative(root, args.importer) !== 'src/autoloader.ts' || args.kind !== 'dynamic-import') {
          return undefined;
        }
        const tag = ELEMENT_IMPORT.exec(args.path)?.[1];
        const parts = english.parts.filter((part) => tag !== undefined && part.tags.has(tag));
        if (parts.length === 0) return undefined;
        return { path: `src/elements/${tag}/${tag}.ts`, namespace: 'co-guest-kit:tag' };
      });
      // The texts come inline in each tag's module, even those several tags show: a part of
      // its own would be one more file for a page to fetch, each compressed alone.
      context.onLoad({ filter: /.*/, namespace: 'co-guest-kit:tag' }, (args) => {
        const tag = /^src\/elements\/([a-z-]+)\//.exec(args.path)?.[1] ?? '';
        const texts = english.parts.filter((part) => part.tags.has(tag)).flatMap((part) => part.texts);
        const add = exportName.get(`./${LOCALIZE} ${ADD_SHIPPED}`);
        return {
          contents: [
            `import { ${add} as add } from ${JSON.stringify(baseUrl)};`,
            `add({${texts.join(',')}});`,
            `import ${JSON.stringify(`./${args.path}`)};`,
          ].join('\n'),
          resolveDir: root,
          loader: 'js',
        };
      });
      context.onResolve({ filter: /^\.\/base-[^/]+\.js$/ }, (args) =>
        args.namespace === 'co-guest-kit:tag' || args.namespace === 'co-guest-kit:lazy-texts'
          ? { path: args.path, external: true }
          : undefined,
      );
      // An element's lazy part is a wrapper too: its texts, then the part.
      context.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind !== 'dynamic-import' || !elementSide.has(relative(root, args.importer))) {
          return undefined;
        }
        const target = relative(root, resolve(args.resolveDir, args.path)).replace(/\.js$/, '.ts');
        return english.lazy.has(target) ? { path: target, namespace: 'co-guest-kit:lazy-texts' } : undefined;
      });
      context.onLoad({ filter: /.*/, namespace: 'co-guest-kit:lazy-texts' }, (args) => {
        const add = exportName.get(`./${LOCALIZE} ${ADD_SHIPPED}`);
        return {
          contents: [
            `import { ${add} as add } from ${JSON.stringify(baseUrl)};`,
            `add({${(english.lazy.get(args.path) ?? []).join(',')}});`,
            `export * from ${JSON.stringify(`./${args.path}`)};`,
          ].join('\n'),
          resolveDir: root,
          loader: 'js',
        };
      });
    },
  };
  const elementsBuild = await build({
    ...common,
    plugins: [leftToAutoloader, withTexts, fromBase, peer.plugin, english.plugin, noDebug, ...extraPlugins],
  });
  peer.check(baseBuild.metafile);
  peer.check(elementsBuild.metafile);

  /** @type {import('esbuild').Metafile} */
  const metafile = {
    inputs: { ...peer.metafile.inputs, ...baseBuild.metafile.inputs, ...elementsBuild.metafile.inputs },
    outputs: { ...peer.metafile.outputs, ...baseBuild.metafile.outputs, ...elementsBuild.metafile.outputs },
  };
  const autoloaderFile = Object.keys(elementsBuild.metafile.outputs).find((file) =>
    file.endsWith(`/${AUTOLOADER_FILE}`),
  );
  const loadsAtOnce = elementsBuild.metafile.outputs[autoloaderFile ?? '']?.imports.filter(
    (imported) => imported.kind !== 'dynamic-import',
  );
  if (autoloaderFile === undefined || loadsAtOnce === undefined || loadsAtOnce.length > 0) {
    throw new Error(`bundle: the autoloader must import nothing at once (${JSON.stringify(loadsAtOnce)})`);
  }
  /** @type {ElementsManifest} */
  const manifest = { autoloader: AUTOLOADER_FILE, tags: {} };
  const baseClosure = staticClosure(baseBuild.metafile, [baseFile]);
  for (const [tag, output] of [...elementOutputs(elementsBuild.metafile)].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const own = staticClosure(elementsBuild.metafile, [output]);
    const again = inputsOf(elementsBuild.metafile, own).filter((input) => base.has(input));
    if (again.length > 0) {
      throw new Error(`bundle: <${tag}> bundles base modules again: ${again.join(', ')}`);
    }
    const usesBase = [...own].some((file) =>
      elementsBuild.metafile.outputs[file]?.imports.some((imported) => imported.path === baseUrl),
    );
    const files = [...own, ...(usesBase ? baseClosure : [])];
    manifest.tags[tag] = files.map((file) => relative(outDir, resolve(root, file))).sort();
  }
  return { metafile, manifest };
}

/** The WebRTC module (simple-peer inside, ADR 30) and the one module that loads it. */
const PEER = 'src/media/peer.ts';
const PEER_IMPORTER = 'src/media/mesh-transport.ts';

/**
 * The WebRTC part, built on its own as `<folder>/peer-[hash].js` (it is a leaf: scripts/bundle-peer.mjs
 * checks that it imports no other module of the kit), with the plugin that points
 * `mesh-transport.ts`'s lazy import at it. Built with the rest, the CommonJS helpers esbuild adds
 * for simple-peer would land in a chunk that every file of the kit imports. `check` fails when the
 * importer does not land in the same folder (the import is written `./peer-[hash].js`).
 * @param {string} outDir
 * @param {string} folder
 */
async function buildPeer(outDir, folder) {
  const result = await build({
    ...shared,
    plugins: [noDebug, ...extraPlugins],
    entryPoints: [PEER],
    outdir: outDir,
    entryNames: `${folder}/peer-[hash]`,
  });
  const file = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint === PEER)?.[0];
  if (file === undefined) throw new Error('bundle: the WebRTC part has no output');
  /** @type {import('esbuild').Plugin} */
  const plugin = {
    name: 'co-guest-kit:peer-apart',
    setup(context) {
      context.onResolve({ filter: /^\.\/peer\.js$/ }, (args) =>
        relative(root, args.importer) === PEER_IMPORTER && args.kind === 'dynamic-import'
          ? { path: `./${basename(file)}`, external: true }
          : undefined,
      );
    },
  };
  /** @param {import('esbuild').Metafile} metafile a build that used the plugin */
  const check = (metafile) => {
    for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
      if (Object.hasOwn(inputs, PEER_IMPORTER) && dirname(output) !== dirname(file)) {
        throw new Error(`bundle: ${PEER_IMPORTER} lands in ${output}, not beside ${file}`);
      }
    }
  };
  return { metafile: result.metafile, plugin, check };
}

/** The English catalog, the module that holds the catalogs, and its hook for shipped texts. */
const MESSAGES = 'src/i18n/messages.ts';
const LOCALIZE = 'src/i18n/localize.ts';
const ADD_SHIPPED = 'addShippedMessages';
/** The autoloader's import of an element's module. */
const ELEMENT_IMPORT = /^\.\/elements\/([a-z-]+)\/\1\.js$/;

/**
 * @typedef {object} EnglishPart
 * @property {Set<string>} tags The tags that show these texts.
 * @property {string[]} texts Its entries of the catalog, as written (`'key': 'text'`).
 */

/**
 * The English catalog cut by tag, for the autoloader build: a text that only some tags show
 * leaves the base and comes with those tags' modules, which add it to the catalog
 * (`addShippedMessages`) before their element is defined. A key stays in the base when any
 * module outside the elements' own folders names it (the error table, shared helpers, the
 * controllers), when a module no tag reaches at once names it, when every tag shows it, or when no
 * module names it as a whole string (a key built at run time): a text is never missing.
 *
 * A text that only an element's lazy part names (`lazyOwn`: the invitation's card) comes with that
 * part, which adds it when it loads; one that the element's eager modules name too comes with the
 * element's tag.
 *
 * The drop-in file and the package keep the whole catalog in one object (`en`).
 * @param {import('esbuild').Metafile} metafile the autoloader's graph (step 1)
 * @param {Map<string, Set<string>>} tagsOf each module's tags
 * @param {number} tagCount
 * @param {Set<string>} lazyOwn the elements' own modules that no tag reaches at once
 * @returns {Promise<{ parts: EnglishPart[], lazy: Map<string, string[]>, plugin: import('esbuild').Plugin }>}
 */
async function englishByTags(metafile, tagsOf, tagCount, lazyOwn) {
  const source = await readFile(resolve(root, MESSAGES), 'utf8');
  const file = ts.createSourceFile(MESSAGES, source, ts.ScriptTarget.Latest, true);
  /** @type {import('typescript').ObjectLiteralExpression | undefined} */
  let catalog;
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      let value = declaration.initializer;
      while (value !== undefined && (ts.isAsExpression(value) || ts.isSatisfiesExpression(value))) {
        value = value.expression;
      }
      if (ts.isIdentifier(declaration.name) && declaration.name.text === 'en' && value !== undefined) {
        if (ts.isObjectLiteralExpression(value)) catalog = value;
      }
    }
  }
  if (catalog === undefined) throw new Error(`bundle: ${MESSAGES} has no \`en\` object literal`);
  /** @type {Map<string, import('typescript').PropertyAssignment>} */
  const entries = new Map();
  for (const property of catalog.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isStringLiteral(property.name)) {
      throw new Error(`bundle: ${MESSAGES}: every entry of \`en\` must be 'key': 'text'`);
    }
    entries.set(property.name.text, property);
  }

  /** @type {Map<string, Set<string> | null>} each key's tags; null: the base keeps it */
  const shownBy = new Map();
  /** @type {Map<string, Set<string>>} the lazy parts (`lazyOwn`) that name each key */
  const lazyIn = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    if (!input.startsWith('src/') || input === MESSAGES || input.startsWith('src/i18n/locales/')) continue;
    const text = await readFile(resolve(root, input), 'utf8');
    const tags = ELEMENT_OWN.test(input) ? tagsOf.get(input) : undefined;
    for (const key of entries.keys()) {
      if (!text.includes(`'${key}'`) && !text.includes(`"${key}"`) && !text.includes(`\`${key}\``)) continue;
      if (lazyOwn.has(input)) {
        lazyIn.set(key, (lazyIn.get(key) ?? new Set()).add(input));
        continue;
      }
      const known = shownBy.get(key);
      if (tags === undefined || known === null) shownBy.set(key, null);
      else shownBy.set(key, new Set([...(known ?? []), ...tags]));
    }
  }
  /** @type {Map<string, string[]>} the texts each lazy part adds */
  const lazy = new Map();
  /** @type {Set<string>} */
  const moved = new Set();
  for (const [key, inputs] of lazyIn) {
    const tags = shownBy.get(key);
    if (tags === undefined && inputs.size === 1) {
      const [input = ''] = inputs;
      const text = /** @type {import('typescript').PropertyAssignment} */ (entries.get(key)).getText(file);
      lazy.set(input, [...(lazy.get(input) ?? []), text]);
      moved.add(key);
    } else if (tags !== null) {
      // Named eagerly too, or by several lazy parts: with the tags of their folders, at once.
      const own = [...inputs].map((input) => /^src\/elements\/([a-z-]+)\//.exec(input)?.[1] ?? '');
      shownBy.set(key, new Set([...(tags ?? []), ...own]));
    }
  }
  /** @type {Map<string, EnglishPart>} */
  const parts = new Map();
  for (const [key, tags] of shownBy) {
    if (tags === null || tags.size === 0 || tags.size >= tagCount) continue;
    const id = [...tags].sort().join(' ');
    const part = parts.get(id) ?? { tags, texts: [] };
    part.texts.push(/** @type {import('typescript').PropertyAssignment} */ (entries.get(key)).getText(file));
    parts.set(id, part);
    moved.add(key);
  }
  const kept = [...entries].filter(([key]) => !moved.has(key)).map(([, entry]) => entry.getText(file));
  const trimmed = `${source.slice(0, catalog.getStart(file))}{${kept.join(',')}}${source.slice(catalog.end)}`;
  return {
    parts: [...parts.values()],
    lazy,
    plugin: {
      name: 'co-guest-kit:english-by-tags',
      setup(context) {
        context.onLoad({ filter: /[\\/]src[\\/]i18n[\\/]messages\.ts$/ }, (args) =>
          relative(root, args.path) === MESSAGES && moved.size > 0
            ? { contents: trimmed, loader: 'ts' }
            : undefined,
        );
      },
    },
  };
}

/**
 * The drop-in file registers every tag at once, so an element's own part that it imports on first use
 * (`import('./invitation-card.js')`, a module of its own folder) comes at once there: the import is
 * read as a static one (`Promise.resolve` of the module's namespace). Loaded apart, the part would
 * make esbuild move lit and what else it shares with the main file into a chunk of their own, which
 * compresses worse than the one file (0.1 KB gzip more for the invitation's card). The autoloader build,
 * where lit is in the base, keeps the part lazy.
 * @type {import('esbuild').Plugin}
 */
const eagerOwnParts = {
  name: 'co-guest-kit:eager-own-parts',
  setup(context) {
    context.onLoad({ filter: /[\\/]src[\\/]elements[\\/].*\.ts$/ }, async (args) => {
      if (!ELEMENT_OWN.test(relative(root, args.path))) return undefined;
      const source = await readFile(args.path, 'utf8');
      // (Not `typeof import(…)`, a type.)
      const own = /(?<!\btypeof\s+)\bimport\((['"])(\.\/[\w.-]+\.js)\1\)/g;
      /** @type {string[]} */
      const imports = [];
      const rewritten = source.replace(own, (_match, _quote, specifier) => {
        const name = `ownPart${imports.length}`;
        imports.push(`import * as ${name} from ${JSON.stringify(specifier)};`);
        return `Promise.resolve(${name})`;
      });
      if (imports.length === 0) return undefined;
      // At the end, where the lines of the source map stay as they are (imports are hoisted).
      return { contents: minifyTemplateSource(`${rewritten}\n${imports.join('\n')}\n`), loader: 'ts' };
    });
  },
};

/**
 * In the autoloader build, the imports of `LEFT_TO_AUTOLOADER` resolve to an empty module.
 * @type {import('esbuild').Plugin}
 */
const leftToAutoloader = {
  name: 'co-guest-kit:left-to-autoloader',
  setup(context) {
    context.onResolve({ filter: /\.js$/ }, (args) => {
      const left = LEFT_TO_AUTOLOADER.get(relative(root, args.importer));
      const target = relative(root, resolve(args.resolveDir, args.path)).replace(/\.js$/, '.ts');
      if (left === undefined || !left.includes(target)) return undefined;
      return { path: target, namespace: 'co-guest-kit:left-to-autoloader' };
    });
    context.onLoad({ filter: /.*/, namespace: 'co-guest-kit:left-to-autoloader' }, () => ({
      contents: '',
      loader: 'js',
    }));
  },
};

/**
 * The key under which the base exports a module: a package's specifier as written, or the
 * module's path from the repository's root (`./src/core/session.ts`).
 * @param {string} specifier
 * @param {string} fromDir
 */
function specifierOf(specifier, fromDir) {
  if (!specifier.startsWith('.')) return specifier;
  return `./${relative(root, resolve(fromDir, specifier)).replace(/\.js$/, '.ts')}`;
}

/**
 * What the element side imports from base modules, by the base's key of each module: the names of
 * its value imports and re-exports (an empty set for an import for side effects only). Type-only
 * imports are skipped; a namespace import or `export *` of a base module is refused.
 * @param {Set<string>} elementSide the element side's modules (paths from the root)
 * @param {Set<string>} base the base's modules
 * @returns {Promise<Map<string, Set<string>>>}
 */
async function baseImports(elementSide, base) {
  /** @type {Map<string, Set<string>>} */
  const imports = new Map();
  for (const file of [...elementSide].sort()) {
    const text = await readFile(resolve(root, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      const declaration =
        ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) ? statement : null;
      if (declaration?.moduleSpecifier === undefined || !ts.isStringLiteral(declaration.moduleSpecifier)) {
        continue;
      }
      const specifier = specifierOf(declaration.moduleSpecifier.text, dirname(resolve(root, file)));
      const isBase = specifier.startsWith('./') ? base.has(specifier.slice(2)) : true;
      if (!isBase) continue;
      /** @type {string[] | null} null: type-only */
      let names = [];
      if (ts.isImportDeclaration(declaration)) {
        const clause = declaration.importClause;
        if (clause?.isTypeOnly) names = null;
        else if (clause !== undefined) {
          if (clause.name !== undefined) names.push('default');
          const bindings = clause.namedBindings;
          if (bindings !== undefined && ts.isNamespaceImport(bindings)) {
            throw new Error(`bundle: ${file} imports ${specifier} as a namespace; name what it uses`);
          }
          for (const element of bindings?.elements ?? []) {
            if (!element.isTypeOnly) names.push((element.propertyName ?? element.name).text);
          }
          if (names.length === 0) names = null;
        }
      } else if (declaration.isTypeOnly) {
        names = null;
      } else if (declaration.exportClause === undefined || !ts.isNamedExports(declaration.exportClause)) {
        throw new Error(`bundle: ${file} re-exports all of ${specifier}; name what it re-exports`);
      } else {
        for (const element of declaration.exportClause.elements) {
          if (!element.isTypeOnly) names.push((element.propertyName ?? element.name).text);
        }
        if (names.length === 0) names = null;
      }
      if (names === null) continue;
      const set = imports.get(specifier) ?? new Set();
      for (const name of names) set.add(name);
      imports.set(specifier, set);
    }
  }
  return imports;
}

/**
 * Each element's module in an autoloader build: the outputs whose entry point is an element's
 * module (the autoloader's dynamic imports), by tag.
 * @param {import('esbuild').Metafile} metafile
 * @returns {Map<string, string>}
 */
function elementOutputs(metafile) {
  /** @type {Map<string, string>} */
  const found = new Map();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const match = /^(?:co-guest-kit:tag:)?src\/elements\/([a-z-]+)\/\1\.ts$/.exec(output.entryPoint ?? '');
    if (match?.[1] !== undefined) found.set(match[1], file);
  }
  return found;
}

/**
 * The outputs `starts` import at once, transitively, themselves included.
 * @param {import('esbuild').Metafile} metafile
 * @param {string[]} starts
 * @returns {Set<string>}
 */
function staticClosure(metafile, starts) {
  /** @type {Set<string>} */
  const seen = new Set();
  const queue = [...starts];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) queue.push(imported.path);
    }
  }
  return seen;
}

/**
 * The input modules of a set of outputs.
 * @param {import('esbuild').Metafile} metafile
 * @param {Iterable<string>} outputs
 * @returns {string[]}
 */
function inputsOf(metafile, outputs) {
  /** @type {Set<string>} */
  const inputs = new Set();
  for (const file of outputs) {
    for (const input of Object.keys(metafile.outputs[file]?.inputs ?? {})) inputs.add(input);
  }
  return [...inputs];
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
      (file.endsWith(CORE_FILE) || basename(file).startsWith(CORE_CHUNK_PREFIX)) &&
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
  /** @type {Record<import('./bundle.mjs').BundledFile['load'], string>} */
  const when = {
    'at once': 'loaded at once',
    lazy: 'lazy',
    autoloader: 'the autoloader',
    'with its tag': 'when its tag appears',
  };
  for (const { file, bytes, gzip, load } of files) {
    process.stdout.write(
      `  ${file.padEnd(44)} ${kb(bytes).padStart(9)}  ${kb(gzip).padStart(8)} gzip  ${when[load]}\n`,
    );
  }
}
