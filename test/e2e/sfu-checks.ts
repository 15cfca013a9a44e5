/**
 * The SFU mode's own checks (issue "media for a real audience", tests), run by
 * test/e2e/sfu-scenario.ts after the Feature Demo's steps and reported one by one to
 * test/e2e/sfu.test.ts: a crowd of lightweight viewers (test/e2e/fixtures/sfu-viewer.ts) receiving
 * one guest; the Janus instance holding the live killed, the video back through another; the guest
 * kicked, its video stopped at every viewer. Each check needs the ones before it.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { JanusProcess } from '../../scripts/janus-process.mjs';
import { JanusClient } from '../../src/server/janus/janus-client.js';
import { createJanusToken, VIDEOROOM_PLUGIN } from '../../src/server/janus/janus-token.js';
import type { MediaQuality } from '../../src/media/live-media.js';
import type { Received } from './fixtures/sfu-viewer.js';
import { bounded } from './firefox-harness.js';
import { observeRoom } from './janus-room-observer.js';
import {
  loadFixturePage,
  NAME_HELPER,
  newUserContext,
  waitFor,
  tileStates,
  WAIT_MS,
  waitForVideo,
  type StaticServer,
  type TestServer,
  type UserContext,
} from './harness.js';

/** The layout name of these checks' reports. */
export const SFU_CHECKS_LAYOUT = 'sfu-crowd';
/** Viewers of the crowd: the "30 or more". */
export const CROWD = 30;
/** The longest a kicked guest's video may still reach a viewer, in ms (the "within 1 s"). */
export const KICK_STOP_MS = 1_000;

const HOST = { userId: 'crowd-host', userName: 'Hiro' } as const;
const GUEST = { userId: 'crowd-guest', userName: 'Gia' } as const;
const LIVE = 'sfu-crowd';
/**
 * Viewers per page of the crowd. Each has its own session, socket and peer connection; a page of
 * its own each would give Chromium a renderer process each, which a 2-core machine under load
 * starts more slowly than the checks would wait for.
 */
const VIEWERS_PER_PAGE = 10;
/** How long without a new packet counts as stopped, in ms. */
const QUIET_MS = 400;

/** What the checks share. */
export interface SfuCheckContext {
  readonly chromium: Browser;
  /** A kit server in SFU mode on every instance of `janus`. */
  readonly server: TestServer;
  /** The Feature Demo fixture page. */
  readonly demoFiles: StaticServer;
  /** The lightweight viewer page. */
  readonly viewerFiles: StaticServer;
  readonly janus: readonly JanusProcess[];
}

/** One check. */
export interface SfuCheck {
  readonly title: string;
  run(context: SfuCheckContext, state: CrowdState): Promise<void>;
}

/** What the checks open, for the next ones and for closing. */
export class CrowdState {
  host: UserContext | null = null;
  guest: UserContext | null = null;
  /** The pages of the crowd, each holding `VIEWERS_PER_PAGE` viewers. */
  readonly pages: { readonly close: () => Promise<void> }[] = [];
  readonly viewers: Viewer[] = [];

  /** What a failed check prints: each viewer's state, as its page sees it. */
  async explain(): Promise<string> {
    const lines = await Promise.all(
      this.viewers.map((viewer, index) =>
        viewer.diagnose().then(
          (text) => `viewer ${index}: ${text}`,
          (error: unknown) => `viewer ${index}: (no diagnosis: ${String(error)})`,
        ),
      ),
    );
    return lines.join('\n');
  }

  async close(): Promise<void> {
    await Promise.all([this.host?.close(), this.guest?.close(), ...this.pages.map((page) => page.close())]);
  }
}

/** One viewer of the crowd, as the checks read it from its page. */
export interface Viewer {
  received(): Promise<Received>;
  peers(): Promise<number>;
  want(quality: MediaQuality): Promise<void>;
  diagnose(): Promise<string>;
}

/**
 * Opens one page of lightweight viewers of `GUEST`, in a browser context of its own: viewers
 * `first` to `first + count - 1`, each with its own session, socket and peer connection.
 */
async function openViewers(
  context: SfuCheckContext,
  state: CrowdState,
  first: number,
  count: number,
): Promise<void> {
  const browserContext = await context.chromium.newContext();
  state.pages.push({ close: () => browserContext.close() });
  await browserContext.addInitScript({ content: NAME_HELPER });
  const page = await browserContext.newPage();
  const indexes = Array.from({ length: count }, (_, offset) => first + offset);
  const tokens = await Promise.all(indexes.map((index) => context.server.token(`viewer-${index}`)));
  const params = new URLSearchParams({
    server: context.server.url,
    tokens: tokens.join(','),
    live: LIVE,
    watch: GUEST.userId,
    quality: 'low',
  });
  await page.goto(`${context.viewerFiles.url}?${params.toString()}`);
  for (const [slot, index] of indexes.entries()) {
    await page
      .evaluate((at) => window.viewers[at]!.ready.then(() => true), slot)
      .catch(async (error: unknown) => {
        const diagnosis = await page.evaluate((at) => window.viewers[at]!.diagnose(), slot).catch(() => '');
        throw new Error(`viewer ${index} did not start: ${String(error)}; ${diagnosis}`);
      });
    state.viewers[index] = {
      received: () => page.evaluate((at) => window.viewers[at]!.received(), slot),
      peers: () => page.evaluate((at) => window.viewers[at]!.connections(), slot),
      want: (quality) =>
        page.evaluate(([at, layer]) => window.viewers[at]!.want(layer), [slot, quality] as const),
      diagnose: () => page.evaluate((at) => window.viewers[at]!.diagnose(), slot),
    };
  }
}

/** The Janus instance whose VideoRoom list holds the crowd's live. */
async function instanceOfLive(janus: readonly JanusProcess[]): Promise<JanusProcess | null> {
  for (const instance of janus) {
    const client = await JanusClient.connect(instance.url, {
      token: createJanusToken({ secret: instance.secrets.tokenSecret }),
    });
    try {
      const session = await client.createSession();
      const handle = await session.attach(VIDEOROOM_PLUGIN);
      const { data } = await handle.message<{ list?: { room: string }[] }>({ request: 'list' });
      if (data.list?.some((room) => room.room.startsWith(`${LIVE}~`))) return instance;
    } finally {
      await client.close();
    }
  }
  return null;
}

/** Waits until every viewer receives new frames of the guest after `since` (epoch ms). */
async function everyViewerReceives(state: CrowdState, since: number, what: string): Promise<void> {
  await Promise.all(
    state.viewers.map((viewer, index) =>
      waitFor(
        async () => {
          const received = await viewer.received();
          return received.track && received.frames > 0 && received.lastPacketAt > since;
        },
        `${what}: viewer ${index} receiving the guest's video`,
        { timeout: 60_000, interval: 200 },
      ),
    ),
  );
}

/** What the host's page receives of a user's video, as its tile shows it. */
interface TileVideo {
  /** The width of the last decoded frame, or `0`. */
  readonly width: number;
  /** When its last packet arrived (epoch ms), or `0`. */
  readonly lastPacketAt: number;
}

/** The `inbound-rtp` of the video that `userId`'s tile in `page` shows; `null` without one. */
function tileVideo(page: Page, userId: string): Promise<TileVideo | null> {
  return page.evaluate(async (user) => {
    const track = window.__e2e.tiles(user)[0]?.stream?.getVideoTracks()[0];
    const peer = window.__e2e
      .openPeers()
      .find((open) => open.getReceivers().some((receiver) => receiver.track === track));
    if (!track || !peer) return null;
    let found: TileVideo | null = null;
    (await peer.getStats()).forEach(
      (report: { type: string; trackIdentifier?: string } & Record<string, unknown>) => {
        if (report.type !== 'inbound-rtp' || report.trackIdentifier !== track.id) return;
        const at = Number(report.lastPacketReceivedTimestamp ?? 0);
        found = {
          width: Number(report.frameWidth ?? 0),
          lastPacketAt: at > 0 ? Date.now() - (Number(report.timestamp) - at) : 0,
        };
      },
    );
    return found;
  }, userId);
}

type WithBadgeWatch = Window & { __reconnectingShown?: boolean };

/**
 * Notes in `page` (as `__reconnectingShown`) whether the "Reconnecting…" badge of `userId`'s tile
 * shows at any moment from now: a move takes seconds, but a poll could still fall between.
 */
async function watchReconnectingBadge(page: Page, userId: string): Promise<void> {
  await page.evaluate((user) => {
    const badge = window.__e2e.tiles(user)[0]?.shadowRoot?.querySelector('[part~="connection-badge"]');
    if (!badge) throw new Error(`no connection badge in the tile of ${user}`);
    const watching = window as WithBadgeWatch;
    watching.__reconnectingShown = false;
    new MutationObserver(() => {
      if (!badge.hasAttribute('hidden')) watching.__reconnectingShown = true;
    }).observe(badge, { attributes: true, attributeFilter: ['hidden'] });
  }, userId);
}

/** The checks, in order. */
export function sfuChecks(): readonly SfuCheck[] {
  return [
    {
      title: `${CROWD} viewers of one guest all receive its video (the low layer), each over one connection`,
      async run(context, state) {
        const open = (user: typeof HOST | typeof GUEST, role: string) =>
          newUserContext(context.chromium).then((page) =>
            loadFixturePage(page, context.server, context.demoFiles, user, { live: LIVE, role }),
          );
        state.host = await open(HOST, 'host');
        state.guest = await open(GUEST, 'audience');
        await state.guest.click('button', 'Request to join');
        await state.host.click('button', /^Accept .*Gia/);
        await waitForVideo(state.host.page, GUEST.userId);
        const since = Date.now();
        await Promise.all(
          Array.from({ length: CROWD / VIEWERS_PER_PAGE }, (_, page) =>
            openViewers(context, state, page * VIEWERS_PER_PAGE, VIEWERS_PER_PAGE),
          ),
        );
        await everyViewerReceives(state, since, 'the crowd');
        assert.equal(state.viewers.length, CROWD);
        // Every seat holder (the host and the guest) over one connection; a viewer publishes nothing.
        const connections = await Promise.all(state.viewers.map((viewer) => viewer.peers()));
        assert.deepEqual(
          new Set(connections),
          new Set([1]),
          `open connections per viewer: ${connections.join(' ')}`,
        );
      },
    },
    {
      title:
        "Janus takes the guest's video as simulcast; a viewer's frames follow the layer it asks for (low, high, low)",
      async run(context, state) {
        const observer = await observeRoom(context.janus, LIVE);
        const video = observer.publishers
          .find((publisher) => publisher.id === GUEST.userId)
          ?.streams.find((stream) => stream.type === 'video');
        await observer.close();
        assert.equal(video?.simulcast, true, `the guest's video at Janus: ${JSON.stringify(video)}`);
        const viewer = state.viewers[0];
        assert.ok(viewer, 'the crowd is there');
        const width = (what: string, fits: (width: number) => boolean): Promise<number> =>
          waitFor(async () => {
            const { frameWidth } = await viewer.received();
            return fits(frameWidth) ? frameWidth : 0;
          }, what);
        // A 640×480 camera: Chromium sends the full size and the half size (layers 2 and 1).
        const low = await width("the low layer (at most half the camera's width)", (w) => w > 0 && w <= 320);
        await viewer.want('high');
        const high = await width("the high layer (the camera's width)", (w) => w >= 640);
        await viewer.want('low');
        const back = await width('the low layer again', (w) => w > 0 && w <= 320);
        assert.ok(high > low && back < high, `frame widths: ${low} → ${high} → ${back}`);
      },
    },
    {
      title:
        "the host's stage asks for the layer each tile needs: a floating guest the low one, the pinned guest the high one, none while the page is hidden",
      async run(_context, state) {
        const host = state.host;
        assert.ok(host, 'the host is there');
        const stage = (change: { layout?: string; pinned?: string | null }): Promise<void> =>
          host.page.evaluate((next) => {
            const view = window.__e2e.deepAll('live-core-view')[0];
            if (!view) throw new Error('no <live-core-view>');
            if (next.layout) view.setAttribute('layout', next.layout);
            if (next.pinned === null) view.removeAttribute('pinned');
            else if (next.pinned) view.setAttribute('pinned', next.pinned);
          }, change);
        const seen = async (what: string, fits: (video: TileVideo) => boolean): Promise<TileVideo> =>
          waitFor(async () => {
            const video = await tileVideo(host.page, GUEST.userId);
            return video && fits(video) ? video : null;
          }, what);
        await stage({ layout: 'dynamic-float', pinned: null });
        await seen(
          "the guest's floating tile receiving the low layer",
          (video) => video.width > 0 && video.width <= 320,
        );
        await stage({ pinned: GUEST.userId });
        await seen("the guest's pinned tile receiving the high layer", (video) => video.width >= 640);
        // The page as a hidden tab sees it: `visibilityState` hidden, and the event that says so.
        await host.page.evaluate(() => {
          Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
          document.dispatchEvent(new Event('visibilitychange'));
        });
        await seen(
          "the guest's video stopping while the page is hidden",
          (video) => Date.now() - video.lastPacketAt >= QUIET_MS,
        );
        const shownAt = Date.now();
        await host.page.evaluate(() => {
          delete (document as { visibilityState?: unknown }).visibilityState;
          document.dispatchEvent(new Event('visibilitychange'));
        });
        await seen(
          'the high layer again once the page is shown',
          (video) => video.lastPacketAt > shownAt && video.width >= 640,
        );
        await stage({ layout: 'auto', pinned: null });
      },
    },
    {
      title:
        'the Janus instance holding the live is killed: the tiles say they reconnect, and the video comes back through another one',
      async run(context, state) {
        assert.ok(state.host && state.guest, 'the crowd is there');
        const holder = await instanceOfLive(context.janus);
        assert.ok(holder, 'one Janus instance holds the live');
        const host = state.host.page;
        await watchReconnectingBadge(host, GUEST.userId);
        const killedAt = Date.now();
        process.kill(holder.pid, 'SIGKILL');
        await holder.exited;
        await everyViewerReceives(state, killedAt, 'after the kill');
        const moved = await instanceOfLive(context.janus.filter((instance) => instance !== holder));
        assert.ok(moved, 'another instance holds the live now');
        await waitForVideo(host, GUEST.userId);
        await waitFor(
          () => host.evaluate(() => (window as WithBadgeWatch).__reconnectingShown === true),
          "the host's tile for the guest saying it reconnects while the live moves",
        );
        await waitFor(
          async () => !(await tileStates(host, GUEST.userId)).flat().includes('reconnecting'),
          "the host's tile for the guest no longer reconnecting",
        );
      },
    },
    {
      title: `the guest is kicked: its video stops at every viewer within ${KICK_STOP_MS / 1000} s`,
      async run(_context, state) {
        assert.ok(state.host, 'the host is there');
        await waitFor(async () => (await state.viewers[0]?.received())?.track, 'the first viewer receiving');
        // The kick as the host's seat menu sends it (test/e2e/feature-demo-steps.ts clicks that
        // menu); the clock starts as the command leaves the host's page.
        const kickedAt = await state.host.page.evaluate(async (userId) => {
          const { session, liveId } = await window.fixture.ready;
          const sentAt = Date.now();
          void session.request('seat.kick', { liveId, userId });
          return sentAt;
        }, GUEST.userId);
        const stops = await Promise.all(
          state.viewers.map((viewer, index) =>
            waitFor(
              async () => {
                const received = await viewer.received();
                const quiet = !received.track || Date.now() - received.lastPacketAt >= QUIET_MS;
                return quiet ? { index, after: received.lastPacketAt - kickedAt } : null;
              },
              `viewer ${index}: the kicked guest's video stopping`,
              { interval: 100 },
            ),
          ),
        );
        const late = stops.filter((stop) => stop.after > KICK_STOP_MS);
        assert.deepEqual(
          late,
          [],
          `viewers still receiving ${KICK_STOP_MS} ms after the kick (ms after it, each): ${stops.map((stop) => stop.after).join(' ')}`,
        );
      },
    },
    {
      title:
        "the host closes a seated guest's microphone: its sound reaches no viewer, even while the guest's page keeps sending",
      async run(context, state) {
        const { host, guest } = state;
        assert.ok(host && guest, 'the host and the guest are there');
        // The guest takes a seat again; every viewer receives it, its sound too.
        const since = Date.now();
        await guest.click('button', 'Request to join');
        await host.click('button', /^Accept .*Gia/);
        await everyViewerReceives(state, since, 'the guest back on a seat');
        await Promise.all(
          state.viewers.map((viewer, index) =>
            waitFor(
              async () => (await viewer.received()).lastAudioAt > since,
              `viewer ${index} hearing the guest`,
            ),
          ),
        );
        // What Janus itself says of the guest's audio: the check waits for the moderation there.
        const observer = await observeRoom(context.janus, LIVE);
        try {
          const audioMid = observer.publishers
            .find((publisher) => publisher.id === GUEST.userId)
            ?.streams.find((stream) => stream.type === 'audio')?.mid;
          assert.ok(
            audioMid !== undefined,
            `the guest publishes audio at Janus: ${JSON.stringify(observer.publishers)}`,
          );
          await host.click('button', /^Actions for .*Gia/);
          await host.click('menuitem', 'Close microphone');
          await bounded(
            observer.moderation(
              (event) => event.id === GUEST.userId && event.mid === audioMid && event.muted,
            ),
            WAIT_MS,
            "Janus muting the guest's audio",
          );
        } finally {
          await observer.close();
        }
        // The guest's page closes its microphone as told. A hostile page would not: it sends
        // sound again on the same connection, which only the media server can now stop.
        await waitFor(
          () =>
            guest.page.evaluate(() =>
              window.__e2e
                .tracks()
                .every((track) => track.source !== 'microphone' || track.readyState === 'ended'),
            ),
          "the guest's microphone closed by its page",
        );
        const sentBefore = await guest.page.evaluate(async () => {
          const context = new AudioContext();
          const tone = context.createOscillator();
          const output = context.createMediaStreamDestination();
          tone.connect(output);
          tone.start();
          const [track] = output.stream.getAudioTracks();
          for (const peer of window.__e2e.openPeers()) {
            // The publishing connection's audio sender, emptied when the microphone closed.
            for (const transceiver of peer.getTransceivers()) {
              if (transceiver.direction !== 'sendonly' || transceiver.receiver.track.kind !== 'audio')
                continue;
              await transceiver.sender.replaceTrack(track ?? null);
            }
          }
          return window.__e2e.audioPacketsSent();
        });
        // The guest's page sends 50 packets a second. After a second of its sound, whatever Janus
        // relayed before the moderation has long arrived: from then on, for another second of
        // the guest's sound, no viewer may receive a packet of it.
        const sent = (count: number, what: string): Promise<boolean> =>
          waitFor(
            () =>
              guest.page.evaluate(
                (least) => window.__e2e.audioPacketsSent().then((now) => now >= least),
                count,
              ),
            what,
          );
        await sent(sentBefore + 50, "the guest's page sending sound again");
        const before = await Promise.all(state.viewers.map((viewer) => viewer.received()));
        await sent(sentBefore + 100, "the guest's page sending a second more of it");
        const after = await Promise.all(state.viewers.map((viewer) => viewer.received()));
        const reached = after.flatMap((received, index) =>
          received.audioPackets > before[index]!.audioPackets
            ? [`viewer ${index}: ${received.audioPackets - before[index]!.audioPackets} packets`]
            : [],
        );
        assert.deepEqual(reached, [], "sound reached viewers while Janus had the guest's audio muted");
      },
    },
  ];
}
