/**
 * The seed's Feature Demo with real media (issue 4, "End-to-end proof"), as steps that any mix of
 * browsers can run: three users (the host, audience A and audience B) on the fixture page
 * test/e2e/fixtures/feature-demo.ts, against the real signaling server. A step acts only through
 * `UserPage`s (a click by role and name, `evaluate`), so the same step drives Chromium
 * (test/e2e/feature-demo.test.ts) and Firefox beside Chromium (test/e2e/firefox.test.ts). Each step
 * needs the ones before it.
 */
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import type {} from './fixtures/feature-demo.js';
import {
  capturedTracks,
  peerConnections,
  tileCount,
  tileStates,
  tileTracks,
  waitFor,
  waitForVideo,
  WAIT_MS,
  type UserContextOptions,
  type UserPage,
} from './harness.js';

export const HOST = { userId: 'host', userName: 'Hana' } as const;
export const A = { userId: 'guest-a', userName: 'Ada' } as const;
export const B = { userId: 'guest-b', userName: 'Bo' } as const;
export type DemoUser = typeof HOST | typeof A | typeof B;

/**
 * Opens the fixture page as `user` with `query` (`role`, `invite-devices`; the runner adds the
 * server, the token and the live); resolves once its `<live-session>` is in the live.
 */
export type OpenDemoPage = (
  user: DemoUser,
  query: Readonly<Record<string, string>>,
  options: Pick<UserContextOptions, 'microphone'>,
) => Promise<UserPage>;

/** The users of one run, opened by its first step. */
export class FeatureDemo {
  readonly #open: OpenDemoPage;
  #users: { host: UserPage; a: UserPage; b: UserPage } | null = null;

  constructor(open: OpenDemoPage) {
    this.#open = open;
  }

  get host(): UserPage {
    return this.#opened().host;
  }

  get a(): UserPage {
    return this.#opened().a;
  }

  get b(): UserPage {
    return this.#opened().b;
  }

  /** Every user opened so far. */
  get everyone(): readonly UserPage[] {
    return this.#users === null ? [] : [this.#users.host, this.#users.a, this.#users.b];
  }

  /** Opens the host's page, then A's and B's (B's microphone is a steady tone: step 4 hears it). */
  async open(): Promise<void> {
    const host = await this.#open(HOST, { role: 'host' }, {});
    const [a, b] = await Promise.all([
      this.#open(A, { role: 'audience' }, {}),
      this.#open(B, { role: 'audience', 'invite-devices': 'microphone' }, { microphone: 'tone' }),
    ]);
    this.#users = { host, a, b };
  }

  /** What each page printed (errors, warnings, uncaught exceptions), by user and browser. */
  problems(): Record<string, readonly string[]> {
    const names = [HOST, A, B];
    return Object.fromEntries(
      this.everyone.map((user, index) => [`${names[index]?.userId} (${user.browserName})`, user.problems]),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.everyone.map((user) => user.close()));
  }

  #opened(): { host: UserPage; a: UserPage; b: UserPage } {
    if (this.#users === null) throw new Error('the Feature Demo has not opened its pages (step 1)');
    return this.#users;
  }
}

/** One step of the demo. */
export interface DemoStep {
  readonly title: string;
  run(demo: FeatureDemo): Promise<void>;
}

export interface DemoStepOptions {
  /**
   * How long A's tile may take to show the background layer once A turns the camera off, in ms:
   * the issue's "within 2 s" where the run holds it. Default: `WAIT_MS`, a deadline, not a claim.
   */
  readonly cameraOffMs?: number;
  /**
   * How the server moves media: `mesh` (default; A publishes one connection per viewer) or `sfu`
   * (through Janus: A publishes one connection, each viewer receives every seat over one).
   */
  readonly mode?: 'mesh' | 'sfu';
}

/** The demo's steps, in order. */
export function featureDemoSteps({ cameraOffMs, mode = 'mesh' }: DemoStepOptions = {}): readonly DemoStep[] {
  const sfu = mode === 'sfu';
  return [
    {
      title: '1. the host creates the live; A and B join; A applies with camera and mic; the host accepts',
      async run(demo) {
        await demo.open();
        const { host, a } = demo;
        await a.click('button', 'Request to join');
        await host.click('button', /^Accept .*Ada/);

        // A is seated with both devices on, in every context.
        for (const user of demo.everyone) {
          await waitFor(async () => {
            const tiles = await tileStates(user.page, A.userId);
            return tiles.length === 1 && !tiles[0]?.includes('mic-off');
          }, `A's tile with the microphone on (${user.browserName})`);
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
    },
    {
      title: "2. A's frames render in the host's and B's tiles for A (width > 0, frames advancing)",
      async run({ host, b }) {
        const [atHost, atB] = await Promise.all([
          waitForVideo(host.page, A.userId),
          waitForVideo(b.page, A.userId),
        ]);
        assert.ok(atHost.width > 0 && atHost.advancing);
        assert.ok(atB.width > 0 && atB.advancing);
      },
    },
    {
      title:
        "3. the host invites B; B accepts with mic only: B's tile shows the background and mic on everywhere; B's audio is live at the host",
      async run(demo) {
        const { host, b } = demo;
        await host.click('button', /^Invite .*Bo/);
        await b.click('button', /^Accept the invitation from/);

        for (const user of demo.everyone) {
          const states = await waitFor(async () => {
            const tiles = await tileStates(user.page, B.userId);
            return tiles.length === 1 && tiles[0]?.includes('camera-off') && !tiles[0].includes('mic-off')
              ? tiles[0]
              : null;
          }, `B's tile with the background layer and the microphone on (${user.browserName})`);
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
    },
    {
      title: "4. B speaks (a steady tone): the host's and A's tiles for B show B speaking",
      async run({ host, a }) {
        await Promise.all(
          [host, a].map((user) =>
            waitFor(
              async () => (await tileStates(user.page, B.userId))[0]?.includes('speaking'),
              `B's tile speaking (${user.browserName})`,
            ),
          ),
        );
      },
    },
    {
      title: `5. A turns the camera off: A's tile shows the background layer in every context${
        cameraOffMs === undefined ? '' : ` within ${cameraOffMs / 1000} s`
      }`,
      async run(demo) {
        for (const [index, user] of demo.everyone.entries()) {
          const [states] = await tileStates(user.page, A.userId);
          assert.ok(
            states !== undefined && !states.includes('camera-off'),
            `A's video shows before at ${['the host', 'A', 'B'][index]} (${user.browserName}): ${states?.join(' ')}`,
          );
        }
        // The clock starts once the button is there, as the user presses it.
        await waitFor(
          () =>
            demo.a.page.evaluate(() => window.__e2e.byRole('button', 'Turn camera off', 'i').length === 1),
          "A's camera button",
        );
        const deadline = Date.now() + (cameraOffMs ?? WAIT_MS);
        await demo.a.click('button', 'Turn camera off');
        await Promise.all(
          demo.everyone.map((user) =>
            waitFor(
              async () => (await tileStates(user.page, A.userId))[0]?.includes('camera-off'),
              `A's tile switching to the background layer (${user.browserName})`,
              { timeout: Math.max(0, deadline - Date.now()), interval: 20 },
            ),
          ),
        );
      },
    },
    {
      title:
        "6. the host kicks A: A's connections close, A's camera is released, every context drops A's tile",
      async run(demo) {
        const { host, a, b } = demo;
        const before = {
          host: await peerConnections(host.page),
          b: await peerConnections(b.page),
          a: await peerConnections(a.page),
        };
        if (sfu) {
          // One connection to the media server, however many watch A.
          assert.equal(before.a.offering, 1, "A's publishing connection before the kick");
        } else {
          // A publishes to the host and to B; each of them receives A (and B also publishes to the host).
          assert.equal(before.a.offering, 2, "A's published connections before the kick");
          assert.deepEqual(
            [...(await a.page.evaluate(() => window.fixture.connections())).publishing].sort(),
            [B.userId, HOST.userId],
          );
        }

        await host.click('button', /^Actions for .*Ada/);
        await host.click('menuitem', 'Kick off seat');

        for (const user of demo.everyone) {
          await waitFor(
            async () => (await tileCount(user.page, A.userId)) === 0,
            `A's tile gone (${user.browserName})`,
          );
        }
        // Every connection A published is closed (A, now in the audience, still watches the seat holders).
        await waitFor(
          async () => (await peerConnections(a.page)).offering === 0,
          "A's published connections closed",
        );
        assert.deepEqual((await a.page.evaluate(() => window.fixture.connections())).publishing, []);
        // The host and B no longer receive A: in a mesh its connections close; through the media
        // server, the one connection each of them has drops A's streams.
        for (const [user, counted] of [
          [host, before.host],
          [b, before.b],
        ] as const) {
          if (!sfu) {
            await waitFor(
              async () => (await peerConnections(user.page)).answering === counted.answering - 1,
              `the connection receiving A closed (${user.browserName})`,
            );
          }
          await waitFor(
            async () =>
              !(await user.page.evaluate(() => window.fixture.connections())).watching.includes(A.userId),
            `A no longer received (${user.browserName})`,
          );
        }
        // The camera and the microphone are released: every track A captured has ended.
        await waitFor(
          async () => (await capturedTracks(a.page)).every((track) => track.readyState === 'ended'),
          "A's captured tracks ended",
        );
        assert.ok((await capturedTracks(a.page)).some((track) => track.source === 'camera'));
      },
    },
    {
      title: `7. an audience member sends a media offer to another audience member${
        sfu ? ' and to the media server' : ''
      }: refused, nothing arrives`,
      async run(demo) {
        const { a, b } = demo;
        // B leaves the seat: A and B are both in the audience.
        await b.click('button', 'Leave seat');
        for (const user of demo.everyone) {
          await waitFor(
            async () => (await tileCount(user.page, B.userId)) === 0,
            `B's tile gone (${user.browserName})`,
          );
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
        if (sfu) {
          // Nor can an audience member publish to the media server: only a seat holder's offer reaches it.
          const published = await a.page.evaluate(async () => {
            const { session, liveId } = await window.fixture.ready;
            const connection = new RTCPeerConnection({ iceServers: [] });
            connection.addTransceiver('video', { direction: 'sendonly' });
            const offer = await connection.createOffer();
            connection.close();
            const reply = await session.request('media.sfu.publish', { liveId, sdp: offer.sdp ?? '' });
            return reply.isSuccess ? { isSuccess: true } : { isSuccess: false, errorCode: reply.errorCode };
          });
          assert.deepEqual(published, { isSuccess: false, errorCode: ErrorCode.NOT_ON_SEAT });
        }

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
    },
  ];
}
