import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { offlineLock } from '../../scripts/offline-lock.mjs';

interface Lock {
  packages: Record<string, { version: string; dev?: boolean }>;
}

const repoLock = JSON.parse(
  await readFile(new URL('../../package-lock.json', import.meta.url), 'utf8'),
) as Lock;
const kit = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
};
const locked = (name: string) => repoLock.packages[`node_modules/${name}`]?.version;

describe('offline lockfiles for the packed-package apps', () => {
  it("locks the kit's dependencies at the repository's versions, whatever the registry has", () => {
    const { lockfile } = offlineLock({});
    for (const name of Object.keys(kit.dependencies)) {
      assert.equal(lockfile.packages[`node_modules/${name}`]?.version, locked(name), name);
    }
    assert.equal(lockfile.packages['node_modules/co-guest-kit'], undefined);
  });

  it("locks an example's pins and everything they reach, without the repository's dev flags", async () => {
    const manifest = JSON.parse(
      await readFile(new URL('../../examples/vue/package.json', import.meta.url), 'utf8'),
    ) as {
      dependencies: Record<string, string>;
    };
    const { lockfile, tarballs } = offlineLock(manifest);
    assert.equal(lockfile.packages['node_modules/vue']?.version, manifest.dependencies.vue);
    assert.equal(lockfile.packages['node_modules/source-map-js']?.version, locked('source-map-js'));
    assert.equal(lockfile.packages['node_modules/storybook'], undefined, 'nothing the app does not reach');
    assert.ok(Object.values(lockfile.packages).every((entry) => entry.dev === undefined));
    assert.ok(tarballs.includes(`https://registry.npmjs.org/vue/-/vue-${manifest.dependencies.vue}.tgz`));
  });

  it('refuses an app that pins a version the repository does not lock, naming both', () => {
    assert.throws(
      () => offlineLock({ dependencies: { vue: '3.0.0' } }),
      (error: Error) => error.message.includes('vue@3.0.0') && error.message.includes(locked('vue') ?? '?'),
    );
    assert.throws(
      () => offlineLock({ dependencies: { 'not-a-locked-package': '1.0.0' } }),
      /not in package-lock\.json/,
    );
  });
});
