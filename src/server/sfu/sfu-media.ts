/**
 * The SFU mode's media server (docs/media.md, "SFU mode"): the hub's `HubMedia`, on Janus VideoRoom.
 * The kit server owns Janus; clients never speak its API (docs/decisions/0038, 0039):
 *
 * - **One VideoRoom per live**, created on the first publish or subscription, on the least loaded
 *   instance of the pool, and destroyed when the live ends. Its id is the live's id and a random
 *   suffix, its secret random; both stay on the server.
 * - **Publishing** (`media.sfu.publish`): only a seat holder's offer reaches Janus; the answer
 *   comes back in the reply. Leaving the seat (a kick, a lock, a move away), leaving the live or
 *   its end takes the publisher out of the room at once and tells its client (`unpublished`). A
 *   host closing or forbidding a guest's camera or microphone mutes that stream at Janus
 *   (`moderate`) until the guest opens it again.
 * - **Viewing** (`media.sfu.subscribe`): one multistream subscription per member, kept equal to
 *   the room's publishers but the member itself. Every change is an `update` of the same
 *   subscription, its offer pushed to the client (`offer`) and its answer (`media.sfu.answer`)
 *   given to Janus before the next change: one renegotiation at a time per member.
 * - **Layers** (`media.sfu.quality`): `high`, `low` or `off` picks the simulcast layer (or none)
 *   Janus relays of one publisher's video to that member, asked again until Janus switched
 *   (`layer-switch.ts`).
 * - **Instances** come and go: when one dies, each of its lives is placed on another at once, and
 *   the live's members are told to `restart` (publish and subscribe again).
 */
import { randomBytes } from 'node:crypto';
import type { HubMedia, MediaCommand, MediaHubSide } from '../../hub/types.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { CommandArgs, SfuStream } from '../../protocol/messages.js';
import { fail, ok, type Result } from '../../protocol/result.js';
import type { Device, LiveEvent, SeatInfo } from '../../protocol/types.js';
import { isJanusError, type JanusHandle, type Jsep } from '../janus/janus-client.js';
import { createJanusPool, type JanusInstance, type JanusPool } from '../janus/janus-pool.js';
import { janusTokenSource, VIDEOROOM_PLUGIN } from '../janus/janus-token.js';
import * as videoroom from '../janus/videoroom.js';
import { layerSettings, switchLayers } from './layer-switch.js';

/** How the kit server reaches its Janus instances (`createServer({ media })`). */
export interface SfuOptions {
  /** The instances' WebSocket URLs (`ws://127.0.0.1:8188`), at least one. */
  readonly janus: readonly string[];
  /** Janus's `token_auth_secret`: the server signs its tokens with it. */
  readonly tokenSecret?: string;
  /** The VideoRoom `admin_key`, needed to create rooms. */
  readonly adminKey?: string;
  /** Janus's `api_secret`, if it has one. */
  readonly apiSecret?: string;
  /** How long a client has to answer an offer, in ms. Default 10,000. */
  readonly answerTimeoutMs?: number;
  /** How long one Janus request may take, in ms. Default 10,000. */
  readonly requestTimeoutMs?: number;
}

/** The default of `SfuOptions.answerTimeoutMs`. */
export const DEFAULT_ANSWER_TIMEOUT_MS = 10_000;

type Quality = CommandArgs<'media.sfu.quality'>['quality'];

/** One seat holder's publication. */
interface Publisher {
  readonly userId: string;
  readonly handle: JanusHandle;
  /** Its streams at Janus (`mid` and kind), from the publish. */
  streams: readonly videoroom.PublisherStream[];
  /** The devices muted at Janus because a host closed or forbade them. */
  readonly muted: Set<Device>;
  /** Its connection to Janus is up: viewers can subscribe to it (Janus refuses before). */
  ready: boolean;
}

/** One member's subscription. */
interface Viewer {
  readonly userId: string;
  handle: JanusHandle | null;
  /** The subscription's media sections (Janus's `streams`), as last negotiated. */
  streams: readonly videoroom.SubscriberStream[];
  /** Changes run one at a time, in order. */
  queue: Promise<void>;
  /** The offer waiting for this member's answer. */
  pending: { readonly offerId: number; readonly answer: (sdp: string) => void } | null;
  nextOfferId: number;
  /** The layer this member wants of each publisher's video. */
  readonly wanted: Map<string, Quality>;
  /** Bumped when the subscription is dropped, so that work under way for it stops. */
  generation: number;
}

/** The media of one live. */
interface Live {
  readonly liveId: string;
  /** The room at Janus, once created, on `instance`. */
  room: {
    readonly id: string;
    readonly secret: string;
    readonly instance: JanusInstance;
    readonly admin: JanusHandle;
  } | null;
  opening: Promise<Live['room']> | null;
  readonly publishers: Map<string, Publisher>;
  readonly viewers: Map<string, Viewer>;
  /** Bumped when the room is lost (its instance died), so that work under way for it stops. */
  epoch: number;
  ended: boolean;
}

/** A failed `Result` for a Janus failure. */
function unavailable(error: unknown): Result<never> {
  const reason = isJanusError(error) ? `${error.kind} ${error.code} ${error.reason}` : String(error);
  return fail(ErrorCode.MEDIA_UNAVAILABLE, `the media server cannot serve this now (${reason}); try again`);
}

/** The SFU mode of a server: the hub's media server, and when its Janus instances have all been tried. */
export interface SfuSetup {
  /** For `createHub({ media })`. */
  readonly media: (hub: MediaHubSide) => HubMedia;
  /** Settles once every Janus instance has been tried once (up or down). */
  readonly ready: Promise<void>;
}

/**
 * The SFU mode for `createHub({ media })`, on the Janus instances of `options`: the pool connects
 * at once; the hub's side is given when the hub is made.
 */
export function createSfuMedia(options: SfuOptions): SfuSetup {
  let hubSide: MediaHubSide | null = null;
  const media = new SfuMedia(options, {
    push: (userId, liveId, data) => hubSide?.push(userId, liveId, data) ?? false,
    seats: (liveId) => hubSide?.seats(liveId) ?? null,
    reportError: (error) => hubSide?.reportError(error),
  });
  return {
    media: (hub) => {
      hubSide = hub;
      return media;
    },
    ready: media.ready(),
  };
}

class SfuMedia implements HubMedia {
  readonly #hub: MediaHubSide;
  readonly #pool: JanusPool;
  readonly #adminKey: string;
  readonly #answerTimeoutMs: number;
  readonly #lives = new Map<string, Live>();
  #closed = false;

  constructor(options: SfuOptions, hub: MediaHubSide) {
    this.#hub = hub;
    this.#adminKey = options.adminKey ?? '';
    this.#answerTimeoutMs = options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
    this.#pool = createJanusPool({
      urls: options.janus,
      ...(options.tokenSecret ? { token: janusTokenSource(options.tokenSecret) } : {}),
      ...(options.apiSecret ? { apiSecret: options.apiSecret } : {}),
      ...(options.requestTimeoutMs ? { timeoutMs: options.requestTimeoutMs } : {}),
      onError: (url, error) => hub.reportError(new Error(`janus ${url}: ${String(error)}`, { cause: error })),
    });
    this.#pool.onInstanceDown((_url, liveIds) => {
      for (const liveId of liveIds) this.#moved(liveId);
    });
  }

  /** Settles once every Janus instance has been tried once. */
  ready(): Promise<void> {
    return this.#pool.ready();
  }

  async command(command: MediaCommand): Promise<Result<unknown>> {
    if (this.#closed) return fail(ErrorCode.MEDIA_UNAVAILABLE, 'the server is shutting down');
    const live = this.#live(command.liveId);
    const { userId } = command;
    switch (command.name) {
      case 'media.sfu.publish':
        return this.#publish(live, userId, (command.args as CommandArgs<'media.sfu.publish'>).sdp);
      case 'media.sfu.unpublish':
        await this.#unpublish(live, userId, null);
        return ok(undefined);
      case 'media.sfu.subscribe':
        this.#subscribe(live, userId);
        return ok(undefined);
      case 'media.sfu.unsubscribe':
        this.#dropViewer(live, userId);
        return ok(undefined);
      case 'media.sfu.answer': {
        const { offerId, sdp } = command.args as CommandArgs<'media.sfu.answer'>;
        const pending = live.viewers.get(userId)?.pending;
        if (pending?.offerId !== offerId) {
          return fail(ErrorCode.REQUEST_NOT_FOUND, `no offer ${offerId} waits for your answer`);
        }
        pending.answer(sdp);
        return ok(undefined);
      }
      case 'media.sfu.quality': {
        const { publisherId, quality } = command.args as CommandArgs<'media.sfu.quality'>;
        return this.#setQuality(live, userId, publisherId, quality);
      }
      default:
        return fail(ErrorCode.INVALID_ARGUMENT, `unknown media command`);
    }
  }

  onEvent(liveId: string, event: LiveEvent): void {
    const live = this.#lives.get(liveId);
    if (!live) return;
    switch (event.type) {
      case 'seats':
        this.#onSeats(live, event.seats);
        return;
      case 'device.admin':
        if (event.action !== 'allowed') this.#mute(live, event.userId, event.device, true);
        return;
      case 'member.left':
        this.#dropViewer(live, event.userId);
        void this.#unpublish(live, event.userId, 'left the live');
        return;
      case 'live.ended':
        this.#end(live);
        return;
      default:
        return;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const live of [...this.#lives.values()]) this.#end(live);
    void this.#pool.close();
  }

  // ── rooms ───────────────────────────────────────────────────────────────────────────────────

  #live(liveId: string): Live {
    let live = this.#lives.get(liveId);
    if (!live) {
      live = {
        liveId,
        room: null,
        opening: null,
        publishers: new Map(),
        viewers: new Map(),
        epoch: 0,
        ended: false,
      };
      this.#lives.set(liveId, live);
    }
    return live;
  }

  /** The live's room at Janus, created on the least loaded instance if it has none. */
  #room(live: Live): Promise<NonNullable<Live['room']>> {
    if (live.room?.instance.up) return Promise.resolve(live.room);
    live.opening ??= this.#open(live).finally(() => {
      live.opening = null;
    });
    return live.opening.then((room) => {
      if (!room) throw new Error('the live ended');
      return room;
    });
  }

  async #open(live: Live): Promise<Live['room']> {
    const epoch = live.epoch;
    const instance = this.#pool.place(live.liveId);
    if (!instance?.session) throw new Error('no media server is up');
    const admin = await instance.session.attach(VIDEOROOM_PLUGIN);
    const id = `${live.liveId}~${randomBytes(6).toString('hex')}`;
    const secret = randomBytes(18).toString('base64url');
    try {
      await videoroom.createRoom(admin, {
        room: id,
        admin_key: this.#adminKey,
        secret,
        publishers: 64,
        videocodec: 'vp8',
        audiocodec: 'opus',
        bitrate: 0,
        fir_freq: 0,
        notify_joining: false,
      });
    } catch (error) {
      void admin.detach().catch(() => undefined);
      throw error;
    }
    if (live.ended || epoch !== live.epoch) {
      void videoroom.destroyRoom(admin, { room: id, secret }).catch(() => undefined);
      void admin.detach().catch(() => undefined);
      return null;
    }
    live.room = { id, secret, instance, admin };
    return live.room;
  }

  /** The live's instance died: its room is gone; every member publishes and subscribes again. */
  #moved(liveId: string): void {
    const live = this.#lives.get(liveId);
    if (!live || live.ended) return;
    live.epoch++;
    live.room = null;
    const members = new Set([...live.publishers.keys(), ...live.viewers.keys()]);
    live.publishers.clear();
    for (const viewer of live.viewers.values()) viewer.generation++;
    live.viewers.clear();
    for (const userId of members) this.#hub.push(userId, liveId, { kind: 'restart', scope: 'all' });
  }

  #end(live: Live): void {
    if (live.ended) return;
    live.ended = true;
    live.epoch++;
    this.#lives.delete(live.liveId);
    for (const viewer of live.viewers.values()) viewer.generation++;
    for (const publisher of live.publishers.values()) {
      this.#hub.push(publisher.userId, live.liveId, { kind: 'unpublished', reason: 'the live ended' });
    }
    live.viewers.clear();
    live.publishers.clear();
    this.#pool.release(live.liveId);
    const room = live.room;
    live.room = null;
    if (room) {
      // Destroying the room ends every handle in it at Janus.
      void videoroom
        .destroyRoom(room.admin, { room: room.id, secret: room.secret })
        .catch(() => undefined)
        .finally(() => room.admin.detach().catch(() => undefined));
    }
  }

  // ── publishing ──────────────────────────────────────────────────────────────────────────────

  async #publish(live: Live, userId: string, sdp: string): Promise<Result<{ sdp: string }>> {
    if (!this.#seated(live.liveId, userId)) {
      return fail(ErrorCode.NOT_ON_SEAT, 'only a seat holder sends media: take a seat first');
    }
    // A new publication replaces the previous one (a reload, a restart after a broken connection).
    await this.#unpublish(live, userId, null);
    let handle: JanusHandle | null = null;
    try {
      const room = await this.#room(live);
      const epoch = live.epoch;
      handle = await room.instance.session!.attach(VIDEOROOM_PLUGIN);
      await videoroom.joinPublisher(handle, { room: room.id, id: userId, display: userId });
      const published = await handle.message<{ streams?: videoroom.PublisherStream[] }>(
        { request: 'publish', audiocodec: 'opus', videocodec: 'vp8' },
        // `trickle: false`: the offer holds every candidate; Janus need wait for no more.
        { type: 'offer', sdp, trickle: false } as Jsep,
      );
      const answer = published.jsep;
      if (!answer) throw new Error('the media server answered a publish without an answer');
      // The seat may have been lost while Janus answered: the publication ends before it starts.
      if (
        epoch !== live.epoch ||
        live.ended ||
        !this.#seated(live.liveId, userId) ||
        live.publishers.has(userId)
      ) {
        void handle.detach().catch(() => undefined);
        return fail(ErrorCode.NOT_ON_SEAT, 'the seat was lost while the media server answered');
      }
      const streams = published.data.streams ?? [];
      const publisher: Publisher = { userId, handle, streams, muted: new Set(), ready: false };
      live.publishers.set(userId, publisher);
      handle.on('webrtcup', () => {
        if (live.publishers.get(userId) !== publisher || publisher.ready) return;
        publisher.ready = true;
        this.#syncViewers(live);
      });
      handle.on('hangup', () => {
        // The publisher's connection to Janus ended on its own: viewers stop receiving it.
        if (live.publishers.get(userId) !== publisher) return;
        live.publishers.delete(userId);
        void publisher.handle.detach().catch(() => undefined);
        this.#syncViewers(live);
      });
      return ok({ sdp: answer.sdp });
    } catch (error) {
      if (handle) void handle.detach().catch(() => undefined);
      return unavailable(error);
    }
  }

  /** Takes `userId`'s publication out of the room; `reason` tells its client why (`null`: it asked). */
  async #unpublish(live: Live, userId: string, reason: string | null): Promise<void> {
    const publisher = live.publishers.get(userId);
    if (!publisher) return;
    live.publishers.delete(userId);
    // Out of the room at once (a kick stops the relay at Janus before the handle is gone).
    const room = live.room;
    const kicked = room
      ? videoroom.kick(room.admin, { room: room.id, secret: room.secret, id: userId }).catch(() => undefined)
      : Promise.resolve();
    if (reason !== null) this.#hub.push(userId, live.liveId, { kind: 'unpublished', reason });
    this.#syncViewers(live);
    await kicked;
    await publisher.handle.detach().catch(() => undefined);
  }

  #onSeats(live: Live, seats: readonly SeatInfo[]): void {
    const seated = new Map(
      seats.flatMap((seat) => (seat.userInfo ? [[seat.userInfo.userId, seat.userInfo]] : [])),
    );
    for (const userId of [...live.publishers.keys()]) {
      const info = seated.get(userId);
      if (!info) {
        void this.#unpublish(live, userId, 'left the seat');
        continue;
      }
      // A muted device opened again by its user (after the host allowed it) is relayed again.
      if (info.cameraStatus === 'on') this.#mute(live, userId, 'camera', false);
      if (info.microphoneStatus === 'on') this.#mute(live, userId, 'microphone', false);
    }
  }

  /** Mutes (or lifts the mute of) a publisher's camera or microphone at Janus. */
  #mute(live: Live, userId: string, device: Device, mute: boolean): void {
    const publisher = live.publishers.get(userId);
    const room = live.room;
    if (!publisher || !room || publisher.muted.has(device) === mute) return;
    if (mute) publisher.muted.add(device);
    else publisher.muted.delete(device);
    const kind = device === 'camera' ? 'video' : 'audio';
    for (const stream of publisher.streams) {
      if (stream.type !== kind) continue;
      void videoroom
        .moderate(room.admin, { room: room.id, secret: room.secret, id: userId, mid: stream.mid, mute })
        .catch((error: unknown) => this.#hub.reportError(error));
    }
  }

  #seated(liveId: string, userId: string): boolean {
    return this.#hub.seats(liveId)?.some((seat) => seat.userInfo?.userId === userId) ?? false;
  }

  // ── viewing ─────────────────────────────────────────────────────────────────────────────────

  /** `userId` views the live from now on, with a new subscription (a previous one is dropped). */
  #subscribe(live: Live, userId: string): void {
    this.#dropViewer(live, userId);
    const viewer: Viewer = {
      userId,
      handle: null,
      streams: [],
      queue: Promise.resolve(),
      pending: null,
      nextOfferId: 1,
      wanted: new Map(),
      generation: 0,
    };
    live.viewers.set(userId, viewer);
    this.#sync(live, viewer);
  }

  #dropViewer(live: Live, userId: string): void {
    const viewer = live.viewers.get(userId);
    if (!viewer) return;
    live.viewers.delete(userId);
    viewer.generation++;
    viewer.pending = null;
    const handle = viewer.handle;
    viewer.handle = null;
    if (handle) void handle.detach().catch(() => undefined);
  }

  #syncViewers(live: Live): void {
    for (const viewer of live.viewers.values()) this.#sync(live, viewer);
  }

  /** Queues a change of `viewer`'s subscription to the room's publishers now. */
  #sync(live: Live, viewer: Viewer): void {
    const generation = viewer.generation;
    viewer.queue = viewer.queue
      .then(() => (generation === viewer.generation ? this.#update(live, viewer) : undefined))
      .catch((error: unknown) => {
        if (generation !== viewer.generation || live.ended) return;
        // The subscription is in an unknown state: drop it; the client subscribes again.
        this.#hub.reportError(error);
        this.#dropViewer(live, viewer.userId);
        this.#hub.push(viewer.userId, live.liveId, { kind: 'restart', scope: 'view' });
      });
  }

  async #update(live: Live, viewer: Viewer): Promise<void> {
    const generation = viewer.generation;
    const wanted = [...live.publishers.values()]
      .filter((publisher) => publisher.ready && publisher.userId !== viewer.userId)
      .map((publisher) => publisher.userId);
    const current = new Set(
      viewer.streams.flatMap((stream) => (stream.active !== false && stream.feed_id ? [stream.feed_id] : [])),
    );
    const add = wanted.filter((userId) => !current.has(userId));
    const remove = viewer.streams.filter(
      (stream) => stream.active !== false && stream.feed_id !== undefined && !wanted.includes(stream.feed_id),
    );
    if (add.length === 0 && remove.length === 0) return;
    let offer: Jsep | undefined;
    let streams: videoroom.SubscriberStream[] | undefined;
    if (!viewer.handle) {
      if (add.length === 0) return;
      const room = await this.#room(live);
      const handle = await room.instance.session!.attach(VIDEOROOM_PLUGIN);
      if (generation !== viewer.generation) {
        void handle.detach().catch(() => undefined);
        return;
      }
      viewer.handle = handle;
      const subscription = await videoroom.joinSubscriber(handle, {
        room: room.id,
        streams: add.map((feed) => ({ feed })),
        autoupdate: false,
      });
      offer = subscription.jsep;
      streams = subscription.streams;
    } else {
      const changed = await videoroom.update(viewer.handle, {
        ...(add.length > 0 ? { subscribe: add.map((feed) => ({ feed })) } : {}),
        ...(remove.length > 0 ? { unsubscribe: remove.map((stream) => ({ sub_mid: stream.mid })) } : {}),
      });
      offer = changed.jsep;
      streams = changed.streams;
    }
    if (generation !== viewer.generation) return;
    if (streams) viewer.streams = streams;
    if (!offer) return;
    const handle = viewer.handle;
    const answer = await this.#offer(live, viewer, offer.sdp);
    if (generation !== viewer.generation || !handle) return;
    await videoroom.start(handle, { type: 'answer', sdp: answer, trickle: false } as Jsep);
    await this.#applyQualities(live, viewer);
  }

  /** Pushes an offer to the viewer's client and resolves with its answer. */
  #offer(live: Live, viewer: Viewer, sdp: string): Promise<string> {
    const offerId = viewer.nextOfferId++;
    const streams: SfuStream[] = viewer.streams.flatMap((stream) =>
      stream.active !== false && stream.feed_id && (stream.type === 'audio' || stream.type === 'video')
        ? [{ mid: stream.mid, publisherId: stream.feed_id, kind: stream.type }]
        : [],
    );
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (viewer.pending?.offerId !== offerId) return;
        viewer.pending = null;
        reject(new Error(`no answer to offer ${offerId} in ${this.#answerTimeoutMs} ms`));
      }, this.#answerTimeoutMs);
      viewer.pending = {
        offerId,
        answer: (answer) => {
          clearTimeout(timer);
          viewer.pending = null;
          resolve(answer);
        },
      };
      if (!this.#hub.push(viewer.userId, live.liveId, { kind: 'offer', offerId, sdp, streams })) {
        clearTimeout(timer);
        viewer.pending = null;
        reject(new Error('the viewer is not connected'));
      }
    });
  }

  #setQuality(live: Live, userId: string, publisherId: string, quality: Quality): Result {
    const viewer = live.viewers.get(userId);
    if (!viewer) return fail(ErrorCode.NOT_IN_LIVE, 'subscribe first (media.sfu.subscribe)');
    viewer.wanted.set(publisherId, quality);
    const generation = viewer.generation;
    viewer.queue = viewer.queue
      .then(() =>
        generation === viewer.generation ? this.#applyQualities(live, viewer, publisherId) : undefined,
      )
      .catch((error: unknown) => this.#hub.reportError(error));
    return ok(undefined);
  }

  /** Tells Janus the layer the viewer wants of each publisher's video (or of `only`'s). */
  async #applyQualities(live: Live, viewer: Viewer, only?: string): Promise<void> {
    const handle = viewer.handle;
    if (!handle || live.ended) return;
    const { settings, asked } = layerSettings(viewer.streams, viewer.wanted, only);
    if (settings.length === 0) return;
    const generation = viewer.generation;
    await switchLayers(handle, settings, {
      current: () =>
        generation === viewer.generation &&
        !live.ended &&
        [...asked].every(([feed, quality]) => viewer.wanted.get(feed) === quality),
      onError: (error) => this.#hub.reportError(error),
    });
  }
}
