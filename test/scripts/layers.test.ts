import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The layer rule's messages for `code` written as the file `path` (which exists: typed linting). */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

describe('the layer rule of eslint.config.js', { timeout: 120_000 }, () => {
  it('fails an upward import: the room engine reaching for the server', async () => {
    const errors = await layerErrors(
      'src/engine/seats.ts',
      "import { createServer } from '../server/index.js';\nexport const made = createServer;\n",
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /engine is below these layers/);
  });

  it('fails an element importing the hub, and core importing an element or Node', async () => {
    assert.equal(
      (
        await layerErrors(
          'src/elements/apply-button/apply-button.ts',
          "export { createHub } from '../../hub/index.js';\n",
        )
      ).length,
      1,
    );
    const core = await layerErrors(
      'src/core/backoff.ts',
      "export * from '../elements/shared/events.js';\nexport { EventEmitter } from 'node:events';\n",
    );
    assert.equal(core.length, 2);
    assert.match(core[1] ?? '', /runs in browsers too/);
  });

  it('lets a layer import the ones below it', async () => {
    assert.deepEqual(
      await layerErrors(
        'src/media/devices.ts',
        "export { ErrorCode } from '../protocol/errors.js';\nexport type { Session } from '../core/session.js';\n",
      ),
      [],
    );
  });
});
