/**
 * Connection quality from WebRTC statistics (docs/media.md, "Connection quality"): what a tile's
 * `<connection-quality>` shows for a seat holder, and for the local user's own uplink.
 *
 * Three parts, from pure to live:
 * - `qualityLevel(sample)`: the level of one window of measures, from `QUALITY_THRESHOLDS` (the one
 *   place the thresholds live);
 * - `readStats(report)` and `windowSample(previous, current)`: what a `getStats()` report says (round
 *   trip, packets, jitter, whether the link is up), and the measures of the window between two reports
 *   (loss from the packet deltas); `combineSamples` merges the connections of one user;
 * - `QualitySampler`: polls `getStats()` of each user's connections every `QUALITY_SAMPLE_MS`, only
 *   while its store has a subscriber and its transport is open, and keeps a map of
 *   `ConnectionQualityInfo` by user id.
 *
 * No DOM, no WebRTC import: a source is anything with `getStats()` (an `RTCPeerConnection`, or a fake
 * in tests), so the module runs in Node too.
 */
import { atom, onMount, type ReadableAtom } from 'nanostores';

/**
 * How good a connection is: `excellent`, `good`, `poor`, `lost` (the link is down, or most packets
 * are lost), or `unknown` (no measure yet: the connection is being set up, or nothing is sampled).
 */
export type QualityLevel = 'excellent' | 'good' | 'poor' | 'lost' | 'unknown';

/** Every level, best first (`unknown` last). */
export const QUALITY_LEVELS = [
  'excellent',
  'good',
  'poor',
  'lost',
  'unknown',
] as const satisfies readonly QualityLevel[];

/** One user's connection quality: the level and the measures it was judged from. */
export interface ConnectionQualityInfo {
  readonly level: QualityLevel;
  /** Round-trip time in ms, or `null` when not measured. */
  readonly roundTripMs: number | null;
  /** Packets lost over the last window, a fraction from 0 to 1, or `null` when no packet flowed. */
  readonly packetLoss: number | null;
  /** Jitter in ms, or `null` when not measured. */
  readonly jitterMs: number | null;
}

/** Whether the link carries packets: being set up (`connecting`), `up`, or `down` (broke, closed). */
export type LinkState = 'connecting' | 'up' | 'down';

/** The measures of one window of one connection (or of several, combined), before judging. */
export interface QualitySample {
  readonly link: LinkState;
  readonly roundTripMs: number | null;
  readonly packetLoss: number | null;
  readonly jitterMs: number | null;
}

/**
 * The thresholds of the levels, each an upper bound that the measure must stay under (`<`). A
 * connection is `excellent` when every known measure is under the `excellent` bound, `good` when
 * every one is under the `good` bound, else `poor`; a measure that is not known (`null`) does not
 * count. It is `lost` when its link is down, or when at least `lostLoss` of the window's packets were
 * lost. Round trips follow ITU-T G.114 (a one-way delay under 150 ms keeps a conversation natural,
 * so a round trip under 300 ms is still `good`); loss and jitter follow what audio and video codecs
 * hide well (under 2 % and 30 ms), and what they still carry (under 8 % and 80 ms).
 *
 * | level       | round trip | packet loss | jitter  |
 * | ----------- | ---------- | ----------- | ------- |
 * | `excellent` | < 150 ms   | < 2 %       | < 30 ms |
 * | `good`      | < 300 ms   | < 8 %       | < 80 ms |
 * | `poor`      | more       | < 50 %      | more    |
 * | `lost`      | link down  | ≥ 50 %      |         |
 */
export const QUALITY_THRESHOLDS = {
  excellent: { roundTripMs: 150, packetLoss: 0.02, jitterMs: 30 },
  good: { roundTripMs: 300, packetLoss: 0.08, jitterMs: 80 },
  lostLoss: 0.5,
} as const;

/** How often the sampler reads the statistics, in ms (a window is this long). */
export const QUALITY_SAMPLE_MS = 2000;

/** The quality while nothing is known. */
export const UNKNOWN_QUALITY: ConnectionQualityInfo = Object.freeze({
  level: 'unknown',
  roundTripMs: null,
  packetLoss: null,
  jitterMs: null,
});

type Bounds = (typeof QUALITY_THRESHOLDS)['excellent' | 'good'];

function within(sample: QualitySample, bounds: Bounds): boolean {
  const under = (value: number | null, bound: number): boolean => value === null || value < bound;
  return (
    under(sample.roundTripMs, bounds.roundTripMs) &&
    under(sample.packetLoss, bounds.packetLoss) &&
    under(sample.jitterMs, bounds.jitterMs)
  );
}

/** The level of one window of measures (see `QUALITY_THRESHOLDS`). Pure. */
export function qualityLevel(sample: QualitySample): QualityLevel {
  if (sample.link === 'down') return 'lost';
  if (sample.link === 'connecting') return 'unknown';
  if (sample.roundTripMs === null && sample.packetLoss === null && sample.jitterMs === null) return 'unknown';
  if (sample.packetLoss !== null && sample.packetLoss >= QUALITY_THRESHOLDS.lostLoss) return 'lost';
  if (within(sample, QUALITY_THRESHOLDS.excellent)) return 'excellent';
  if (within(sample, QUALITY_THRESHOLDS.good)) return 'good';
  return 'poor';
}

/** A sample judged: its level with its measures (rounded for people: whole ms, loss to 0.1 %). */
export function judge(sample: QualitySample): ConnectionQualityInfo {
  const level = qualityLevel(sample);
  if (level === 'unknown' && sample.link !== 'up') return UNKNOWN_QUALITY;
  const round = (value: number | null, step: number): number | null =>
    value === null ? null : Math.round(value / step) * step;
  return {
    level,
    roundTripMs: round(sample.roundTripMs, 1),
    packetLoss: sample.packetLoss === null ? null : Math.round(sample.packetLoss * 1000) / 1000,
    jitterMs: round(sample.jitterMs, 1),
  };
}

// ── reading getStats() ────────────────────────────────────────────────────────────────────────

/** What one `getStats()` report says, in totals since the connection began. */
export interface StatsTotals {
  readonly link: LinkState;
  /** The selected candidate pair's `currentRoundTripTime`, else the RTCP round trip, in ms. */
  readonly roundTripMs: number | null;
  /** Jitter in ms: the worst of what this side measures and what the other side reports. */
  readonly jitterMs: number | null;
  /** Received media (`inbound-rtp`): packets received and lost. */
  readonly received: number;
  readonly lost: number;
  /** Sent media (`outbound-rtp`), and the packets the other side reports lost (`remote-inbound-rtp`). */
  readonly sent: number;
  readonly remoteLost: number;
  /** The mean `fractionLost` the other side reports, or `null` when it reports none. */
  readonly remoteFractionLost: number | null;
}

/** A statistics object as `getStats()` hands it: a `type`, an `id` and fields by name. */
type Stat = Readonly<Record<string, unknown>>;

const num = (stat: Stat, key: string): number | null => {
  const value = stat[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

const str = (stat: Stat, key: string): string | null => {
  const value = stat[key];
  return typeof value === 'string' ? value : null;
};

/** `iceConnectionState` / ICE `transport.iceState` as a link state (`null`: says nothing). */
function iceLink(state: string | null): LinkState | null {
  switch (state) {
    case 'connected':
    case 'completed':
      return 'up';
    case 'new':
    case 'checking':
      return 'connecting';
    case 'disconnected':
    case 'failed':
    case 'closed':
      return 'down';
    default:
      return null;
  }
}

/**
 * The totals of one `getStats()` report. `iceConnectionState` is the connection's own, when known:
 * it says at once when the link drops (the report's candidate pair may still read `succeeded`).
 * Pure.
 */
export function readStats(report: Iterable<unknown>, iceConnectionState?: string): StatsTotals {
  const stats: Stat[] = [];
  for (const item of report) if (typeof item === 'object' && item !== null) stats.push(item as Stat);
  const byId = new Map(stats.map((stat) => [str(stat, 'id'), stat]));
  const transport = stats.find((stat) => stat.type === 'transport');
  const selectedId = transport === undefined ? null : str(transport, 'selectedCandidatePairId');
  const pairs = stats.filter((stat) => stat.type === 'candidate-pair');
  const pair =
    (selectedId === null ? undefined : byId.get(selectedId)) ??
    pairs.find((stat) => stat.nominated === true && stat.state === 'succeeded') ??
    pairs.find((stat) => stat.state === 'succeeded');

  let link =
    iceLink(iceConnectionState ?? null) ??
    iceLink(transport === undefined ? null : str(transport, 'iceState'));
  link ??=
    pair?.state === 'succeeded'
      ? 'up'
      : pairs.some((stat) => stat.state === 'failed')
        ? 'down'
        : 'connecting';

  let received = 0;
  let lost = 0;
  let sent = 0;
  let remoteLost = 0;
  let jitter: number | null = null;
  let rtcpRoundTrip: number | null = null;
  const fractions: number[] = [];
  const worst = (current: number | null, value: number | null): number | null =>
    value === null ? current : Math.max(current ?? value, value);
  for (const stat of stats) {
    if (stat.type === 'inbound-rtp') {
      received += num(stat, 'packetsReceived') ?? 0;
      lost += Math.max(0, num(stat, 'packetsLost') ?? 0);
      jitter = worst(jitter, num(stat, 'jitter'));
    } else if (stat.type === 'outbound-rtp') {
      sent += num(stat, 'packetsSent') ?? 0;
    } else if (stat.type === 'remote-inbound-rtp') {
      remoteLost += Math.max(0, num(stat, 'packetsLost') ?? 0);
      jitter = worst(jitter, num(stat, 'jitter'));
      rtcpRoundTrip = worst(rtcpRoundTrip, num(stat, 'roundTripTime'));
      const fraction = num(stat, 'fractionLost');
      if (fraction !== null) fractions.push(fraction);
    }
  }
  const pairRoundTrip = pair === undefined ? null : num(pair, 'currentRoundTripTime');
  const roundTrip = pairRoundTrip ?? rtcpRoundTrip;
  return {
    link,
    roundTripMs: roundTrip === null ? null : roundTrip * 1000,
    jitterMs: jitter === null ? null : jitter * 1000,
    received,
    lost,
    sent,
    remoteLost,
    remoteFractionLost:
      fractions.length === 0 ? null : fractions.reduce((sum, value) => sum + value, 0) / fractions.length,
  };
}

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));

/**
 * The measures of the window from `previous` to `current` (two reports of one connection; `null`
 * for the first: the window is then the connection's life so far). Loss is the share of packets
 * lost among those that should have arrived: received media `Δlost / (Δlost + Δreceived)`, sent media
 * `Δ(reported lost) / Δsent` (else the reported `fractionLost`); the worse of the two. Pure.
 */
export function windowSample(previous: StatsTotals | null, current: StatsTotals): QualitySample {
  const delta = (key: 'received' | 'lost' | 'sent' | 'remoteLost'): number =>
    Math.max(0, current[key] - (previous === null || previous[key] > current[key] ? 0 : previous[key]));
  const received = delta('received');
  const lost = delta('lost');
  const sent = delta('sent');
  const inbound = received + lost > 0 ? lost / (received + lost) : null;
  const outbound = sent > 0 ? clamp01(delta('remoteLost') / sent) : current.remoteFractionLost;
  const losses = [inbound, outbound].filter((value): value is number => value !== null);
  return {
    link: current.link,
    roundTripMs: current.roundTripMs,
    packetLoss: losses.length === 0 ? null : Math.max(...losses),
    jitterMs: current.jitterMs,
  };
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * One sample for several connections of one user (the local user's uplink: one connection per
 * viewer). The link is up when any is up, and then each measure is the median over the links that
 * are up: the uplink's typical state, which one viewer's own bad downlink does not drag down (that
 * viewer sees it on its side). Connecting when none is up and one is being set up; down when all
 * are down. Pure.
 */
export function combineSamples(samples: readonly QualitySample[]): QualitySample {
  const up = samples.filter((sample) => sample.link === 'up');
  if (up.length === 0) {
    const connecting = samples.length === 0 || samples.some((sample) => sample.link === 'connecting');
    return { link: connecting ? 'connecting' : 'down', roundTripMs: null, packetLoss: null, jitterMs: null };
  }
  const measure = (key: 'roundTripMs' | 'packetLoss' | 'jitterMs'): number | null =>
    median(up.flatMap((sample) => (sample[key] === null ? [] : [sample[key]])));
  return {
    link: 'up',
    roundTripMs: measure('roundTripMs'),
    packetLoss: measure('packetLoss'),
    jitterMs: measure('jitterMs'),
  };
}

// ── the sampler ───────────────────────────────────────────────────────────────────────────────

/** What the sampler reads: an `RTCPeerConnection`, or anything with its `getStats()`. */
export interface StatsSource {
  getStats(): Promise<Iterable<unknown> | ReadonlyMap<string, unknown>>;
  /** The connection's ICE state, when it has one (`RTCPeerConnection.iceConnectionState`). */
  readonly iceConnectionState?: string;
}

/** The connections whose statistics make each user's quality, by user id, as they are now. */
export type StatsSources = () => ReadonlyMap<string, readonly StatsSource[]>;

/** The timer functions the sampler uses (tests pass their own). */
export interface SamplerTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface QualitySamplerOptions {
  /** The window, in ms (default `QUALITY_SAMPLE_MS`). */
  readonly intervalMs?: number;
  readonly timers?: SamplerTimers;
}

const realTimers: SamplerTimers = {
  setInterval: (callback, ms) => globalThis.setInterval(callback, ms),
  clearInterval: (handle) => {
    globalThis.clearInterval(handle as ReturnType<typeof setInterval>);
  },
};

/** The values of a report: an `RTCStatsReport` is a map; a fake may be a plain iterable of stats. */
function statsOf(report: Iterable<unknown> | ReadonlyMap<string, unknown>): Iterable<unknown> {
  return report instanceof Map || (typeof report === 'object' && 'values' in report && 'get' in report)
    ? (report as ReadonlyMap<string, unknown>).values()
    : report;
}

/**
 * Each user's `ConnectionQualityInfo`, from the `getStats()` of their connections (`sources`). It runs
 * only while it is enabled (`enable()`: the transport is open) and `quality` has a subscriber: then
 * it samples at once and every `intervalMs`; otherwise no timer runs and no statistics are read.
 * `disable()` stops it and empties the map. A user whose connections are all gone leaves the map.
 */
export class QualitySampler {
  /** Each user's quality, by user id; a new map after every sample that changed one. */
  readonly quality: ReadableAtom<ReadonlyMap<string, ConnectionQualityInfo>>;

  readonly #sources: StatsSources;
  readonly #intervalMs: number;
  readonly #timers: SamplerTimers;
  readonly #$quality = atom<ReadonlyMap<string, ConnectionQualityInfo>>(new Map());
  /** The last totals of each connection: the start of its next window. */
  #previous = new WeakMap<StatsSource, StatsTotals>();
  #enabled = false;
  #observed = false;
  #timer: unknown = null;
  /** Bumped when sampling stops, so that a report arriving after it is dropped. */
  #generation = 0;
  /** The generation of the sample under way, or `null`: one at a time. */
  #pending: number | null = null;

  constructor(sources: StatsSources, options: QualitySamplerOptions = {}) {
    this.#sources = sources;
    this.#intervalMs = options.intervalMs ?? QUALITY_SAMPLE_MS;
    this.#timers = options.timers ?? realTimers;
    this.quality = this.#$quality;
    onMount(this.#$quality, () => {
      this.#observed = true;
      this.#update();
      return () => {
        this.#observed = false;
        this.#update();
      };
    });
  }

  /** Whether a timer runs now (for tests and diagnostics). */
  get running(): boolean {
    return this.#timer !== null;
  }

  /** The transport is open: sample while observed. */
  enable(): void {
    this.#enabled = true;
    this.#update();
  }

  /** The transport closed: stop, and forget every measure. */
  disable(): void {
    this.#enabled = false;
    this.#update();
    this.#previous = new WeakMap();
    if (this.#$quality.get().size > 0) this.#$quality.set(new Map());
  }

  /** Reads every source once and updates the map (the timer calls it; tests may too). */
  async sample(): Promise<void> {
    const generation = this.#generation;
    if (this.#pending === generation || !this.#enabled) return;
    this.#pending = generation;
    try {
      const sources = this.#sources();
      const users = await Promise.all(
        [...sources].map(async ([userId, connections]) => {
          const samples = await Promise.all(connections.map((source) => this.#read(source)));
          return [userId, judge(combineSamples(samples))] as const;
        }),
      );
      if (generation !== this.#generation) return;
      this.#publish(new Map(users));
    } finally {
      if (this.#pending === generation) this.#pending = null;
    }
  }

  async #read(source: StatsSource): Promise<QualitySample> {
    let report: Iterable<unknown> | ReadonlyMap<string, unknown>;
    try {
      report = await source.getStats();
    } catch {
      // Closed meanwhile: its link is down.
      return { link: 'down', roundTripMs: null, packetLoss: null, jitterMs: null };
    }
    const totals = readStats(statsOf(report), source.iceConnectionState);
    const sample = windowSample(this.#previous.get(source) ?? null, totals);
    this.#previous.set(source, totals);
    return sample;
  }

  /** Sets the map, keeping the old one (and its objects) when nothing changed. */
  #publish(next: Map<string, ConnectionQualityInfo>): void {
    const current = this.#$quality.get();
    const same = (a: ConnectionQualityInfo, b: ConnectionQualityInfo): boolean =>
      a.level === b.level &&
      a.roundTripMs === b.roundTripMs &&
      a.packetLoss === b.packetLoss &&
      a.jitterMs === b.jitterMs;
    for (const [userId, quality] of next) {
      const previous = current.get(userId);
      if (previous !== undefined && same(quality, previous)) next.set(userId, previous);
    }
    const changed =
      next.size !== current.size || [...next].some(([userId, quality]) => current.get(userId) !== quality);
    if (changed) this.#$quality.set(next);
  }

  #update(): void {
    const run = this.#enabled && this.#observed;
    if (run === (this.#timer !== null)) return;
    if (run) {
      this.#timer = this.#timers.setInterval(() => {
        void this.sample();
      }, this.#intervalMs);
      void this.sample();
    } else {
      this.#timers.clearInterval(this.#timer);
      this.#timer = null;
      this.#generation++;
    }
  }
}
