/**
 * The SFU mode on a real Janus (issue "media for a real audience"): the Feature Demo's steps
 * (test/e2e/feature-demo-steps.ts) with media through Janus VideoRoom, which the kit server owns.
 * Janus gathers no ICE candidate on `lo`, so the scenario runs in a network namespace this test
 * makes (`spawnInRoutedNetwork`: `lo`, and a veth pair with a private address, nothing beyond it),
 * as the process test/e2e/sfu-scenario.ts; each test here waits for that process's report of one
 * step. A machine where no namespace can be made, or without Janus, fails every test, saying why.
 *
 * Run: `node scripts/loopback-only.mjs node --import tsx --test --test-reporter=spec test/e2e/sfu.test.ts`
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { featureDemoSteps } from './feature-demo-steps.js';
import { followScenario, SCENARIO_STEP_MS } from './firefox-harness.js';
import { SFU_CHECKS_LAYOUT, sfuChecks } from './sfu-checks.js';

/** A test's bound: the scenario's own per-step bound, and a margin for it to say so. */
const STEP = { timeout: SCENARIO_STEP_MS + 30_000 };
const LAYOUT = 'sfu';

describe('SFU mode on Janus VideoRoom: the Feature Demo', () => {
  const expectReport = followScenario('test/e2e/sfu-scenario.ts', []);

  for (const [index, step] of featureDemoSteps({ mode: 'sfu' }).entries()) {
    it(step.title, STEP, async () => {
      const report = await expectReport(`step ${LAYOUT} ${index}`, 'step');
      if (report.error !== undefined) assert.fail(report.error);
    });
  }

  it('prints no error or warning in any page', STEP, async () => {
    const { problems } = await expectReport(`problems ${LAYOUT}`, 'problems');
    const printed = Object.entries(problems).filter(([, lines]) => lines.length > 0);
    assert.deepEqual(printed, []);
  });

  describe('a crowd, a media server that dies, a kick', () => {
    for (const [index, check] of sfuChecks().entries()) {
      it(check.title, STEP, async () => {
        const report = await expectReport(`step ${SFU_CHECKS_LAYOUT} ${index}`, 'step');
        if (report.error !== undefined) assert.fail(report.error);
      });
    }

    it("prints no error or warning in the host's or the guest's page", STEP, async () => {
      const { problems } = await expectReport(`problems ${SFU_CHECKS_LAYOUT}`, 'problems');
      const printed = Object.entries(problems).filter(([, lines]) => lines.length > 0);
      assert.deepEqual(printed, []);
    });
  });
});
