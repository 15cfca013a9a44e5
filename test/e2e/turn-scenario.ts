/**
 * The process test/e2e/turn.test.ts starts in a network namespace of its own
 * (`spawnInRoutedNetwork`, test/e2e/firefox-harness.ts), and which refuses to run anywhere else:
 * coturn (test/e2e/turn-server.ts) on the namespace's veth address, then, in each media mode (the
 * mesh; the SFU on a real Janus), the real signaling server on 127.0.0.1 and three Chromium users
 * on test/e2e/fixtures/turn-live.ts whose sessions have that TURN server as their one ICE server
 * and `ice-transport-policy="relay"`: a host, a guest who applies with camera and microphone and
 * is accepted, and a viewer. It checks that the guest's video reaches the viewer and the host,
 * that every peer connection of every page runs on a relay candidate that coturn handed out, and
 * that coturn granted the allocations. It reports on stdout, one JSON `ScenarioReport` a line
 * (layouts `turn-mesh` and `turn-sfu`).
 *
 * `node --import tsx test/e2e/turn-scenario.ts`
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { startJanus, type JanusProcess } from '../../scripts/janus-process.mjs';
import type {} from './fixtures/turn-live.js';
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
  newUserContext,
  ROOT,
  serveStatic,
  startServer,
  tileCount,
  waitFor,
  waitForVideo,
  type StaticServer,
  type TestServer,
  type UserContext,
} from './harness.js';
import { startTurn, type TurnServer } from './turn-server.js';
import { GUEST, HOST, TURN_MODES, TURN_STEPS, turnLayout, VIEWER, type TurnMode } from './turn-steps.js';

/** What a page's open peer connection runs on: its policy, state and selected candidate pair. */
interface PairReport {
  readonly policy: string;
  readonly state: string;
  /** The selected pair's local candidate, or `null` while none is selected. */
  readonly local: { readonly type: string; readonly address: string; readonly port: number } | null;
  readonly remoteType: string | null;
}

/** Every open peer connection of the page, with the local and remote candidates of its selected pair. */
function selectedPairs(user: UserContext): Promise<PairReport[]> {
  return user.page.evaluate(async () => {
    type Stat = Record<string, unknown> & { type: string; id: string };
    const found: PairReport[] = [];
    for (const pc of window.__e2e.openPeers()) {
      const stats = new Map<string, Stat>();
      (await pc.getStats()).forEach((entry: Stat) => stats.set(entry.id, entry));
      const transport = [...stats.values()].find((entry) => entry.type === 'transport');
      const pairId = transport?.selectedCandidatePairId;
      const pair =
        typeof pairId === 'string'
          ? stats.get(pairId)
          : [...stats.values()].find(
              (entry) =>
                entry.type === 'candidate-pair' && entry.nominated === true && entry.state === 'succeeded',
            );
      const local = typeof pair?.localCandidateId === 'string' ? stats.get(pair.localCandidateId) : undefined;
      const remote =
        typeof pair?.remoteCandidateId === 'string' ? stats.get(pair.remoteCandidateId) : undefined;
      found.push({
        policy: pc.getConfiguration().iceTransportPolicy ?? 'all',
        state: pc.connectionState,
        local:
          local === undefined
            ? null
            : {
                type: String(local.candidateType),
                address: String(local.address ?? local.ip),
                port: Number(local.port),
              },
        remoteType: remote === undefined ? null : String(remote.candidateType),
      });
    }
    return found;
  });
}

/** One mode's run: its servers and its three users. */
class TurnRun {
  readonly mode: TurnMode;
  readonly #chromium: Browser;
  readonly #files: StaticServer;
  readonly #turn: TurnServer;
  #server: TestServer | null = null;
  #janus: JanusProcess | null = null;
  #users: { host: UserContext; guest: UserContext; viewer: UserContext } | null = null;
  /** coturn's allocations before this mode's pages opened. */
  #allocationsBefore = 0;
  /** How many peer connections the pages had open once the video flowed. */
  #connections = 0;

  constructor(mode: TurnMode, chromium: Browser, files: StaticServer, turn: TurnServer) {
    this.mode = mode;
    this.#chromium = chromium;
    this.#files = files;
    this.#turn = turn;
  }

  get everyone(): readonly UserContext[] {
    const users = this.#users;
    return users === null ? [] : [users.host, users.guest, users.viewer];
  }

  async start(): Promise<void> {
    const logger = {
      info: () => undefined,
      warn: (line: string) => process.stderr.write(`[server] ${line}\n`),
    };
    if (this.mode === 'sfu') {
      this.#janus = await startJanus({ iceInterface: ROUTED_NETWORK.device });
      this.#server = await startServer({
        logger,
        media: {
          mode: 'sfu',
          janus: [this.#janus.url],
          tokenSecret: this.#janus.secrets.tokenSecret,
          adminKey: this.#janus.secrets.adminKey,
        },
      });
    } else {
      this.#server = await startServer({ logger });
    }
  }

  /** Step 1. */
  async open(): Promise<void> {
    this.#allocationsBefore = this.#turn.allocations();
    const host = await this.#open(HOST, 'host');
    const [guest, viewer] = await Promise.all([
      this.#open(GUEST, 'audience'),
      this.#open(VIEWER, 'audience'),
    ]);
    this.#users = { host, guest, viewer };
    await guest.click('button', 'Request to join');
    await host.click('button', /^Accept .*Gus/);
    for (const user of this.everyone) {
      await waitFor(
        async () => (await tileCount(user.page, GUEST.userId)) === 1,
        `the guest's tile (${this.mode})`,
      );
    }
  }

  /** Step 2. */
  async video(): Promise<void> {
    const { host, viewer } = this.#opened();
    const [atViewer, atHost] = await Promise.all([
      waitForVideo(viewer.page, GUEST.userId),
      waitForVideo(host.page, GUEST.userId),
    ]);
    assert.ok(atViewer.width > 0 && atViewer.advancing, "the guest's video at the viewer");
    assert.ok(atHost.width > 0 && atHost.advancing, "the guest's video at the host");
  }

  /** Step 3. */
  async relayed(): Promise<void> {
    const names = ['host', 'guest', 'viewer'];
    const turn = this.#turn;
    let connections = 0;
    for (const [index, user] of this.everyone.entries()) {
      const pairs = await waitFor(async () => {
        const found = await selectedPairs(user);
        return found.length > 0 && found.every((pair) => pair.state === 'connected' && pair.local !== null)
          ? found
          : null;
      }, `every peer connection of the ${names[index]} connected with a selected pair (${this.mode})`);
      for (const pair of pairs) {
        const where = `${names[index]} (${this.mode}): ${JSON.stringify(pair)}`;
        assert.equal(pair.policy, 'relay', `the relay policy: ${where}`);
        assert.equal(pair.local?.type, 'relay', `a relay candidate: ${where}`);
        assert.equal(pair.local.address, turn.address, `a relay address of coturn: ${where}`);
        assert.ok(
          pair.local.port >= turn.minPort &&
            pair.local.port <= turn.maxPort &&
            turn.relayPorts().has(pair.local.port),
          `a relay port coturn handed out (${[...turn.relayPorts()].join(', ')}): ${where}`,
        );
      }
      connections += pairs.length;
    }
    // The guest publishes to the host and the viewer (mesh), or to Janus (SFU); both watch it.
    assert.ok(connections >= 3, `at least 3 peer connections (${connections})`);
    this.#connections = connections;
  }

  /** Step 4. */
  allocated(): void {
    const granted = this.#turn.allocations() - this.#allocationsBefore;
    assert.ok(
      granted >= this.#connections,
      `coturn granted ${granted} allocations for ${this.#connections} peer connections\n${this.#turn.log()}`,
    );
  }

  problems(): Record<string, readonly string[]> {
    const names = ['host', 'guest', 'viewer'];
    return Object.fromEntries(this.everyone.map((user, index) => [names[index] ?? '?', user.problems]));
  }

  async close(): Promise<void> {
    await Promise.all(this.everyone.map((user) => user.close()));
    await this.#server?.close();
    await this.#janus?.stop();
  }

  async #open(user: { userId: string; userName: string }, role: 'host' | 'audience'): Promise<UserContext> {
    const server = this.#server;
    if (server === null) throw new Error('the run has not started');
    const { urls, username, credential } = this.#turn.iceServer(user.userId);
    const params = new URLSearchParams({
      server: server.url,
      token: await server.token(user.userId, { userName: user.userName }),
      live: turnLayout(this.mode),
      role,
      turn: urls,
      username,
      credential,
      policy: 'relay',
    });
    const page = await newUserContext(this.#chromium);
    await page.goto(`${this.#files.url}?${params.toString()}`);
    await page.page.evaluate(() => window.turnFixture.ready);
    return page;
  }

  #opened(): { host: UserContext; guest: UserContext; viewer: UserContext } {
    if (this.#users === null) throw new Error('the pages are not open (step 1)');
    return this.#users;
  }
}

/** One mode: its steps in order, each reported; then what its pages printed. */
async function runMode(run: TurnRun): Promise<void> {
  const layout = turnLayout(run.mode);
  const actions: readonly (() => Promise<void> | void)[] = [
    () => run.open(),
    () => run.video(),
    () => run.relayed(),
    () => run.allocated(),
  ];
  const steps = actions.map((action, index) => ({
    title: TURN_STEPS[index] ?? `step ${index + 1}`,
    run: action,
  }));
  try {
    await run.start();
    await runReportedSteps(layout, steps);
    report({ type: 'problems', layout, problems: run.problems() });
  } catch (error) {
    // The mode's servers did not start: every step says why.
    for (const index of steps.keys()) report({ type: 'step', layout, index, error: describeError(error) });
    report({ type: 'problems', layout, problems: {} });
  } finally {
    await run.close();
  }
}

async function main(): Promise<void> {
  assertRoutedNetwork();
  const html = await readFile(`${ROOT}test/e2e/fixtures/turn-live.html`, 'utf8');
  const turn = await startTurn({ address: ROUTED_NETWORK.address });
  try {
    const [bundle, chromium] = await Promise.all([
      bundlePage({ entry: 'test/e2e/fixtures/turn-live.ts', html }),
      launchBrowser(CHROMIUM_ROUTED_ARGS),
    ]);
    const files = await serveStatic(bundle.dir);
    try {
      for (const mode of TURN_MODES) await runMode(new TurnRun(mode, chromium, files, turn));
    } finally {
      await chromium.close();
      await files.close();
      await bundle.remove();
    }
  } finally {
    await turn.stop();
  }
}

await main().catch((error: unknown) => {
  report({ type: 'fatal', error: describeError(error) });
  process.exitCode = 1;
});
