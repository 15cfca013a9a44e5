// @ts-check
/**
 * The README's pictures of the demo, made from the real thing:
 * `unshare -n bash -c 'ip link set lo up && node scripts/readme-screenshot.mjs'` after `npm run build`.
 *
 * Builds the demo (scripts/build-demo.mjs), starts the dev server with it on a free loopback port,
 * and drives three users in Chromium with fake camera and microphone: the host (desktop window)
 * starts a live, Ada (phone-sized window) and Grace join from the shared link, Ada asks for a seat
 * and the host accepts, Grace asks too and waits. Then it writes, in light and in dark:
 *
 * - `docs/images/demo-host.png` / `demo-host-dark.png`: the host's view (stage, requests, viewers);
 * - `docs/images/demo-audience.png` / `demo-audience-dark.png`: Ada's view on a phone, on a seat.
 *
 * WebRTC between the browser contexts needs no network but loopback; outside a loopback-only
 * namespace the script refuses to run (as the end-to-end tests do). `CHROME_PATH` overrides
 * `/usr/bin/chromium`. Each picture must stay under 300 KB: the script fails otherwise.
 */
/* global document, HTMLMediaElement -- in the page, through waitForFunction */
import { mkdir, stat } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildDemo } from './build-demo.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const images = `${root}docs/images`;
const MAX_BYTES = 300 * 1024;
const TIMEOUT = 30_000;

const CHROMIUM_ARGS = [
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
  '--hide-scrollbars',
];

const others = Object.keys(networkInterfaces()).filter((name) => name !== 'lo');
if (others.length > 0) {
  console.error(
    `readme-screenshot: run it in a loopback-only network namespace (found ${others.join(', ')}):\n` +
      "  unshare -n bash -c 'ip link set lo up && node scripts/readme-screenshot.mjs'",
  );
  process.exit(1);
}

/** @type {typeof import('../src/server/index.js')} */
let serverModule;
try {
  serverModule = await import('../dist/server/index.js');
} catch {
  console.error('readme-screenshot: no dist/server: run `npm run build` first.');
  process.exit(1);
}

await buildDemo();
const server = await serverModule.createServer({ dev: true, port: 0, staticDir: `${root}dist/demo` });
if (server.staticDir === undefined || server.staticDir === null) {
  console.error('readme-screenshot: dist/server cannot serve static files: run `npm run build` again.');
  await server.close();
  process.exit(1);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
});

/**
 * A user: a browser context of its own (storage, devices) and its page.
 * @param {{ width: number; height: number }} viewport
 */
async function user(viewport) {
  const context = await browser.newContext({
    permissions: ['camera', 'microphone'],
    locale: 'en-US',
    viewport,
    deviceScaleFactor: 1,
    colorScheme: 'light',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  return page;
}

/**
 * Asks for a seat: "Request to join", then the same in the dialog of the device check.
 * @param {import('playwright-core').Page} page
 */
async function requestSeat(page) {
  await page.getByRole('button', { name: 'Request to join' }).click();
  const check = page.getByRole('dialog', { name: 'Before you take a seat' });
  await check.locator('pre-join-check:state(ready)').waitFor();
  await check.getByRole('button', { name: 'Request to join' }).click();
  await check.waitFor({ state: 'hidden' });
}

/**
 * Joins the live of `link` as `name`.
 * @param {import('playwright-core').Page} page
 * @param {string} link
 * @param {string} name
 */
async function join(page, link, name) {
  await page.goto(link);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await page.locator('live-session:state(ready)').waitFor();
}

/**
 * Waits until every seat with its camera on shows moving video and no toast is up, so that the
 * picture shows the stage as people see it.
 * @param {import('playwright-core').Page} page
 * @param {number} seated how many seats are taken
 */
async function settled(page, seated) {
  await page.waitForFunction(
    (seated) => {
      /** @param {Document | ShadowRoot} scope @param {string} selector @returns {Element[]} */
      const deep = (scope, selector) => [
        ...scope.querySelectorAll(selector),
        ...[...scope.querySelectorAll('*')].flatMap((element) =>
          element.shadowRoot ? deep(element.shadowRoot, selector) : [],
        ),
      ];
      const tiles = deep(document, 'guest-seat-tile').filter((tile) => !tile.matches(':state(empty)'));
      if (tiles.length !== seated) return false;
      const videos = tiles.filter((tile) => !tile.matches(':state(camera-off)'));
      if (videos.length !== seated) return false;
      const playing = videos.every((tile) => {
        const video = tile.shadowRoot?.querySelector('video');
        return (
          video !== null &&
          video !== undefined &&
          video.videoWidth > 0 &&
          !video.paused &&
          video.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA &&
          video.currentTime > 1
        );
      });
      const toasts = deep(document, 'live-notifications').flatMap((element) =>
        element.shadowRoot ? [...element.shadowRoot.querySelectorAll('.toast')] : [],
      );
      return playing && toasts.length === 0;
    },
    seated,
    { timeout: TIMEOUT, polling: 200 },
  );
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function shoot(page, name) {
  // Two frames presented by every video since now: the picture shows video, not a blank stage.
  await page.evaluate(async () => {
    /** @param {Document | ShadowRoot} scope @returns {HTMLVideoElement[]} */
    const videos = (scope) => [
      ...scope.querySelectorAll('video'),
      ...[...scope.querySelectorAll('*')].flatMap((element) =>
        element.shadowRoot ? videos(element.shadowRoot) : [],
      ),
    ];
    /** @param {HTMLVideoElement} video */
    const frame = (video) => new Promise((done) => video.requestVideoFrameCallback(() => done(undefined)));
    await Promise.all(
      videos(document)
        .filter((video) => video.videoWidth > 0)
        .map(async (video) => {
          await frame(video);
          await frame(video);
        }),
    );
  });
  const path = `${images}/${name}.png`;
  await page.screenshot({ path, caret: 'hide' });
  const { size } = await stat(path);
  console.log(`  docs/images/${name}.png  ${(size / 1024).toFixed(0)} KB`);
  if (size > MAX_BYTES) throw new Error(`readme-screenshot: ${name}.png is ${size} bytes, over ${MAX_BYTES}`);
}

try {
  await mkdir(images, { recursive: true });
  const host = await user({ width: 1280, height: 800 });
  const ada = await user({ width: 390, height: 844 });
  const grace = await user({ width: 1024, height: 768 });

  await host.goto(`${server.httpUrl}/`);
  await host.getByLabel('Your name').fill('Hana');
  await host.getByLabel('Live title').fill('Friday night show');
  await host.getByRole('button', { name: 'Start live' }).click();
  // The check of the devices before going live, then the live.
  await host.locator('pre-join-check:state(ready)').waitFor();
  await host.getByRole('button', { name: 'Go live' }).click();
  await host.locator('live-core-view').waitFor();
  await host.locator('live-session:state(ready)').waitFor();
  const link = await host.locator('#share-link').inputValue();

  await join(ada, link, 'Ada');
  await join(grace, link, 'Grace');
  await requestSeat(ada);
  await host.getByRole('button', { name: /^Accept \u2068?Ada\u2069?$/ }).click();
  await ada.getByRole('button', { name: 'Leave seat' }).waitFor();
  // Grace asks too and waits: the host's list shows her request.
  await requestSeat(grace);
  await host.getByRole('button', { name: /^Accept \u2068?Grace\u2069?$/ }).waitFor();

  for (const scheme of /** @type {const} */ (['light', 'dark'])) {
    const suffix = scheme === 'light' ? '' : '-dark';
    for (const page of [host, ada]) await page.emulateMedia({ colorScheme: scheme });
    await settled(host, 2);
    await shoot(host, `demo-host${suffix}`);
    await settled(ada, 2);
    await shoot(ada, `demo-audience${suffix}`);
  }
} finally {
  await browser.close();
  await server.close();
}
