/**
 * Typed requests of Janus's VideoRoom plugin (Janus 1.x, multistream, `string_ids = true`), one
 * small function per request, on a handle attached to `janus.plugin.videoroom`. Field names are
 * the plugin's own (`admin_key`, `fir_freq`, …) so that its documentation (the comment at the top
 * of `src/plugins/janus_videoroom.c`) reads straight onto them. Each function resolves with the
 * plugin's answer or rejects with a `JanusError` carrying the plugin's code (`VideoRoomErrorCode`).
 */
import type { JanusHandle, Jsep } from './janus-client.js';

/** The VideoRoom plugin's error codes. */
export const VideoRoomErrorCode = {
  UNKNOWN_ERROR: 499,
  NO_MESSAGE: 421,
  INVALID_JSON: 422,
  INVALID_REQUEST: 423,
  JOIN_FIRST: 424,
  ALREADY_JOINED: 425,
  NO_SUCH_ROOM: 426,
  ROOM_EXISTS: 427,
  NO_SUCH_FEED: 428,
  MISSING_ELEMENT: 429,
  INVALID_ELEMENT: 430,
  INVALID_SDP_TYPE: 431,
  PUBLISHERS_FULL: 432,
  UNAUTHORIZED: 433,
  ALREADY_PUBLISHED: 434,
  NOT_PUBLISHED: 435,
  ID_EXISTS: 436,
  INVALID_SDP: 437,
} as const;

/** `create`: the room's settings (the plugin's names) and the admin key. */
export interface CreateRoomRequest {
  room: string;
  /** The VideoRoom `admin_key`: without it the plugin refuses (429). */
  admin_key: string;
  /** Needed later to destroy the room, kick and moderate. */
  secret: string;
  description?: string;
  /** At most this many publishers at a time. Default 3 (the plugin's). */
  publishers?: number;
  /** e.g. `'vp8'` or `'vp8,h264'`. */
  videocodec?: string;
  /** e.g. `'opus'`. */
  audiocodec?: string;
  /** Bitrate cap of each publisher, bits/s (0: none). */
  bitrate?: number;
  bitrate_cap?: boolean;
  /** Ask publishers for a keyframe every `fir_freq` seconds (0: never). */
  fir_freq?: number;
  /** Tell participants when anyone joins, not only publishers. */
  notify_joining?: boolean;
  is_private?: boolean;
  pin?: string;
  require_pvtid?: boolean;
  audiolevel_event?: boolean;
  audio_active_packets?: number;
  audio_level_average?: number;
  /** Every other room setting of the plugin's. */
  [setting: string]: unknown;
}

/** One stream of a publisher, as the plugin lists it. */
export interface PublisherStream {
  type: 'audio' | 'video' | 'data';
  mindex: number;
  mid: string;
  disabled?: boolean;
  codec?: string;
  description?: string;
  moderated?: boolean;
  simulcast?: boolean;
  svc?: boolean;
  talking?: boolean;
}

/** An active publisher of the room. */
export interface Publisher {
  id: string;
  display?: string;
  dummy?: boolean;
  streams: PublisherStream[];
  talking?: boolean;
}

/** A participant of `listparticipants`. */
export interface Participant {
  id: string;
  display?: string;
  publisher: boolean;
  talking?: boolean;
}

/** `joined`: what a publisher handle learns when it joins. */
export interface PublisherJoined {
  room: string;
  id: string;
  private_id: number;
  description?: string;
  publishers: Publisher[];
  /** Only in rooms with `notify_joining`. */
  attendees?: { id: string; display?: string }[];
}

/** One m-line of a subscription. */
export interface SubscriberStream {
  mindex: number;
  mid: string;
  type: 'audio' | 'video' | 'data';
  feed_id?: string;
  feed_mid?: string;
  feed_display?: string;
  send?: boolean;
  ready?: boolean;
  active?: boolean;
  [field: string]: unknown;
}

/** A stream to subscribe to: all of a publisher's (`feed`), or one (`feed` and `mid`). */
export interface SubscribeStream {
  feed: string;
  mid?: string;
  crossrefid?: string;
}

/** A stream to drop from a subscription: by publisher, publisher stream, or own m-line (`sub_mid`). */
export interface UnsubscribeStream {
  feed?: string;
  mid?: string;
  sub_mid?: string;
}

/** `create`: resolves when the room exists. */
export async function createRoom(handle: JanusHandle, request: CreateRoomRequest): Promise<{ room: string }> {
  const { data } = await handle.message<{ room: string }>({
    ...request,
    request: 'create',
    permanent: false,
  });
  return { room: data.room };
}

/** `destroy`: kicks everyone and removes the room. A wrong secret is refused (433). */
export async function destroyRoom(
  handle: JanusHandle,
  request: { room: string; secret: string },
): Promise<void> {
  await handle.message({ request: 'destroy', room: request.room, secret: request.secret, permanent: false });
}

/** `exists`. */
export async function exists(handle: JanusHandle, room: string): Promise<boolean> {
  const { data } = await handle.message<{ exists?: boolean }>({ request: 'exists', room });
  return data.exists === true;
}

/** `listparticipants`: publishers, active or not (not subscribers). */
export async function listParticipants(handle: JanusHandle, room: string): Promise<Participant[]> {
  const { data } = await handle.message<{ participants?: Participant[] }>({
    request: 'listparticipants',
    room,
  });
  return data.participants ?? [];
}

/** `join` as a publisher (not publishing yet). A taken `id` is refused (436). */
export async function joinPublisher(
  handle: JanusHandle,
  request: { room: string; id: string; display?: string; pin?: string; token?: string },
): Promise<PublisherJoined> {
  const { data } = await handle.message<PublisherJoined>({ ...request, request: 'join', ptype: 'publisher' });
  return data;
}

/** Options of `publish` and of a publisher's `configure`. */
export interface PublishRequest {
  audiocodec?: string;
  videocodec?: string;
  bitrate?: number;
  display?: string;
  descriptions?: { mid: string; description: string }[];
}

/** `publish` with the publisher's offer: resolves with Janus's answer. */
export async function publish(handle: JanusHandle, offer: Jsep, request: PublishRequest = {}): Promise<Jsep> {
  const { jsep } = await handle.message({ ...request, request: 'publish' }, offer);
  if (!jsep) throw new TypeError('publish: Janus answered without a JSEP answer');
  return jsep;
}

/**
 * A publisher's `configure`: bitrate, keyframe, per-stream `send`, or a renegotiation (with an
 * offer: resolves with the answer).
 */
export async function configurePublisher(
  handle: JanusHandle,
  request: PublishRequest & {
    keyframe?: boolean;
    streams?: { mid: string; send?: boolean; keyframe?: boolean; min_delay?: number; max_delay?: number }[];
  },
  offer?: Jsep,
): Promise<Jsep | undefined> {
  const { jsep } = await handle.message({ ...request, request: 'configure' }, offer);
  return jsep;
}

/** `unpublish`: the publisher's PeerConnection is torn down; it stays in the room. */
export async function unpublish(handle: JanusHandle): Promise<void> {
  await handle.message({ request: 'unpublish' });
}

/** `kick`: the participant leaves the room (it may join again). */
export async function kick(
  handle: JanusHandle,
  request: { room: string; secret: string; id: string },
): Promise<void> {
  await handle.message({ ...request, request: 'kick' });
}

/** `moderate`: mutes (or lifts the mute of) one stream of a participant. */
export async function moderate(
  handle: JanusHandle,
  request: { room: string; secret: string; id: string; mid: string; mute: boolean },
): Promise<void> {
  await handle.message({ ...request, request: 'moderate' });
}

/** The subscription's streams and the offer to answer with `start`. */
export interface Subscription {
  jsep: Jsep;
  streams: SubscriberStream[];
}

/**
 * `join` as a subscriber to `streams`: resolves with Janus's offer and the m-lines. Subscribing
 * to a publisher that is not in the room is refused (428).
 */
export async function joinSubscriber(
  handle: JanusHandle,
  request: {
    room: string;
    streams: SubscribeStream[];
    private_id?: number;
    use_msid?: boolean;
    autoupdate?: boolean;
  },
): Promise<Subscription> {
  const { data, jsep } = await handle.message<{ streams?: SubscriberStream[] }>({
    ...request,
    request: 'join',
    ptype: 'subscriber',
  });
  if (!jsep) throw new TypeError('joinSubscriber: Janus answered without a JSEP offer');
  return { jsep, streams: data.streams ?? [] };
}

/** `start`: with the subscriber's answer (after a join or an update), or alone to resume after `pause`. */
export async function start(handle: JanusHandle, answer?: Jsep): Promise<void> {
  await handle.message({ request: 'start' }, answer);
}

/** `pause`: stops every stream of the subscription until `start`. */
export async function pause(handle: JanusHandle): Promise<void> {
  await handle.message({ request: 'pause' });
}

/**
 * What `update` led to: a new offer (answer it with `start`) and the m-lines when the SDP
 * changed; `updating: true` when Janus postponed it behind a renegotiation in flight (the offer
 * then comes as an `updated` plugin event on the handle).
 */
export interface SubscriptionUpdate {
  jsep?: Jsep;
  streams?: SubscriberStream[];
  updating: boolean;
}

/** `update`: subscribes and unsubscribes in one renegotiation. */
export async function update(
  handle: JanusHandle,
  request: { subscribe?: SubscribeStream[]; unsubscribe?: UnsubscribeStream[] },
): Promise<SubscriptionUpdate> {
  const { data, jsep } = await handle.message<{ videoroom?: string; streams?: SubscriberStream[] }>({
    ...request,
    request: 'update',
  });
  const result: SubscriptionUpdate = { updating: data.videoroom === 'updating' };
  if (jsep) result.jsep = jsep;
  if (data.streams) result.streams = data.streams;
  return result;
}

/** One m-line's settings for a subscriber's `configure`. */
export interface SubscriberStreamSettings {
  mid: string;
  /** Relay this m-line or not (pausing one tile). */
  send?: boolean;
  /** Simulcast layer 0 (low) .. 2 (high). */
  substream?: 0 | 1 | 2;
  temporal?: 0 | 1 | 2;
  /** Microseconds without packets before falling to the layer below. */
  fallback?: number;
}

/** A subscriber's `configure`: layers, pausing m-lines, or an ICE restart (resolves with a new offer). */
export async function configureSubscriber(
  handle: JanusHandle,
  request: { streams?: SubscriberStreamSettings[]; restart?: boolean },
): Promise<Jsep | undefined> {
  const { jsep } = await handle.message({ ...request, request: 'configure' });
  return jsep;
}

/** `leave`: closes a subscription, or takes a publisher out of the room. */
export async function leave(handle: JanusHandle): Promise<void> {
  await handle.message({ request: 'leave' });
}
