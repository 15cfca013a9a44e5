/**
 * The wire protocol: every message between a client and a server (or the in-page hub), with runtime
 * schemas. Text frames of JSON. See `docs/protocol.md`.
 */
import * as v from 'valibot';
import { MAX_SEAT_COUNT } from './roles.js';
import { ErrorCode } from './errors.js';
import { fail, ok, type Result } from './result.js';
import type { EventEnvelope, LiveEvent, LiveSnapshot, SeatMode, SignalData, UserInfo } from './types.js';

export { PROTOCOL_VERSION } from './version.js';

/** Limits on strings and sizes that the protocol enforces. Defaults documented in `docs/protocol.md`. */
export interface ProtocolLimits {
  /** Max characters of `extraInfo` in applications and invitations. Default 256. */
  readonly maxExtraInfoLength: number;
  /** Max characters of a live's name. Default 64. */
  readonly maxLiveNameLength: number;
  /** Max request timeout in seconds. Default 600. */
  readonly maxTimeoutSeconds: number;
}

export const DEFAULT_PROTOCOL_LIMITS: ProtocolLimits = {
  maxExtraInfoLength: 256,
  maxLiveNameLength: 64,
  maxTimeoutSeconds: 600,
};

/** Most lives one `live.list` page holds: a larger `count` is served as this many. */
export const MAX_LIVE_LIST_COUNT = 50;
/** Lives per `live.list` page when the command gives no `count`. */
export const DEFAULT_LIVE_LIST_COUNT = 20;
/** Longest `live.list` cursor accepted (the server's own are much shorter). */
const MAX_CURSOR_LENGTH = 64;

/** Ids (`liveId`, `userId`): 1..64 characters of letters, digits, `_`, `-`, `.`, `@`. */
export const ID_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

const id = v.pipe(v.string(), v.regex(ID_PATTERN, 'must be 1..64 characters of A-Z a-z 0-9 _ . @ -'));
const seatIndex = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_SEAT_COUNT - 1));
const seatIndexOrAny = v.pipe(v.number(), v.integer(), v.minValue(-1), v.maxValue(MAX_SEAT_COUNT - 1));
const device = v.picklist(['microphone', 'camera']);

/** Largest `media.signal` `data`, in bytes of JSON (UTF-8). An SDP is at most this long too. */
export const MAX_SIGNAL_BYTES = 12 * 1024;
/** Longest ICE `candidate` line accepted in a signal. */
export const MAX_CANDIDATE_LENGTH = 1024;

const encoder = new TextEncoder();

/** simple-peer's signal objects, by shape (`docs/media.md`). `v.object` drops unknown fields. */
const signalData = v.pipe(
  v.variant('type', [
    v.object({
      type: v.picklist(['offer', 'answer']),
      sdp: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_SIGNAL_BYTES)),
    }),
    v.object({
      type: v.literal('candidate'),
      candidate: v.object({
        candidate: v.pipe(v.string(), v.maxLength(MAX_CANDIDATE_LENGTH)),
        sdpMLineIndex: v.optional(
          v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1023))),
        ),
        sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64)))),
        usernameFragment: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
      }),
    }),
    v.object({ type: v.literal('renegotiate'), renegotiate: v.literal(true) }),
    v.object({
      type: v.literal('transceiverRequest'),
      transceiverRequest: v.object({
        kind: v.picklist(['audio', 'video']),
        init: v.optional(
          v.object({
            direction: v.optional(v.picklist(['sendrecv', 'sendonly', 'recvonly', 'inactive'])),
            sendEncodings: v.optional(
              v.pipe(
                v.array(
                  v.object({
                    rid: v.optional(v.pipe(v.string(), v.maxLength(16))),
                    active: v.optional(v.boolean()),
                    maxBitrate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1e9))),
                    maxFramerate: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(240))),
                    scaleResolutionDownBy: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(64))),
                  }),
                ),
                v.maxLength(8),
              ),
            ),
          }),
        ),
      }),
    }),
  ]),
  v.check(
    (data) => encoder.encode(JSON.stringify(data)).length <= MAX_SIGNAL_BYTES,
    `must be at most ${MAX_SIGNAL_BYTES} bytes of JSON`,
  ),
);

/**
 * Largest SDP a client sends in SFU mode (`media.sfu.publish`, `media.sfu.answer`), in characters.
 * Below `maxMessageBytes` (16,384 by default) with the envelope and JSON escapes.
 */
export const MAX_SFU_SDP_LENGTH = 14 * 1024;

const sfuSdp = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_SFU_SDP_LENGTH));

function commandSchemas(limits: ProtocolLimits) {
  const extraInfo = v.optional(v.pipe(v.string(), v.maxLength(limits.maxExtraInfoLength)), '');
  const timeout = v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(limits.maxTimeoutSeconds)),
    0,
  );
  const live = { liveId: id };
  return {
    'live.create': v.object({
      liveId: id,
      liveName: v.optional(v.pipe(v.string(), v.maxLength(limits.maxLiveNameLength)), ''),
      seatMode: v.optional(v.picklist(['apply', 'free']), 'apply'),
      maxSeatCount: v.optional(v.pipe(v.number(), v.integer()), 9),
      keepOwnerOnSeat: v.optional(v.boolean(), true),
    }),
    'live.join': v.object({ ...live, sinceSeq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) }),
    'live.leave': v.object(live),
    'live.end': v.object(live),
    'live.list': v.object({
      /** `''`: the first page; else the `nextCursor` of the previous page. */
      cursor: v.optional(v.pipe(v.string(), v.maxLength(MAX_CURSOR_LENGTH)), ''),
      count: v.optional(
        v.pipe(
          v.number(),
          v.integer(),
          v.minValue(1),
          v.transform((count) => Math.min(count, MAX_LIVE_LIST_COUNT)),
        ),
        DEFAULT_LIVE_LIST_COUNT,
      ),
    }),
    'member.setAdmin': v.object({ ...live, userId: id, admin: v.boolean() }),
    'guest.apply': v.object({ ...live, seatIndex: v.optional(seatIndexOrAny, -1), timeout, extraInfo }),
    'guest.cancelApplication': v.object(live),
    'guest.acceptApplication': v.object({ ...live, userId: id }),
    'guest.rejectApplication': v.object({ ...live, userId: id }),
    'guest.invite': v.object({
      ...live,
      inviteeId: id,
      seatIndex: v.optional(seatIndexOrAny, -1),
      timeout,
      extraInfo,
    }),
    'guest.cancelInvitation': v.object({ ...live, inviteeId: id }),
    'guest.acceptInvitation': v.object({ ...live, inviterId: id }),
    'guest.rejectInvitation': v.object({ ...live, inviterId: id }),
    'seat.take': v.object({ ...live, seatIndex: seatIndexOrAny }),
    'seat.leave': v.object(live),
    'seat.move': v.object({
      ...live,
      userId: id,
      targetIndex: seatIndex,
      policy: v.optional(v.picklist(['abortWhenOccupied', 'forceReplace', 'swap']), 'abortWhenOccupied'),
    }),
    'seat.kick': v.object({ ...live, userId: id }),
    'seat.lock': v.object({
      ...live,
      seatIndex,
      lockSeat: v.optional(v.boolean()),
      lockAudio: v.optional(v.boolean()),
      lockVideo: v.optional(v.boolean()),
    }),
    'device.publish': v.object({
      ...live,
      microphone: v.optional(v.picklist(['on', 'off'])),
      camera: v.optional(v.picklist(['on', 'off'])),
    }),
    'device.closeRemote': v.object({ ...live, userId: id, device }),
    'device.setRemoteAllowed': v.object({ ...live, userId: id, device, allowed: v.boolean() }),
    'media.watch': v.object({ ...live, publisherId: id }),
    'media.unwatch': v.object({ ...live, publisherId: id }),
    'media.viewers': v.object(live),
    'media.signal': v.object({ ...live, to: id, data: signalData }),
    'media.sfu.publish': v.object({ ...live, sdp: sfuSdp }),
    'media.sfu.unpublish': v.object(live),
    'media.sfu.subscribe': v.object(live),
    'media.sfu.unsubscribe': v.object(live),
    'media.sfu.answer': v.object({
      ...live,
      offerId: v.pipe(v.number(), v.integer(), v.minValue(1)),
      sdp: sfuSdp,
    }),
    'media.sfu.quality': v.object({ ...live, publisherId: id, quality: v.picklist(['high', 'low', 'off']) }),
  } as const;
}

type Schemas = ReturnType<typeof commandSchemas>;

/** Every command a client can send. */
export type CommandName = keyof Schemas;

/** The arguments of a command after validation and defaults. */
export type CommandArgs<N extends CommandName> = v.InferOutput<Schemas[N]>;

/** The arguments a caller passes (defaults may be omitted). */
export type CommandInput<N extends CommandName> = v.InferInput<Schemas[N]>;

/**
 * A live in a page of `live.list`: what a list of lives shows, no more. Every string in it is
 * bounded (ids and names 64 characters, the avatar 1,024), so a page is bounded too.
 */
export interface LiveSummary {
  readonly liveId: string;
  readonly liveName: string;
  /** The owner (host): id, name and avatar. */
  readonly owner: UserInfo;
  readonly seatMode: SeatMode;
  readonly maxSeatCount: number;
  /** Seats taken now. */
  readonly seatedCount: number;
  /** Members now, the owner included. */
  readonly memberCount: number;
  /** Epoch ms. */
  readonly createdAt: number;
}

/**
 * One page of `live.list`: open lives in the order they were created. `nextCursor` asks for the
 * next page; `''` when this page is the last.
 */
export interface LiveListPage {
  readonly lives: readonly LiveSummary[];
  readonly nextCursor: string;
}

/** What `live.join` returns: a snapshot, or the events missed since `sinceSeq`. */
export type JoinData =
  | { readonly kind: 'snapshot'; readonly snapshot: LiveSnapshot }
  | { readonly kind: 'replay'; readonly events: readonly ServerEvent[]; readonly seq: number };

/** The data each command's successful reply carries. */
export interface CommandData {
  'live.create': LiveSnapshot;
  'live.join': JoinData;
  'live.list': LiveListPage;
  'guest.apply': { readonly requestId: string };
  'guest.invite': { readonly requestId: string };
  /** How many viewers the publisher has now, the caller included. */
  'media.watch': { readonly viewers: number };
  /** The members who watch the caller now, in the order they started watching (empty: no one). */
  'media.viewers': { readonly viewers: readonly string[] };
  /** Whether the signal reached a connection of `to` (`false`: `to` is offline, in its grace period). */
  'media.signal': { readonly delivered: boolean };
  /** The SFU's answer to the publisher's offer. */
  'media.sfu.publish': { readonly sdp: string };
}

export type DataOf<N extends CommandName> = N extends keyof CommandData ? CommandData[N] : undefined;

export const COMMAND_NAMES = Object.keys(commandSchemas(DEFAULT_PROTOCOL_LIMITS)) as CommandName[];

// ── client → server ──────────────────────────────────────────────────────────────────────────

export interface HelloMessage {
  readonly type: 'hello';
  readonly protocol: number;
  readonly token: string;
}

export interface CommandMessage<N extends CommandName = CommandName> {
  readonly type: 'cmd';
  /** Unique per connection; the reply carries it back. Resending an id returns the same reply. */
  readonly id: string;
  readonly name: N;
  readonly args: CommandArgs<N>;
}

export type ClientMessage = HelloMessage | CommandMessage;

// ── server → client ──────────────────────────────────────────────────────────────────────────

export interface WelcomeMessage {
  readonly type: 'welcome';
  readonly protocol: number;
  readonly user: UserInfo;
  /** Server clock, epoch ms, so clients can show countdowns against server deadlines. */
  readonly serverTime: number;
  /**
   * How media moves on this server: `mesh` (peer connections between members, the default; absent
   * from older servers) or `sfu` (through the server's SFU, `media.sfu.*` and `media` messages).
   */
  readonly media?: MediaMode;
}

/** How media moves on a server (`WelcomeMessage.media`; docs/media.md). */
export type MediaMode = 'mesh' | 'sfu';

export interface ReplyMessage {
  readonly type: 'reply';
  readonly id: string;
  readonly result: Result<unknown>;
}

export interface ServerEvent {
  readonly type: 'event';
  readonly liveId: string;
  readonly seq: number;
  readonly event: LiveEvent;
}

/**
 * Several events of one live in one frame, in sequence order: how a large room's events reach its
 * members (at most one batch per member per flush interval; see `docs/protocol.md`, "Batches").
 * A client applies them as if each had come as a `ServerEvent`.
 */
export interface BatchMessage {
  readonly type: 'batch';
  readonly liveId: string;
  readonly events: readonly Pick<ServerEvent, 'seq' | 'event'>[];
}

/** A message that could not be tied to a request id (unparseable JSON, unknown shape). */
export interface ErrorMessage {
  readonly type: 'error';
  readonly code: ErrorCode;
  readonly message: string;
}

/** Sent before the server closes the connection on its own initiative. */
export interface ByeMessage {
  readonly type: 'bye';
  readonly reason: 'shutdown' | 'replaced' | 'tokenExpired';
  readonly message: string;
}

/**
 * A WebRTC signal relayed inside a watch pair. Not sequenced, not replayed: signaling is ephemeral
 * (after a resume, peers renegotiate). `from` is the sender as the server authenticated it.
 */
export interface SignalMessage {
  readonly type: 'signal';
  readonly liveId: string;
  readonly from: string;
  readonly data: SignalData;
}

/** One stream of a subscription in SFU mode: its `mid` in the viewer's connection and whose it is. */
export interface SfuStream {
  readonly mid: string;
  readonly publisherId: string;
  readonly kind: 'audio' | 'video';
}

/**
 * What the server's SFU tells one client of one live (SFU mode, outside the room's sequence):
 * - `offer`: the viewer's connection, new or changed: answer it with `media.sfu.answer` and this
 *   `offerId`; `streams` maps its media sections to publishers;
 * - `unpublished`: the server stopped what this user sends (it left its seat, was kicked, the seat
 *   was locked, the live ended): close the publishing connection;
 * - `restart`: start over: `all`, the live moved to another media server (publish and subscribe
 *   again); `view`, the viewing connection broke at the server (subscribe again).
 */
export type SfuPush =
  | {
      readonly kind: 'offer';
      readonly offerId: number;
      readonly sdp: string;
      readonly streams: readonly SfuStream[];
    }
  | { readonly kind: 'unpublished'; readonly reason: string }
  | { readonly kind: 'restart'; readonly scope: 'all' | 'view' };

/** A message of the server's SFU to one client (`SfuPush`). */
export interface MediaMessage {
  readonly type: 'media';
  readonly liveId: string;
  readonly data: SfuPush;
}

export type ServerMessage =
  | WelcomeMessage
  | ReplyMessage
  | ServerEvent
  | BatchMessage
  | SignalMessage
  | MediaMessage
  | ErrorMessage
  | ByeMessage;

export function toServerEvent(envelope: EventEnvelope): ServerEvent {
  return { type: 'event', liveId: envelope.liveId, seq: envelope.seq, event: envelope.event };
}

// ── parsing ──────────────────────────────────────────────────────────────────────────────────

const helloSchema = v.object({
  type: v.literal('hello'),
  protocol: v.pipe(v.number(), v.integer()),
  token: v.pipe(v.string(), v.maxLength(4096)),
});

const commandEnvelopeSchema = v.object({
  type: v.literal('cmd'),
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  name: v.string(),
  args: v.optional(v.unknown(), {}),
});

function describe(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = v.getDotPath(issue);
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** A parsed message from a client, or a typed error; `id` is set when the message had a usable id. */
export type ParsedClientMessage =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly id: string | null; readonly code: ErrorCode; readonly message: string };

/** Builds the parser a server (or hub) uses for incoming text. It never throws. */
export function createMessageParser(limits: ProtocolLimits = DEFAULT_PROTOCOL_LIMITS) {
  const schemas = commandSchemas(limits);
  return function parseClientMessage(text: string): ParsedClientMessage {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, id: null, code: ErrorCode.INVALID_ARGUMENT, message: 'message is not valid JSON' };
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return {
        ok: false,
        id: null,
        code: ErrorCode.INVALID_ARGUMENT,
        message: 'message must be a JSON object',
      };
    }
    const type = (raw as { type?: unknown }).type;
    if (type === 'hello') {
      const hello = v.safeParse(helloSchema, raw);
      return hello.success
        ? { ok: true, message: hello.output }
        : {
            ok: false,
            id: null,
            code: ErrorCode.INVALID_ARGUMENT,
            message: `hello: ${describe(hello.issues)}`,
          };
    }
    if (type !== 'cmd') {
      return { ok: false, id: null, code: ErrorCode.INVALID_ARGUMENT, message: 'unknown message type' };
    }
    const envelope = v.safeParse(commandEnvelopeSchema, raw);
    if (!envelope.success) {
      const rawId = (raw as { id?: unknown }).id;
      const id = typeof rawId === 'string' && rawId.length > 0 && rawId.length <= 64 ? rawId : null;
      return { ok: false, id, code: ErrorCode.INVALID_ARGUMENT, message: describe(envelope.issues) };
    }
    const { id, name, args } = envelope.output;
    if (!Object.hasOwn(schemas, name)) {
      return {
        ok: false,
        id,
        code: ErrorCode.INVALID_ARGUMENT,
        message: `unknown command "${name.slice(0, 64)}"`,
      };
    }
    const schema = schemas[name as CommandName];
    const parsed = v.safeParse(schema, args);
    if (!parsed.success) {
      return {
        ok: false,
        id,
        code: ErrorCode.INVALID_ARGUMENT,
        message: `${name}: ${describe(parsed.issues)}`,
      };
    }
    return {
      ok: true,
      message: { type: 'cmd', id, name: name as CommandName, args: parsed.output } as CommandMessage,
    };
  };
}

/** Validates the arguments of one command (used by in-page callers that skip JSON). */
export function validateArgs<N extends CommandName>(
  name: N,
  args: unknown,
  limits: ProtocolLimits = DEFAULT_PROTOCOL_LIMITS,
): Result<CommandArgs<N>> {
  const parsed = v.safeParse(commandSchemas(limits)[name], args);
  return parsed.success
    ? ok(parsed.output as CommandArgs<N>)
    : fail(ErrorCode.INVALID_ARGUMENT, `${name}: ${describe(parsed.issues)}`);
}

export type { SeatMode };
