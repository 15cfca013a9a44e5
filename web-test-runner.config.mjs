// @ts-check
/**
 * Browser tests: `npm run test:browser` (elements, controllers, anything that needs a real DOM).
 *
 * - Chromium is the system one (Debian `chromium`), driven by Playwright through `executablePath`;
 *   Playwright never downloads a browser here (docs/decisions/0003).
 * - Every `console.warn` / `console.error` in the page FAILS the test file (STYLE.md: "a Lit
 *   dev-mode warning fails the test"). See `failOnConsoleProblems` below.
 * - The page runs Lit's development build (wds resolves the `development` export condition), so Lit's
 *   dev-mode checks are on; only Lit's one-time "Lit is in dev mode" banner is silenced.
 */
import { existsSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { storyTestsPlugin } from './scripts/story-tests.mjs';
import { serverPlugin } from './test/browser/plugins/server-plugin.mjs';
import { simplePeerPlugin } from './scripts/bundle-peer.mjs';

const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

if (!existsSync(executablePath)) {
  // Never pass silently: without a browser there is no browser test run.
  console.error(
    `\nweb-test-runner: no Chromium at ${executablePath}.\n` +
      '  Install it (Debian/Ubuntu): sudo apt-get install -y chromium\n' +
      '  or point CHROME_PATH at a Chromium/Chrome binary: CHROME_PATH=/path/to/chrome npm run test:browser\n',
  );
  process.exit(1);
}

/** Log types that fail the run. `log`/`debug` are allowed (but tests should not produce them either). */
const FAILING_LOG_TYPES = new Set(['warn', 'error']);

/**
 * `filterBrowserLogs` is called once per captured browser log with the session's result. A warn or
 * error marks the session failed and adds an error naming the message, so the test file shows up as
 * failed in the summary and the process exits non-zero. The log itself is still printed.
 *
 * @param {{ type: string; args: unknown[] }} log
 * @param {Partial<import('@web/test-runner').TestSession>} [session]
 */
function failOnConsoleProblems(log, session) {
  if (FAILING_LOG_TYPES.has(log.type) && session) {
    const text = log.args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
    session.passed = false;
    (session.errors ??= []).push({
      message: `console.${log.type} in the browser fails the test (STYLE.md "Tests"): ${text}`,
    });
  }
  return true;
}

/** Runs before any module of the page: globals that unbundled dependencies expect. */
const pageSetup = `
<script>
  // nanostores reads process.env.NODE_ENV; a bundler would replace it, the test page has none.
  globalThis.process = { env: { NODE_ENV: 'development' } };
  // Keep Lit's dev-mode checks, silence only its one-time "Lit is in dev mode" banner.
  globalThis.litIssuedWarnings = new Set(['dev-mode']);
</script>`;

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 2,
  rootDir: '.',
  testFramework: { config: { timeout: 5000 } },
  testsFinishTimeout: 120_000,
  filterBrowserLogs: failOnConsoleProblems,
  testRunnerHtml: (testFramework) => `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    ${pageSetup}
  </head>
  <body>
    <script type="module" src="${testFramework}"></script>
  </body>
</html>`,
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    // Story tests: the stories modules on disk, visual comparisons (docs/decisions/0009).
    storyTestsPlugin(),
    // simple-peer is CommonJS: the page gets the same bundle the build ships (scripts/bundle-peer.mjs).
    simplePeerPlugin(),
    // The real signaling server for tests that need one (`server:*` commands, test/browser/plugins).
    serverPlugin(),
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
          '--allow-loopback-in-peer-connection',
          '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream',
        ],
      },
      createBrowserContext: ({ browser }) => browser.newContext({ permissions: ['camera', 'microphone'] }),
    }),
  ],
};
