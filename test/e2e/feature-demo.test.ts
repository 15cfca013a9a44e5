/**
 * The seed's Feature Demo with real media (issue 4, "End-to-end proof"): three browser contexts
 * (the host, audience A and audience B) on the fixture page test/e2e/fixtures/feature-demo.ts (the
 * kit's real elements inside `<live-session>`), against the real signaling server, with Chromium's
 * fake camera and microphone and real WebRTC on loopback. Each step is one test, in order; a step
 * that fails leaves the next ones failing too.
 *
 * Run (a loopback-only network namespace; nothing leaves the machine):
 * `unshare -n bash -c 'ip link set lo up && node --import tsx --test --test-reporter=spec test/e2e/feature-demo.test.ts'`
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ErrorCode } from '../../src/protocol/errors.js';
import type {} from './fixtures/feature-demo.js';
import {
  assertLoopbackOnly,
  bundlePage,
  capturedTracks,
  launchBrowser,
  peerConnections,
  ROOT,
  serveStatic,
  startServer,
  tileCount,
  tileStates,
  tileTracks,
  waitFor,
  waitForVideo,
  type BundledPage,
  type StaticServer,
  type TestServer,
  type UserContext,
  openFixturePage,
} from './harness.js';

const LIVE_ID = 'feature-demo';
const HOST = { userId: 'host', userName: 'Hana' };
const A = { userId: 'guest-a', userName: 'Ada' };
const B = { userId: 'guest-b', userName: 'Bo' };

/** Step 4's bound, from the issue: "within 2 s". */
const CAMERA_OFF_MS = 2_000;
/** The bound of each step: the machine is shared, and a stuck step must not hold the others. */
const STEP = { timeout: 120_000 };

describe(
  'the Feature Demo with real media: host, A and B against the real server',
  { timeout: 300_000 },
  () => {
    let server: TestServer;
    let bundle: BundledPage;
    let files: StaticServer;
    let browser: Browser;
    let host: UserContext;
    let a: UserContext;
    let b: UserContext;
    let everyone: readonly UserContext[] = [];

    /** Opens the fixture page as `user`; resolves once its `<live-session>` is in the live. */
    const open = (user: { userId: string; userName: string }, query: Record<string, string>) =>
      openFixturePage(browser, server, files, user, { live: LIVE_ID, ...query });

    before(async () => {
      assertLoopbackOnly();
      const html = await readFile(`${ROOT}test/e2e/fixtures/feature-demo.html`, 'utf8');
      [server, bundle, browser] = await Promise.all([
        startServer(),
        bundlePage({ entry: 'test/e2e/fixtures/feature-demo.ts', html }),
        launchBrowser(),
      ]);
      files = await serveStatic(bundle.dir);
    });

    after(async () => {
      await browser?.close();
      await files?.close();
      await bundle?.remove();
      await server?.close();
    });

    it(
      '1. the host creates the live; A and B join; A applies with camera and mic; the host accepts',
      STEP,
      async () => {
        host = await open(HOST, { role: 'host' });
        [a, b] = await Promise.all([
          open(A, { role: 'audience' }),
          open(B, { role: 'audience', 'invite-devices': 'microphone' }),
        ]);
        everyone = [host, a, b];

        await a.page.getByRole('button', { name: 'Request to join' }).click();
        await host.page.getByRole('button', { name: /^Accept .*Ada/ }).click();

        // A is seated with both devices on, in every context.
        for (const user of everyone) {
          await waitFor(async () => {
            const tiles = await tileStates(user.page, A.userId);
            return tiles.length === 1 && !tiles[0]?.includes('mic-off');
          }, `A's tile with the microphone on`);
        }
        const tracks = await capturedTracks(a.page);
        assert.deepEqual(
          tracks
            .filter((track) => track.readyState === 'live')
            .map((track) => track.source)
            .sort(),
          ['camera', 'microphone'],
        );
      },
    );

    it(
      "2. A's frames render in the host's and B's tiles for A (width > 0, frames advancing)",
      STEP,
      async () => {
        const [atHost, atB] = await Promise.all([
          waitForVideo(host.page, A.userId),
          waitForVideo(b.page, A.userId),
        ]);
        assert.ok(atHost.width > 0 && atHost.advancing);
        assert.ok(atB.width > 0 && atB.advancing);
      },
    );

    it(
      "3. the host invites B; B accepts with mic only: B's tile shows the background and mic on everywhere; B's audio is live at the host",
      STEP,
      async () => {
        await host.page.getByRole('button', { name: /^Invite .*Bo/ }).click();
        await b.page.getByRole('button', { name: /^Accept the invitation from/ }).click();

        for (const user of everyone) {
          const states = await waitFor(async () => {
            const tiles = await tileStates(user.page, B.userId);
            return tiles.length === 1 && tiles[0]?.includes('camera-off') && !tiles[0].includes('mic-off')
              ? tiles[0]
              : null;
          }, `B's tile with the background layer and the microphone on`);
          assert.ok(states.includes('camera-off'));
        }
        assert.deepEqual(
          (await capturedTracks(b.page)).map((track) => track.source),
          ['microphone'],
          'B opened the microphone only',
        );
        // The host receives B's microphone: a live remote audio track, unmuted (RTP arrives).
        await waitFor(
          async () =>
            (await tileTracks(host.page, B.userId))?.some(
              (track) => track.kind === 'audio' && track.readyState === 'live' && !track.muted,
            ),
          "B's audio track live at the host",
        );
      },
    );

    it(
      "4. A turns the camera off: A's tile shows the background layer in every context within 2 s",
      STEP,
      async () => {
        for (const user of everyone) {
          const [states] = await tileStates(user.page, A.userId);
          assert.ok(states !== undefined && !states.includes('camera-off'), `A's video shows before`);
        }
        const toggle = a.page.getByRole('button', { name: 'Turn camera off' });
        await toggle.waitFor();
        const deadline = Date.now() + CAMERA_OFF_MS;
        await toggle.click();
        await Promise.all(
          everyone.map((user) =>
            waitFor(
              async () => (await tileStates(user.page, A.userId))[0]?.includes('camera-off'),
              `A's tile switching to the background layer`,
              { timeout: Math.max(0, deadline - Date.now()), interval: 20 },
            ),
          ),
        );
      },
    );

    it(
      "5. the host kicks A: A's connections close, A's camera is released, every context drops A's tile",
      STEP,
      async () => {
        const before = {
          host: await peerConnections(host.page),
          b: await peerConnections(b.page),
          a: await peerConnections(a.page),
        };
        // A publishes to the host and to B; each of them receives A (and B also publishes to the host).
        assert.equal(before.a.offering, 2, "A's published connections before the kick");
        assert.deepEqual([...(await a.page.evaluate(() => window.fixture.connections())).publishing].sort(), [
          B.userId,
          HOST.userId,
        ]);

        await host.page.getByRole('button', { name: /^Actions for .*Ada/ }).click();
        await host.page.getByRole('menuitem', { name: 'Kick off seat' }).click();

        for (const user of everyone) {
          await waitFor(async () => (await tileCount(user.page, A.userId)) === 0, `A's tile gone`);
        }
        // Every connection A published is closed (A, now in the audience, still watches the seat holders).
        await waitFor(
          async () => (await peerConnections(a.page)).offering === 0,
          "A's published connections closed",
        );
        assert.deepEqual((await a.page.evaluate(() => window.fixture.connections())).publishing, []);
        // The host's and B's connections receiving A are closed too.
        for (const [user, counted] of [
          [host, before.host],
          [b, before.b],
        ] as const) {
          await waitFor(
            async () => (await peerConnections(user.page)).answering === counted.answering - 1,
            'the connection receiving A closed',
          );
          const { watching } = await user.page.evaluate(() => window.fixture.connections());
          assert.ok(!watching.includes(A.userId));
        }
        // The camera and the microphone are released: every track A captured has ended.
        await waitFor(
          async () => (await capturedTracks(a.page)).every((track) => track.readyState === 'ended'),
          "A's captured tracks ended",
        );
        assert.ok((await capturedTracks(a.page)).some((track) => track.source === 'camera'));
      },
    );

    it(
      '6. an audience member sends a media offer to another audience member: refused, nothing arrives',
      STEP,
      async () => {
        // B leaves the seat: A and B are both in the audience.
        await b.page.getByRole('button', { name: 'Leave seat' }).click();
        for (const user of everyone) {
          await waitFor(async () => (await tileCount(user.page, B.userId)) === 0, `B's tile gone`);
        }

        const signalsBefore = await b.page.evaluate(() => window.fixture.signals.length);
        const result = await a.page.evaluate(async (to) => {
          const { session, liveId } = await window.fixture.ready;
          const connection = new RTCPeerConnection({ iceServers: [] });
          connection.addTransceiver('video', { direction: 'sendonly' });
          const offer = await connection.createOffer();
          connection.close();
          const reply = await session.request('media.signal', {
            liveId,
            to,
            data: { type: 'offer', sdp: offer.sdp ?? '' },
          });
          return reply.isSuccess ? { isSuccess: true } : { isSuccess: false, errorCode: reply.errorCode };
        }, B.userId);
        assert.deepEqual(result, { isSuccess: false, errorCode: ErrorCode.MEDIA_NOT_ALLOWED });

        // A round trip of B's after A's refusal: a relayed signal would have reached B before its reply.
        const roundTrip = await b.page.evaluate(async () => {
          const { session } = await window.fixture.ready;
          return (await session.request('live.list', {})).isSuccess;
        });
        assert.equal(roundTrip, true);
        const fromA = await b.page.evaluate(
          ({ from, since }) => window.fixture.signals.slice(since).filter((signal) => signal.from === from),
          { from: A.userId, since: signalsBefore },
        );
        assert.deepEqual(fromA, []);
      },
    );

    it('prints no error or warning in any context', () => {
      for (const user of everyone) assert.deepEqual(user.problems, []);
    });
  },
);
