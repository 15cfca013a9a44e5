/**
 * The plain-HTML examples end to end: `examples/plain-html/host.html` and `audience.html`, pages
 * made of tags and attributes and one `<script type="module" src=".../co-guest-kit.js">`, loaded
 * from the drop-in bundle (`scripts/bundle.mjs`) and served by the real server in dev mode
 * (`staticDir`: the repository, as `co-guest-kit serve --dev --static .` does) on 127.0.0.1, on a
 * port other than the README's: the pages name no address of their own. The host's page starts
 * with its camera on and its toggles in view. The audience member applies (a click), the host
 * accepts (a click); both pages show the guest's seat with the foreground template stamped with the
 * guest's data, and each camera plays at the other, frames advancing.
 *
 * Run (WebRTC needs a loopback-only network namespace, which also keeps the port free):
 * `unshare -n bash -c 'ip link set lo up && node --import tsx --test --test-reporter=spec test/e2e/plain-html.test.ts'`
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ServerHandle } from '../../src/server/server.js';
import {
  assertLoopbackOnly,
  launchBrowser,
  newUserContext,
  ROOT,
  tileStates,
  waitFor,
  waitForVideo,
  type UserContext,
} from './harness.js';

const run = promisify(execFile);

/**
 * Not 8787, the port of the README: the pages name no host nor port of their own (`server-url`,
 * `token-url` and `avatar-url` are relative), so they work on any.
 */
const PORT = 8795;
const BASE = `http://127.0.0.1:${PORT}/examples/plain-html/`;

/** "Accept Ada", with the name isolated (U+2068…U+2069) as the kit writes it. */
function actionOn(action: string, name: string): RegExp {
  return new RegExp(`^${action} \u2068?${name}\u2069?$`);
}

/** The texts of the foreground layers stamped in `page` (light DOM children of the view). */
function stampedForegrounds(page: Page): Promise<string[]> {
  return page
    .locator('live-core-view > [slot$="-foreground"]')
    .evaluateAll((nodes) => nodes.map((node) => (node.textContent ?? '').trim()));
}

describe('plain-HTML examples', { timeout: 240_000 }, () => {
  let server: ServerHandle;
  let browser: Browser;
  let hana: UserContext;
  let ada: UserContext;

  before(async () => {
    assertLoopbackOnly();
    await run(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { cwd: ROOT });
    server = await createServer({ dev: true, host: '127.0.0.1', port: PORT, staticDir: ROOT });
    browser = await launchBrowser();
    hana = await newUserContext(browser, { viewport: { width: 1280, height: 800 } });
    ada = await newUserContext(browser, { viewport: { width: 390, height: 844 } });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the pages are tags and attributes with one script, the bundle', async () => {
    for (const name of ['host.html', 'audience.html']) {
      const html = await readFile(join(ROOT, 'examples/plain-html', name), 'utf8');
      const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
      assert.equal(scripts.length, 1, `${name} has one script`);
      const [tag = '', body = ''] = scripts[0] ?? [];
      assert.match(tag, /^<script type="module" src="\.\.\/\.\.\/dist\/browser\/co-guest-kit\.js">/);
      assert.equal(body.trim(), '', `${name}: the script has no code of its own`);
      assert.doesNotMatch(html, /\son[a-z]+=/i, `${name} has no inline handlers`);
    }
  });

  it('the host page starts with its camera on, its toggles in view, its avatar from its own address', async () => {
    const host = hana.page;
    await host.goto(`${BASE}host.html`);
    await host.locator('live-session:state(ready)').waitFor({ timeout: 30_000 });
    await waitFor(
      async () => (await tileStates(host, 'hana')).some((states) => !states.includes('camera-off')),
      "the host's own tile shows the camera",
    );
    for (const device of ['camera', 'microphone']) {
      const toggle = host.locator(`device-toggle[device="${device}"]`);
      const box = await toggle.boundingBox();
      assert.ok(box !== null, `the ${device} toggle is rendered`);
      assert.ok(
        box.y >= 0 && box.y + box.height <= 800,
        `the ${device} toggle is in view: ${JSON.stringify(box)}`,
      );
    }
    assert.equal(await host.evaluate(() => scrollY), 0, 'without scrolling');
  });

  it('audience applies, host accepts: both see the stamped seat, the host sees the video', async () => {
    const host = hana.page;
    const guest = ada.page;
    await host.locator('live-session:state(ready)').waitFor({ timeout: 30_000 });
    await guest.goto(`${BASE}audience.html?user=ada&name=Ada`);
    await guest.locator('live-session:state(ready)').waitFor({ timeout: 30_000 });

    // The host's seat is stamped from the template on both pages.
    for (const page of [host, guest]) {
      await waitFor(async () => (await stampedForegrounds(page)).includes('Hana · seat 1'), 'the host stamp');
    }

    await guest.getByRole('button', { name: 'Request to join' }).click();
    await host.getByRole('button', { name: actionOn('Accept', 'Ada') }).click();
    await guest.getByRole('button', { name: 'Leave seat' }).waitFor({ timeout: 30_000 });

    for (const page of [host, guest]) {
      await waitFor(
        async () => (await stampedForegrounds(page)).includes('Ada · seat 2'),
        "Ada's stamped foreground",
      );
      assert.equal((await tileStates(page, 'ada')).length, 1, 'one tile for Ada');
    }
    const stamp = host.locator('live-core-view > [slot$="-foreground"] .nickname[data-user="ada"]');
    assert.equal(await stamp.count(), 1);
    // The host's background stamp has the avatar of its token, resolved against the page's address.
    const avatar = guest.locator('live-core-view > [slot$="-background"] img');
    await waitFor(
      async () =>
        (await avatar.evaluateAll((images) => images.map((image) => image.getAttribute('src')))).includes(
          `${BASE}avatars/hana.svg`,
        ),
      "the host's avatar in the background stamp",
    );

    const video = await waitForVideo(host, 'ada', 60_000);
    assert.ok(video.width > 0 && video.advancing);
    const hostVideo = await waitForVideo(guest, 'hana', 60_000);
    assert.ok(hostVideo.width > 0 && hostVideo.advancing, "the host's camera plays at the guest");

    assert.deepEqual(hana.problems, [], 'no console errors or warnings at the host');
    assert.deepEqual(ada.problems, [], 'no console errors or warnings at the guest');
  });
});
