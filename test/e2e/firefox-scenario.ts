/**
 * The process test/e2e/firefox.test.ts starts in a network namespace of its own
 * (`spawnInRoutedNetwork`, test/e2e/firefox-harness.ts), and which refuses to run anywhere else:
 * the real signaling server and the fixture page on 127.0.0.1, Chromium (Playwright) and Firefox
 * (Puppeteer over WebDriver BiDi), and the Feature Demo's steps (test/e2e/feature-demo-steps.ts)
 * once per layout named on the command line (`LAYOUTS`: which browser the host uses, which the
 * guests use). It reports on stdout, one JSON `ScenarioReport` a line: each step's outcome, what
 * each page printed, and the packets sent through the namespace's route. Anything else it writes
 * goes to stderr.
 *
 * `node --import tsx test/e2e/firefox-scenario.ts firefox-guests firefox-host`
 */
import { readFile } from 'node:fs/promises';
import type { Browser as ChromiumBrowser } from 'playwright-core';
import type { Browser as FirefoxBrowser } from 'puppeteer-core';
import { FeatureDemo, featureDemoSteps, HOST } from './feature-demo-steps.js';
import {
  assertRoutedNetwork,
  CHROMIUM_ROUTED_ARGS,
  describeError,
  report,
  runReportedSteps,
  launchFirefox,
  LAYOUTS,
  newFirefoxUser,
  routedPackets,
  type LayoutName,
} from './firefox-harness.js';
import {
  bundlePage,
  launchBrowser,
  loadFixturePage,
  newUserContext,
  ROOT,
  serveStatic,
  startServer,
  type StaticServer,
} from './harness.js';

/** The Feature Demo once, with the host in one browser and A and B in the other. */
async function runLayout(
  name: LayoutName,
  browsers: { readonly chromium: ChromiumBrowser; readonly firefox: FirefoxBrowser },
  files: StaticServer,
): Promise<void> {
  const layout = LAYOUTS[name];
  // A server of its own: the users of the layout before are gone from it.
  const server = await startServer();
  const demo = new FeatureDemo(async (user, query, options) => {
    const page =
      (user.userId === HOST.userId ? layout.host : layout.guests) === 'firefox'
        ? await newFirefoxUser(browsers.firefox, options)
        : await newUserContext(browsers.chromium, options);
    return loadFixturePage(page, server, files, user, { live: name, ...query });
  });
  try {
    await runReportedSteps(
      name,
      featureDemoSteps().map((step) => ({ title: step.title, run: () => step.run(demo) })),
    );
    report({ type: 'problems', layout: name, problems: demo.problems() });
  } finally {
    await demo.close();
    await server.close();
  }
}

async function main(names: readonly LayoutName[]): Promise<void> {
  assertRoutedNetwork();
  const html = await readFile(`${ROOT}test/e2e/fixtures/feature-demo.html`, 'utf8');
  const [bundle, chromium, firefox] = await Promise.all([
    bundlePage({ entry: 'test/e2e/fixtures/feature-demo.ts', html }),
    launchBrowser(CHROMIUM_ROUTED_ARGS),
    launchFirefox(),
  ]);
  const files = await serveStatic(bundle.dir);
  try {
    for (const name of names) await runLayout(name, { chromium, firefox }, files);
  } finally {
    await Promise.all([chromium.close(), firefox.close()]);
    await files.close();
    await bundle.remove();
  }
  report({ type: 'network', packets: routedPackets() });
}

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in LAYOUTS));
if (names.length === 0 || unknown.length > 0) {
  report({
    type: 'fatal',
    error: `usage: firefox-scenario.ts <layout>… (${Object.keys(LAYOUTS).join(', ')}); unknown: ${unknown.join(', ')}`,
  });
  process.exitCode = 2;
} else {
  await main(names as LayoutName[]).catch((error: unknown) => {
    report({ type: 'fatal', error: describeError(error) });
    process.exitCode = 1;
  });
}
