/**
 * Helpers for end-to-end tests with the real signaling server and Chromium (node:test, Playwright).
 *
 * - `startServer()`: the real server (`createServer` from src/server) on 127.0.0.1, a free port,
 *   with a random secret; `server.token(userId)` signs a token for it (`createToken`).
 * - `bundlePage({ entry, html })`: a fixture page bundled with esbuild from the TypeScript sources
 *   (code splitting, so `src/media/peer.ts` stays a lazy chunk as in a consumer's app) into a
 *   temporary folder; `serveStatic(dir)` serves a folder on 127.0.0.1 (no path leaves it).
 * - `launchBrowser()`: Debian's Chromium (`CHROME_PATH` overrides it) with fake camera, microphone
 *   and screen, no network but loopback. `newUserContext(browser)`: one user (own cookies and
 *   storage), camera and microphone allowed, the page's console errors and warnings recorded, and
 *   an init script that counts the page's `RTCPeerConnection`s and records every captured track.
 * - Page helpers: `waitForDeep` (a selector through open shadow roots), `tileFor` / `tileStates`
 *   (the `<guest-seat-tile>` of a user), `videoFlowing` / `waitForVideo` (width > 0 and frames
 *   advancing), `peerConnections`, `capturedTracks`, `waitFor` (a condition polled until a deadline).
 *   They read a page through `evaluate` only (`PageLike`): a Playwright page, or a page another
 *   driver opened (test/e2e/firefox-harness.ts: Firefox through Puppeteer).
 *
 * WebRTC tests run in a loopback-only network namespace: `npm run test:e2e` enters one through
 * scripts/loopback-only.mjs; by hand,
 * `unshare -n bash -c 'ip link set lo up && node --import tsx --test test/e2e/<file>.test.ts'`.
 * `assertLoopbackOnly()` fails fast with that hint when the process can reach another interface,
 * unless scripts/loopback-only.mjs found no way to isolate it (`CO_GUEST_NETWORK=host`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { extname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createServer, type ServerHandle, type ServerOptions } from '../../src/server/server.js';
import { createToken } from '../../src/server/token.js';

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Chromium's flags for every test: no sandbox (containers), no traffic but loopback, fake devices. */
export const CHROMIUM_ARGS: readonly string[] = [
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
];

/** Default deadline of the waits below. Generous: the machine is shared and WebRTC is slow to start. */
export const WAIT_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// Network

/**
 * Throws unless the only network interface is loopback (run inside `unshare -n`), or
 * scripts/loopback-only.mjs tried to isolate the run and could not (`CO_GUEST_NETWORK=host`: a
 * machine without network namespaces; no ICE server is used either way).
 */
export function assertLoopbackOnly(): void {
  if (process.env.CO_GUEST_NETWORK === 'host') return;
  const names = Object.keys(networkInterfaces()).filter((name) => name !== 'lo');
  if (names.length > 0) {
    throw new Error(
      `e2e: WebRTC tests run in a loopback-only namespace (found ${names.join(', ')}): ` +
        "unshare -n bash -c 'ip link set lo up && <command>'",
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Server

/** A running signaling server and a way to sign tokens for it. */
export interface TestServer {
  readonly handle: ServerHandle;
  /** The WebSocket endpoint (`ws://127.0.0.1:<port>/ws`). */
  readonly url: string;
  readonly secret: string;
  /** A token for `userId` signed with the server's secret. */
  token(userId: string, profile?: { userName?: string; avatarUrl?: string }): Promise<string>;
  close(): Promise<void>;
}

/** The real server on 127.0.0.1 and a free port, with a random secret (`options` may add dev mode, limits…). */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const secret = options.secret ?? randomBytes(32).toString('base64url');
  const handle = await createServer({ ...options, port: 0, host: '127.0.0.1', secret });
  return {
    handle,
    url: handle.url,
    secret,
    token: (userId, profile = {}) =>
      createToken({
        secret,
        userId,
        userName: profile.userName ?? userId,
        ...(profile.avatarUrl === undefined ? {} : { avatarUrl: profile.avatarUrl }),
      }),
    close: () => handle.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Pages

/** simple-peer logs through `debug`, which the kit never ships: a no-op, as in scripts/bundle-peer.mjs. */
const noDebug: Plugin = {
  name: 'e2e:no-debug',
  setup(context) {
    context.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'no-debug' }));
    context.onLoad({ filter: /.*/, namespace: 'no-debug' }, () => ({
      contents: 'const off = () => {}; off.enabled = false; export default () => off;',
      loader: 'js',
    }));
  },
};

export interface BundleOptions {
  /** The page's script, a path from the repository's root or absolute. Bundled as `main.js`. */
  readonly entry: string;
  /**
   * The page (`index.html`); it loads `./main.js` with `<script type="module">`. Give it an icon
   * (`<link rel="icon" href="data:," />`): a request for `/favicon.ico` would log a 404 in the console.
   */
  readonly html: string;
  /** `process.env.NODE_ENV` in the bundle. Default `'production'` (no dev-mode warnings in the console). */
  readonly nodeEnv?: 'production' | 'development';
}

/** A bundled page in a temporary folder. */
export interface BundledPage {
  readonly dir: string;
  /** Removes the folder. */
  remove(): Promise<void>;
}

/** Bundles a fixture page from the TypeScript sources (esbuild, ES modules, code splitting) into a temp folder. */
export async function bundlePage(options: BundleOptions): Promise<BundledPage> {
  const dir = await mkdtemp(join(tmpdir(), 'co-guest-kit-e2e-'));
  const nodeEnv = options.nodeEnv ?? 'production';
  try {
    await build({
      absWorkingDir: ROOT,
      entryPoints: { main: isAbsolute(options.entry) ? options.entry : join(ROOT, options.entry) },
      outdir: dir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      sourcemap: 'linked',
      define: { 'process.env.NODE_ENV': JSON.stringify(nodeEnv) },
      conditions: nodeEnv === 'development' ? ['development'] : [],
      tsconfig: join(ROOT, 'tsconfig.json'),
      plugins: [noDebug],
      logLevel: 'silent',
    });
    await writeFile(join(dir, 'index.html'), options.html);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
};

/** A static file server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `dir` on 127.0.0.1 and a free port: GET and HEAD only, `/` and folders map to `index.html`,
 * and a path that would leave `dir` (`..`, encoded or not) gets 404.
 */
export async function serveStatic(dir: string): Promise<StaticServer> {
  const base = resolve(dir);
  const server: Server = createHttpServer((request, response) => {
    const answer = (status: number): void => {
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(status === 404 ? 'not found' : 'method not allowed');
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return answer(405);
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      return answer(404);
    }
    if (path.includes('\0')) return answer(404);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== base && !file.startsWith(base + sep)) return answer(404);
    void (async () => {
      try {
        const info = await stat(file);
        const target = info.isDirectory() ? join(file, 'index.html') : file;
        const body = await readFile(target);
        response.writeHead(200, {
          'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        });
        response.end(request.method === 'HEAD' ? undefined : body);
      } catch {
        answer(404);
      }
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Browser

/** Chromium with `CHROMIUM_ARGS` and `extraArgs` (`CHROME_PATH` overrides `/usr/bin/chromium`). */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/**
 * An init script for every page: tsx compiles the tests with esbuild's `keepNames`, so functions
 * sent to a page (init scripts, `evaluate` callbacks) call its `__name` helper, which this defines.
 */
export const NAME_HELPER = 'globalThis.__name ??= (target) => target;';

/**
 * An init script: the page's microphone is a steady 440 Hz tone from Web Audio instead of the
 * browser's fake device (Chromium's beeps briefly twice a second, which a 100 ms level poll can keep
 * missing), so that speaking detection has something to hear. Video still comes from the fake camera.
 */
export function steadyMicrophone(): void {
  const devices = navigator.mediaDevices as MediaDevices | undefined;
  if (devices === undefined) return;
  const getUserMedia = devices.getUserMedia.bind(devices);
  let tone: MediaStreamTrack | null = null;
  devices.getUserMedia = async (constraints) => {
    if (constraints?.audio === undefined || constraints.audio === false) return getUserMedia(constraints);
    const video =
      constraints.video === undefined || constraints.video === false
        ? []
        : (await getUserMedia({ video: constraints.video })).getVideoTracks();
    if (tone === null) {
      // Made once the page asks for a microphone: after the user's click that seated them.
      const context = new AudioContext();
      const oscillator = context.createOscillator();
      const out = context.createMediaStreamDestination();
      oscillator.connect(out);
      oscillator.start();
      tone = out.stream.getAudioTracks()[0] ?? null;
      if (tone === null) throw new DOMException('no tone track', 'NotReadableError');
    }
    return new MediaStream([tone.clone(), ...video]);
  };
}

/**
 * Runs in every page before its scripts: counts `RTCPeerConnection`s and records the tracks of
 * `getUserMedia` / `getDisplayMedia` (and their clones), read back through `window.__e2e`.
 */
export function instrument(): void {
  interface Recorded {
    readonly track: MediaStreamTrack;
    readonly source: 'camera' | 'microphone' | 'screen' | 'screen-audio';
  }
  const peers: RTCPeerConnection[] = [];
  const tracks: Recorded[] = [];
  const record = (stream: MediaStream, display: boolean): MediaStream => {
    for (const track of stream.getTracks()) {
      const source = display
        ? track.kind === 'video'
          ? 'screen'
          : 'screen-audio'
        : track.kind === 'video'
          ? 'camera'
          : 'microphone';
      tracks.push({ track, source });
    }
    return stream;
  };
  const offered = new WeakSet<RTCPeerConnection>();
  const Native = window.RTCPeerConnection;
  class CountedPeerConnection extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      peers.push(this);
    }
  }
  window.RTCPeerConnection = CountedPeerConnection;
  const createOffer = Object.getOwnPropertyDescriptor(Native.prototype, 'createOffer')?.value as (
    this: RTCPeerConnection,
    ...args: unknown[]
  ) => Promise<RTCSessionDescriptionInit>;
  // The side that makes an offer started the connection (simple-peer's initiator, a publisher).
  Native.prototype.createOffer = function (this: RTCPeerConnection, ...args: unknown[]) {
    offered.add(this);
    return createOffer.apply(this, args);
  } as RTCPeerConnection['createOffer'];
  // WebSockets: kept so a test can cut them as a network failure would, and refuse new ones
  // (they go to a closed port) while the network is "down".
  const sockets: WebSocket[] = [];
  let socketsDown = false;
  const NativeWebSocket = window.WebSocket;
  class CountedWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      // Keep in step with DOWN_URL below.
      super(socketsDown ? 'ws://127.0.0.1:9/' : url, protocols);
      sockets.push(this);
    }
  }
  window.WebSocket = CountedWebSocket;
  const devices = navigator.mediaDevices as MediaDevices | undefined;
  if (devices !== undefined) {
    const getUserMedia = devices.getUserMedia.bind(devices);
    const getDisplayMedia = devices.getDisplayMedia.bind(devices);
    devices.getUserMedia = async (constraints) => record(await getUserMedia(constraints), false);
    devices.getDisplayMedia = async (options) => record(await getDisplayMedia(options), true);
  }
  const clone = Object.getOwnPropertyDescriptor(MediaStreamTrack.prototype, 'clone')?.value as (
    this: MediaStreamTrack,
  ) => MediaStreamTrack;
  MediaStreamTrack.prototype.clone = function (this: MediaStreamTrack): MediaStreamTrack {
    const copy = clone.call(this);
    const from = tracks.find((entry) => entry.track === this);
    if (from !== undefined) tracks.push({ track: copy, source: from.source });
    return copy;
  };
  const walk = (root: Document | ShadowRoot, selector: string, found: Element[]): void => {
    found.push(...root.querySelectorAll(selector));
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot) walk(element.shadowRoot, selector, found);
    }
  };
  const deepAll = (selector: string): Element[] => {
    const found: Element[] = [];
    walk(document, selector, found);
    return found;
  };
  Object.defineProperty(window, '__e2e', {
    value: Object.freeze({
      /** The page's open peer connections themselves (for a failure's diagnostics). */
      openPeers: () => peers.filter((peer) => peer.signalingState !== 'closed'),
      audioPacketsSent: async () => {
        let sent = 0;
        for (const peer of peers.filter((open) => open.signalingState !== 'closed')) {
          (await peer.getStats()).forEach((report: { type: string; kind?: string; packetsSent?: number }) => {
            if (report.type === 'outbound-rtp' && report.kind === 'audio') sent += report.packetsSent ?? 0;
          });
        }
        return sent;
      },
      peers: () => {
        const open = peers.filter((peer) => peer.signalingState !== 'closed');
        return {
          total: peers.length,
          open: open.length,
          offering: open.filter((peer) => offered.has(peer)).length,
          answering: open.filter((peer) => !offered.has(peer)).length,
        };
      },
      tracks: () =>
        tracks.map(({ track, source }) => ({
          source,
          kind: track.kind,
          id: track.id,
          readyState: track.readyState,
        })),
      deepAll,
      dropSockets: (down: boolean): number => {
        socketsDown = down;
        const open = sockets.filter((socket) => socket.readyState === NativeWebSocket.OPEN);
        // 3000: a close code the application defines; the kit's session takes it as a lost network.
        for (const socket of open) socket.close(3000, 'network lost');
        return open.length;
      },
      restoreSockets: (): void => {
        socketsDown = false;
      },
      tiles: (userId: string): SeatTileElement[] =>
        (deepAll('guest-seat-tile') as SeatTileElement[]).filter(
          (tile) => tile.seat?.userInfo?.userId === userId,
        ),
      byRole: (role: 'button' | 'menuitem', source: string, flags: string): HTMLElement[] => {
        const pattern = new RegExp(source, flags);
        const selector =
          role === 'button'
            ? 'button:not([role]), [role="button"], input[type="button"], input[type="submit"]'
            : '[role="menuitem"]';
        const text = (element: Element | null | undefined): string => element?.textContent ?? '';
        const nameOf = (element: HTMLElement): string => {
          const root = element.getRootNode() as Document | ShadowRoot;
          const labelledBy = element.getAttribute('aria-labelledby');
          const name =
            labelledBy !== null
              ? labelledBy
                  .split(/\s+/)
                  .map((id) => text(root.getElementById(id)))
                  .join(' ')
              : (element.getAttribute('aria-label') ?? text(element));
          return name.replace(/\s+/g, ' ').trim();
        };
        return (deepAll(selector) as HTMLElement[]).filter(
          (element) =>
            element.checkVisibility({ checkVisibilityCSS: true }) &&
            !element.matches(':disabled') &&
            element.getAttribute('aria-disabled') !== 'true' &&
            pattern.test(nameOf(element)),
        );
      },
    }),
  });
}

/** Where new WebSockets go while `dropNetwork(page, { down: true })` holds the network down. */
const DOWN_URL = 'ws://127.0.0.1:9/';

/** What `window.__e2e` holds in an instrumented page. */
export interface PageProbe {
  peers(): PeerCounts;
  openPeers(): RTCPeerConnection[];
  /** Audio packets the page's open connections have sent (`outbound-rtp`). */
  audioPacketsSent(): Promise<number>;
  tracks(): CapturedTrack[];
  /** Every element matching `selector` in the document and in every open shadow root. */
  deepAll(selector: string): Element[];
  /** The `<guest-seat-tile>` elements (anywhere in the page) that show `userId`. */
  tiles(userId: string): SeatTileElement[];
  /**
   * The visible, enabled elements of `role` whose accessible name (`aria-labelledby`, `aria-label`
   * or the text, spaces collapsed) matches `new RegExp(source, flags)`: a driver without its own
   * role queries through shadow roots finds what to click with it.
   */
  byRole(role: ClickRole, source: string, flags: string): HTMLElement[];
  /** Closes the open WebSockets; with `down`, new ones fail until `restoreSockets()`. */
  dropSockets(down: boolean): number;
  restoreSockets(): void;
}

/** What the probe reads of a `<guest-seat-tile>` (kept structural: the harness loads no element). */
export interface SeatTileElement extends HTMLElement {
  readonly seat?: { readonly userInfo?: { readonly userId?: string } | null } | null;
  readonly stream?: MediaStream | null;
}

declare global {
  interface Window {
    readonly __e2e: PageProbe;
  }
}

/**
 * What the page helpers read a page through: Playwright's `Page` fits as it is; a page another driver
 * opened is wrapped (test/e2e/firefox-harness.ts).
 */
export interface PageLike {
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

/** The roles a test clicks by their accessible name. */
export type ClickRole = 'button' | 'menuitem';

/** One user's page, whichever browser and driver run it: what shared test steps use. */
export interface UserPage {
  /** The browser, for messages (`'chromium'`, `'firefox'`). */
  readonly browserName: string;
  readonly page: PageLike;
  /**
   * Console errors and warnings and uncaught exceptions, as `"<type>: <text>"` (but the browser's
   * line for each socket refused while `dropNetwork` holds the network down).
   */
  readonly problems: string[];
  /** Loads `url` in the page. */
  goto(url: string): Promise<void>;
  /**
   * Clicks, as a user would, the one visible `role` (through open shadow roots) whose accessible name
   * is `name` or matches it; waits up to `WAIT_MS` for it.
   */
  click(role: ClickRole, name: string | RegExp): Promise<void>;
  close(): Promise<void>;
}

/** One user in Chromium: a browser context (own storage), its page, and what the page printed. */
export interface UserContext extends UserPage {
  readonly context: BrowserContext;
  readonly page: Page;
}

export interface UserContextOptions {
  /** Default `'en-US'`. */
  readonly locale?: string;
  /** Default 1024 × 768. */
  readonly viewport?: { width: number; height: number };
  /** `'tone'`: the microphone is a steady tone (`steadyMicrophone`). Default `'fake'`: the browser's. */
  readonly microphone?: 'fake' | 'tone';
}

/** A new browser context with camera and microphone allowed and the instrumentation, and its page. */
export async function newUserContext(
  browser: Browser,
  options: UserContextOptions = {},
): Promise<UserContext> {
  const context = await browser.newContext({
    permissions: ['camera', 'microphone'],
    locale: options.locale ?? 'en-US',
    viewport: options.viewport ?? { width: 1024, height: 768 },
  });
  // tsx compiles this file with esbuild's `keepNames`: functions sent to the page (the init script
  // below, `page.evaluate` callbacks) call its `__name` helper, which the page must have.
  await context.addInitScript({ content: NAME_HELPER });
  if (options.microphone === 'tone') await context.addInitScript(steadyMicrophone);
  await context.addInitScript(instrument);
  // Every Playwright action and wait gives up after `WAIT_MS` instead of waiting forever.
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    const type = message.type();
    const text = message.text();
    // The browser's own line for a socket refused while the harness holds the network down.
    if (text.includes(`WebSocket connection to '${DOWN_URL}' failed`)) return;
    if (type === 'error' || type === 'warning') problems.push(`${type}: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return {
    browserName: 'chromium',
    context,
    page,
    problems,
    goto: async (url) => {
      await page.goto(url);
    },
    click: (role, name) => page.getByRole(role, { name }).click(),
    close: () => context.close(),
  };
}

/**
 * Opens the feature-demo fixture page (test/e2e/fixtures/feature-demo.html, served by `files`) as
 * `user` in a new context, with `query` (`live`, `role`, …) beside the server and the user's
 * token; resolves once its `<live-session>` is in the live.
 */
export async function openFixturePage(
  browser: Browser,
  server: TestServer,
  files: StaticServer,
  user: { readonly userId: string; readonly userName: string },
  query: Readonly<Record<string, string>>,
  options: UserContextOptions = {},
): Promise<UserContext> {
  return loadFixturePage(await newUserContext(browser, options), server, files, user, query);
}

/** Loads the feature-demo fixture page in `page` (see `openFixturePage`), whatever its browser. */
export async function loadFixturePage<T extends UserPage>(
  page: T,
  server: TestServer,
  files: StaticServer,
  user: { readonly userId: string; readonly userName: string },
  query: Readonly<Record<string, string>>,
): Promise<T> {
  const params = new URLSearchParams({
    server: server.url,
    token: await server.token(user.userId, { userName: user.userName }),
    ...query,
  });
  await page.goto(`${files.url}?${params.toString()}`);
  await page.page.evaluate(() => window.fixture.ready.then(() => true));
  return page;
}

// ---------------------------------------------------------------------------------------------
// Waiting

/**
 * Polls `check` (every `interval` ms) until it returns a truthy value, which it resolves with; rejects
 * naming `what` after `timeout` ms (default `WAIT_MS`).
 */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  what: string,
  { timeout = WAIT_MS, interval = 50 }: { timeout?: number; interval?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown = undefined;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((done) => setTimeout(done, interval));
  }
}

/** Waits until `selector` matches an element (through open shadow roots), visible unless `state` says otherwise. */
export async function waitForDeep(
  page: Page,
  selector: string,
  {
    timeout = WAIT_MS,
    state = 'visible',
  }: { timeout?: number; state?: 'attached' | 'visible' | 'hidden' | 'detached' } = {},
): Promise<void> {
  // Playwright's CSS engine pierces open shadow roots.
  await page.locator(selector).first().waitFor({ state, timeout });
}

// ---------------------------------------------------------------------------------------------
// Tiles and media

/** Custom states a `<guest-seat-tile>` may have (`:state(…)`). */
export const TILE_STATES = [
  'empty',
  'camera-off',
  'mic-off',
  'speaking',
  'local',
  'locked',
  'connection-lost',
  'reconnecting',
  'viewer-limit',
] as const;
export type TileState = (typeof TILE_STATES)[number];

/** The `<guest-seat-tile>` elements (anywhere in the page) that show `userId`, with their states. */
export function tileStates(page: PageLike, userId: string): Promise<TileState[][]> {
  return page.evaluate(
    ({ userId, states }) =>
      window.__e2e.tiles(userId).map((tile) => states.filter((state) => tile.matches(`:state(${state})`))),
    { userId, states: [...TILE_STATES] as TileState[] },
  );
}

/** A track of the stream a tile shows. */
export interface TileTrack {
  readonly kind: string;
  readonly readyState: MediaStreamTrackState;
  /** A remote track is muted while no media arrives for it. */
  readonly muted: boolean;
}

/** The tracks of the stream that `userId`'s (first) tile shows; `null` without a tile or a stream. */
export function tileTracks(page: PageLike, userId: string): Promise<TileTrack[] | null> {
  return page.evaluate((userId) => {
    const stream = window.__e2e.tiles(userId)[0]?.stream ?? null;
    return stream === null
      ? null
      : stream.getTracks().map(({ kind, readyState, muted }) => ({ kind, readyState, muted }));
  }, userId);
}

/** How many tiles in the page show `userId`. */
export async function tileCount(page: PageLike, userId: string): Promise<number> {
  return (await tileStates(page, userId)).length;
}

/** What the `<video>` of a user's tile shows. */
export interface VideoReport {
  readonly found: boolean;
  readonly visible: boolean;
  readonly width: number;
  /** Two frames presented one after the other while we watched (requestVideoFrameCallback). */
  readonly advancing: boolean;
}

/**
 * Looks at the video of `userId`'s tile: its width, whether it is shown, and whether two frames are
 * presented in a row (each awaited with `requestVideoFrameCallback`, bounded by `frameTimeout` ms in
 * the page so a stalled video answers `advancing: false` instead of hanging).
 */
export function videoReport(page: PageLike, userId: string, frameTimeout = 2_000): Promise<VideoReport> {
  return page.evaluate(
    async ({ userId, frameTimeout }) => {
      const tile = window.__e2e.tiles(userId)[0];
      const video = tile?.shadowRoot?.querySelector('video') ?? null;
      if (video === null) return { found: false, visible: false, width: 0, advancing: false };
      const visible = !video.hidden && video.getClientRects().length > 0;
      const frame = () =>
        new Promise<number>((done) => {
          const timer = setTimeout(() => done(-1), frameTimeout);
          video.requestVideoFrameCallback((_now, metadata) => {
            clearTimeout(timer);
            done(metadata.presentedFrames);
          });
        });
      const first = await frame();
      const second = first < 0 ? -1 : await frame();
      return { found: true, visible, width: video.videoWidth, advancing: first >= 0 && second > first };
    },
    { userId, frameTimeout },
  );
}

/** Waits until the video in `userId`'s tile is shown, has a width and its frames advance. */
export function waitForVideo(page: PageLike, userId: string, timeout = WAIT_MS): Promise<VideoReport> {
  return waitFor(
    async () => {
      const report = await videoReport(page, userId);
      return report.visible && report.width > 0 && report.advancing ? report : null;
    },
    `frames of ${userId}'s video`,
    { timeout },
  );
}

/** The page's `RTCPeerConnection`s. */
export interface PeerCounts {
  /** Made since the page loaded. */
  readonly total: number;
  /** Not closed yet (`signalingState !== 'closed'`). */
  readonly open: number;
  /** Open, and made an offer: the side that started the connection (a publisher, in the kit). */
  readonly offering: number;
  /** Open, and never made an offer: the side that answers (a viewer, in the kit). */
  readonly answering: number;
}

/**
 * Cuts the page's WebSockets as a lost network would (the kit's session reconnects and resumes).
 * With `{ down: true }`, new sockets fail too until `restoreNetwork(page)`. Resolves with how many
 * sockets were open.
 */
export function dropNetwork(page: PageLike, { down = false }: { down?: boolean } = {}): Promise<number> {
  return page.evaluate((down) => window.__e2e.dropSockets(down), down);
}

/** Lets the page's new WebSockets through again (after `dropNetwork(page, { down: true })`). */
export function restoreNetwork(page: PageLike): Promise<void> {
  return page.evaluate(() => window.__e2e.restoreSockets());
}

/** How many `RTCPeerConnection`s the page made, and how many are open, on either side. */
export function peerConnections(page: PageLike): Promise<PeerCounts> {
  return page.evaluate(() => window.__e2e.peers());
}

/** A track the page captured (`getUserMedia`, `getDisplayMedia`, or a clone of one). */
export interface CapturedTrack {
  readonly source: 'camera' | 'microphone' | 'screen' | 'screen-audio';
  readonly kind: string;
  readonly id: string;
  readonly readyState: MediaStreamTrackState;
}

/** Every track the page captured, with its state. */
export function capturedTracks(page: PageLike): Promise<CapturedTrack[]> {
  return page.evaluate(() => window.__e2e.tracks());
}

/** Whether every captured track (of `source`, if given) has ended: the camera light is off. */
export async function capturedTracksEnded(
  page: PageLike,
  source?: CapturedTrack['source'],
): Promise<boolean> {
  const tracks = await capturedTracks(page);
  return tracks
    .filter((track) => source === undefined || track.source === source)
    .every((track) => track.readyState === 'ended');
}
