import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const script = fileURLToPath(new URL('../../scripts/new-element.mjs', import.meta.url));
const run = promisify(execFile);

describe('npm run new-element', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'co-guest-kit-new-element-'));
    await mkdir(join(root, 'src'));
    await writeFile(join(root, 'src/index.ts'), "export * from './core/index.js';\n");
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('writes the four files, registers the class in the root module once, and prints the rest', async () => {
    const { stdout } = await run(process.execPath, [script, 'stage-clock', '--root', root]);
    for (const file of [
      'src/elements/stage-clock/stage-clock.ts',
      'src/elements/stage-clock/stage-clock.styles.ts',
      'test/browser/stage-clock.test.ts',
      'stories/stage-clock.stories.ts',
    ]) {
      assert.ok(existsSync(join(root, file)), file);
    }
    const index = await readFile(join(root, 'src/index.ts'), 'utf8');
    assert.equal(
      index.split("export { StageClock } from './elements/stage-clock/stage-clock.js';").length,
      2,
    );
    for (const step of ['src/i18n/locales/', 'events.ts', 'docs/elements.md', 'npm run manifest']) {
      assert.ok(stdout.includes(step), `prints the step naming ${step}`);
    }
    await assert.rejects(run(process.execPath, [script, 'stage-clock', '--root', root]), /exist already/);
    assert.equal(await readFile(join(root, 'src/index.ts'), 'utf8'), index, 'a refused run changes nothing');
  });

  it('refuses a name that is not a custom element name of the kit', async () => {
    await assert.rejects(
      run(process.execPath, [script, 'Stage', '--root', root]),
      /not a custom element name/,
    );
  });
});
