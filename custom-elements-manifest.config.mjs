// @ts-check
/**
 * Custom Elements Manifest (`npm run manifest`): the committed `custom-elements.json` is the public
 * API report of the package. `npm test` regenerates it in memory and fails when the committed file is
 * stale (scripts/check-manifest.mjs).
 */
import { posix } from 'node:path';

/**
 * Where `path` is in the published package: `src/a/b.ts` → `dist/a/b.js` (tsc's output,
 * tsconfig.build.json); `./c.js` written in `src/a/b.ts` → `dist/a/c.js`.
 * @param {string} path
 * @param {string} from the source module `path` was written in
 */
export function publishedPath(path, from) {
  const resolved = path.startsWith('.') ? posix.join(posix.dirname(from.replace(/^\//, '')), path) : path;
  return resolved.replace(/^\/?src\/(.*)\.(?:ts|js)$/, 'dist/$1.js');
}

export default {
  globs: ['src/**/*.ts'],
  // The autoloader is a script with no exports (docs/decisions/0032): nothing of it is API.
  exclude: ['src/**/*.test.ts', 'src/**/*.d.ts', 'src/autoloader.ts'],
  outdir: '.',
  litelement: true,
  // package.json already names the manifest ("customElements"); never let the analyzer rewrite it.
  packagejson: false,
  plugins: [
    {
      // The analyzer also lists every `dispatchEvent(new SomeEvent(...))` it finds, naming the event
      // after a variable of the call. The documented `@fires` entries are the events; drop the
      // undocumented duplicates of a documented event class.
      name: 'co-guest-kit:documented-events',
      /** @param {{ customElementsManifest: { modules: { declarations?: { customElement?: boolean, events?: { name?: string, description?: string, type?: { text: string } }[] }[] }[] } }} args */
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            if (!declaration.customElement || declaration.events === undefined) continue;
            const documented = new Set(
              declaration.events.filter((event) => event.description).map((event) => event.type?.text),
            );
            declaration.events = declaration.events.filter(
              (event) => event.description || !documented.has(event.type?.text),
            );
          }
        }
      },
    },
    {
      // `export default css\`…\`` (each `*.styles.ts`) has no declaration for the analyzer to name,
      // and the schema requires a name in every reference: declare it as the variable `styles`.
      name: 'co-guest-kit:named-default-styles',
      /** @param {{ customElementsManifest: { modules: { path: string, declarations?: object[], exports?: { kind: string, name: string, declaration: { name?: string, module?: string } }[] }[] } }} args */
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          for (const exported of module.exports ?? []) {
            if (exported.declaration.name !== undefined || !module.path.endsWith('.styles.ts')) continue;
            exported.declaration = { name: 'styles', module: module.path };
            (module.declarations ??= []).push({
              kind: 'variable',
              name: 'styles',
              type: { text: 'CSSResult' },
              description: "The element's styles.",
            });
          }
        }
      },
    },
    {
      // The manifest describes the package as it is published: module paths name the JavaScript in
      // `dist/` that `npm pack` ships, not the TypeScript sources it was compiled from; references
      // written relative to their module (`export * from './x.js'`) are resolved from the package.
      name: 'co-guest-kit:published-paths',
      /** @param {{ customElementsManifest: { modules: { path: string }[] } }} args */
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          const from = module.path;
          /** @param {unknown} node */
          const visit = (node) => {
            if (Array.isArray(node)) {
              node.forEach(visit);
            } else if (node !== null && typeof node === 'object') {
              const record = /** @type {Record<string, unknown>} */ (node);
              for (const key of ['path', 'module']) {
                const value = record[key];
                if (typeof value === 'string') record[key] = publishedPath(value, from);
              }
              Object.values(record).forEach(visit);
            }
          };
          visit(module);
        }
      },
    },
    {
      // Module order would otherwise follow the file system's directory order, which differs between
      // machines; sort it so the committed file is the same everywhere.
      name: 'co-guest-kit:sort-modules',
      /** @param {{ customElementsManifest: { modules: { path: string }[] } }} args */
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
    },
  ],
};
