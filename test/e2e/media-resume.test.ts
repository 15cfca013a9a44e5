/**
 * Media across a dropped connection, against the real signaling server: a publisher (the host, on
 * seat 0 with its camera on) and a viewer on the Feature Demo page (test/e2e/fixtures/feature-demo.ts).
 * The page's WebSockets are cut as a lost network would cut them (harness `dropNetwork`); the
 * session reconnects and resumes within the server's grace period.
 *
 * Run (a loopback-only network namespace):
 * `unshare -n bash -c 'ip link set lo up && node --import tsx --test --test-reporter=spec test/e2e/media-resume.test.ts'`
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type {} from './fixtures/feature-demo.js';
import {
  assertLoopbackOnly,
  bundlePage,
  dropNetwork,
  launchBrowser,
  peerConnections,
  restoreNetwork,
  ROOT,
  serveStatic,
  startServer,
  tileStates,
  waitFor,
  waitForVideo,
  type BundledPage,
  type StaticServer,
  type TestServer,
  type UserContext,
  openFixturePage,
} from './harness.js';

const LIVE_ID = 'resume';
const HOST = { userId: 'host', userName: 'Hana' };
const VIEWER = { userId: 'viewer', userName: 'Vic' };
const STEP = { timeout: 120_000 };

/** The session's connection status in the page. */
function connection(page: Page): Promise<string> {
  return page.evaluate(async () => (await window.fixture.ready).session.$connection.get());
}

/** Whether `userId`'s tile in the page shows the background layer (no video). */
async function cameraOff(page: Page, userId: string): Promise<boolean> {
  return (await tileStates(page, userId))[0]?.includes('camera-off') ?? false;
}

describe('media across a dropped connection, against the real server', { timeout: 600_000 }, () => {
  let server: TestServer;
  let bundle: BundledPage;
  let files: StaticServer;
  let browser: Browser;
  let host: UserContext;
  let viewer: UserContext;

  const open = (user: { userId: string; userName: string }, role: string) =>
    openFixturePage(browser, server, files, user, { live: LIVE_ID, role });

  /** Cuts `user`'s sockets and waits until its session is connected again. */
  async function dropAndResume(user: UserContext): Promise<void> {
    assert.ok((await dropNetwork(user.page)) > 0, 'a socket was open');
    await waitFor(async () => (await connection(user.page)) !== 'connected', 'the session sees the drop');
    await waitFor(async () => (await connection(user.page)) === 'connected', 'the session reconnects');
  }

  before(async () => {
    assertLoopbackOnly();
    const html = await readFile(`${ROOT}test/e2e/fixtures/feature-demo.html`, 'utf8');
    [server, bundle, browser] = await Promise.all([
      startServer(),
      bundlePage({ entry: 'test/e2e/fixtures/feature-demo.ts', html }),
      launchBrowser(),
    ]);
    files = await serveStatic(bundle.dir);
    host = await open(HOST, 'host');
    viewer = await open(VIEWER, 'audience');
    await host.page.getByRole('button', { name: 'Turn camera on' }).click();
    await waitForVideo(viewer.page, HOST.userId);
  });

  after(async () => {
    await browser?.close();
    await files?.close();
    await bundle?.remove();
    await server?.close();
  });

  it("a viewer whose connection drops and resumes gets the publisher's video back", STEP, async () => {
    await dropAndResume(viewer);
    await waitForVideo(viewer.page, HOST.userId);
  });

  it(
    'a publisher whose connection drops and resumes keeps publishing; its device changes still arrive',
    STEP,
    async () => {
      await dropAndResume(host);
      await waitForVideo(viewer.page, HOST.userId);
      await host.page.getByRole('button', { name: 'Turn camera off' }).click();
      await waitFor(() => cameraOff(viewer.page, HOST.userId), "the viewer sees the host's camera off");
      await host.page.getByRole('button', { name: 'Turn camera on' }).click();
      await waitForVideo(viewer.page, HOST.userId);
    },
  );

  it('a camera turned on while the viewer is away reaches the viewer once it is back', STEP, async () => {
    await host.page.getByRole('button', { name: 'Turn camera off' }).click();
    await waitFor(() => cameraOff(viewer.page, HOST.userId), "the viewer sees the host's camera off");

    assert.ok((await dropNetwork(viewer.page, { down: true })) > 0);
    await waitFor(async () => (await connection(viewer.page)) !== 'connected', 'the viewer is away');
    await host.page.getByRole('button', { name: 'Turn camera on' }).click();
    // The room has the camera on (the host's own tile shows it) while the viewer is still away.
    await waitFor(async () => !(await cameraOff(host.page, HOST.userId)), "the host's camera is on");
    assert.notEqual(await connection(viewer.page), 'connected');

    await restoreNetwork(viewer.page);
    await waitFor(async () => (await connection(viewer.page)) === 'connected', 'the viewer is back');
    await waitForVideo(viewer.page, HOST.userId);
  });

  it('6 drop and resume cycles leave one connection each way open, no more', STEP, async () => {
    const before = { host: await peerConnections(host.page), viewer: await peerConnections(viewer.page) };
    assert.equal(before.host.offering, 1, 'the host publishes to the viewer');
    assert.equal(before.viewer.answering, 1, 'the viewer receives the host');
    for (let cycle = 0; cycle < 6; cycle++) {
      await dropAndResume(cycle % 2 === 0 ? viewer : host);
      await waitForVideo(viewer.page, HOST.userId);
      await waitFor(async () => {
        const [atHost, atViewer] = [await peerConnections(host.page), await peerConnections(viewer.page)];
        return atHost.open === before.host.open && atViewer.open === before.viewer.open;
      }, `cycle ${cycle}: as many open connections as before`);
    }
    const { publishing } = await host.page.evaluate(() => window.fixture.connections());
    assert.deepEqual(publishing, [VIEWER.userId]);
  });

  it('prints no error or warning', () => {
    assert.deepEqual(host.problems, []);
    assert.deepEqual(viewer.problems, []);
  });
});
