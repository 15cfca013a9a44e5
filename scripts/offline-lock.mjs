// @ts-check
/**
 * Lockfiles for the apps that the packed-package tests install offline: the framework examples
 * (`examples/vue`, `examples/react`, `examples/angular`, test/frameworks) and a consumer app that
 * installs only the kit (test/consumer).
 *
 * Those apps install with `npm install --offline` inside a loopback-only namespace. Without a lockfile
 * npm resolves each range against the registry's package documents, so the day the registry moves
 * past the repository's lockfile (jose 6.2.19 while we lock 6.2.18), it picks a version whose tarball
 * `npm ci` never fetched and fails with `ENOTCACHED`. Here each app gets a lockfile cut from the
 * repository's own `package-lock.json`: the app's dependencies and the kit's, and everything they
 * reach by Node's resolution, at exactly the versions, paths and integrities the repository pins.
 * `npm ci` has put every one of those tarballs in the npm cache already; `npm install --offline
 * <kit tarball>` then reads no package document and adds only the kit.
 *
 * An app that pins a version the repository does not lock is refused with a message naming both.
 *
 * Used by test/frameworks/helpers.ts, test/consumer/vite.test.ts and scripts/warm-npm-cache.mjs.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const REGISTRY = 'https://registry.npmjs.org';

/**
 * @typedef {{
 *   version: string,
 *   name?: string,
 *   resolved?: string,
 *   integrity?: string,
 *   optional?: boolean,
 *   dev?: boolean,
 *   devOptional?: boolean,
 *   peer?: boolean,
 *   link?: boolean,
 *   os?: string[],
 *   cpu?: string[],
 *   dependencies?: Record<string, string>,
 *   optionalDependencies?: Record<string, string>,
 *   peerDependencies?: Record<string, string>,
 *   peerDependenciesMeta?: Record<string, { optional?: boolean }>,
 * }} LockEntry
 * @typedef {{ dependencies?: Record<string, string>, devDependencies?: Record<string, string> }} AppManifest
 */

/** @returns {{ name: string, dependencies: Record<string, string>, packages: Record<string, LockEntry> }} */
function repository() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  return { name: manifest.name, dependencies: manifest.dependencies, packages: lock.packages };
}

/**
 * Where Node finds `name` from the package at `from` (`''` is the project): its own
 * `node_modules`, then each enclosing one.
 * @param {Record<string, LockEntry>} packages
 * @param {string} from
 * @param {string} name
 * @returns {string | null}
 */
function locate(packages, from, name) {
  let at = from;
  for (;;) {
    const key = `${at === '' ? '' : `${at}/`}node_modules/${name}`;
    if (packages[key]) return key;
    if (at === '') return null;
    const cut = at.lastIndexOf('/node_modules/');
    at = cut === -1 ? '' : at.slice(0, cut);
  }
}

/**
 * Whether `version` is what `spec` asks for. Apps pin exact versions; the kit's own dependencies
 * use caret ranges. Anything else (tags, URLs) is taken as satisfied.
 * @param {string} spec
 * @param {string} version
 */
function satisfies(spec, version) {
  const exact = /^=?(\d+)\.(\d+)\.(\d+)$/.exec(spec);
  if (exact) return exact.slice(1).join('.') === version;
  const caret = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(spec);
  const have = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!caret || !have) return true;
  const [want, got] = [caret.slice(1).map(Number), have.slice(1).map(Number)];
  if (got[0] !== want[0]) return false;
  if (want[0] === 0 && got[1] !== want[1]) return false;
  for (let i = 0; i < 3; i++) if (got[i] !== want[i]) return got[i] > want[i];
  return true;
}

/**
 * A lockfile (version 3) for an app with `manifest`'s dependencies plus the kit's own ones (the kit
 * itself is added later, from its packed tarball).
 * @param {AppManifest} manifest
 * @returns {{ lockfile: object, tarballs: string[] }} the lockfile, and the registry address of
 *   every tarball it needs.
 */
export function offlineLock(manifest) {
  const repo = repository();
  const own = { ...manifest.dependencies, ...manifest.devDependencies };
  delete own[repo.name];
  const wanted = { ...repo.dependencies, ...own };

  /** @type {Record<string, LockEntry>} */
  const picked = {};
  /** @type {Array<[string, string, string, boolean]>} from, name, spec, optional */
  const queue = Object.entries(wanted).map(([name, spec]) => ['', name, spec, false]);
  const problems = [];
  while (queue.length > 0) {
    const [from, name, spec, optional] = /** @type {[string, string, string, boolean]} */ (queue.shift());
    const key = locate(repo.packages, from, name);
    if (key === null) {
      if (!optional)
        problems.push(`${name}@${spec} (needed by ${from || 'the app'}) is not in package-lock.json`);
      continue;
    }
    const entry = repo.packages[key];
    if (from === '' && !satisfies(spec, entry.version)) {
      problems.push(`the app wants ${name}@${spec}; package-lock.json locks ${entry.version}`);
      continue;
    }
    if (picked[key]) continue;
    const kept = { ...entry };
    delete kept.dev;
    delete kept.devOptional;
    delete kept.peer;
    picked[key] = kept;
    for (const [dep, range] of Object.entries(entry.dependencies ?? {})) queue.push([key, dep, range, false]);
    for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {}))
      queue.push([key, dep, range, true]);
    for (const [dep, range] of Object.entries(entry.peerDependencies ?? {})) {
      if (!entry.peerDependenciesMeta?.[dep]?.optional) queue.push([key, dep, range, false]);
    }
  }
  if (problems.length > 0) {
    throw new Error(`Cannot lock the app to the repository's versions:\n  ${problems.join('\n  ')}`);
  }

  const tarballs = Object.entries(picked)
    .filter(([, entry]) => !entry.link && fits(entry.os, process.platform) && fits(entry.cpu, process.arch))
    .map(
      ([key, entry]) =>
        entry.resolved ??
        registryTarball(entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 13), entry.version),
    );
  const lockfile = {
    name: 'app',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': {
        name: 'app',
        dependencies: { ...manifest.dependencies },
        devDependencies: { ...manifest.devDependencies },
      },
      ...Object.fromEntries(Object.entries(picked).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
  delete lockfile.packages[''].dependencies[repo.name];
  return { lockfile, tarballs };
}

/**
 * Whether a package's `os` or `cpu` list admits `value` (npm's rule: `!x` excludes, any plain entry
 * must match).
 * @param {string[] | undefined} list
 * @param {string} value
 */
function fits(list, value) {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const plain = list.filter((item) => !item.startsWith('!'));
  return plain.length === 0 || plain.includes(value);
}

/**
 * @param {string} name
 * @param {string} version
 */
function registryTarball(name, version) {
  const base = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
  return `${REGISTRY}/${name}/-/${base}-${version}.tgz`;
}

/**
 * Writes `package-lock.json` into the app folder `dir` from its `package.json` (see `offlineLock`).
 * @param {string} dir
 */
export async function writeOfflineLock(dir) {
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  const { lockfile } = offlineLock(manifest);
  await writeFile(join(dir, 'package-lock.json'), `${JSON.stringify(lockfile, null, 2)}\n`);
}
