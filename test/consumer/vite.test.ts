/**
 * The published package in a consumer's app: `npm pack` the kit (after `npm run build`), install the
 * tarball into a fresh folder with `npm install --offline` (a lockfile cut from the repository's
 * own, scripts/offline-lock.mjs, takes the kit's dependencies at the versions the repository pins,
 * from the npm cache `npm ci` filled), build a plain page with the repository's Vite and
 * NO configuration (no vite.config, no aliases, no Node polyfills), then load the built page in
 * Chromium on loopback.
 *
 * Run: `npm run test:consumer` (in CI's loopback-only namespace too: nothing is downloaded).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeOfflineLock } from '../../scripts/offline-lock.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** The consumer's whole app: one page, one module importing the kit as its README shows. */
const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><link rel="icon" href="data:," /><title>consumer</title></head>
  <body>
    <live-core-view></live-core-view>
    <script type="module" src="/main.js"></script>
  </body>
</html>
`;
const MAIN_JS = `import * as kit from 'co-guest-kit';
window.kit = kit;
window.kitReady = true;
`;

/** In the page: a live on an in-page hub; the host's camera reaches a viewer; the frame's width. */
const CONNECT_SCRIPT = `(async () => {
  const kit = window.kit;
  const hub = await kit.getLocalHub();
  const enter = async (userId) => {
    const session = kit.createSession();
    await session.loginStore.login({ hub, user: { userId, userName: userId, avatarUrl: '' } });
    return session;
  };
  const host = await enter('host');
  await host.liveListStore.createLive({ liveId: 'room' });
  const viewer = await enter('viewer');
  await viewer.liveListStore.joinLive('room');
  const media = kit.LiveMedia.for(viewer, 'room');
  kit.LiveMedia.for(host, 'room').start();
  media.start();
  await kit.DeviceStore.for(host).openLocalCamera();
  const stream = await new Promise((resolve) => {
    const stop = media.remoteStreams.subscribe((streams) => {
      const found = streams.get('host');
      if (found && found.getVideoTracks().length > 0) {
        queueMicrotask(stop);
        resolve(found);
      }
    });
  });
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = stream;
  document.body.append(video);
  await video.play();
  await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
  return video.videoWidth;
})()`;

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

/** Serves `dir` on 127.0.0.1 (a random port). */
async function serve(dir: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path);
    readFile(file).then(
      (body) => {
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(body);
      },
      () => {
        response.writeHead(404);
        response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('the packed kit in a Vite app with no configuration', { timeout: 300_000 }, () => {
  let work = '';
  let app = '';
  let server: Server | null = null;
  let browser: Browser | null = null;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'co-guest-kit-consumer-'));
    await run('npm', ['run', 'build', '--silent'], { cwd: root });
    const packed = await run('npm', ['pack', '--json', '--silent', '--pack-destination', work], {
      cwd: root,
    });
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    app = join(work, 'app');
    await mkdir(app);
    await writeFile(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
    );
    await writeFile(join(app, 'index.html'), INDEX_HTML);
    await writeFile(join(app, 'main.js'), MAIN_JS);
    await writeOfflineLock(app);
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, filename)], { cwd: app });
    await run(
      process.execPath,
      [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'],
      {
        cwd: app,
      },
    );
    server = await serve(join(app, 'dist'));
    browser = await chromium.launch({
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
    });
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction('window.kitReady === true');
  });

  const exportsLiveMedia = () =>
    page.evaluate<boolean>(
      "typeof window.kit.LiveMedia === 'function' && typeof window.kit.DeviceStore === 'function'",
    );

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('installs without simple-peer, its Node-only dependencies or any install script', () => {
    for (const name of [
      '@thaunknown/simple-peer',
      'webrtc-polyfill',
      'node-datachannel',
      'streamx',
      'events',
    ]) {
      assert.equal(existsSync(join(app, 'node_modules', name)), false, `${name} is not installed`);
    }
  });

  it('registers every element of the manifest, without a console error', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'custom-elements.json'), 'utf8')) as {
      modules: { declarations?: { tagName?: string }[] }[];
    };
    const tags = manifest.modules.flatMap((module) =>
      (module.declarations ?? []).flatMap((declaration) =>
        declaration.tagName ? [declaration.tagName] : [],
      ),
    );
    assert.ok(tags.includes('live-core-view'));
    const missing = await page.evaluate<string[]>(
      `${JSON.stringify(tags)}.filter((name) => customElements.get(name) === undefined)`,
    );
    assert.deepEqual(missing, []);
    assert.deepEqual(errors, []);
  });

  it('keeps simple-peer out of the entry chunk: a lazy chunk of its own', async () => {
    assert.ok(await exportsLiveMedia(), 'the root entry exports LiveMedia');
    const assets = join(app, 'dist', 'assets');
    const files = (await readdir(assets)).filter((file) => file.endsWith('.js'));
    const html = await readFile(join(app, 'dist', 'index.html'), 'utf8');
    const entry = files.find((file) => html.includes(file));
    assert.ok(entry, 'the page loads an entry chunk');
    const withPeer = [];
    for (const file of files) {
      if ((await readFile(join(assets, file), 'utf8')).includes('cannot signal after peer is destroyed')) {
        withPeer.push(file);
      }
    }
    assert.equal(withPeer.includes(entry), false, 'simple-peer is not in the entry chunk');
    assert.equal(withPeer.length, 1, 'simple-peer is in exactly one lazy chunk');
  });

  it("connects a seated guest's camera to a viewer through the lazy peer chunk", async () => {
    assert.ok(await exportsLiveMedia(), 'the root entry exports LiveMedia');
    // A string: the test file is compiled by tsx, whose helpers do not exist in the page.
    const width = await page.evaluate<number>(CONNECT_SCRIPT);
    assert.ok(width > 0, 'the viewer paints the host camera');
    assert.deepEqual(errors, []);
  });
});
