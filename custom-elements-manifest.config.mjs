// @ts-check
/**
 * Custom Elements Manifest (`npm run manifest`): the committed `custom-elements.json` is the public
 * API report of the package. `npm test` regenerates it in memory and fails when the committed file is
 * stale (scripts/check-manifest.mjs).
 */
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.d.ts'],
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
