/**
 * The smoke size of the fuzz run (`scripts/fuzz.ts`; the full run is `npm run fuzz`, 100,000
 * messages): hostile input of every kind against a live server, while a live goes on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFuzz } from '../../scripts/fuzz.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_128);
const MESSAGES = 2_000;

describe('server fuzz (smoke size)', () => {
  it(`answers ${MESSAGES} hostile messages, stays up and leaves the live alone (seed ${SEED})`, async () => {
    const report = await runFuzz({ messages: MESSAGES, seed: SEED });
    assert.deepEqual(report.failures, [], `seed ${SEED}`);
    assert.equal(report.messages, MESSAGES);
    // Every kind of input was tried, and both answers and closes happened.
    for (const kind of [
      'randomText',
      'mutated',
      'wrongTypes',
      'valid',
      'oddUnicode',
      'deep',
      'huge',
      'binary',
      'badUtf8',
      'hello',
    ]) {
      assert.ok((report.kinds[kind] ?? 0) > 0, `${kind} inputs were sent`);
    }
    assert.ok(report.replies > 0 && report.errors > 0, 'replies and error messages');
    for (const code of ['1003', '1007', '1009', '4000']) {
      assert.ok((report.closes[code] ?? 0) > 0, `closes with ${code}`);
    }
  });
});
