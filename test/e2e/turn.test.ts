/**
 * ICE through TURN in both media modes (issue 14): coturn (Debian's) on the address of a network
 * namespace this test makes (`spawnInRoutedNetwork`: `lo`, and a veth pair with a private address,
 * nothing beyond it), and users whose `<live-session>` has it as their one ICE server with
 * `ice-transport-policy="relay"`: in the mesh and in the SFU mode on a real Janus, a guest's video
 * reaches a viewer and the host, every peer connection runs on a relay candidate coturn handed out,
 * and coturn granted the allocations, so a run that bypassed TURN fails. The scenario is the process
 * test/e2e/turn-scenario.ts; each test here waits for its report of one step. A machine where no
 * namespace can be made, or without coturn or Janus, fails every test, saying why.
 *
 * Run: `node scripts/loopback-only.mjs node --import tsx --test --test-reporter=spec test/e2e/turn.test.ts`
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { followScenario, SCENARIO_STEP_MS } from './firefox-harness.js';
import { TURN_MODES, TURN_STEPS, turnLayout } from './turn-steps.js';

/** A test's bound: the scenario's own per-step bound, and a margin for it to say so. */
const STEP = { timeout: SCENARIO_STEP_MS + 30_000 };

describe('ICE through TURN (coturn), relay policy', () => {
  const expectReport = followScenario('test/e2e/turn-scenario.ts', []);

  for (const mode of TURN_MODES) {
    const layout = turnLayout(mode);
    describe(mode === 'mesh' ? 'mesh mode' : 'SFU mode on Janus VideoRoom', () => {
      for (const [index, title] of TURN_STEPS.entries()) {
        it(`${index + 1}. ${title}`, STEP, async () => {
          const report = await expectReport(`step ${layout} ${index}`, 'step');
          if (report.error !== undefined) assert.fail(report.error);
        });
      }

      it('prints no error or warning in any page', STEP, async () => {
        const { problems } = await expectReport(`problems ${layout}`, 'problems');
        const printed = Object.entries(problems).filter(([, lines]) => lines.length > 0);
        assert.deepEqual(printed, []);
      });
    });
  }
});
