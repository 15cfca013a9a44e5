/**
 * The demo app (`npm start`) end to end: the built demo (scripts/build-demo.mjs) served by the real
 * server in dev mode (`staticDir`), a host in one browser context, two viewers in two tabs of
 * another, clicking like users. Apply → accept → the guest's video plays at the host and at the
 * other viewer; invite → accept; the check of the devices (<pre-join-check>) before going live and
 * before taking a seat, its meter moving with the fake microphone; a guest's shared screen reaching
 * the others; a hostile name stays text; a reload of the guest's tab comes back
 * as the same user on the same seat with the camera on, its video plays at the others again and
 * theirs at it; a reload of the host's gets the live back, with the videos both ways;
 * ending the live takes everyone back to the start; the landing form refuses bad input.
 *
 * Run (WebRTC needs a loopback-only network namespace):
 * `unshare -n bash -c 'ip link set lo up && node --import tsx --test --test-reporter=spec test/e2e/demo.test.ts'`
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import {
  assertLoopbackOnly,
  capturedTracks,
  capturedTracksEnded,
  launchBrowser,
  newUserContext,
  ROOT,
  startServer,
  tileStates,
  waitFor,
  waitForVideo,
  type TestServer,
  type UserContext,
} from './harness.js';

const run = promisify(execFile);

/** A name that would run script if the page ever put it into markup. */
const HOSTILE_NAME = 'Grace <img src=x onerror="window.__pwned=1">';

/**
 * The accessible name of a button acting on a user: "Accept Ada", with the name isolated
 * (U+2068…U+2069) as the kit writes it so that a right-to-left name cannot reorder the label.
 */
function actionOn(action: string, name: string): RegExp {
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escape(action)} \u2068?${escape(name)}\u2069?$`);
}

/** This tab's user id, as the demo keeps it (sessionStorage, one per tab). */
async function userIdOf(page: Page): Promise<string> {
  const stored = await page.evaluate(() => sessionStorage.getItem('co-guest-demo.user-id'));
  assert.ok(stored !== null, 'the demo keeps a user id for the tab');
  return JSON.parse(stored) as string;
}

/** Waits until the page's `<live-session>` is in the live. */
async function inLive(page: Page): Promise<void> {
  await page.locator('live-session:state(ready)').waitFor({ timeout: 30_000 });
}

/** Opens the shared link and joins as `name`, as a viewer would. */
async function joinFromLink(page: Page, link: string, name: string): Promise<string> {
  await page.goto(link);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await inLive(page);
  return userIdOf(page);
}

/** The check of the devices on `page` (the host's page, or the viewer's dialog), once its devices are open. */
async function deviceCheck(page: Page): Promise<void> {
  await page.locator('pre-join-check:state(ready)').waitFor({ timeout: 30_000 });
}

/** Waits until the meter of the page's check shows a sound of at least `level` (0..100). */
async function meterMoves(page: Page, level: number): Promise<void> {
  const meter = page.getByRole('meter', { name: 'Microphone level' });
  await waitFor(
    async () => Number(await meter.getAttribute('aria-valuenow')) >= level,
    `the meter shows the microphone (≥ ${level})`,
  );
}

/** The size of the picture in `userId`'s tile on `page`, as `640×480` (`0×0` without one). */
function tileSize(page: Page, userId: string): Promise<string> {
  return page.evaluate((userId) => {
    const video = window.__e2e.tiles(userId)[0]?.shadowRoot?.querySelector('video');
    return `${video?.videoWidth ?? 0}×${video?.videoHeight ?? 0}`;
  }, userId);
}

/** Whether `page` shows `userId` on a seat whose camera is on. */
async function seatedWithCamera(page: Page, userId: string): Promise<boolean> {
  const tiles = await tileStates(page, userId);
  return tiles.length === 1 && !tiles[0]?.includes('camera-off');
}

/** The seat index of `userId` as `page` shows it, or `null`. */
function seatOf(page: Page, userId: string): Promise<number | null> {
  return page.evaluate(
    (userId) =>
      window.__e2e
        .deepAll('guest-seat-tile')
        .map(
          (tile) =>
            (tile as Element & { seat?: { index: number; userInfo?: { userId?: string } | null } | null })
              .seat,
        )
        .find((seat) => seat?.userInfo?.userId === userId)?.index ?? null,
    userId,
  );
}

/** Console errors and warnings of a page, recorded from now on. */
function recordProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    const type = message.type();
    if (type === 'error' || type === 'warning') problems.push(`${type}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

describe('demo app', { timeout: 300_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let hostUser: UserContext;
  let viewers: UserContext;
  let grace: Page;
  let graceProblems: string[];

  before(async () => {
    assertLoopbackOnly();
    await run(process.execPath, [join(ROOT, 'scripts/build-demo.mjs')], { cwd: ROOT });
    server = await startServer({ dev: true, staticDir: join(ROOT, 'dist/demo') });
    browser = await launchBrowser();
    hostUser = await newUserContext(browser);
    viewers = await newUserContext(browser, { viewport: { width: 390, height: 844 } });
    grace = await viewers.context.newPage();
    graceProblems = recordProblems(grace);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Notes how long a step took (figures for the docs, never asserted). */
  function lapper(t: TestContext): (what: string) => void {
    let last = Date.now();
    return (what) => {
      const now = Date.now();
      t.diagnostic(`${what}: ${now - last} ms`);
      last = now;
    };
  }

  let hostId = '';
  let adaId = '';
  let graceId = '';

  it('apply → accept and invite → accept between a host tab and two viewer tabs, with video', async (t) => {
    const lap = lapper(t);
    const host = hostUser.page;
    const ada = viewers.page;

    // The host starts a live from the landing page.
    await host.goto(server.handle.httpUrl);
    await host.getByLabel('Your name').fill('Hana');
    await host.getByLabel('Live title').fill('Friday show');
    await host.getByRole('button', { name: 'Start live' }).click();
    // The check of the devices comes first: the camera's picture, the meter moving with the
    // (fake, beeping) microphone, then "Go live".
    await deviceCheck(host);
    assert.equal(await host.locator('live-core-view').count(), 0, 'not live yet');
    await host.getByRole('heading', { name: 'Check your camera and microphone' }).waitFor();
    await waitFor(
      () =>
        host.evaluate(() => {
          const video = document.querySelector('pre-join-check')?.shadowRoot?.querySelector('video');
          return video !== null && video !== undefined && video.videoWidth > 0;
        }),
      "the camera's picture in the check",
    );
    await meterMoves(host, 20);
    await host.getByRole('button', { name: 'Go live' }).click();
    await inLive(host);
    hostId = await userIdOf(host);
    await waitFor(() => seatedWithCamera(host, hostId), 'the host on seat 0 with the camera on');
    // Nothing was opened twice: one camera and one microphone track, the check's.
    const captured = await capturedTracks(host);
    assert.deepEqual(
      captured.map((track) => `${track.source}:${track.readyState}`).sort(),
      ['camera:live', 'microphone:live'],
      'the devices of the check went live',
    );
    const link = await host.locator('#share-link').inputValue();
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/\?live=live-[a-z0-9]+$/);
    assert.equal(await host.locator('#live-title').textContent(), 'Friday show');
    lap('the host is live with the camera on');

    // The link's page names the live and its host before one joins.
    await ada.goto(link);
    await ada.getByRole('heading', { level: 1, name: 'Friday show' }).waitFor();
    await ada.getByText('Hosted by Hana').waitFor();

    // Two viewers open the link in two tabs of one browser: two users.
    adaId = await joinFromLink(ada, link, 'Ada');
    graceId = await joinFromLink(grace, link, HOSTILE_NAME);
    assert.notEqual(adaId, graceId, 'each tab is its own user');
    // The host's list counts its viewers: the two of them, not the host.
    await host.locator('audience-list').getByText('2 viewers', { exact: true }).waitFor();
    await waitForVideo(ada, hostId);
    lap("two viewers joined; the host's video plays at Ada");

    // Ada asks for a seat: the check first, in a dialog; its confirm sends the request, and the
    // host accepts her from the requests.
    await ada.getByRole('button', { name: 'Request to join' }).click();
    const adaCheck = ada.getByRole('dialog', { name: 'Before you take a seat' });
    await adaCheck.waitFor();
    await deviceCheck(ada);
    await meterMoves(ada, 20);
    // She keeps these devices for the rest of the tab's session (tested below).
    await adaCheck.getByLabel('Use these settings for the rest of this session without asking again').check();
    await adaCheck.getByRole('button', { name: 'Request to join' }).click();
    await adaCheck.waitFor({ state: 'hidden' });
    await ada.getByRole('button', { name: 'Cancel request' }).waitFor();
    assert.equal(await ada.locator('.role-badge').textContent(), 'Viewer');
    await host.getByRole('button', { name: actionOn('Accept', 'Ada') }).click();
    await ada.getByRole('button', { name: 'Leave seat' }).waitFor();
    await ada.locator('.role-badge', { hasText: 'Guest' }).waitFor();
    await waitForVideo(host, adaId);
    await waitForVideo(grace, adaId);
    lap("apply, accept: Ada's video plays at the host and at Grace");

    // The host invites Grace from the viewers; she accepts, checks her devices and joins.
    await host.getByRole('button', { name: actionOn('Invite', HOSTILE_NAME) }).click();
    await grace.getByRole('button', { name: actionOn('Accept the invitation from', 'Hana') }).click();
    const graceCheck = grace.getByRole('dialog', { name: 'Before you take a seat' });
    await graceCheck.waitFor();
    await deviceCheck(grace);
    await graceCheck.getByRole('button', { name: 'Accept and join' }).click();
    await waitFor(() => seatedWithCamera(host, graceId), 'Grace on a seat with her camera, at the host');
    await waitForVideo(host, graceId);
    await waitForVideo(ada, graceId);
    lap("invite, accept: Grace's video plays at the host and at Ada");

    // Her name stayed text everywhere.
    for (const page of [host, ada, grace]) {
      assert.equal(await page.evaluate(() => '__pwned' in window), false);
    }
    await host.locator('audience-list').getByText(HOSTILE_NAME, { exact: true }).waitFor();
    assertQuiet();
  });

  it("a reload of the guest's tab comes back as the same user, on the same seat, camera on", async (t) => {
    assert.notEqual(adaId, '', 'the flow above seated Ada');
    const lap = lapper(t);
    const host = hostUser.page;
    const ada = viewers.page;
    const seatBefore = await seatOf(host, adaId);

    await ada.reload();
    await inLive(ada);
    assert.equal(await userIdOf(ada), adaId, 'a reload keeps the user');
    await ada.getByRole('button', { name: 'Leave seat' }).waitFor();
    await waitFor(async () => {
      const tiles = await tileStates(host, adaId);
      return tiles.length === 1 && !tiles[0]?.includes('connection-lost');
    }, "Ada's seat held and back online, at the host");
    assert.equal(await seatOf(host, adaId), seatBefore, 'the same seat');
    // Her camera is on again (the seat still showed it on), and she sees the others.
    await waitForVideo(ada, adaId);
    await waitForVideo(ada, hostId);
    await waitForVideo(ada, graceId);
    lap('reload: seat kept, camera back, the others play at Ada');
    assertQuiet();
  });

  it("after the reload, the host and the other viewer see the guest's video again", async (t) => {
    assert.notEqual(adaId, '', 'the flow above seated Ada');
    const lap = lapper(t);
    await waitForVideo(hostUser.page, adaId);
    await waitForVideo(grace, adaId);
    lap("reload: Ada's video plays at the host and at Grace again");
    assertQuiet();
  });

  it("a reload of the host's tab gets the live back, with the guests still seated and the videos both ways", async (t) => {
    assert.notEqual(adaId, '', 'the flow above seated Ada');
    const lap = lapper(t);
    const host = hostUser.page;
    await host.reload();
    await inLive(host);
    assert.equal(await userIdOf(host), hostId, 'a reload keeps the user');
    assert.equal(await host.locator('#live-title').textContent(), 'Friday show');
    // Still the owner: the host's lists and End live are there, the guests on their seats.
    await host.getByRole('button', { name: 'End live' }).waitFor();
    await host.getByRole('button', { name: actionOn('Invite', 'Hana') }).waitFor({ state: 'detached' });
    await waitFor(
      async () =>
        (await tileStates(host, adaId)).length === 1 && (await tileStates(host, graceId)).length === 1,
      'Ada and Grace on their seats at the host',
    );
    await waitFor(() => seatedWithCamera(host, hostId), "the host's camera on again");
    lap("reload of the host: the live, the seats and the host's camera back");
    // The media too, both ways: the host sees the guests, and the guests see the host again.
    await waitForVideo(host, adaId);
    await waitForVideo(host, graceId);
    await waitForVideo(viewers.page, hostId);
    await waitForVideo(grace, hostId);
    lap("reload of the host: the guests' videos play at the host, the host's at the guests");
    assertQuiet();
  });

  it("a guest's shared screen reaches the host and the other viewer, and the camera comes back", async (t) => {
    assert.notEqual(adaId, '', 'the flow above seated Ada');
    const lap = lapper(t);
    const host = hostUser.page;
    const ada = viewers.page;
    const camera = await tileSize(ada, adaId);
    assert.equal(camera, '640×480', "Ada's own tile shows her camera (the fake camera's size)");
    await ada.getByRole('button', { name: 'Share screen' }).click();
    await ada.getByRole('button', { name: 'Stop sharing' }).waitFor();
    assert.ok(
      (await capturedTracks(ada)).some((track) => track.source === 'screen' && track.readyState === 'live'),
      'Ada captures her screen',
    );
    // Her own tile shows what the others see: the screen (the fake screen has the page's size).
    const screen = await waitFor(async () => {
      const size = await tileSize(ada, adaId);
      return size !== camera && size !== '0×0' ? size : null;
    }, "Ada's screen in her own tile");
    for (const page of [host, grace]) {
      await waitFor(
        async () => (await tileSize(page, adaId)) === screen,
        `Ada's screen (${screen}) in her tile`,
      );
      await waitForVideo(page, adaId);
    }
    lap("Ada's screen plays at the host and at Grace");
    await ada.getByRole('button', { name: 'Stop sharing' }).click();
    await ada.getByRole('button', { name: 'Share screen' }).waitFor();
    for (const page of [host, grace]) {
      await waitFor(async () => (await tileSize(page, adaId)) !== screen, "Ada's camera in her tile again");
      await waitForVideo(page, adaId);
    }
    assert.ok(
      (await capturedTracks(ada)).every((track) => track.source !== 'screen' || track.readyState === 'ended'),
      'the screen capture ended',
    );
    lap("Ada's camera back at the host and at Grace");
    assertQuiet();
  });

  it('a remembered choice skips the check; a request cancelled after the check turns its devices off', async () => {
    assert.notEqual(graceId, '', 'the flow above seated Grace');
    const host = hostUser.page;
    const ada = viewers.page;
    // Ada asked not to be asked again: her next request goes at once.
    await ada.getByRole('button', { name: 'Leave seat' }).click();
    await ada.getByRole('button', { name: 'Request to join' }).click();
    await ada.getByRole('button', { name: 'Cancel request' }).waitFor();
    assert.equal(await ada.locator('dialog.seat-check[open]').count(), 0, 'no check for Ada');
    await host.getByRole('button', { name: actionOn('Accept', 'Ada') }).waitFor();
    await ada.getByRole('button', { name: 'Cancel request' }).click();
    await ada.getByRole('button', { name: 'Request to join' }).waitFor();
    // Grace did not: the check again, and cancelling the request it led to turns the camera off.
    await grace.getByRole('button', { name: 'Leave seat' }).click();
    await grace.getByRole('button', { name: 'Request to join' }).click();
    const check = grace.getByRole('dialog', { name: 'Before you take a seat' });
    await check.waitFor();
    await deviceCheck(grace);
    assert.equal(await capturedTracksEnded(grace, 'camera'), false, 'the check shows the camera');
    await check.getByRole('button', { name: 'Request to join' }).click();
    await grace.getByRole('button', { name: 'Cancel request' }).click();
    await grace.getByRole('button', { name: 'Request to join' }).waitFor();
    await waitFor(() => capturedTracksEnded(grace, 'camera'), "Grace's camera is off again");
    await waitFor(() => capturedTracksEnded(grace, 'microphone'), "Grace's microphone is off again");
    assertQuiet();
  });

  it('End live asks first, in a dialog the keyboard answers; ending it tells every viewer once', async () => {
    assert.notEqual(hostId, '', 'the flow above started a live');
    const host = hostUser.page;
    const confirm = host.getByRole('dialog', { name: 'End this live for everyone?' });
    // One click asks; Escape keeps the live going.
    await host.getByRole('button', { name: 'End live' }).click();
    await confirm.waitFor();
    assert.equal(
      await confirm.evaluate((dialog) => dialog.matches(':modal')),
      true,
      'a modal dialog, in the top layer',
    );
    assert.equal(
      await host.evaluate(() => document.activeElement?.textContent?.trim()),
      'Keep the live',
      'focus starts on the safe answer',
    );
    await host.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    await inLive(host);
    assert.equal(await viewers.page.locator('live-core-view:state(ended)').count(), 0, 'not ended');
    // Asked again, and answered with the keyboard: Tab to "End live", Enter.
    await host.getByRole('button', { name: 'End live' }).click();
    await confirm.waitFor();
    await host.keyboard.press('Tab');
    await host.keyboard.press('Enter');
    await host.getByRole('button', { name: 'Start live' }).waitFor();
    for (const page of [viewers.page, grace]) {
      await page.locator('live-core-view:state(ended)').waitFor();
      // One ended state: one text says so, no toast repeats it, and nothing invites anyone.
      const saying = await page.evaluate(() =>
        window.__e2e
          .deepAll('*')
          .filter(
            (element) =>
              element.checkVisibility() &&
              Array.from(element.childNodes).some(
                (node) => node.nodeType === Node.TEXT_NODE && /ended/i.test(node.textContent ?? ''),
              ),
          )
          .map((element) => element.textContent?.trim()),
      );
      assert.deepEqual(saying, ['The live has ended'], 'one text tells the end');
      assert.equal(await page.getByRole('heading', { name: 'Invite viewers' }).count(), 0, 'no invite card');
      assert.equal(await page.getByRole('button', { name: /^Invite/ }).count(), 0, 'no invite button');
      await page.getByRole('button', { name: 'Back to start' }).click();
      await page.getByRole('button', { name: 'Start live' }).waitFor();
      assert.equal(new URL(page.url()).search, '');
    }
    // Devices were released: every captured track has ended (the camera light is off).
    for (const page of [host, viewers.page, grace]) {
      await waitFor(
        () => page.evaluate(() => window.__e2e.tracks().every((track) => track.readyState === 'ended')),
        'every captured track ended',
      );
    }
    assertQuiet();
  });

  it('the landing form refuses a missing name and an avatar that is not http(s)', async () => {
    // A browser that never used the demo: nothing to prefill.
    const fresh = await newUserContext(browser);
    const page = fresh.page;
    await page.goto(server.handle.httpUrl);
    await page.getByRole('button', { name: 'Start live' }).click();
    assert.equal(await page.getByRole('alert').textContent(), 'Enter your name.');
    await page.getByLabel('Your name').fill('Mallory');
    await page.getByLabel('Avatar URL (optional)').fill('javascript:alert(1)');
    await page.getByRole('button', { name: 'Start live' }).click();
    assert.equal(
      await page.getByRole('alert').textContent(),
      'The avatar must be an http:// or https:// address.',
    );
    assert.equal(await page.getByLabel('Your name').inputValue(), 'Mallory', 'what was typed stays');
    assert.equal(new URL(page.url()).search, '', 'no live was started');
    await page.getByLabel('Live link or ID').fill('not a link');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    assert.equal(
      await page.getByRole('alert').textContent(),
      'The avatar must be an http:// or https:// address.',
    );
    await page.getByLabel('Avatar URL (optional)').fill('');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    assert.equal(await page.getByRole('alert').textContent(), 'That is not a live link or ID.');
    await fresh.close();
    assert.deepEqual(fresh.problems, []);
  });

  function assertQuiet(): void {
    assert.deepEqual(hostUser.problems, []);
    assert.deepEqual(viewers.problems, []);
    assert.deepEqual(graceProblems, []);
  }
});
