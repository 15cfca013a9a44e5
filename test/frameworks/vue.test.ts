/**
 * examples/vue as a user gets it: the packed kit installed offline into a copy of the example,
 * built with Vite and run in Chromium on loopback; then type-checked with vue-tsc against the shipped
 * typings (`co-guest-kit/vue`).
 *
 * Run (WebRTC: loopback-only namespace):
 * `unshare -n bash -c 'ip link set lo up && node --import tsx --test --test-reporter=spec test/frameworks/vue.test.ts'`
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { frameworkContract } from './contract.js';
import { bin, diagnostics, must, useExample } from './helpers.js';

/** A component that misuses the tags: a string for a number, a handler for the wrong event type. */
const WRONG_USAGE = `<script setup lang="ts">
function onClick(event: MouseEvent) {
  return event.clientX;
}
</script>

<template>
  <apply-button :seat-index="'first'" @apply-request="onClick"></apply-button>
</template>
`;

describe('examples/vue with the packed kit', { timeout: 600_000 }, () => {
  const example = useExample('vue', (app) =>
    must(
      process.execPath,
      [join(example.app, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'],
      app,
    ),
  );

  it('type-checks with vue-tsc and the generated GlobalComponents', async () => {
    const { code, output } = await bin(example.app, 'vue-tsc/bin/vue-tsc.js', ['--noEmit']);
    assert.equal(code, 0, output);
  });

  it('fails vue-tsc on a wrong property type and a handler of the wrong event type', async () => {
    const wrong = join(example.app, 'src', 'WrongUsage.vue');
    await writeFile(wrong, WRONG_USAGE);
    try {
      const { code, output } = await bin(example.app, 'vue-tsc/bin/vue-tsc.js', ['--noEmit']);
      assert.notEqual(code, 0, 'vue-tsc rejects the misuse');
      const file = 'src/WrongUsage.vue';
      assert.equal(diagnostics(output).length, 2, output);
      const [property, handler] = diagnostics(output);
      assert.equal(property?.file, file);
      assert.match(
        property?.text ?? '',
        /^\S+\(8,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
      );
      assert.equal(handler?.file, file);
      assert.match(
        handler?.text ?? '',
        /^\S+\(8,\d+\): error TS2322: Type '\(event: MouseEvent\) => number' is not assignable to type '\(event: ApplyRequestEvent\) => void'/,
      );
    } finally {
      await rm(wrong);
    }
  });

  frameworkContract(() => example);
});
