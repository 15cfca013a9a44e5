/**
 * The process test/e2e/sfu.test.ts starts in a network namespace of its own
 * (`spawnInRoutedNetwork`, test/e2e/firefox-harness.ts: Janus gathers no ICE candidate on `lo`, so
 * it gathers on the namespace's veth address), and which refuses to run anywhere else: a real
 * Janus (Debian's, `startJanus`) and the real signaling server in SFU mode on 127.0.0.1, Chromium
 * with fake devices, and the Feature Demo's steps in SFU mode, then the SFU's own checks. It
 * reports on stdout, one JSON `ScenarioReport` a line (layout `sfu`).
 *
 * `node --import tsx test/e2e/sfu-scenario.ts`
 */
import { readFile } from 'node:fs/promises';
import { startJanus, type JanusProcess } from '../../scripts/janus-process.mjs';
import { FeatureDemo, featureDemoSteps } from './feature-demo-steps.js';
import { CrowdState, SFU_CHECKS_LAYOUT, sfuChecks, type SfuCheckContext } from './sfu-checks.js';
import {
  assertRoutedNetwork,
  CHROMIUM_ROUTED_ARGS,
  describeError,
  report,
  ROUTED_NETWORK,
  runReportedSteps,
} from './firefox-harness.js';
import {
  bundlePage,
  launchBrowser,
  loadFixturePage,
  newUserContext,
  ROOT,
  serveStatic,
  startServer,
} from './harness.js';

/** The layout name of this scenario's reports. */
export const SFU_LAYOUT = 'sfu';

/**
 * What each page's peer connections hold, for a failed step's report: states, media sections and
 * what `getStats` counts (frames and packets each way), so that a failure says where media stopped.
 */
async function mediaDiagnostics(demo: FeatureDemo): Promise<string> {
  const names = ['host', 'A', 'B'];
  const lines: string[] = [];
  for (const [index, user] of demo.everyone.entries()) {
    const dump = await user.page
      .evaluate(async () => {
        const found: string[] = [];
        for (const pc of window.__e2e.openPeers()) {
          const sections = pc
            .getTransceivers()
            .map(
              (t) =>
                `${t.mid}:${t.currentDirection}:${t.receiver.track.kind}${t.receiver.track.muted ? '(muted)' : ''}`,
            )
            .join(' ');
          const stats: string[] = [];
          (await pc.getStats()).forEach(
            (report: { type: string; kind?: string; rid?: string } & Record<string, number | undefined>) => {
              if (report.type !== 'inbound-rtp' && report.type !== 'outbound-rtp') return;
              const packets = report.packetsReceived ?? report.packetsSent ?? 0;
              const frames = report.framesDecoded ?? report.framesEncoded ?? 0;
              stats.push(
                `${report.type}/${report.kind ?? '?'}/${report.rid ?? '-'} packets=${packets} frames=${frames}`,
              );
            },
          );
          found.push(`  ${pc.connectionState} [${sections}] ${stats.join(', ')}`);
        }
        return found.join('\n');
      })
      .catch((error: unknown) => `  (no dump: ${String(error)})`);
    lines.push(`${names[index]}:\n${dump}`);
  }
  return lines.join('\n');
}

/** The SFU's own checks, on a second instance of Janus beside the first (both can hold the crowd's live). */
async function runChecks(
  chromium: SfuCheckContext['chromium'],
  demoFiles: SfuCheckContext['demoFiles'],
  first: JanusProcess,
): Promise<void> {
  const second = await startJanus({ iceInterface: ROUTED_NETWORK.device, ...first.secrets });
  const viewerHtml = await readFile(`${ROOT}test/e2e/fixtures/sfu-viewer.html`, 'utf8');
  const viewerBundle = await bundlePage({ entry: 'test/e2e/fixtures/sfu-viewer.ts', html: viewerHtml });
  const viewerFiles = await serveStatic(viewerBundle.dir);
  const server = await startServer({
    logger: { info: () => undefined, warn: (line) => process.stderr.write(`[server] ${line}\n`) },
    media: {
      mode: 'sfu',
      janus: [first.url, second.url],
      tokenSecret: first.secrets.tokenSecret,
      adminKey: first.secrets.adminKey,
    },
  });
  const context: SfuCheckContext = { chromium, server, demoFiles, viewerFiles, janus: [first, second] };
  const state = new CrowdState();
  try {
    await runReportedSteps(
      SFU_CHECKS_LAYOUT,
      sfuChecks().map((check) => ({ title: check.title, run: () => check.run(context, state) })),
      () => state.explain(),
    );
    const problems = { host: state.host?.problems ?? [], guest: state.guest?.problems ?? [] };
    report({ type: 'problems', layout: SFU_CHECKS_LAYOUT, problems });
  } finally {
    await state.close();
    await server.close();
    await viewerFiles.close();
    await viewerBundle.remove();
    await second.stop();
  }
}

async function main(): Promise<void> {
  assertRoutedNetwork();
  const html = await readFile(`${ROOT}test/e2e/fixtures/feature-demo.html`, 'utf8');
  let janus: JanusProcess | null = null;
  const [bundle, chromium] = await Promise.all([
    bundlePage({ entry: 'test/e2e/fixtures/feature-demo.ts', html }),
    launchBrowser(CHROMIUM_ROUTED_ARGS),
  ]);
  const files = await serveStatic(bundle.dir);
  try {
    janus = await startJanus({ iceInterface: ROUTED_NETWORK.device });
    const server = await startServer({
      logger: { info: () => undefined, warn: (line) => process.stderr.write(`[server] ${line}\n`) },
      media: {
        mode: 'sfu',
        janus: [janus.url],
        tokenSecret: janus.secrets.tokenSecret,
        adminKey: janus.secrets.adminKey,
      },
    });
    const demo = new FeatureDemo(async (user, query, options) =>
      loadFixturePage(await newUserContext(chromium, options), server, files, user, {
        live: SFU_LAYOUT,
        ...query,
      }),
    );
    try {
      await runReportedSteps(
        SFU_LAYOUT,
        featureDemoSteps({ mode: 'sfu' }).map((step) => ({ title: step.title, run: () => step.run(demo) })),
        () => mediaDiagnostics(demo),
      );
      report({ type: 'problems', layout: SFU_LAYOUT, problems: demo.problems() });
    } finally {
      await demo.close();
      await server.close();
    }
    await runChecks(chromium, files, janus);
  } finally {
    await chromium.close();
    await files.close();
    await bundle.remove();
    await janus?.stop();
  }
}

await main().catch((error: unknown) => {
  report({ type: 'fatal', error: describeError(error) });
  process.exitCode = 1;
});
