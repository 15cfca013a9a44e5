/**
 * Firefox beside Chromium (issue "ecosystem", point 4): the Feature Demo's steps
 * (test/e2e/feature-demo-steps.ts) with a Chromium host and Firefox guests, then with a Firefox
 * host and Chromium guests; Firefox is Debian's `firefox-esr` (`FIREFOX_PATH`) driven over
 * WebDriver BiDi by puppeteer-core (docs/decisions/0033-firefox-over-webdriver-bidi.md).
 *
 * Firefox gathers no ICE candidate without a default route, so the scenario runs in a network
 * namespace this test makes (`spawnInRoutedNetwork`: `lo`, and a veth pair with a private address
 * and the default route, nothing beyond it), as the process test/e2e/firefox-scenario.ts; each test
 * here waits for that process's report of one step. A machine where no namespace can be made, or
 * without Firefox, fails every test, saying why.
 *
 * Run: `node scripts/loopback-only.mjs node --import tsx --test --test-reporter=spec test/e2e/firefox.test.ts`
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { featureDemoSteps } from './feature-demo-steps.js';
import {
  assertFirefoxInstalled,
  LAYOUTS,
  followScenario,
  SCENARIO_STEP_MS,
  type LayoutName,
} from './firefox-harness.js';

/** A test's bound: the scenario's own per-step bound, and a margin for it to say so. */
const STEP = { timeout: SCENARIO_STEP_MS + 30_000 };

describe('Firefox over WebDriver BiDi beside Chromium: the Feature Demo', () => {
  const layouts = Object.keys(LAYOUTS) as LayoutName[];
  /** The report with `key`, once it arrives; fails the test with the scenario's error. */
  const expectReport = followScenario('test/e2e/firefox-scenario.ts', layouts, assertFirefoxInstalled);

  for (const layout of layouts) {
    describe(LAYOUTS[layout].title, () => {
      for (const [index, step] of featureDemoSteps().entries()) {
        it(step.title, STEP, async () => {
          const report = await expectReport(`step ${layout} ${index}`, 'step');
          if (report.error !== undefined) assert.fail(report.error);
        });
      }

      it('prints no error or warning in either browser', STEP, async () => {
        const { problems } = await expectReport(`problems ${layout}`, 'problems');
        const printed = Object.entries(problems).filter(([, lines]) => lines.length > 0);
        assert.deepEqual(printed, []);
      });
    });
  }

  it(
    "sends nothing through the namespace's route: every packet stays on the machine's own addresses",
    STEP,
    async () => {
      const { packets } = await expectReport('network', 'network');
      assert.equal(
        packets,
        0,
        `${packets} packets went to the route (an update check, a DNS lookup, an mDNS name?)`,
      );
    },
  );
});
