/**
 * The seed's Feature Demo with real media (issue 4, "End-to-end proof"): three browser contexts
 * (the host, audience A and audience B) on the fixture page test/e2e/fixtures/feature-demo.ts (the
 * kit's real elements inside `<live-session>`), against the real signaling server, with Chromium's
 * fake camera and microphone and real WebRTC on loopback. The steps are test/e2e/feature-demo-steps.ts
 * (test/e2e/firefox.test.ts runs them with Firefox beside Chromium); each is one test, in order; a
 * step that fails leaves the next ones failing too.
 *
 * Run (a loopback-only network namespace; nothing leaves the machine):
 * `unshare -n bash -c 'ip link set lo up && node --import tsx --test --test-reporter=spec test/e2e/feature-demo.test.ts'`
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { FeatureDemo, featureDemoSteps } from './feature-demo-steps.js';
import {
  assertLoopbackOnly,
  bundlePage,
  launchBrowser,
  openFixturePage,
  ROOT,
  serveStatic,
  startServer,
  type BundledPage,
  type StaticServer,
  type TestServer,
} from './harness.js';

const LIVE_ID = 'feature-demo';

/** The bound for A's tile to show the background layer: "within 2 s". */
const CAMERA_OFF_MS = 2_000;
/** The bound of each step: the machine is shared, and a stuck step must not hold the others. */
const STEP = { timeout: 120_000 };

describe(
  'the Feature Demo with real media: host, A and B against the real server',
  { timeout: 300_000 },
  () => {
    let server: TestServer;
    let bundle: BundledPage;
    let files: StaticServer;
    let browser: Browser;
    const demo = new FeatureDemo((user, query, options) =>
      openFixturePage(browser, server, files, user, { live: LIVE_ID, ...query }, options),
    );

    before(async () => {
      assertLoopbackOnly();
      const html = await readFile(`${ROOT}test/e2e/fixtures/feature-demo.html`, 'utf8');
      [server, bundle, browser] = await Promise.all([
        startServer(),
        bundlePage({ entry: 'test/e2e/fixtures/feature-demo.ts', html }),
        launchBrowser(),
      ]);
      files = await serveStatic(bundle.dir);
    });

    after(async () => {
      await browser?.close();
      await files?.close();
      await bundle?.remove();
      await server?.close();
    });

    for (const step of featureDemoSteps({ cameraOffMs: CAMERA_OFF_MS })) {
      it(step.title, STEP, () => step.run(demo));
    }

    it('prints no error or warning in any context', () => {
      const printed = Object.entries(demo.problems()).filter(([, problems]) => problems.length > 0);
      assert.deepEqual(printed, []);
    });
  },
);
