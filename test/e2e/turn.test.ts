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
import { after, before, describe, it } from 'node:test';
import { Scenario, SCENARIO_STEP_MS, type ScenarioReport } from './firefox-harness.js';
import { TURN_MODES, TURN_STEPS, turnLayout } from './turn-steps.js';

/** A test's bound: the scenario's own per-step bound, and a margin for it to say so. */
const STEP = { timeout: SCENARIO_STEP_MS + 30_000 };

describe('ICE through TURN (coturn), relay policy', () => {
  let scenario: Scenario | Error = new Error('the scenario did not start');

  const expectReport = async <T extends ScenarioReport['type']>(
    key: string,
    type: T,
  ): Promise<Extract<ScenarioReport, { type: T }>> => {
    if (scenario instanceof Error) throw scenario;
    const report = await scenario.report(key);
    if (report.type === 'fatal') scenario.fail(report.error);
    if (report.type !== type) throw new Error(`expected a ${type} report for ${key}, got ${report.type}`);
    return report as Extract<ScenarioReport, { type: T }>;
  };

  before(() => {
    try {
      scenario = new Scenario('test/e2e/turn-scenario.ts', []);
    } catch (error) {
      scenario = error instanceof Error ? error : new Error(String(error));
    }
  });

  after(async () => {
    if (!(scenario instanceof Error)) await scenario.stop();
  });

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
