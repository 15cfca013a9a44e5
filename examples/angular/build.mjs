#!/usr/bin/env node
/**
 * Builds the app ahead of time: `ngc` compiles the components and type-checks their templates in
 * full (`strictTemplates`: with CUSTOM_ELEMENTS_SCHEMA the kit's tags are allowed, and their events
 * are typed from the kit's `GlobalEventHandlersEventMap`) into dist/ngc; then esbuild bundles that
 * into dist/, running Angular's linker on the Angular packages (published partially compiled), so no
 * compiler ships to the browser.
 *
 * Usage: node build.mjs   (then serve dist/)
 */
import { execFile } from 'node:child_process';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { transformAsync } from '@babel/core';
import linker from '@angular/compiler-cli/linker/babel';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const ngc = fileURLToPath(import.meta.resolve('@angular/compiler-cli/package.json')).replace(
  /package\.json$/,
  'bundles/src/bin/ngc.js',
);

await rm(`${here}dist`, { recursive: true, force: true });
try {
  await promisify(execFile)(process.execPath, [ngc, '-p', `${here}tsconfig.json`], { cwd: here });
} catch (error) {
  // ngc prints the template errors on stdout.
  const { stdout = '', stderr = '' } = /** @type {{ stdout?: string, stderr?: string }} */ (error);
  process.stderr.write(`${stdout}${stderr}`);
  process.exit(1);
}

/** @type {import('esbuild').Plugin} */
const angularLinker = {
  name: 'angular-linker',
  setup(builder) {
    builder.onLoad({ filter: /[/\\]@angular[/\\].*\.m?js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      if (!source.includes('ɵɵngDeclare')) return { contents: source, loader: 'js' };
      const result = await transformAsync(source, {
        filename: path,
        babelrc: false,
        configFile: false,
        compact: false,
        sourceMaps: false,
        plugins: [linker],
      });
      return { contents: result?.code ?? source, loader: 'js' };
    });
  },
};

await build({
  entryPoints: [`${here}dist/ngc/main.js`],
  outdir: `${here}dist`,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  logLevel: 'error',
  // Production mode: no development checks or JIT compiler in the page.
  define: { ngDevMode: 'false', ngJitMode: 'false', ngI18nClosureMode: 'false' },
  plugins: [angularLinker],
});
await copyFile(`${here}index.html`, `${here}dist/index.html`);
