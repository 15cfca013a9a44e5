// @ts-check
/**
 * Makes sure the npm cache holds every tarball the packed-package tests install offline: the
 * framework examples (`examples/vue`, `examples/react`, `examples/angular`, test/frameworks) and a
 * consumer app that installs only the kit (test/consumer).
 *
 * Those tests install with `npm install --offline` in a loopback-only namespace, from a lockfile cut
 * out of the repository's own (scripts/offline-lock.mjs): exactly the versions the project pins, so
 * no package document is read and nothing newer on the registry can be picked. `npm ci` has cached
 * those tarballs already; this script checks that offline (`npm cache add --offline`) and, where
 * one is missing (a cache cleaned since the install), fetches it from the registry.
 *
 * `.ci/run` runs it before the tests, with the registry reachable (`--strict`: a failure fails the
 * run); `npm test` runs it first too (`pretest`), where a failure is only reported.
 *
 * Usage: `node scripts/warm-npm-cache.mjs [--strict]`.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { offlineLock } from './offline-lock.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const strict = process.argv.includes('--strict');

/** @type {Array<[string, import('./offline-lock.mjs').AppManifest]>} */
const apps = [['consumer', {}]];
for (const name of ['vue', 'react', 'angular']) {
  apps.push([
    `examples/${name}`,
    JSON.parse(await readFile(join(root, 'examples', name, 'package.json'), 'utf8')),
  ]);
}

/**
 * @param {readonly string[]} args
 * @returns {Promise<string | null>} the error output, or null when it worked.
 */
function npm(args) {
  return new Promise((resolve) => {
    execFile('npm', args, { cwd: root, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve(error ? `${stderr}${stdout}`.trim() || error.message : null),
    );
  });
}

/** @param {string} message */
function fail(message) {
  if (strict) {
    console.error(message);
    process.exit(1);
  }
  console.warn(message);
}

const tarballs = new Set();
for (const [label, manifest] of apps) {
  try {
    for (const tarball of offlineLock(manifest).tarballs) tarballs.add(tarball);
  } catch (error) {
    fail(`npm cache: ${label}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
const list = [...tarballs];
const quiet = ['--loglevel=error', '--no-audit', '--no-fund'];
if ((await npm(['cache', 'add', '--offline', ...quiet, ...list])) === null) {
  console.log(`npm cache: the ${list.length} tarballs of ${apps.length} apps are cached`);
} else {
  const error = await npm(['cache', 'add', '--prefer-offline', ...quiet, ...list]);
  if (error === null) console.log(`npm cache: fetched what was missing of ${list.length} tarballs`);
  else
    fail(
      `npm cache: could not cache the apps' tarballs; the packed-package tests install offline and will fail:\n${error}`,
    );
}
