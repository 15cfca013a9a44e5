/**
 * B6, media on loopback: the real server (`startServer` of the end-to-end harness), Chromium with
 * fake devices (`launchBrowser`, `--allow-loopback-in-peer-connection`, the kit's `iceServers: []`)
 * and the end-to-end Feature Demo page (test/e2e/fixtures/feature-demo.ts: the kit's real elements).
 *
 * Each sample is a new live with three new browser contexts: a host, a guest and a viewer.
 *
 * - **accept → first frame**: the guest applies with camera and microphone; the clock starts when
 *   the host's click on "Accept" is dispatched in the host's page, and stops, in the host's page and
 *   in the viewer's, at the first frame of the guest's video presented in the guest's tile
 *   (`requestVideoFrameCallback` on the tile's `<video>`). It covers the whole path: the command, the
 *   seat change fanned out, the guest opening its camera, signalling through the server, ICE and
 *   DTLS on loopback, the first decoded frame.
 * - **camera off → background layer**: the clock starts when the guest's click on "Turn camera off"
 *   is dispatched, and stops when the viewer's tile for the guest has `:state(camera-off)` and its
 *   `background` part is shown (polled every few ms in the viewer's page).
 *
 * Same-run baselines (same browser, same loopback):
 * - first frame: in one page, `getUserMedia` (fake camera) then a bare `RTCPeerConnection` pair
 *   with no server (offer, answer and candidates handed over directly) until the first frame of the
 *   remote video is presented: the floor of "open a camera and get its frames across";
 * - camera off: a bare WebSocket relay (a `ws` server on 127.0.0.1 that forwards each text to the
 *   other sockets): one page sends, the other shows an element, observed by the same polling: the
 *   floor of "tell another page and have it change what it shows".
 *
 * Every page-side timestamp is `performance.timeOrigin + performance.now()` (or the frame
 * callback's time on the same base), comparable across the pages of one machine.
 *
 * Needs a loopback-only network namespace, as the end-to-end tests (the runner re-executes itself
 * in one); `--smoke` takes 2 samples, a full run 10.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { WebSocketServer } from 'ws';
import type {} from '../test/e2e/fixtures/feature-demo.js';
import {
  assertLoopbackOnly,
  bundlePage,
  launchBrowser,
  newUserContext,
  ROOT,
  serveStatic,
  startServer,
  waitFor,
  type BundledPage,
  type StaticServer,
  type TestServer,
  type UserContext,
  openFixturePage,
} from '../test/e2e/harness.js';
import { median, percentile, type BenchContext, type BenchResult } from './lib.js';

const HOST = { userId: 'host', userName: 'Hana' };
const GUEST = { userId: 'guest', userName: 'Gus' };
const VIEWER = { userId: 'viewer', userName: 'Vic' };
/** Bound of each wait: a stuck sample fails the benchmark instead of hanging it. */
const WAIT = { timeout: 30_000, interval: 20 };

interface Probe {
  /** When the watched thing happened (ms, `performance.timeOrigin` based), or `null`. */
  at: number | null;
  /** When the last click was dispatched in this page, or `null`. */
  clickAt: number | null;
}

declare global {
  interface Window {
    __b6?: Probe;
  }
}

/** Records, in the page, when the next click is dispatched (capture phase, before any handler). */
function armClick(page: Page): Promise<void> {
  return page.evaluate(() => {
    const probe: Probe = window.__b6 ?? { at: null, clickAt: null };
    window.__b6 = probe;
    probe.clickAt = null;
    document.addEventListener(
      'click',
      () => {
        probe.clickAt = performance.timeOrigin + performance.now();
      },
      { capture: true, once: true },
    );
  });
}

/**
 * Watches, in the page, for the first frame of `userId`'s video presented in its tile. The tile's
 * `<video>` is looked up every few ms and a frame callback registered on it (again if lit replaced
 * it): the first callback's time is kept.
 */
function watchFirstFrame(page: Page, userId: string): Promise<void> {
  return page.evaluate((userId) => {
    const probe: Probe = window.__b6 ?? { at: null, clickAt: null };
    window.__b6 = probe;
    probe.at = null;
    let watched: HTMLVideoElement | null = null;
    const look = () => {
      if (probe.at !== null) return;
      const video = window.__e2e.tiles(userId)[0]?.shadowRoot?.querySelector('video') ?? null;
      if (video !== null && video !== watched) {
        watched = video;
        video.requestVideoFrameCallback((now) => {
          if (probe.at === null && watched === video) probe.at = performance.timeOrigin + now;
        });
      }
      setTimeout(look, 2);
    };
    look();
  }, userId);
}

/** Watches, in the page, for `userId`'s tile to show its background layer (camera off). */
function watchBackground(page: Page, userId: string): Promise<void> {
  return page.evaluate((userId) => {
    const probe: Probe = window.__b6 ?? { at: null, clickAt: null };
    window.__b6 = probe;
    probe.at = null;
    const look = () => {
      const tile = window.__e2e.tiles(userId)[0];
      const background = tile?.shadowRoot?.querySelector<HTMLElement>('[part~="background"]') ?? null;
      if (
        tile?.matches(':state(camera-off)') === true &&
        background !== null &&
        !background.hidden &&
        background.getClientRects().length > 0
      ) {
        probe.at = performance.timeOrigin + performance.now();
        return;
      }
      setTimeout(look, 2);
    };
    look();
  }, userId);
}

function probeOf(page: Page): Promise<Probe | null> {
  return page.evaluate(() => window.__b6 ?? null);
}

/** Waits for the page's probe to have seen its event; resolves with its time. */
async function seen(page: Page, what: string): Promise<number> {
  return waitFor(async () => (await probeOf(page))?.at ?? null, what, WAIT);
}

async function clicked(page: Page): Promise<number> {
  return waitFor(async () => (await probeOf(page))?.clickAt ?? null, 'the click', WAIT);
}

interface Sample {
  readonly atHost: number;
  readonly atViewer: number;
  readonly cameraOff: number;
}

function open(
  browser: Browser,
  server: TestServer,
  files: StaticServer,
  user: { userId: string; userName: string },
  liveId: string,
  role: 'host' | 'audience',
): Promise<UserContext> {
  return openFixturePage(browser, server, files, user, { live: liveId, role });
}

async function kitSample(
  browser: Browser,
  server: TestServer,
  files: StaticServer,
  liveId: string,
): Promise<Sample> {
  const contexts: UserContext[] = [];
  try {
    const host = await open(browser, server, files, HOST, liveId, 'host');
    contexts.push(host);
    const [guest, viewer] = await Promise.all([
      open(browser, server, files, GUEST, liveId, 'audience'),
      open(browser, server, files, VIEWER, liveId, 'audience'),
    ]);
    contexts.push(guest, viewer);

    await guest.page.getByRole('button', { name: 'Request to join' }).click();
    const accept = host.page.getByRole('button', { name: /^Accept .*Gus/ });
    await accept.waitFor();
    await Promise.all([
      watchFirstFrame(host.page, GUEST.userId),
      watchFirstFrame(viewer.page, GUEST.userId),
      armClick(host.page),
    ]);
    await accept.click();
    const acceptedAt = await clicked(host.page);
    const [hostFrame, viewerFrame] = await Promise.all([
      seen(host.page, "the guest's first frame at the host"),
      seen(viewer.page, "the guest's first frame at the viewer"),
    ]);

    const toggle = guest.page.getByRole('button', { name: 'Turn camera off' });
    await toggle.waitFor();
    await Promise.all([watchBackground(viewer.page, GUEST.userId), armClick(guest.page)]);
    await toggle.click();
    const offAt = await clicked(guest.page);
    const backgroundAt = await seen(viewer.page, "the guest's background layer at the viewer");

    for (const context of contexts) {
      if (context.problems.length > 0) throw new Error(`the page printed: ${context.problems.join('; ')}`);
    }
    return {
      atHost: hostFrame - acceptedAt,
      atViewer: viewerFrame - acceptedAt,
      cameraOff: backgroundAt - offAt,
    };
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
}

/** Baseline: fake camera → bare RTCPeerConnection pair in one page → first remote frame, in ms. */
async function rawFirstFrame(browser: Browser, files: StaticServer): Promise<number> {
  const user = await newUserContext(browser);
  try {
    await user.page.goto(`${files.url}blank.html`);
    return await user.page.evaluate(async (timeout) => {
      const start = performance.now();
      const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      const a = new RTCPeerConnection({ iceServers: [] });
      const b = new RTCPeerConnection({ iceServers: [] });
      a.onicecandidate = (event) => {
        if (event.candidate) void b.addIceCandidate(event.candidate);
      };
      b.onicecandidate = (event) => {
        if (event.candidate) void a.addIceCandidate(event.candidate);
      };
      const video = document.createElement('video');
      video.muted = true;
      video.autoplay = true;
      video.playsInline = true;
      document.body.append(video);
      const frame = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no frame')), timeout);
        b.ontrack = (event) => {
          if (event.track.kind !== 'video') return;
          video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
          video.requestVideoFrameCallback((now) => {
            clearTimeout(timer);
            resolve(now);
          });
        };
      });
      for (const track of stream.getTracks()) a.addTrack(track, stream);
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(a.localDescription as RTCSessionDescriptionInit);
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(b.localDescription as RTCSessionDescriptionInit);
      const at = await frame;
      a.close();
      b.close();
      for (const track of stream.getTracks()) track.stop();
      return at - start;
    }, WAIT.timeout);
  } finally {
    await user.close();
  }
}

/** Baseline: one page sends a text through a bare `ws` relay; the other shows an element; in ms. */
async function rawRelay(browser: Browser, files: StaticServer, relayUrl: string): Promise<number> {
  const [from, to] = await Promise.all([newUserContext(browser), newUserContext(browser)]);
  try {
    await Promise.all([from.page.goto(`${files.url}blank.html`), to.page.goto(`${files.url}blank.html`)]);
    const connect = (page: Page, show: boolean) =>
      page.evaluate(
        ({ url, show }) =>
          new Promise<void>((resolve) => {
            const probe: Probe = { at: null, clickAt: null };
            window.__b6 = probe;
            const socket = new WebSocket(url);
            (window as unknown as { socket: WebSocket }).socket = socket;
            socket.onopen = () => resolve();
            if (!show) return;
            const flag = document.createElement('div');
            flag.textContent = 'off';
            flag.hidden = true;
            document.body.append(flag);
            socket.onmessage = () => {
              flag.hidden = false;
            };
            const look = () => {
              if (flag.getClientRects().length > 0) {
                probe.at = performance.timeOrigin + performance.now();
                return;
              }
              setTimeout(look, 2);
            };
            look();
          }),
        { url: relayUrl, show },
      );
    await Promise.all([connect(from.page, false), connect(to.page, true)]);
    const sentAt = await from.page.evaluate(() => {
      const at = performance.timeOrigin + performance.now();
      (window as unknown as { socket: WebSocket }).socket.send('camera off');
      return at;
    });
    return (await seen(to.page, 'the relayed message shown')) - sentAt;
  } finally {
    await Promise.all([from.close(), to.close()]);
  }
}

/** A `ws` server on 127.0.0.1 that forwards each text to every other socket. */
async function startRelay(): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      for (const other of wss.clients) {
        if (other !== socket && other.readyState === other.OPEN) other.send(data, { binary: isBinary });
      }
    });
  });
  const address = wss.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `ws://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of wss.clients) socket.terminate();
        wss.close(() => resolve());
      }),
  };
}

function summary(values: readonly number[]): { median: number; p90: number } {
  return { median: median(values), p90: percentile(values, 90) };
}

/** B6: host accepts → first remote frame (host, viewer); camera off → background layer (viewer). */
export async function b6(ctx: BenchContext): Promise<BenchResult> {
  assertLoopbackOnly();
  const samples = ctx.smoke ? 2 : 10;
  const html = await readFile(`${ROOT}test/e2e/fixtures/feature-demo.html`, 'utf8');
  let server: TestServer | null = null;
  let bundle: BundledPage | null = null;
  let files: StaticServer | null = null;
  let browser: Browser | null = null;
  let relay: Awaited<ReturnType<typeof startRelay>> | null = null;
  try {
    [server, bundle, browser, relay] = await Promise.all([
      startServer(),
      bundlePage({ entry: 'test/e2e/fixtures/feature-demo.ts', html }),
      launchBrowser(),
      startRelay(),
    ]);
    await writeFile(
      join(bundle.dir, 'blank.html'),
      '<!doctype html><html lang="en"><head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>B6 baseline</title></head><body></body></html>',
    );
    files = await serveStatic(bundle.dir);
    const kit: Sample[] = [];
    const rawFrames: number[] = [];
    const rawRelays: number[] = [];
    // One warm-up of each (the browser's first camera and codec start are slower), then the
    // samples, the kit's and the baselines' interleaved so that both see the same machine.
    await kitSample(browser, server, files, 'b6-warm');
    await rawFirstFrame(browser, files);
    await rawRelay(browser, files, relay.url);
    for (let i = 0; i < samples; i++) {
      const sample = await kitSample(browser, server, files, `b6-${i}`);
      kit.push(sample);
      rawFrames.push(await rawFirstFrame(browser, files));
      rawRelays.push(await rawRelay(browser, files, relay.url));
      ctx.log(
        `B6: sample ${i + 1}/${samples}: host ${sample.atHost.toFixed(0)} ms, viewer ${sample.atViewer.toFixed(0)} ms, camera off ${sample.cameraOff.toFixed(0)} ms`,
      );
    }
    const host = summary(kit.map((s) => s.atHost));
    const viewer = summary(kit.map((s) => s.atViewer));
    const off = summary(kit.map((s) => s.cameraOff));
    const rawFrame = summary(rawFrames);
    const rawOff = summary(rawRelays);
    const worst = Math.max(host.median, viewer.median);
    ctx.log(
      `B6: first frame median host ${host.median.toFixed(0)} ms, viewer ${viewer.median.toFixed(0)} ms (bare pair ${rawFrame.median.toFixed(0)}); camera off median ${off.median.toFixed(0)} ms (bare relay ${rawOff.median.toFixed(0)})`,
    );
    return {
      id: 'B6',
      what: `media on loopback, ${samples} samples: accept → first remote frame at the host and a viewer; camera off → background layer at a viewer`,
      figures: {
        hostFrameMedian: host.median,
        hostFrameP90: host.p90,
        viewerFrameMedian: viewer.median,
        viewerFrameP90: viewer.p90,
        cameraOffMedian: off.median,
        cameraOffP90: off.p90,
        bareFrameMedian: rawFrame.median,
        bareFrameP90: rawFrame.p90,
        bareRelayMedian: rawOff.median,
        bareRelayP90: rawOff.p90,
      },
      baseline: {
        what: 'getUserMedia + bare RTCPeerConnection pair in one page → first frame, median',
        value: rawFrame.median,
      },
      ratio: worst / rawFrame.median,
      target: 'first frame ≤ 600 ms median (host and viewer); background ≤ 300 ms median',
      met: host.median <= 600 && viewer.median <= 600 && off.median <= 300,
    };
  } finally {
    await browser?.close();
    await files?.close();
    await bundle?.remove();
    await relay?.close();
    await server?.close();
  }
}
