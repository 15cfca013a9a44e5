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
import type { ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { featureDemoSteps } from './feature-demo-steps.js';
import {
  assertFirefoxInstalled,
  LAYOUTS,
  reportKey,
  SCENARIO_STEP_MS,
  spawnInRoutedNetwork,
  type LayoutName,
  type ScenarioReport,
} from './firefox-harness.js';
import { ROOT } from './harness.js';

/** A test's bound: the scenario's own per-step bound, and a margin for it to say so. */
const STEP = { timeout: SCENARIO_STEP_MS + 30_000 };
/** How much of the scenario's stderr a failure quotes. */
const STDERR_LINES = 40;

/** The scenario's process, and its reports as they arrive. */
class Scenario {
  readonly #child: ChildProcessByStdio<null, Readable, Readable>;
  readonly #reports = new Map<string, ScenarioReport>();
  readonly #waiting = new Map<string, (report: ScenarioReport) => void>();
  readonly #stderr: string[] = [];
  readonly #exited: Promise<void>;
  #ended: string | null = null;

  constructor(layouts: readonly LayoutName[]) {
    this.#child = spawnInRoutedNetwork([
      process.execPath,
      '--import',
      'tsx',
      `${ROOT}test/e2e/firefox-scenario.ts`,
      ...layouts,
    ]);
    createInterface({ input: this.#child.stdout }).on('line', (line) => this.#receive(line));
    createInterface({ input: this.#child.stderr }).on('line', (line) => {
      this.#stderr.push(line);
      if (this.#stderr.length > STDERR_LINES) this.#stderr.shift();
    });
    this.#exited = new Promise((done) => {
      this.#child.on('exit', (code, signal) => {
        this.#ended = `the scenario ended (${signal ?? `exit ${String(code)}`})`;
        for (const resolve of this.#waiting.values()) resolve({ type: 'fatal', error: this.#ended });
        this.#waiting.clear();
        done();
      });
    });
  }

  /** The report with `key` (`reportKey`); a `fatal` report if the scenario failed or ended first. */
  async report(key: string): Promise<ScenarioReport> {
    const fatal = this.#reports.get('fatal');
    const found = this.#reports.get(key) ?? fatal;
    if (found !== undefined) return found;
    if (this.#ended !== null) return { type: 'fatal', error: this.#ended };
    return new Promise((resolve) => this.#waiting.set(key, resolve));
  }

  /** Throws with the scenario's error and the end of its stderr. */
  fail(error: string): never {
    throw new Error(`${error}\n--- the scenario's stderr (last lines) ---\n${this.#stderr.join('\n')}`);
  }

  /** Ends the scenario if it still runs (its process group: the browsers close with it). */
  async stop(): Promise<void> {
    if (this.#ended === null && this.#child.pid !== undefined) process.kill(-this.#child.pid, 'SIGTERM');
    await this.#exited;
  }

  #receive(line: string): void {
    let report: ScenarioReport;
    try {
      report = JSON.parse(line) as ScenarioReport;
    } catch {
      this.#stderr.push(`(stdout) ${line}`);
      return;
    }
    const key = reportKey(report);
    this.#reports.set(key, report);
    if (key === 'fatal') {
      for (const resolve of this.#waiting.values()) resolve(report);
      this.#waiting.clear();
    }
    this.#waiting.get(key)?.(report);
    this.#waiting.delete(key);
  }
}

describe('Firefox over WebDriver BiDi beside Chromium: the Feature Demo', () => {
  const layouts = Object.keys(LAYOUTS) as LayoutName[];
  /** The scenario, or why it could not start (every test fails with it). */
  let scenario: Scenario | Error = new Error('the scenario did not start');

  /** The report with `key`, once it arrives; fails the test with the scenario's error. */
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
      assertFirefoxInstalled();
      scenario = new Scenario(layouts);
    } catch (error) {
      scenario = error instanceof Error ? error : new Error(String(error));
    }
  });

  after(async () => {
    if (!(scenario instanceof Error)) await scenario.stop();
  });

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
