/**
 * Connection quality (src/media/quality.ts): the levels from measures, the measures from
 * `getStats()` reports, and the sampler, driven by fake connections and fake timers.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { STORE_UNMOUNT_DELAY } from 'nanostores';
import {
  combineSamples,
  judge,
  QUALITY_SAMPLE_MS,
  QUALITY_THRESHOLDS,
  qualityLevel,
  QualitySampler,
  readStats,
  windowSample,
  type ConnectionQualityInfo,
  type LinkState,
  type QualityLevel,
  type QualitySample,
  type SamplerTimers,
  type StatsSource,
  type StatsTotals,
} from '../../src/media/quality.js';

const sample = (
  link: LinkState,
  roundTripMs: number | null,
  packetLoss: number | null,
  jitterMs: number | null,
): QualitySample => ({ link, roundTripMs, packetLoss, jitterMs });

describe('qualityLevel', () => {
  it('maps each window of measures to its level', () => {
    const table: [QualitySample, QualityLevel][] = [
      // The link decides first.
      [sample('down', 10, 0, 1), 'lost'],
      [sample('down', null, null, null), 'lost'],
      [sample('connecting', 10, 0, 1), 'unknown'],
      [sample('up', null, null, null), 'unknown'],
      // Every measure under the excellent bounds.
      [sample('up', 1, 0, 0), 'excellent'],
      [sample('up', 149, 0.019, 29), 'excellent'],
      [sample('up', 40, null, null), 'excellent'],
      [sample('up', null, 0, null), 'excellent'],
      // One measure at an excellent bound: good.
      [sample('up', 150, 0, 0), 'good'],
      [sample('up', 40, 0.02, 0), 'good'],
      [sample('up', 40, 0, 30), 'good'],
      [sample('up', 299, 0.079, 79), 'good'],
      // One measure at a good bound: poor.
      [sample('up', 300, 0, 0), 'poor'],
      [sample('up', 40, 0.08, 0), 'poor'],
      [sample('up', 40, 0, 80), 'poor'],
      [sample('up', 2000, 0.49, 500), 'poor'],
      // Half the packets gone: lost, whatever the rest says.
      [sample('up', 1, 0.5, 0), 'lost'],
      [sample('up', null, 1, null), 'lost'],
    ];
    for (const [input, expected] of table) {
      assert.equal(qualityLevel(input), expected, JSON.stringify(input));
    }
  });

  it('reads its bounds from QUALITY_THRESHOLDS', () => {
    const { excellent, good, lostLoss } = QUALITY_THRESHOLDS;
    assert.equal(qualityLevel(sample('up', excellent.roundTripMs - 1, 0, 0)), 'excellent');
    assert.equal(qualityLevel(sample('up', good.roundTripMs - 1, 0, 0)), 'good');
    assert.equal(qualityLevel(sample('up', 0, lostLoss, 0)), 'lost');
  });
});

describe('judge', () => {
  it('rounds the measures for people and keeps them with the level', () => {
    assert.deepEqual(judge(sample('up', 40.4, 0.01234, 2.6)), {
      level: 'excellent',
      roundTripMs: 40,
      packetLoss: 0.012,
      jitterMs: 3,
    });
  });

  it('says nothing but the level while the link is not up', () => {
    assert.deepEqual(judge(sample('connecting', 40, 0, 1)), {
      level: 'unknown',
      roundTripMs: null,
      packetLoss: null,
      jitterMs: null,
    });
    assert.equal(judge(sample('down', null, null, null)).level, 'lost');
  });
});

/** A viewer's report: a selected pair, one inbound video stream. */
function viewerReport(options: {
  rtt?: number;
  received: number;
  lost: number;
  jitter?: number;
  pairState?: string;
}): Map<string, Record<string, unknown>> {
  return new Map<string, Record<string, unknown>>([
    ['T1', { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' }],
    [
      'CP1',
      {
        id: 'CP1',
        type: 'candidate-pair',
        state: options.pairState ?? 'succeeded',
        nominated: true,
        currentRoundTripTime: options.rtt,
      },
    ],
    ['CP2', { id: 'CP2', type: 'candidate-pair', state: 'failed', currentRoundTripTime: 9 }],
    [
      'IV',
      {
        id: 'IV',
        type: 'inbound-rtp',
        kind: 'video',
        packetsReceived: options.received,
        packetsLost: options.lost,
        jitter: options.jitter ?? 0.002,
      },
    ],
  ]);
}

/** A publisher's report: sent packets, and what the viewer's receiver reports back over RTCP. */
function publisherReport(options: {
  sent: number;
  remoteLost: number;
  rtt?: number;
  fractionLost?: number;
}): Map<string, Record<string, unknown>> {
  return new Map<string, Record<string, unknown>>([
    ['OA', { id: 'OA', type: 'outbound-rtp', kind: 'audio', packetsSent: options.sent }],
    [
      'RA',
      {
        id: 'RA',
        type: 'remote-inbound-rtp',
        kind: 'audio',
        packetsLost: options.remoteLost,
        roundTripTime: options.rtt ?? 0.05,
        jitter: 0.004,
        fractionLost: options.fractionLost,
      },
    ],
  ]);
}

describe('readStats', () => {
  it("reads a viewer's report: the selected pair's round trip, the inbound packets, the jitter", () => {
    const totals = readStats(viewerReport({ rtt: 0.042, received: 900, lost: 12, jitter: 0.011 }).values());
    assert.deepEqual(totals, {
      link: 'up',
      roundTripMs: 42,
      jitterMs: 11,
      received: 900,
      lost: 12,
      sent: 0,
      remoteLost: 0,
      remoteFractionLost: null,
    });
  });

  it("reads a publisher's report: the RTCP round trip without a candidate pair, and the reported loss", () => {
    const totals = readStats(
      publisherReport({ sent: 500, remoteLost: 5, rtt: 0.08, fractionLost: 0.01 }).values(),
    );
    assert.equal(totals.roundTripMs, 80);
    assert.equal(totals.sent, 500);
    assert.equal(totals.remoteLost, 5);
    assert.equal(totals.remoteFractionLost, 0.01);
    assert.equal(totals.jitterMs, 4);
    assert.equal(totals.link, 'connecting', 'no candidate pair yet');
  });

  it('takes the link from the ICE state when it is given, else from the candidate pairs', () => {
    const report = () => viewerReport({ rtt: 0.01, received: 1, lost: 0 }).values();
    const table: [string | undefined, LinkState][] = [
      [undefined, 'up'],
      ['connected', 'up'],
      ['completed', 'up'],
      ['checking', 'connecting'],
      ['new', 'connecting'],
      ['disconnected', 'down'],
      ['failed', 'down'],
      ['closed', 'down'],
    ];
    for (const [state, link] of table) assert.equal(readStats(report(), state).link, link, String(state));
    const failed = [{ id: 'CP', type: 'candidate-pair', state: 'failed' }];
    assert.equal(readStats(failed).link, 'down');
    const waiting = [{ id: 'CP', type: 'candidate-pair', state: 'in-progress' }];
    assert.equal(readStats(waiting).link, 'connecting');
  });

  it('ignores what is not a statistics object and fields that are not numbers', () => {
    const totals = readStats([
      null,
      7,
      'x',
      { type: 'inbound-rtp', packetsReceived: 'many', packetsLost: -3 },
    ]);
    assert.equal(totals.received, 0);
    assert.equal(totals.lost, 0);
    assert.equal(totals.roundTripMs, null);
  });
});

const totals = (overrides: Partial<StatsTotals>): StatsTotals => ({
  link: 'up',
  roundTripMs: 20,
  jitterMs: 2,
  received: 0,
  lost: 0,
  sent: 0,
  remoteLost: 0,
  remoteFractionLost: null,
  ...overrides,
});

describe('windowSample', () => {
  it('computes the loss of the window from the packet deltas', () => {
    const table: [previous: StatsTotals | null, current: StatsTotals, loss: number | null][] = [
      // The first window is the connection's life so far.
      [null, totals({ received: 90, lost: 10 }), 0.1],
      [totals({ received: 90, lost: 10 }), totals({ received: 190, lost: 10 }), 0],
      [totals({ received: 90, lost: 10 }), totals({ received: 120, lost: 40 }), 0.5],
      // Nothing flowed: no loss measure.
      [totals({ received: 90, lost: 10 }), totals({ received: 90, lost: 10 }), null],
      // Counters that went back (a new stream) start a new window.
      [totals({ received: 900, lost: 10 }), totals({ received: 95, lost: 5 }), 0.05],
      // Sent media: the reported losses over the packets sent.
      [totals({ sent: 100, remoteLost: 1 }), totals({ sent: 300, remoteLost: 5 }), 0.02],
      // No packet sent in the window: the reported fraction.
      [totals({ sent: 100 }), totals({ sent: 100, remoteFractionLost: 0.25 }), 0.25],
      // Both ways: the worse.
      [null, totals({ received: 99, lost: 1, sent: 100, remoteLost: 10 }), 0.1],
    ];
    for (const [previous, current, loss] of table) {
      const result = windowSample(previous, current).packetLoss;
      if (loss === null) assert.equal(result, null);
      else assert.ok(result !== null && Math.abs(result - loss) < 1e-9, `${result} ≈ ${loss}`);
    }
  });

  it('keeps the link, the round trip and the jitter of the current report', () => {
    assert.deepEqual(windowSample(null, totals({ link: 'down', roundTripMs: 33, jitterMs: 7 })), {
      link: 'down',
      roundTripMs: 33,
      packetLoss: null,
      jitterMs: 7,
    });
  });
});

describe('combineSamples', () => {
  it("takes each measure's median over the links that are up", () => {
    const combined = combineSamples([
      sample('up', 10, 0, 1),
      sample('up', 30, 0.5, 3),
      sample('up', 20, 0.01, null),
      sample('down', null, null, null),
    ]);
    assert.deepEqual(combined, { link: 'up', roundTripMs: 20, packetLoss: 0.01, jitterMs: 2 });
  });

  it('is connecting while none is up and one is being set up, down when all are down', () => {
    assert.equal(
      combineSamples([sample('down', null, null, null), sample('connecting', 1, 0, 0)]).link,
      'connecting',
    );
    assert.equal(combineSamples([sample('down', null, null, null)]).link, 'down');
    assert.equal(combineSamples([]).link, 'connecting');
  });
});

/** Timers the test moves by hand. */
function fakeTimers(): SamplerTimers & { readonly active: number; fire(): void } {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    setInterval(callback) {
      callbacks.set(next, callback);
      return next++;
    },
    clearInterval(handle) {
      callbacks.delete(handle as number);
    },
    get active() {
      return callbacks.size;
    },
    fire() {
      for (const callback of callbacks.values()) callback();
    },
  };
}

/** A fake connection whose `getStats()` hands the next report of `reports` (the last one again at the end). */
function fakeConnection(reports: Map<string, Record<string, unknown>>[]): StatsSource & { calls: number } {
  const source = {
    calls: 0,
    iceConnectionState: 'connected',
    getStats() {
      const report = reports[Math.min(source.calls, reports.length - 1)]!;
      source.calls++;
      return Promise.resolve(report);
    },
  };
  return source;
}

describe('QualitySampler', () => {
  it('reads no statistics and sets no timer until the store has a subscriber and it is enabled', async () => {
    const timers = fakeTimers();
    const connection = fakeConnection([viewerReport({ rtt: 0.02, received: 100, lost: 0 })]);
    const sampler = new QualitySampler(() => new Map([['ada', [connection]]]), { timers });
    sampler.enable();
    assert.equal(timers.active, 0);
    assert.equal(sampler.running, false);
    await sampler.sample();
    assert.equal(connection.calls, 1, 'an explicit sample reads once');
    sampler.disable();

    const disabled = new QualitySampler(() => new Map([['ada', [connection]]]), { timers });
    const off = disabled.quality.subscribe(() => undefined);
    assert.equal(timers.active, 0, 'subscribed but not enabled');
    off();
  });

  it('samples at once and every window while observed and enabled, and maps each user', async () => {
    const timers = fakeTimers();
    const ada = fakeConnection([
      viewerReport({ rtt: 0.02, received: 100, lost: 0 }),
      viewerReport({ rtt: 0.4, received: 150, lost: 50 }),
    ]);
    const sampler = new QualitySampler(() => new Map([['ada', [ada]]]), { timers, intervalMs: 500 });
    const seen: ReadonlyMap<string, ConnectionQualityInfo>[] = [];
    const off = sampler.quality.subscribe((value) => seen.push(value));
    sampler.enable();
    assert.equal(timers.active, 1);
    await waitForValue(sampler, (map) => map.has('ada'));
    assert.deepEqual(sampler.quality.get().get('ada'), {
      level: 'excellent',
      roundTripMs: 20,
      packetLoss: 0,
      jitterMs: 2,
    });

    timers.fire();
    // Window 2: 50 received, 50 lost.
    await waitForValue(sampler, (map) => map.get('ada')?.level === 'lost');
    assert.equal(sampler.quality.get().get('ada')?.packetLoss, 0.5);
    assert.equal(ada.calls, 2);
    off();
  });

  it("combines a user's connections: the local uplink to several viewers", async () => {
    const timers = fakeTimers();
    const viewers = [
      fakeConnection([publisherReport({ sent: 100, remoteLost: 0, rtt: 0.01 })]),
      fakeConnection([publisherReport({ sent: 100, remoteLost: 0, rtt: 0.03 })]),
      fakeConnection([publisherReport({ sent: 100, remoteLost: 90, rtt: 0.9 })]),
    ];
    const sampler = new QualitySampler(() => new Map([['me', viewers]]), { timers });
    const off = sampler.quality.listen(() => undefined);
    sampler.enable();
    const quality = (await waitForValue(sampler, (map) => map.has('me'))).get('me');
    // The medians: a viewer with a bad downlink does not drag the uplink down.
    assert.equal(quality?.roundTripMs, 30);
    assert.equal(quality?.packetLoss, 0);
    assert.equal(quality?.level, 'excellent');
    off();
  });

  it('keeps the same map while nothing changed, and drops a user whose connections are gone', async () => {
    const timers = fakeTimers();
    const ada = fakeConnection([viewerReport({ rtt: 0.02, received: 100, lost: 0 })]);
    let sources = new Map([['ada', [ada]]]);
    const sampler = new QualitySampler(() => sources, { timers });
    const off = sampler.quality.listen(() => undefined);
    sampler.enable();
    const first = await waitForValue(sampler, (map) => map.has('ada'));
    // The same totals again: no packet flowed, no loss measure; the round trip is the same.
    await sampler.sample();
    const second = sampler.quality.get();
    assert.equal(second.get('ada')?.packetLoss, null);
    await sampler.sample();
    assert.equal(sampler.quality.get(), second, 'nothing changed: the same map');
    assert.notEqual(first, second);
    sources = new Map();
    await sampler.sample();
    assert.equal(sampler.quality.get().size, 0);
    off();
  });

  it('a connection whose getStats() fails is lost', async () => {
    const sampler = new QualitySampler(
      () => new Map([['ada', [{ getStats: () => Promise.reject(new Error('closed')) }]]]),
      { timers: fakeTimers() },
    );
    sampler.enable();
    await sampler.sample();
    assert.equal(sampler.quality.get().get('ada')?.level, 'lost');
  });

  it('stops its timer when disabled (the transport closed), empties the map and drops a late report', async () => {
    const timers = fakeTimers();
    let release: (report: Map<string, Record<string, unknown>>) => void = () => undefined;
    let slow = false;
    const ada: StatsSource = {
      iceConnectionState: 'connected',
      getStats: () =>
        slow
          ? new Promise((resolve) => {
              release = resolve;
            })
          : Promise.resolve(viewerReport({ rtt: 0.02, received: 100, lost: 0 })),
    };
    const sampler = new QualitySampler(() => new Map([['ada', [ada]]]), { timers });
    const off = sampler.quality.listen(() => undefined);
    sampler.enable();
    await waitForValue(sampler, (map) => map.has('ada'));
    slow = true;
    const late = sampler.sample();
    sampler.disable();
    assert.equal(timers.active, 0);
    assert.equal(sampler.running, false);
    assert.equal(sampler.quality.get().size, 0);
    release(viewerReport({ rtt: 0.5, received: 100, lost: 0 }));
    await late;
    assert.equal(sampler.quality.get().size, 0, 'the late report is dropped');
    off();
  });

  it('stops its timer once the last subscriber has gone', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const timers = fakeTimers();
      const sampler = new QualitySampler(() => new Map(), { timers });
      sampler.enable();
      const off = sampler.quality.listen(() => undefined);
      assert.equal(timers.active, 1);
      off();
      // nanostores unmounts a store a moment after its last subscriber leaves.
      mock.timers.tick(STORE_UNMOUNT_DELAY);
      assert.equal(timers.active, 0);
      assert.equal(sampler.running, false);
    } finally {
      mock.timers.reset();
    }
  });

  it('samples every QUALITY_SAMPLE_MS by default', () => {
    const delays: number[] = [];
    const sampler = new QualitySampler(() => new Map(), {
      timers: {
        setInterval: (_callback, ms) => delays.push(ms),
        clearInterval: () => undefined,
      },
    });
    sampler.enable();
    const off = sampler.quality.listen(() => undefined);
    assert.deepEqual(delays, [QUALITY_SAMPLE_MS]);
    off();
  });
});

/** Resolves with the sampler's map once `check` holds (it changes when a sample lands). */
function waitForValue(
  sampler: QualitySampler,
  check: (map: ReadonlyMap<string, ConnectionQualityInfo>) => boolean,
): Promise<ReadonlyMap<string, ConnectionQualityInfo>> {
  return new Promise((resolve) => {
    const off = sampler.quality.subscribe((map) => {
      if (!check(map)) return;
      queueMicrotask(() => off());
      resolve(map);
    });
  });
}
