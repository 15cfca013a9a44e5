/**
 * <connection-quality>: the bars, the label and the states from a given quality; then the live's
 * measures, from real WebRTC on loopback (sessions of one page on the in-page hub, Chromium's fake
 * camera, no ICE server), in `<live-core-view>`'s tiles.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { createSession, type Session } from '../../src/core/index.js';
import { ConnectionQuality } from '../../src/elements/connection-quality/connection-quality.js';
import type { LiveCoreView } from '../../src/elements/live-core-view/live-core-view.js';
import { GuestSeatTile } from '../../src/elements/guest-seat-tile/guest-seat-tile.js';
import '../../src/elements/live-core-view/live-core-view.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import { DeviceStore } from '../../src/media/device-store.js';
import type { ConnectionQualityInfo, QualityLevel } from '../../src/media/quality.js';
import type { SeatInfo } from '../../src/protocol/types.js';
import { queryPart, queryPartAll } from './shared/layers.js';
import { startLive, testUser, type TestLive } from './shared/live.js';

const LEVELS = ['excellent', 'good', 'poor', 'lost', 'unknown'] as const satisfies readonly QualityLevel[];

function states(el: ConnectionQuality): string[] {
  return LEVELS.filter((level) => el.matches(`:state(${level})`));
}

function label(el: ConnectionQuality): string {
  return queryPart(el, 'indicator')?.getAttribute('aria-label') ?? '';
}

/** The filled bars. */
function filled(el: ConnectionQuality): number {
  return queryPartAll(el, 'bar-on').length;
}

/** Whether the page has fetched the module `/src/media/<file>`. */
function fetched(file: string): boolean {
  return performance
    .getEntriesByType('resource')
    .some((entry) => new URL(entry.name).pathname.endsWith(`/src/media/${file}`));
}

const measured = (overrides: Partial<ConnectionQualityInfo>): ConnectionQualityInfo => ({
  level: 'good',
  roundTripMs: 40,
  packetLoss: 0,
  jitterMs: 5,
  ...overrides,
});

describe('<connection-quality>', () => {
  afterEach(() => {
    setLocale('en');
  });

  describe('the live, without media', () => {
    // First in the file: the page has not loaded the media runtime yet.
    it('reads no statistics and loads no media code for a user of a live whose media does not run', async () => {
      const session = createSession();
      try {
        const el = await fixture<ConnectionQuality>(
          html`<connection-quality .session=${session} live-id="quiet" user-id="ada"></connection-quality>`,
        );
        expect(states(el)).to.deep.equal(['unknown']);
        expect(label(el)).to.equal('Connection: unknown');
        expect(fetched('live-media-runtime.ts'), 'the media runtime').to.equal(false);
      } finally {
        session.dispose();
      }
    });
  });

  describe('accessibility', () => {
    for (const level of LEVELS) {
      it(`passes axe while ${level}`, async () => {
        const el = await fixture<ConnectionQuality>(
          html`<connection-quality quality=${level}></connection-quality>`,
        );
        await expect(el).to.be.accessible();
      });
    }

    it('names the level and the measures: "Connection: good, 40 ms, 0% loss"', async () => {
      const el = await fixture<ConnectionQuality>(
        html`<connection-quality .quality=${measured({})}></connection-quality>`,
      );
      const indicator = queryPart(el, 'indicator')!;
      expect(indicator.getAttribute('role')).to.equal('img');
      expect(label(el)).to.equal('Connection: good, 40 ms, 0% loss');
      expect(indicator.getAttribute('title')).to.equal(label(el));
    });

    it('says only what is measured', async () => {
      const el = await fixture<ConnectionQuality>(
        html`<connection-quality
          .quality=${measured({ level: 'poor', roundTripMs: 420.4, packetLoss: 0.0125 })}
        ></connection-quality>`,
      );
      expect(label(el)).to.equal('Connection: poor, 420 ms, 1.3% loss');
      el.quality = measured({ level: 'excellent', roundTripMs: 3, packetLoss: null });
      await el.updateComplete;
      expect(label(el)).to.equal('Connection: excellent, 3 ms');
      el.quality = { level: 'lost', roundTripMs: null, packetLoss: null, jitterMs: null };
      await el.updateComplete;
      expect(label(el)).to.equal('Connection: lost');
    });
  });

  describe('properties', () => {
    it('is registered as <connection-quality>', () => {
      expect(document.createElement('connection-quality')).to.be.instanceOf(ConnectionQuality);
    });

    it('takes a level from the quality attribute; anything else is unknown', async () => {
      const el = await fixture<ConnectionQuality>(
        html`<connection-quality quality="poor"></connection-quality>`,
      );
      expect(el.quality).to.equal('poor');
      expect(states(el)).to.deep.equal(['poor']);
      el.setAttribute('quality', '<img src=x onerror=alert(1)>');
      await el.updateComplete;
      expect(el.quality).to.equal(null);
      expect(states(el)).to.deep.equal(['unknown']);
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    });
  });

  describe('parts and states', () => {
    it('fills three bars for excellent, two for good, one for poor, none for lost or unknown', async () => {
      const el = await fixture<ConnectionQuality>(html`<connection-quality></connection-quality>`);
      const bars: Record<QualityLevel, number> = { excellent: 3, good: 2, poor: 1, lost: 0, unknown: 0 };
      for (const level of LEVELS) {
        el.quality = level;
        await el.updateComplete;
        expect(states(el), level).to.deep.equal([level]);
        expect(queryPartAll(el, 'bar'), level).to.have.length(3);
        expect(filled(el), level).to.equal(bars[level]);
      }
    });

    it('colours the bars by level, and pages restyle them through custom properties', async () => {
      const el = await fixture<ConnectionQuality>(
        html`<connection-quality
          quality="lost"
          style="--connection-quality-lost-color: rgb(1, 2, 3); --connection-quality-poor-color: rgb(4, 5, 6)"
        ></connection-quality>`,
      );
      const bar = (): string => getComputedStyle(queryPartAll(el, 'bar')[0]!).backgroundColor;
      const strike = (): CSSStyleDeclaration => getComputedStyle(queryPart(el, 'indicator')!, '::after');
      expect(strike().backgroundColor, 'lost: struck through').to.equal('rgb(1, 2, 3)');
      expect(strike().visibility).to.equal('visible');
      el.quality = 'poor';
      await el.updateComplete;
      expect(bar()).to.equal('rgb(4, 5, 6)');
      expect(strike().visibility, 'no strike unless lost').to.equal('hidden');
    });
  });

  describe('localization', () => {
    it('says it in the locale', async () => {
      const el = await fixture<ConnectionQuality>(
        html`<connection-quality
          .quality=${measured({ roundTripMs: 40, packetLoss: 0.02 })}
        ></connection-quality>`,
      );
      await loadLocale('zh-CN');
      setLocale('zh-CN');
      await el.updateComplete;
      expect(label(el)).to.equal('网络状况：良好，40 毫秒，丢包 2%');
      expect(queryPart(el, 'indicator')?.getAttribute('lang')).to.equal('zh-CN');
      await loadLocale('ko');
      setLocale('ko');
      await el.updateComplete;
      expect(label(el)).to.equal('연결 상태: 좋음, 40ms, 손실 2%');
    });
  });

  describe('in <guest-seat-tile>', () => {
    const seat: SeatInfo = {
      index: 1,
      isLocked: false,
      isAudioLocked: false,
      isVideoLocked: false,
      userInfo: {
        ...testUser('ada'),
        liveId: 'room',
        role: 'audience',
        microphoneStatus: 'on',
        cameraStatus: 'off',
        allowOpenMicrophone: true,
        allowOpenCamera: true,
        connection: 'online',
        onSeatTimestamp: 0,
      },
    };

    it("shows one for the seat's user, hidden while unknown, and none with no-connection-quality", async () => {
      const tile = await fixture<GuestSeatTile>(html`<guest-seat-tile .seat=${seat}></guest-seat-tile>`);
      const indicator = tile.shadowRoot!.querySelector('connection-quality')!;
      expect(indicator.userId).to.equal('ada');
      expect(indicator.getAttribute('part')).to.equal('connection-quality');
      expect(getComputedStyle(indicator).display, 'unknown: hidden').to.equal('none');
      indicator.quality = 'good';
      await indicator.updateComplete;
      expect(getComputedStyle(indicator).display).to.not.equal('none');

      tile.noConnectionQuality = true;
      await tile.updateComplete;
      expect(tile.shadowRoot!.querySelector('connection-quality')).to.equal(null);
      tile.noConnectionQuality = false;
      tile.seat = { ...seat, userInfo: null };
      await tile.updateComplete;
      expect(tile.shadowRoot!.querySelector('connection-quality'), 'an empty seat').to.equal(null);
    });
  });

  describe('real connections', function () {
    // Real peer connections on a shared machine; the first measure comes within one window (2 s).
    this.timeout(30_000);

    let live: TestLive | null = null;
    const views: LiveCoreView[] = [];

    afterEach(async () => {
      for (const view of views.splice(0)) view.remove();
      if (live !== null) {
        for (const userId of ['host', 'guest', 'viewer']) await DeviceStore.for(live.session(userId)).reset();
        live.close();
      }
      live = null;
    });

    async function stage(session: Session, liveId: string): Promise<LiveCoreView> {
      const view = await fixture<LiveCoreView>(
        html`<live-core-view .session=${session} live-id=${liveId} style="width: 640px"></live-core-view>`,
      );
      views.push(view);
      return view;
    }

    /** The `<connection-quality>` of `userId`'s tile on `view`'s stage. */
    function indicatorOf(view: LiveCoreView, userId: string): ConnectionQuality | null {
      const tiles = Array.from(view.shadowRoot!.querySelectorAll('guest-seat-tile'));
      const tile = tiles.find((item) => item.seat?.userInfo?.userId === userId);
      return tile?.shadowRoot?.querySelector('connection-quality') ?? null;
    }

    it("measures a seat holder's connection for a viewer, and the seat holder's own uplink", async () => {
      live = await startLive({ audience: ['guest', 'viewer'] });
      await live.seat('guest');
      const viewerStage = await stage(live.session('viewer'), live.liveId);
      const guestStage = await stage(live.session('guest'), live.liveId);
      expect((await DeviceStore.for(live.session('guest')).openLocalCamera()).isSuccess).to.equal(true);

      // The viewer's tile of the guest: the connection from the guest, measured.
      await waitUntil(
        () => {
          const el = indicatorOf(viewerStage, 'guest');
          return el !== null && !el.matches(':state(unknown)');
        },
        "the viewer measures the guest's connection",
        { timeout: 20_000 },
      );
      const remote = indicatorOf(viewerStage, 'guest')!;
      // Loopback: no loss to speak of, a round trip of a few ms.
      expect(states(remote)).to.have.length(1);
      expect(['excellent', 'good']).to.include(states(remote)[0]);
      expect(label(remote)).to.match(/^Connection: (excellent|good), \d+ ms/);
      expect(getComputedStyle(remote).display).to.not.equal('none');

      // The guest's own tile: their uplink to the host and the viewer.
      await waitUntil(
        () => {
          const el = indicatorOf(guestStage, 'guest');
          return el !== null && !el.matches(':state(unknown)');
        },
        'the guest measures their own uplink',
        { timeout: 20_000 },
      );
      const own = indicatorOf(guestStage, 'guest')!;
      expect(['excellent', 'good']).to.include(states(own)[0]);
      expect(label(own)).to.match(/^Connection: (excellent|good), \d+ ms/);
    });
  });
});
