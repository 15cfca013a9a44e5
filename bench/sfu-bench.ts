/**
 * B9, mesh and SFU side by side (issue 14, "Benchmark B9"): one guest publishing, N viewers, the
 * same pages against a mesh server (`createServer()`) and against an SFU server on a real Janus
 * (`media: { mode: 'sfu' }`, Debian's `janus` started by `startJanus`), in one run.
 *
 * - **The guest** is the end-to-end Feature Demo page (test/e2e/fixtures/feature-demo.ts) in its
 *   own Chromium with the fake camera and microphone: it applies, the host accepts. The host is
 *   the kit's headless client in Node (it creates the live off-seat and accepts): it watches no
 *   media, so every stream the guest sends goes to a viewer.
 * - **The viewers** are the lightweight viewer page of the SFU checks
 *   (test/e2e/fixtures/sfu-viewer.ts: the session and `LiveMedia` only, no element, the low layer
 *   asked for; it counts the watched guest's `inbound-rtp` packets and frames), `PAGES_PER_CONTEXT`
 *   pages per browser context, all in one second Chromium whose pages share `RENDERERS` renderer
 *   processes. The fixture reads its stats every 50 ms; in the crowd that timer is stretched to
 *   `CROWD_SAMPLE_MS` (`slowSampling`): only whether a viewer receives is read from it, and 20
 *   `getStats` a second per page would be most of the machine's work at a few hundred pages. The
 *   frames are counted by the bench's own `getStats`, at the ends of each window.
 * - **Upload**: the guest's `bytesSent` summed over every `outbound-rtp` of all its peer
 *   connections (audio and video, every simulcast layer), over a window, at N = 1 and at N =
 *   `crowd`. In mesh mode only `maxViewersPerPublisher` (8) viewers receive; how many did is
 *   reported.
 * - **Frames**: over the same window, each receiving viewer's frame rate (`framesReceived`)
 *   divided by the rate the guest sent of what that viewer receives: SFU, `framesSent` of the low
 *   layer (rid `l`, or the lowest layer that sends: Chromium sends only `h` and `m` of a 640×480
 *   camera); mesh, the fastest of the guest's video connections (one encoder each). Every rate is
 *   taken on its page's own stats clock (the reports' `timestamp`), so a page that answers late
 *   does not skew it. The minimum and the median over the viewers.
 * - **Join → first frame**: a viewer page opens while the live runs; an init script notes when its
 *   session sends `live.join`, then reads `getStats` every 10 ms until a video `inbound-rtp` has
 *   `framesReceived > 0`. Both times on the page's own clock. One warm-up, then `joins` samples;
 *   each joiner leaves the live (`live.leave`) before its page closes (a closed page would keep its
 *   place for the reconnect grace, and in mesh mode one of the guest's viewer places).
 * - **Janus CPU per viewer**: `utime + stime` of `/proc/<janus pid>/stat` over the window with N
 *   viewers, as a percentage of one core, divided by N.
 * - **The largest N**: SFU only, with **packet viewers** instead of pages (bench/packet-viewer.ts:
 *   the kit's headless client and a werift connection in Node, which subscribe as the page does,
 *   ask for the low layer and count the watched guest's RTP packets, marker-bit frames and bytes
 *   without decoding; `PACKET_PROCESSES` processes, one per core, the viewers spread over them;
 *   ICE on the veth address only). The viewer pages leave the live and close first. The packet
 *   crowd grows through `packetSteps` (50, 100, 150, … in the full run), a window at each size; a
 *   size holds when every viewer counts frames within `receiveMs`, none counts under
 *   `FRAMES_RULE` of the frames the guest sent of the low layer (the lowest that sends, as
 *   above), and the guest still sends `GUEST_RATE_RULE` of its frame rate at N = 1. The first size
 *   that fails, or that cannot be opened in its time, ends the growth, as does the run's time
 *   bound; the largest size that held, Janus's and the viewers' processes' CPU per viewer there,
 *   and what stopped the next: a viewers' process or Janus at `SATURATED_PCT` of a core, else the
 *   guest (its frame rate), else the machine's two cores (`/proc/stat`), with the figures.
 *
 * Janus gathers no ICE candidate on `lo`, so everything runs in the network namespace of the SFU
 * end-to-end test (`spawnInRoutedNetwork`, test/e2e/firefox-harness.ts: `lo` and a veth pair with
 * 10.99.0.1, nothing beyond it): `b9()` starts this file there as a process of its own and reads
 * its JSON lines (`{ type: 'log' }`, then one `{ type: 'result' }`). The servers bind 127.0.0.1;
 * media flows between 10.99.0.1 and itself (the packet viewers' processes, children of that
 * process, bind and gather on 10.99.0.1 only).
 *
 * `node --import tsx bench/run.ts --only B9 [--smoke]`
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { WebSocket as NodeWebSocket } from 'ws';
import { startJanus, type JanusProcess } from '../scripts/janus-process.mjs';
import { createSession, type Session } from '../src/core/index.js';
import { DEFAULT_ROOM_LIMITS } from '../src/engine/index.js';
import type { Received } from '../test/e2e/fixtures/sfu-viewer.js';
import type {} from '../test/e2e/fixtures/feature-demo.js';
import {
  assertRoutedNetwork,
  CHROMIUM_ROUTED_ARGS,
  ROUTED_NETWORK,
  spawnInRoutedNetwork,
} from '../test/e2e/firefox-harness.js';
import {
  bundlePage,
  launchBrowser,
  loadFixturePage,
  NAME_HELPER,
  newUserContext,
  ROOT,
  serveStatic,
  startServer,
  waitFor,
  type BundledPage,
  type StaticServer,
  type TestServer,
  type UserContext,
} from '../test/e2e/harness.js';
import { median, percentile, type BenchContext, type BenchResult } from './lib.js';
import { PacketCrowd, type CrowdCounts } from './packet-viewer.js';

/** What one run measures, and how long it may take. */
export interface B9Sizes {
  /** N of the upload and frames comparison (the issue's 50). */
  readonly crowd: number;
  /** Joins timed per mode (after one warm-up). */
  readonly joins: number;
  /** The sizes the SFU crowd of viewer pages grows through before `crowd`. */
  readonly below: readonly number[];
  /**
   * The sizes the crowd of packet viewers (bench/packet-viewer.ts) grows through for the largest
   * N, until one fails or the run's time comes.
   */
  readonly packetSteps: readonly number[];
  /** How long the guest's upload settles before a window (bandwidth estimation ramps up). */
  readonly settleMs: number;
  /** The measuring window. */
  readonly windowMs: number;
  /** How long new viewers have to all receive the guest. */
  readonly receiveMs: number;
  /**
   * Bound of the whole run: the crowd stops growing `CLOSING_MS` before it, and the process is
   * ended past it.
   */
  readonly totalMs: number;
}

export const B9_FULL: B9Sizes = {
  crowd: 50,
  joins: 10,
  below: [10, 25],
  packetSteps: Array.from({ length: 20 }, (_, index) => 50 * (index + 1)),
  settleMs: 6_000,
  windowMs: 6_000,
  receiveMs: 90_000,
  totalMs: 16 * 60_000,
};

export const B9_SMOKE: B9Sizes = {
  crowd: 3,
  joins: 2,
  below: [2],
  packetSteps: [2, 4],
  settleMs: 2_500,
  windowMs: 1_500,
  receiveMs: 30_000,
  totalMs: 2 * 60_000,
};

/** The share of the frames sent every viewer must receive (the issue's 90 %). */
export const FRAMES_RULE = 0.9;
/**
 * The share of its frame rate at N = 1 the guest must keep for a size to hold. Lower than the
 * viewers' rule: the guest shares the machine's two cores with the crowd and with whatever else
 * runs, and loses a few frames a second to that long before the crowd stops being carried (at 100
 * viewers in one run: 7.6 of 20).
 */
export const GUEST_RATE_RULE = 0.5;
/** What the run keeps of its time bound to measure its last window, close and report. */
const CLOSING_MS = 60_000;
/** The issue's targets: upload ratio, join median (ms), the largest N. */
const UPLOAD_RATIO_TARGET = 1.2;
const JOIN_TARGET_MS = 1_000;
const LARGEST_TARGET = 200;
/** Viewer pages per browser context. */
const PAGES_PER_CONTEXT = 50;
/** The viewer browser's renderer processes, at most (pages of one context share them). */
const RENDERERS = 4;
/** How often the crowd's viewer pages read their stats (the fixture's 50 ms, stretched). */
const CROWD_SAMPLE_MS = 1_000;
/** Viewer pages opened at once (the server takes 32 pending handshakes per address). */
const OPEN_BATCH = 5;
/** The processes the packet viewers are spread over: one per core. */
const PACKET_PROCESSES = Math.max(1, availableParallelism());
/** How long packet viewers have to be added, at most, per 50 of them. */
const PACKET_OPEN_MS_PER_50 = 60_000;
/** A process at this share of one core or more is what stopped a size (Janus's, a viewers' process). */
const SATURATED_PCT = 90;
/**
 * The servers' `handshakeTimeoutMs`: a viewer page loading beside a hundred others on two cores
 * may take longer than the default 5 s to send its `hello`; a page of its own would not.
 */
const HANDSHAKE_TIMEOUT_MS = 30_000;

const HOST = { userId: 'b9-host', userName: 'Hana' } as const;
const GUEST = { userId: 'b9-guest', userName: 'Gus' } as const;

type Mode = 'mesh' | 'sfu';
type Log = (line: string) => void;

/** One line of the process's stdout. */
type Line =
  { readonly type: 'log'; readonly line: string } | { readonly type: 'result'; readonly result: BenchResult };

// ---------------------------------------------------------------------------------------------
// The guest and the host

/** A counter and when its stats report was made (ms, the stats' own clock). */
interface Count {
  readonly value: number;
  readonly at: number;
}

/** One video encoding of the guest: `framesSent` of its `outbound-rtp`. */
interface Encoding extends Count {
  /** The report's id (one per stream and connection). */
  readonly id: string;
  /** `''` without simulcast. */
  readonly rid: string;
  /** `WxH`, and why the encoder holds back, for the log. */
  readonly note: string;
}

/** What the guest's connections have sent so far. */
interface Sent {
  /** `bytesSent` over every `outbound-rtp`. */
  readonly bytes: Count;
  readonly video: readonly Encoding[];
}

/** Per second, from two counts on their own clock. */
function rate(from: Count | undefined, to: Count): number {
  return from === undefined || to.at <= from.at ? 0 : ((to.value - from.value) * 1000) / (to.at - from.at);
}

function sent(guest: UserContext): Promise<Sent> {
  return guest.page.evaluate(async () => {
    const bytes = { value: 0, at: 0 };
    const video: Encoding[] = [];
    for (const peer of window.__e2e.openPeers()) {
      (await peer.getStats()).forEach((report: { type: string } & Record<string, unknown>) => {
        if (report.type !== 'outbound-rtp') return;
        bytes.value += Number(report.bytesSent ?? 0);
        bytes.at = Math.max(bytes.at, Number(report.timestamp));
        if (report.kind !== 'video') return;
        const limit =
          typeof report.qualityLimitationReason === 'string' ? report.qualityLimitationReason : '';
        video.push({
          id: String(report.id),
          rid: typeof report.rid === 'string' ? report.rid : '',
          value: Number(report.framesSent ?? 0),
          at: Number(report.timestamp),
          note: `${Number(report.frameWidth ?? 0)}x${Number(report.frameHeight ?? 0)}${limit === 'none' || limit === '' ? '' : `, ${limit}`}`,
        });
      });
    }
    return { bytes, video };
  });
}

/** The guest's video encodings between two samples: frames per second of each. */
function encodingRates(from: Sent, to: Sent): { rid: string; fps: number; note: string }[] {
  return to.video.map((entry) => ({
    rid: entry.rid,
    fps: rate(
      from.video.find((before) => before.id === entry.id),
      entry,
    ),
    note: entry.note,
  }));
}

/** The frame rate the guest sent of what a viewer receives in `mode`. */
function sentFps(mode: Mode, rates: readonly { rid: string; fps: number }[]): number {
  // SFU: the viewers ask for the low layer; Janus relays the lowest one sent when that one is not
  // (Chromium's simulcast table sends two layers of a 640×480 camera: `l` stays empty).
  const lowest = ['l', 'm', 'h']
    .map((rid) => rates.find((entry) => entry.rid === rid))
    .find((entry) => entry !== undefined && entry.fps > 0);
  if (mode === 'sfu' && lowest !== undefined) return lowest.fps;
  // Mesh: one encoder per connection, not told apart by rid; the largest is the stricter divisor.
  return Math.max(0, ...rates.map((entry) => entry.fps));
}

/** The host: the kit's headless client in Node, owner of the live, off-seat, watching no media. */
async function openHost(server: TestServer, liveId: string): Promise<Session> {
  const session = createSession({ WebSocket: NodeWebSocket, reconnect: false });
  const login = await session.loginStore.login({
    serverUrl: server.url,
    token: await server.token(HOST.userId, { userName: HOST.userName }),
  });
  if (!login.isSuccess) throw new Error(`host login: ${login.errorCode} ${login.errorMessage}`);
  const created = await session.liveListStore.createLive({ liveId, keepOwnerOnSeat: false });
  if (!created.isSuccess) throw new Error(`createLive: ${created.errorCode} ${created.errorMessage}`);
  return session;
}

/** The guest applies in its page, the host accepts; resolves once the guest holds a seat. */
async function seatGuest(host: Session, guest: UserContext, liveId: string): Promise<void> {
  await guest.click('button', 'Request to join');
  const { applicants } = host.coGuestStore(liveId).coGuestState;
  await waitFor(() => applicants.get().some((a) => a.userId === GUEST.userId), 'the guest applying');
  const accepted = await host.coGuestStore(liveId).acceptApplication(GUEST.userId);
  if (!accepted.isSuccess) throw new Error(`accept: ${accepted.errorCode} ${accepted.errorMessage}`);
}

// ---------------------------------------------------------------------------------------------
// Viewers

interface Viewer {
  readonly page: Page;
  /** What the fixture counted of the guest's video (`frames > 0`: it receives). */
  received(): Promise<Received>;
  /** `framesReceived` of the page's video `inbound-rtp`, on the stats' clock. */
  frames(): Promise<Count>;
}

declare global {
  interface Window {
    __b9peers?: RTCPeerConnection[];
    /** Sends `live.leave` on the socket that joined (the crowd's pages). */
    __b9leave?: (liveId: string) => void;
  }
}

/** Init script of the viewer pages: keeps the page's peer connections for `viewerFrames`. */
function keepPeers(): void {
  const peers: RTCPeerConnection[] = [];
  window.__b9peers = peers;
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      peers.push(this);
    }
  };
}

/** The frames a viewer page received (it watches one publisher: every video `inbound-rtp` is its). */
function viewerFrames(page: Page): Promise<Count> {
  return page.evaluate(async () => {
    const count = { value: 0, at: 0 };
    for (const peer of window.__b9peers ?? []) {
      if (peer.signalingState === 'closed') continue;
      (await peer.getStats()).forEach((report: { type: string } & Record<string, unknown>) => {
        if (report.type !== 'inbound-rtp' || report.kind !== 'video') return;
        count.value += Number(report.framesReceived ?? 0);
        count.at = Math.max(count.at, Number(report.timestamp));
      });
    }
    return count;
  });
}

/**
 * Init script of the crowd's pages: keeps the socket that sends `live.join`, for `__b9leave`: the
 * crowd leaves the live before the packet viewers come (a closed page would keep its place, and
 * its subscription at Janus, for the reconnect grace).
 */
function leaveHook(): void {
  const joined: WebSocket[] = [];
  window.__b9leave = (liveId) => {
    for (const socket of joined) {
      socket.send(JSON.stringify({ type: 'cmd', id: 'b9-leave', name: 'live.leave', args: { liveId } }));
    }
  };
  const send = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'send')?.value as WebSocket['send'];
  WebSocket.prototype.send = function (this: WebSocket, data: Parameters<WebSocket['send']>[0]) {
    if (typeof data === 'string' && data.includes('"live.join"') && !joined.includes(this)) joined.push(this);
    send.call(this, data);
  };
}

/**
 * Init script of the crowd's pages: the fixture's 50 ms sampling timer runs every `ms` instead
 * (no other timer of the page is changed).
 */
function slowSampling(ms: number): void {
  const native = window.setTimeout.bind(window);
  window.setTimeout = ((handler: TimerHandler, timeout?: number, ...rest: unknown[]) =>
    native(handler, timeout === 50 ? ms : timeout, ...rest)) as typeof window.setTimeout;
}

/** Viewer pages, `PAGES_PER_CONTEXT` to a browser context, in one browser. */
class Crowd {
  readonly viewers: Viewer[] = [];
  readonly #browser: Browser;
  readonly #server: TestServer;
  readonly #files: StaticServer;
  readonly #liveId: string;
  readonly #contexts: { context: BrowserContext; pages: number }[] = [];
  #opened = 0;

  constructor(browser: Browser, server: TestServer, files: StaticServer, liveId: string) {
    this.#browser = browser;
    this.#server = server;
    this.#files = files;
    this.#liveId = liveId;
  }

  async #context(): Promise<BrowserContext> {
    let last = this.#contexts.at(-1);
    if (last === undefined || last.pages >= PAGES_PER_CONTEXT) {
      const context = await this.#browser.newContext();
      await context.addInitScript({ content: NAME_HELPER });
      await context.addInitScript(keepPeers);
      await context.addInitScript(leaveHook);
      await context.addInitScript(slowSampling, CROWD_SAMPLE_MS);
      context.setDefaultTimeout(60_000);
      last = { context, pages: 0 };
      this.#contexts.push(last);
    }
    last.pages += 1;
    return last.context;
  }

  async #open(): Promise<Viewer> {
    const index = this.#opened++;
    const page = await (await this.#context()).newPage();
    const params = new URLSearchParams({
      server: this.#server.url,
      token: await this.#server.token(`b9-viewer-${index}`),
      live: this.#liveId,
      watch: GUEST.userId,
      quality: 'low',
    });
    // A page whose login or join fails on the loaded machine (a timeout) loads once more.
    for (let attempt = 1; ; attempt++) {
      try {
        await page.goto(`${this.#files.url}?${params.toString()}`);
        await page.evaluate(() => window.viewer.ready.then(() => true));
        break;
      } catch (error) {
        if (attempt >= 2) throw error;
      }
    }
    return {
      page,
      received: () => page.evaluate(() => window.viewer.received()),
      frames: () => viewerFrames(page),
    };
  }

  /** Adds viewers until there are `size`, `OPEN_BATCH` at a time. */
  async growTo(size: number, deadline = Infinity): Promise<void> {
    while (this.viewers.length < size) {
      if (Date.now() > deadline)
        throw new Error(`the run's time bound came with ${this.viewers.length} viewers open`);
      const batch = Math.min(OPEN_BATCH, size - this.viewers.length);
      this.viewers.push(...(await Promise.all(Array.from({ length: batch }, () => this.#open()))));
    }
  }

  /** Waits until `count` viewers have frames of the guest (all of them by default). */
  async receiving(count: number, ms: number): Promise<void> {
    await waitFor(
      async () => (await this.#all()).filter((r) => r.frames > 0).length >= count,
      `${count} viewers receiving the guest`,
      { timeout: ms, interval: 500 },
    );
  }

  #all(): Promise<Received[]> {
    return Promise.all(this.viewers.map((viewer) => viewer.received()));
  }

  /** What each viewer received: the fixture's counts and the frames on the stats' clock. */
  all(): Promise<{ received: Received; frames: Count }[]> {
    return Promise.all(
      this.viewers.map(async (viewer) => ({
        received: await viewer.received(),
        frames: await viewer.frames(),
      })),
    );
  }

  /** Every viewer leaves the live (`live.leave`); their pages stay open. */
  async leave(): Promise<void> {
    await Promise.all(
      this.viewers.map((viewer) =>
        viewer.page.evaluate((live) => window.__b9leave?.(live), this.#liveId).catch(() => undefined),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.#contexts.map(({ context }) => context.close().catch(() => undefined)));
  }
}

// ---------------------------------------------------------------------------------------------
// A window of measures

interface WindowResult {
  /** The guest's upload, bytes per second. */
  readonly upload: number;
  /** Each receiving viewer's frame rate over the rate sent of its layer, in %. */
  readonly frames: readonly number[];
  /** Janus's CPU over the window, % of one core (`null` without Janus). */
  readonly janusCpu: number | null;
  /** What the guest's video encodings sent over the window, for the log: `rid:fps@WxH`. */
  readonly layers: string;
  /** The frame rate the guest sent of what the viewers receive. */
  readonly sentFps: number;
}

const CLOCK_TICKS = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(out.stdout.trim());
  return out.status === 0 && ticks > 0 ? ticks : 100;
})();

/** `utime + stime` of a process, in seconds. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function measureWindow(
  mode: Mode,
  guest: UserContext,
  crowd: Crowd,
  janus: JanusProcess | null,
  windowMs: number,
): Promise<WindowResult> {
  const cpu0 = janus ? await cpuSeconds(janus.pid) : 0;
  const wall0 = performance.now();
  const [sent0, received0] = await Promise.all([sent(guest), crowd.all()]);
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const [sent1, received1] = await Promise.all([sent(guest), crowd.all()]);
  const cpu1 = janus ? await cpuSeconds(janus.pid) : 0;
  const wall = (performance.now() - wall0) / 1000;
  const encodings = encodingRates(sent0, sent1);
  const guestFps = sentFps(mode, encodings);
  // A viewer receiving since the window began (in mesh mode, those the guest sends to).
  const frames = received1
    .map((after, index) => ({ after, before: received0[index] }))
    .filter(
      ({ after, before }) => before !== undefined && before.received.frames > 0 && after.received.frames > 0,
    )
    .map(({ after, before }) => (100 * rate(before?.frames, after.frames)) / Math.max(1e-9, guestFps));
  return {
    upload: rate(sent0.bytes, sent1.bytes),
    sentFps: guestFps,
    frames,
    janusCpu: janus ? (100 * (cpu1 - cpu0)) / wall : null,
    layers: encodings
      .map((entry) => `${entry.rid || '-'}:${entry.fps.toFixed(1)} fps@${entry.note}`)
      .join(' '),
  };
}

// ---------------------------------------------------------------------------------------------
// Joins

interface JoinProbe {
  joinAt: number;
  firstFrameAt: number;
  /** Sends `live.leave` on the session's socket, as a viewer leaving does. */
  leave(liveId: string): void;
}

declare global {
  interface Window {
    __b9?: JoinProbe;
  }
}

/**
 * Init script of the joining pages: notes when the session sends `live.join`, then reads the page's
 * peer connections' stats every 10 ms until a video `inbound-rtp` has a frame.
 */
function joinProbe(): void {
  /** The socket that sent `live.join`. */
  const joined: WebSocket[] = [];
  const probe: JoinProbe = {
    joinAt: 0,
    firstFrameAt: 0,
    leave: (liveId) =>
      joined[0]?.send(JSON.stringify({ type: 'cmd', id: 'b9-leave', name: 'live.leave', args: { liveId } })),
  };
  window.__b9 = probe;
  const peers: RTCPeerConnection[] = [];
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      peers.push(this);
    }
  };
  const poll = async (): Promise<void> => {
    for (const peer of peers) {
      if (peer.signalingState === 'closed') continue;
      (await peer.getStats()).forEach((report: { type: string } & Record<string, unknown>) => {
        if (probe.firstFrameAt > 0 || report.type !== 'inbound-rtp' || report.kind !== 'video') return;
        if (Number(report.framesReceived ?? 0) > 0)
          probe.firstFrameAt = performance.timeOrigin + performance.now();
      });
    }
    if (probe.firstFrameAt === 0) setTimeout(() => void poll(), 10);
  };
  const send = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'send')?.value as WebSocket['send'];
  WebSocket.prototype.send = function (this: WebSocket, data: Parameters<WebSocket['send']>[0]) {
    if (probe.joinAt === 0 && typeof data === 'string' && data.includes('"live.join"')) {
      probe.joinAt = performance.timeOrigin + performance.now();
      joined.push(this);
      void poll();
    }
    send.call(this, data);
  };
}

/** Times `count` joins (after one warm-up), each a new page in a context of its own; ms each. */
async function timeJoins(
  browser: Browser,
  server: TestServer,
  files: StaticServer,
  liveId: string,
  count: number,
  log: Log,
): Promise<number[]> {
  const context = await browser.newContext();
  try {
    await context.addInitScript({ content: NAME_HELPER });
    await context.addInitScript(joinProbe);
    const times: number[] = [];
    for (let i = -1; i < count; i++) {
      const page = await context.newPage();
      try {
        const params = new URLSearchParams({
          server: server.url,
          token: await server.token(`b9-joiner-${i + 1}`),
          live: liveId,
          watch: GUEST.userId,
          quality: 'low',
        });
        await page.goto(`${files.url}?${params.toString()}`);
        const probe = await waitFor(
          async () => {
            const found = await page.evaluate(() =>
              window.__b9 ? { joinAt: window.__b9.joinAt, firstFrameAt: window.__b9.firstFrameAt } : null,
            );
            return found !== null && found.firstFrameAt > 0 ? found : null;
          },
          `joiner ${i + 1}: the first frame`,
          { timeout: 30_000, interval: 50 },
        );
        if (i >= 0) times.push(probe.firstFrameAt - probe.joinAt);
      } finally {
        // Leaving, not only closing: a closed page keeps its place in the live for the reconnect
        // grace (20 s), and in mesh mode one of the guest's `maxViewersPerPublisher` places.
        await page.evaluate((live) => window.__b9?.leave(live), liveId).catch(() => undefined);
        await page.close();
      }
    }
    log(`joins (ms): ${times.map((ms) => ms.toFixed(0)).join(' ')}`);
    return times;
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The largest N, with packet viewers

/** The largest crowd of packet viewers that held, and what stopped the next size. */
interface Largest {
  readonly n: number;
  /** Janus's CPU per viewer at `n`, % of one core. */
  readonly cpuPerViewer: number | null;
  /** The packet viewers' processes' CPU per viewer at `n`, % of one core. */
  readonly viewersCpuPerViewer: number | null;
  /** The busiest packet viewers' process at `n`, % of one core. */
  readonly viewersProcessCpu: number | null;
  /** The next size, what failed and what stopped it; `''` when every size held. */
  readonly stop: string;
}

/** The machine's busy and total CPU time so far, in ticks (`/proc/stat`, all cores). */
async function machineTicks(): Promise<{ busy: number; total: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

interface PacketWindow {
  /** Each packet viewer's frame rate over the rate the guest sent of its layer, in %. */
  readonly frames: readonly number[];
  /** Viewers that counted a frame over the window. */
  readonly receiving: number;
  /** The frame rate the guest sent of the viewers' layer. */
  readonly sentFps: number;
  /** The guest's upload, bytes per second. */
  readonly upload: number;
  /** The median viewer's video, bytes per second. */
  readonly received: number;
  /** Janus's CPU, % of one core. */
  readonly janusCpu: number;
  /** Each packet viewers' process's CPU, % of one core. */
  readonly viewersCpu: readonly number[];
  /** The machine's cores busy, % of all of them. */
  readonly machineBusy: number;
  readonly layers: string;
}

const countOf = (counts: CrowdCounts, index: number, key: 'frames' | 'bytes'): Count | undefined => {
  const count = counts.viewers[index];
  return count === undefined ? undefined : { value: count[key], at: count.at };
};

async function measurePackets(
  guest: UserContext,
  crowd: PacketCrowd,
  janus: JanusProcess,
  windowMs: number,
): Promise<PacketWindow> {
  const [cpu0, machine0] = await Promise.all([cpuSeconds(janus.pid), machineTicks()]);
  const wall0 = performance.now();
  const [sent0, counts0] = await Promise.all([sent(guest), crowd.counts()]);
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const [sent1, counts1] = await Promise.all([sent(guest), crowd.counts()]);
  const [cpu1, machine1] = await Promise.all([cpuSeconds(janus.pid), machineTicks()]);
  const wall = (performance.now() - wall0) / 1000;
  const encodings = encodingRates(sent0, sent1);
  const guestFps = sentFps('sfu', encodings);
  const fps = counts1.viewers.map((_, index) => {
    const after = countOf(counts1, index, 'frames');
    return after === undefined ? 0 : rate(countOf(counts0, index, 'frames'), after);
  });
  const bytes = counts1.viewers.map((_, index) => {
    const after = countOf(counts1, index, 'bytes');
    return after === undefined ? 0 : rate(countOf(counts0, index, 'bytes'), after);
  });
  const counted = (counts1.at - counts0.at) / 1000;
  return {
    frames: fps.map((value) => (100 * value) / Math.max(1e-9, guestFps)),
    receiving: fps.filter((value) => value > 0).length,
    sentFps: guestFps,
    upload: rate(sent0.bytes, sent1.bytes),
    received: bytes.length > 0 ? median(bytes) : 0,
    janusCpu: (100 * (cpu1 - cpu0)) / wall,
    viewersCpu: counts1.cpu.map((seconds, index) => (100 * (seconds - (counts0.cpu[index] ?? 0))) / counted),
    machineBusy: (100 * (machine1.busy - machine0.busy)) / Math.max(1, machine1.total - machine0.total),
    layers: encodings.map((entry) => `${entry.rid || '-'}:${entry.fps.toFixed(1)}`).join(' '),
  };
}

/**
 * What stopped a size: the first of a viewers' process or Janus at `SATURATED_PCT` of a core, the
 * guest sending too few frames, the machine's cores busy; and the figures.
 */
function stoppedBy(at: PacketWindow, keeps: boolean): string {
  const busiest = Math.max(0, ...at.viewersCpu);
  const by =
    busiest >= SATURATED_PCT
      ? "the subscribers' process"
      : at.janusCpu >= SATURATED_PCT
        ? 'Janus'
        : !keeps
          ? 'the guest'
          : at.machineBusy >= SATURATED_PCT
            ? "the machine's cores"
            : 'the subscribers (frames lost, no process saturated)';
  return (
    `stopped by ${by}: the subscribers' processes ${at.viewersCpu.map((pct) => pct.toFixed(0)).join(' + ')} % ` +
    `of a core, Janus ${at.janusCpu.toFixed(0)} %, the machine ${at.machineBusy.toFixed(0)} % busy, ` +
    `load average ${loadavg()[0]?.toFixed(0) ?? '?'}`
  );
}

/**
 * Grows a crowd of packet viewers (bench/packet-viewer.ts, `PACKET_PROCESSES` processes) through
 * `sizes.packetSteps` while the guest publishes, a window at each size; a size holds when every
 * viewer counts at least `FRAMES_RULE` of the frames the guest sent of the low layer (the lowest
 * that sends) and the guest keeps `GUEST_RATE_RULE` of `sentFpsAtOne`. Ends at the first size
 * that fails, or when the run's time is up.
 */
async function largestWithPackets(
  server: TestServer,
  guest: UserContext,
  janus: JanusProcess,
  liveId: string,
  sizes: B9Sizes,
  sentFpsAtOne: number,
  deadline: number,
  say: Log,
): Promise<Largest> {
  const crowd = new PacketCrowd(PACKET_PROCESSES, {
    serverUrl: server.url,
    liveId,
    watch: GUEST.userId,
    quality: 'low',
    address: ROUTED_NETWORK.address,
  });
  let largest: Largest = {
    n: 0,
    cpuPerViewer: null,
    viewersCpuPerViewer: null,
    viewersProcessCpu: null,
    stop: '',
  };
  try {
    for (const size of sizes.packetSteps) {
      const left = deadline - Date.now();
      if (left <= 0) {
        largest = { ...largest, stop: `N=${size}: not measured, the run's time bound came first` };
        break;
      }
      try {
        const adding = PACKET_OPEN_MS_PER_50 * Math.ceil((size - crowd.size) / 50);
        await crowd.growTo(size, (index) => server.token(`b9-packet-${index}`), Math.min(left, adding));
        await waitFor(
          async () => (await crowd.counts()).viewers.every((count) => count.frames > 0),
          `${size} packet viewers receiving the guest`,
          { timeout: Math.max(1_000, Math.min(sizes.receiveMs, deadline - Date.now())), interval: 500 },
        );
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        const at = await measurePackets(guest, crowd, janus, sizes.windowMs);
        const { min, median: middle } = framesSummary(at.frames);
        say(
          `packet viewers N=${size}: ${at.receiving} receiving, frames min ${min.toFixed(1)} % ` +
            `median ${middle.toFixed(1)} %, ${kbps(at.received)} each (median), ` +
            `their processes ${at.viewersCpu.map((pct) => pct.toFixed(1)).join(' + ')} % of a core, ` +
            `Janus ${at.janusCpu.toFixed(1)} %, machine ${at.machineBusy.toFixed(0)} % busy, ` +
            `guest upload ${kbps(at.upload)}, sent ${at.layers}, load ${loadavg()[0]?.toFixed(1) ?? '?'}`,
        );
        const keeps = at.sentFps >= GUEST_RATE_RULE * sentFpsAtOne;
        if (at.receiving >= size && min >= FRAMES_RULE * 100 && keeps) {
          largest = {
            n: size,
            cpuPerViewer: at.janusCpu / size,
            viewersCpuPerViewer: at.viewersCpu.reduce((sum, pct) => sum + pct, 0) / size,
            viewersProcessCpu: Math.max(0, ...at.viewersCpu),
            stop: '',
          };
          continue;
        }
        const why = [
          ...(at.receiving < size ? [`${at.receiving} of ${size} receiving`] : []),
          ...(min < FRAMES_RULE * 100 ? [`the least ${min.toFixed(1)} % of the frames`] : []),
          ...(keeps
            ? []
            : [
                `the guest sent ${at.sentFps.toFixed(1)} frames/s of the viewers' layer (${sentFpsAtOne.toFixed(1)} at N=1)`,
              ]),
        ];
        largest = { ...largest, stop: `N=${size}: ${why.join('; ')}; ${stoppedBy(at, keeps)}` };
        break;
      } catch (error) {
        const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
        say(`packet viewers N=${size} did not hold: ${message}`);
        largest = {
          ...largest,
          stop: `N=${size}: ${message}, load average ${loadavg()[0]?.toFixed(0) ?? '?'}`,
        };
        break;
      }
    }
  } finally {
    await crowd.close();
  }
  return largest;
}

// ---------------------------------------------------------------------------------------------
// One mode

interface ModeFigures {
  readonly upload1: number;
  readonly uploadCrowd: number;
  /** Viewers that received at N = crowd. */
  readonly receiving: number;
  readonly framesMin: number;
  readonly framesMedian: number;
  readonly joins: readonly number[];
  readonly janusCpuPerViewer: number | null;
  /** SFU: the largest N of packet viewers. */
  readonly largest: Largest | null;
}

interface Shared {
  readonly guestBrowser: Browser;
  readonly viewerBrowser: Browser;
  readonly demoFiles: StaticServer;
  readonly viewerFiles: StaticServer;
}

const kbps = (bytesPerSecond: number): string => `${((bytesPerSecond * 8) / 1000).toFixed(0)} kbit/s`;

function framesSummary(frames: readonly number[]): { min: number; median: number } {
  return { min: frames.length > 0 ? Math.min(...frames) : 0, median: frames.length > 0 ? median(frames) : 0 };
}

async function runMode(
  mode: Mode,
  shared: Shared,
  sizes: B9Sizes,
  janus: JanusProcess | null,
  deadline: number,
  log: Log,
): Promise<ModeFigures> {
  const liveId = `b9-${mode}`;
  const say = (line: string) => log(`${mode}: ${line}`);
  const server = await startServer({
    logger: { info: () => undefined, warn: () => undefined },
    handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
    ...(janus
      ? {
          media: {
            mode: 'sfu',
            janus: [janus.url],
            tokenSecret: janus.secrets.tokenSecret,
            adminKey: janus.secrets.adminKey,
          },
        }
      : {}),
  });
  let host: Session | null = null;
  let guest: UserContext | null = null;
  const crowd = new Crowd(shared.viewerBrowser, server, shared.viewerFiles, liveId);
  try {
    host = await openHost(server, liveId);
    guest = await loadFixturePage(
      await newUserContext(shared.guestBrowser),
      server,
      shared.demoFiles,
      GUEST,
      {
        live: liveId,
        role: 'audience',
      },
    );
    await seatGuest(host, guest, liveId);
    const cap = mode === 'mesh' ? DEFAULT_ROOM_LIMITS.maxViewersPerPublisher : Infinity;
    // The live's members before any viewer: the host and the guest.
    const audience = await waitFor(() => {
      const count = host?.liveAudienceStore(liveId).audienceCount.get() ?? 0;
      return count >= 2 ? count : null;
    }, 'the host and the guest counted in the live');

    await crowd.growTo(1);
    await crowd.receiving(1, sizes.receiveMs);
    await new Promise((resolve) => setTimeout(resolve, sizes.settleMs));
    const one = await measureWindow(mode, guest, crowd, janus, sizes.windowMs);
    say(
      `N=1: upload ${kbps(one.upload)}, frames ${one.frames.map((f) => f.toFixed(0)).join(' ')} %` +
        (one.janusCpu === null ? '' : `, Janus ${one.janusCpu.toFixed(1)} % CPU`) +
        `, sent ${one.layers}, load ${loadavg()[0]?.toFixed(1) ?? '?'}`,
    );

    const joins = await timeJoins(shared.viewerBrowser, server, shared.viewerFiles, liveId, sizes.joins, say);

    // The crowd of viewer pages grows through the sizes of the ladder (mesh: `crowd` only), a
    // window at each; the figures at `crowd` are the comparison's.
    const ladder = mode === 'sfu' ? [...sizes.below, sizes.crowd] : [sizes.crowd];
    let many: WindowResult | null = null;
    for (const size of ladder) {
      await crowd.growTo(size);
      const waiting = crowd.receiving(Math.min(size, cap), sizes.receiveMs);
      // Mesh: how many receive is a figure of its own; the window measures those that do.
      if (mode === 'mesh') await waiting.catch((error: unknown) => say(String(error)));
      else await waiting;
      await new Promise((resolve) => setTimeout(resolve, size === sizes.crowd ? sizes.settleMs : 2_000));
      const at = await measureWindow(mode, guest, crowd, janus, sizes.windowMs);
      const { min, median: middle } = framesSummary(at.frames);
      say(
        `N=${size}: upload ${kbps(at.upload)} (${(at.upload / one.upload).toFixed(2)}× N=1), ` +
          `${at.frames.length} receiving, frames min ${min.toFixed(1)} % median ${middle.toFixed(1)} %` +
          (at.janusCpu === null ? '' : `, Janus ${at.janusCpu.toFixed(1)} % CPU`) +
          `, sent ${at.layers}, load ${loadavg()[0]?.toFixed(1) ?? '?'}`,
      );
      if (size === sizes.crowd) many = at;
    }
    // SFU: the largest N, with packet viewers in Node instead of pages. The pages leave first (a
    // page that only closed would keep its place, and its subscription at Janus, for the
    // reconnect grace) and their browser's work stops.
    let largest: Largest | null = null;
    if (mode === 'sfu' && janus !== null) {
      await crowd.leave();
      await crowd.close();
      const { audienceCount } = host.liveAudienceStore(liveId);
      await waitFor(() => audienceCount.get() <= audience, 'the viewer pages leaving', {
        timeout: 30_000,
        interval: 100,
      });
      largest = await largestWithPackets(server, guest, janus, liveId, sizes, one.sentFps, deadline, say);
    }
    if (many === null) throw new Error(`no window at N=${sizes.crowd}`);
    const summary = framesSummary(many.frames);
    const cpuPerViewer = many.janusCpu === null ? null : many.janusCpu / sizes.crowd;
    return {
      upload1: one.upload,
      uploadCrowd: many.upload,
      receiving: many.frames.length,
      framesMin: summary.min,
      framesMedian: summary.median,
      joins,
      janusCpuPerViewer: cpuPerViewer,
      largest,
    };
  } finally {
    await crowd.close();
    await guest?.close();
    host?.dispose();
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The process in the namespace

async function measure(smoke: boolean, log: Log): Promise<BenchResult> {
  assertRoutedNetwork();
  const sizes = smoke ? B9_SMOKE : B9_FULL;
  const deadline = Date.now() + sizes.totalMs - CLOSING_MS;
  const [demoHtml, viewerHtml] = await Promise.all([
    readFile(`${ROOT}test/e2e/fixtures/feature-demo.html`, 'utf8'),
    readFile(`${ROOT}test/e2e/fixtures/sfu-viewer.html`, 'utf8'),
  ]);
  const opened: { close(): Promise<void> }[] = [];
  let janus: JanusProcess | null = null;
  try {
    const [demoBundle, viewerBundle, guestBrowser, viewerBrowser]: [
      BundledPage,
      BundledPage,
      Browser,
      Browser,
    ] = await Promise.all([
      bundlePage({ entry: 'test/e2e/fixtures/feature-demo.ts', html: demoHtml }),
      bundlePage({ entry: 'test/e2e/fixtures/sfu-viewer.ts', html: viewerHtml }),
      launchBrowser(CHROMIUM_ROUTED_ARGS),
      launchBrowser([...CHROMIUM_ROUTED_ARGS, `--renderer-process-limit=${RENDERERS}`]),
    ]);
    opened.push(
      guestBrowser,
      viewerBrowser,
      { close: () => demoBundle.remove() },
      { close: () => viewerBundle.remove() },
    );
    const [demoFiles, viewerFiles] = await Promise.all([
      serveStatic(demoBundle.dir),
      serveStatic(viewerBundle.dir),
    ]);
    opened.push(demoFiles, viewerFiles);
    const shared: Shared = { guestBrowser, viewerBrowser, demoFiles, viewerFiles };

    const mesh = await runMode('mesh', shared, sizes, null, deadline, log);
    janus = await startJanus({ iceInterface: ROUTED_NETWORK.device });
    const sfu = await runMode('sfu', shared, sizes, janus, deadline, log);

    const meshJoin = { median: median(mesh.joins), p90: percentile(mesh.joins, 90) };
    const sfuJoin = { median: median(sfu.joins), p90: percentile(sfu.joins, 90) };
    const sfuRatio = sfu.uploadCrowd / sfu.upload1;
    const largest: Largest = sfu.largest ?? {
      n: 0,
      cpuPerViewer: null,
      viewersCpuPerViewer: null,
      viewersProcessCpu: null,
      stop: 'not measured',
    };
    const target = smoke ? (sizes.packetSteps.at(-1) ?? sizes.crowd) : LARGEST_TARGET;
    const kbit = (bytesPerSecond: number) => (bytesPerSecond * 8) / 1000;
    const stopped = largest.stop === '' ? `every step held up to ${largest.n}` : `next step: ${largest.stop}`;
    return {
      id: 'B9',
      what:
        `one guest, N lightweight viewers (low layer), mesh and SFU (Janus ${janus.version}) in one run: ` +
        `the guest's upload at N=1 and N=${sizes.crowd} (mesh: ${mesh.receiving} of ${sizes.crowd} receive), ` +
        `frames received of those sent, join → first frame (${sizes.joins} joins), Janus CPU per viewer, ` +
        `the largest SFU crowd of packet viewers (Node, werift, ${PACKET_PROCESSES} processes; ${stopped})`,
      figures: {
        sfuUploadN1Kbps: kbit(sfu.upload1),
        [`sfuUploadN${sizes.crowd}Kbps`]: kbit(sfu.uploadCrowd),
        sfuUploadRatio: sfuRatio,
        sfuFramesMinPct: sfu.framesMin,
        sfuFramesMedianPct: sfu.framesMedian,
        sfuJoinMedianMs: sfuJoin.median,
        sfuJoinP90Ms: sfuJoin.p90,
        [`janusCpuPctPerViewerN${sizes.crowd}`]: sfu.janusCpuPerViewer ?? Number.NaN,
        sfuLargestN: largest.n,
        ...(largest.cpuPerViewer === null ? {} : { janusCpuPctPerViewerLargest: largest.cpuPerViewer }),
        ...(largest.viewersCpuPerViewer === null
          ? {}
          : { packetViewerCpuPctPerViewerLargest: largest.viewersCpuPerViewer }),
        ...(largest.viewersProcessCpu === null
          ? {}
          : { packetViewerProcessCpuPctLargest: largest.viewersProcessCpu }),
        meshUploadN1Kbps: kbit(mesh.upload1),
        [`meshUploadN${sizes.crowd}Kbps`]: kbit(mesh.uploadCrowd),
        meshUploadRatio: mesh.uploadCrowd / mesh.upload1,
        meshReceiving: mesh.receiving,
        meshFramesMinPct: mesh.framesMin,
        meshFramesMedianPct: mesh.framesMedian,
        meshJoinMedianMs: meshJoin.median,
        meshJoinP90Ms: meshJoin.p90,
      },
      baseline: {
        what: `mesh: the guest's upload at N=${sizes.crowd}, kbit/s`,
        value: kbit(mesh.uploadCrowd),
      },
      ratio: sfu.uploadCrowd / mesh.uploadCrowd,
      target: `SFU: upload at N=${sizes.crowd} ≤ ${UPLOAD_RATIO_TARGET}× N=1; every viewer ≥ ${FRAMES_RULE * 100} % of the frames; join → first frame ≤ ${JOIN_TARGET_MS} ms median; largest N ≥ ${target}`,
      met:
        sfuRatio <= UPLOAD_RATIO_TARGET &&
        sfu.framesMin >= FRAMES_RULE * 100 &&
        sfuJoin.median <= JOIN_TARGET_MS &&
        largest.n >= target,
    };
  } finally {
    for (const thing of opened.reverse()) await thing.close().catch(() => undefined);
    await janus?.stop();
  }
}

async function child(): Promise<void> {
  const write = (line: Line) => process.stdout.write(`${JSON.stringify(line)}\n`);
  const result = await measure(process.argv.includes('--smoke'), (line) => write({ type: 'log', line }));
  write({ type: 'result', result });
}

// ---------------------------------------------------------------------------------------------
// The runner's side

/** B9: starts this file in the routed namespace and returns what it measured. */
export async function b9(ctx: BenchContext): Promise<BenchResult> {
  const sizes = ctx.smoke ? B9_SMOKE : B9_FULL;
  const script = fileURLToPath(import.meta.url);
  const process_ = spawnInRoutedNetwork([
    process.execPath,
    '--import',
    'tsx',
    script,
    ...(ctx.smoke ? ['--smoke'] : []),
  ]);
  const stderr: string[] = [];
  createInterface({ input: process_.stderr }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 30) stderr.shift();
  });
  let result: BenchResult | null = null;
  createInterface({ input: process_.stdout }).on('line', (text) => {
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      stderr.push(`(stdout) ${text}`);
      return;
    }
    if (line.type === 'log') ctx.log(`B9: ${line.line}`);
    else result = line.result;
  });
  const timer = setTimeout(() => {
    if (process_.pid !== undefined) process.kill(-process_.pid, 'SIGTERM');
  }, sizes.totalMs);
  const exit = await new Promise<string>((resolve) =>
    process_.on('exit', (code, signal) => resolve(signal ?? `exit ${String(code)}`)),
  );
  clearTimeout(timer);
  if (result === null) {
    throw new Error(`the B9 process ended (${exit}) without a result:\n${stderr.join('\n')}`);
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await child().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
