/**
 * examples/react as a user gets it: the packed kit installed offline into a copy of the example,
 * built with Vite (its esbuild compiles the TSX) and run in Chromium on loopback; then type-checked
 * with tsc against the shipped JSX typings (`co-guest-kit/react`).
 *
 * Run (WebRTC: loopback-only namespace):
 * `unshare -n bash -c 'ip link set lo up && node --import tsx --test --test-reporter=spec test/frameworks/react.test.ts'`
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { frameworkContract } from './contract.js';
import { bin, diagnostics, errorAt, must, useExample } from './helpers.js';

/** A component that misuses the tags: a string for a number, a handler for the wrong event type. */
const WRONG_USAGE = `export function WrongUsage() {
  const onClick = (event: MouseEvent) => event.clientX;
  return (
    <>
      <apply-button seat-index="first"></apply-button>
      <apply-button onapply-request={onClick}></apply-button>
    </>
  );
}
`;

describe('examples/react with the packed kit', { timeout: 600_000 }, () => {
  const example = useExample('react', (app) =>
    must(
      process.execPath,
      [join(example.app, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'],
      app,
    ),
  );

  it('type-checks with tsc and the generated JSX IntrinsicElements', async () => {
    const { code, output } = await bin(example.app, 'typescript/bin/tsc', ['--noEmit', '-p', '.']);
    assert.equal(code, 0, output);
  });

  it('fails tsc on a wrong attribute type and a handler of the wrong event type', async () => {
    const wrong = join(example.app, 'src', 'WrongUsage.tsx');
    await writeFile(wrong, WRONG_USAGE);
    try {
      const { code, output } = await bin(example.app, 'typescript/bin/tsc', ['--noEmit', '-p', '.']);
      assert.notEqual(code, 0, 'tsc rejects the misuse');
      // One error per element: the wrong attribute value (line 5), the wrong handler (line 6).
      const file = 'src/WrongUsage.tsx';
      assert.match(
        errorAt(output, file, 5),
        /'seat-index'[^]*Type 'string' is not assignable to type 'number'/,
      );
      assert.match(
        errorAt(output, file, 6),
        /'onapply-request'[^]*'\(event: MouseEvent\) => number' is not assignable to type '\(event: ApplyRequestEvent\) => void'/,
      );
      assert.equal(diagnostics(output).length, 2, output);
    } finally {
      await rm(wrong);
    }
  });

  frameworkContract(() => example);
});
