// @ts-check
/**
 * Fills the npm cache with what the packed-package tests install offline: the framework examples
 * (`examples/vue`, `examples/react`, `examples/angular`, test/frameworks) and a consumer app that
 * installs only the kit (test/consumer).
 *
 * Those tests run `npm install --offline` in a loopback-only network namespace, so every package
 * document (not only every tarball) they resolve must be in the cache already. `npm ci` caches the
 * tarballs of the repository's lockfile but not the registry's package documents. This script
 * resolves each app's dependency tree once (`npm install --package-lock-only --prefer-offline`, in
 * a temporary folder, no install script), which fetches what is missing and nothing else.
 *
 * `.ci/run` runs it before the tests, with the registry reachable (`--strict`: a failure fails
 * the run); `npm test` runs it first too (`pretest`), where a failure is only reported, since the
 * cache may already hold everything.
 *
 * Usage: `node scripts/warm-npm-cache.mjs [--strict]`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const strict = process.argv.includes('--strict');

/** @param {string} file */
async function readJson(file) {
  return JSON.parse(await readFile(join(root, file), 'utf8'));
}

const kit = await readJson('package.json');
/** @type {Record<string, string>} */
const kitDependencies = kit.dependencies;

/**
 * The dependencies of an app with the kit's own dependencies in place of the kit.
 * @param {{ dependencies?: Record<string, string>, devDependencies?: Record<string, string> }} app
 */
function resolved(app) {
  const dependencies = { ...kitDependencies, ...app.dependencies };
  delete dependencies[kit.name];
  return { dependencies, devDependencies: { ...app.devDependencies } };
}

/** @type {Array<[string, ReturnType<typeof resolved>]>} */
const apps = [['consumer', resolved({})]];
for (const name of ['vue', 'react', 'angular']) {
  apps.push([`examples/${name}`, resolved(await readJson(`examples/${name}/package.json`))]);
}

/**
 * @param {string} cwd
 * @returns {Promise<string | null>} the error output, or null when it worked.
 */
function resolveTree(cwd) {
  const args = [
    'install',
    '--package-lock-only',
    '--prefer-offline',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
  ];
  return new Promise((resolve) => {
    execFile('npm', args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve(error ? `${stderr}${stdout}`.trim() || error.message : null),
    );
  });
}

let failed = 0;
for (const [label, app] of apps) {
  const dir = await mkdtemp(join(tmpdir(), 'co-guest-kit-warm-'));
  try {
    await writeFile(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'warm', private: true, ...app }, null, 2),
    );
    const error = await resolveTree(dir);
    if (error === null) {
      console.log(`npm cache: ${label} resolves offline`);
    } else {
      failed++;
      console.warn(`npm cache: could not resolve ${label}:\n${error}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (failed > 0) {
  const message = `npm cache: ${failed} of ${apps.length} apps could not be resolved; the packed-package tests install offline and may fail`;
  if (strict) {
    console.error(message);
    process.exit(1);
  }
  console.warn(message);
}
