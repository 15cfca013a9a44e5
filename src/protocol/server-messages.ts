/**
 * Checks of what a server sends, for the client: every server message, and the data of each
 * command's reply, by shape. A client must not trust a server any more than a server trusts a
 * client: a field of the wrong type would otherwise throw deep inside a store, or put garbage in it.
 *
 * Schema-free on purpose: small predicates keep the client free of the schema library the server
 * validates with ([ADR 1](../../docs/decisions/0001-valibot-for-runtime-schemas.md)). A session
 * loads this module on its first login (`import()`), so that the drop-in file does not carry it
 * before a page logs in. The shapes are those of `types.ts` and `messages.ts`; `test/core` runs
 * them against everything a real hub sends.
 */
import type { ErrorCode } from './errors.js';
import type { CommandName, ServerMessage } from './messages.js';

/** `ErrorCode.SERVER_ERROR`, written out: this module imports no value, so that it stays a lazy part of its own. */
const SERVER_ERROR: ErrorCode = -1301;

type Check = (value: unknown) => boolean;
type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SNAPSHOT =
  'live@live seats[seat members[member memberCount# applications[application invitations[invitation seq#';

/**
 * The shapes of the protocol, written compactly (this module ships to browsers): a shape is its
 * fields, separated by spaces, each a name and a type: none for a string, `#` an integer, `%` a
 * number, `!` a boolean, `*` any object, `@X` an object of shape `X`, `[X` a list of them (`[`
 * alone: of strings), `?` before the type: or `null`. A shape `^field` is an object whose `field`
 * picks the shape named after it: `e` (events) by `type` among `e.seats`, `e.member.joined`, …
 * The data of a command's successful reply has the shape named after the command, if any.
 *
 * What the client relies on is checked: every id, sequence number, count, list and nested object,
 * names and avatars, roles, seat indexes and deadlines. The fields a page only shows or passes on
 * are not (device states, lock flags, timestamps, extra info, a live's settings, the fields of
 * signal data, which the server checks in full before relaying it), nor the values of closed sets
 * (a role is a string): checking those too cost more than the headless core's size budget allows.
 */
const SHAPES: Record<string, string> = {
  user: 'userId userName avatarUrl',
  seat: 'index# userInfo?@member',
  member: 'userId userName avatarUrl role',
  application: 'requestId user@user seatIndex# deadline?%',
  invitation: 'requestId inviter@user invitee@user seatIndex# deadline?%',
  live: 'liveId liveName owner@user',
  snapshot: SNAPSHOT,
  summary: 'liveId liveName owner@user seatedCount# memberCount#',
  e: '^type',
  'e.seats': 'seats[seat',
  'e.member.joined': 'member@member memberCount#',
  'e.member.left': 'userId reason memberCount#',
  'e.member.count': 'memberCount#',
  'e.member.role': 'userId role',
  'e.application.received': 'application@application',
  'e.application.resolved': 'requestId user@user outcome by?@user code# seatIndex#',
  'e.invitation.received': 'invitation@invitation',
  'e.invitation.resolved': 'requestId inviter@user invitee@user outcome code# seatIndex#',
  'e.seat.lost': 'userId seatIndex# reason by?@user',
  'e.device.admin': 'userId device action by@user',
  'e.media.viewer': 'publisherId viewerId action',
  'e.snapshot': 'snapshot@snapshot',
  'e.live.ended': 'reason',
  sequenced: 'seq# event@e',
  serverEvent: 'liveId seq# event@e',
  m: '^type',
  'm.welcome': 'protocol# user@user serverTime%',
  'm.reply': 'id result@result',
  'm.event': 'liveId seq# event@e',
  'm.batch': 'liveId events[sequenced',
  'm.signal': 'liveId from data*',
  'm.media': 'liveId data@sfu',
  sfu: '^kind',
  'sfu.offer': 'offerId# sdp streams[stream',
  'sfu.unpublished': 'reason',
  'sfu.restart': 'scope',
  stream: 'mid publisherId kind',
  'm.error': 'code# message',
  'm.bye': 'reason message',
  // The data of successful replies (see `CommandData`).
  'live.create': SNAPSHOT,
  'live.join': '^kind',
  'live.join.snapshot': 'snapshot@snapshot',
  'live.join.replay': 'seq# events[serverEvent',
  'live.list': 'lives[summary nextCursor',
  'guest.apply': 'requestId',
  'guest.invite': 'requestId',
  'media.sfu.publish': 'sdp',
};

const checks = new Map<string, Check>([
  [
    'result',
    (value) =>
      isObject(value) &&
      (value.isSuccess === true ||
        (value.isSuccess === false &&
          Number.isSafeInteger(value.errorCode) &&
          typeof value.errorMessage === 'string')),
  ],
]);

/** The check of the shape `name` (made once, on first use). */
function shape(name: string): Check {
  let check = checks.get(name);
  if (check) return check;
  const spec = SHAPES[name] ?? '';
  if (spec.startsWith('^')) {
    const by = spec.slice(1);
    check = (value) => {
      const picked = `${name}.${isObject(value) ? (value[by] as string) : ''}`;
      return (
        isObject(value) &&
        typeof value[by] === 'string' &&
        Object.hasOwn(SHAPES, picked) &&
        shape(picked)(value)
      );
    };
  } else {
    const fields = spec.split(' ').map((field) => {
      const [, key = '', nullable, type = ''] = /^(\w+)(\??)(.*)$/.exec(field) ?? [];
      const typeCheck = kind(type);
      return [key, nullable ? (value: unknown) => value === null || typeCheck(value) : typeCheck] as const;
    });
    check = (value) => isObject(value) && fields.every(([key, fieldCheck]) => fieldCheck(value[key]));
  }
  checks.set(name, check);
  return check;
}

/** The check of one field's type (see `SHAPES`). */
function kind(type: string): Check {
  switch (type[0]) {
    case '#':
      return Number.isSafeInteger;
    case '%':
      return (value) => typeof value === 'number' && Number.isFinite(value);
    case '!':
      return (value) => typeof value === 'boolean';
    case '@':
      return (value) => shape(type.slice(1))(value);
    case '*':
      return isObject;
    case '[': {
      const item = type.length > 1 ? kind(`@${type.slice(1)}`) : kind('');
      return (value) => Array.isArray(value) && value.every(item);
    }
    default:
      return (value) => typeof value === 'string';
  }
}

/**
 * A message from the server that a session refused: not JSON, of no known type, or with a field
 * of the wrong type. The session drops it and gives this error to its `onError`; a refused reply
 * to a request in flight also fails that request with `code`.
 */
export interface ServerMessageError extends Error {
  readonly name: 'ServerMessageError';
  /** `SERVER_ERROR`: the fault is the server's. */
  readonly code: ErrorCode;
  /** The start of the refused text (at most 200 characters). */
  readonly frame: string;
}

/** A refused text: its error, its `type` (`''` when it had none), and the request it answered. */
export interface RefusedMessage {
  readonly refused: string;
  readonly error: ServerMessageError;
  /** The id of a refused reply to a request in flight (then `error` says which command). */
  readonly id?: string | undefined;
}

/**
 * Parses and checks one text from a server: the message, or why it was refused. `pending` names
 * the command of a request in flight, whose reply must also carry the data of that command.
 */
export function readServerMessage(
  text: string,
  pending: (id: string) => CommandName | undefined,
): ServerMessage | RefusedMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Not JSON: refused below.
  }
  const fields: Fields = isObject(raw) ? raw : {};
  const type = typeof fields.type === 'string' ? fields.type.slice(0, 32) : '';
  const name = type === 'reply' && typeof fields.id === 'string' ? pending(fields.id) : undefined;
  const result = fields.result as Fields | undefined;
  const data = name && result?.isSuccess && Object.hasOwn(SHAPES, name);
  if (shape('m')(raw) && (!data || shape(name)(result.data))) return raw as ServerMessage;
  return {
    refused: type,
    error: Object.assign(
      new Error(`the server sent an invalid ${name ? `reply to ${name}` : type || 'message'}`),
      {
        name: 'ServerMessageError' as const,
        code: SERVER_ERROR,
        frame: text.slice(0, 200),
      },
    ),
    id: name && (fields.id as string),
  };
}
