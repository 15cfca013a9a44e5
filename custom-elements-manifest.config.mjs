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
