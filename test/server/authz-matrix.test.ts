/**
 * The authorization matrix: every command × every role × every target, on a real server over real
 * sockets, asserting the exact outcome of each cell. Refused cells must leave the live untouched.
 * Identity fields smuggled into the arguments (`actorId`, `role`, `from`, `by`, …) are sent with
 * every command and must change nothing. The table below is printed in docs/reliability.md; a test
 * keeps the two equal.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { ServerHandle } from '../../src/server/server.js';
import { createToken } from '../../src/server/token.js';
import {
  CloseCode,
  ErrorCode,
  type CommandName,
  type JoinData,
  type ReplyMessage,
} from '../../src/protocol/index.js';
import { Resources, SECRET, TestClient, token, within } from './helpers.js';

// ── the table ────────────────────────────────────────────────────────────────────────────────

/** Who sends the command. `stranger` is connected and a member of another live, not of this one. */
const ROLES = ['owner', 'admin', 'guest', 'audience', 'stranger'] as const;
type Role = (typeof ROLES)[number];

/**
 * What the command is aimed at. `self`/`other`/`host`/`outsider`: the user argument is the actor,
 * another member (an audience member put in the state the command needs), the owner, or a user of
 * another live. `otherLive`: the `liveId` is an open live the actor never joined. Commands without
 * a user argument have the target `-` (the live itself).
 */
type Target = '-' | 'self' | 'other' | 'host' | 'outsider' | 'otherLive';

const OK = ErrorCode.SUCCESS;
const C = ErrorCode;

type Cells = Partial<Record<Target, number>>;
interface Row {
  /** The targets this command has (besides `otherLive`, which every command with a liveId has). */
  readonly targets: readonly Target[];
  readonly expect: Record<Role, Cells>;
}

/** The same code for every target of `targets`. */
function each(targets: readonly Target[], code: number): Cells {
  return Object.fromEntries(targets.map((target) => [target, code]));
}

const LIVE: readonly Target[] = ['-'];
const USER: readonly Target[] = ['self', 'other', 'host', 'outsider'];
const STRANGER_LIVE = { '-': C.NOT_IN_LIVE };
const strangerUser = each(USER, C.NOT_IN_LIVE);

/**
 * Expected outcome of every cell (0 = success). The `otherLive` column is the same for every role
 * and is added below: `NOT_IN_LIVE` for every command but `live.create` (`LIVE_ID_OCCUPIED`) and
 * `live.join` (success); `live.list` has no live.
 */
export const MATRIX: Record<CommandName, Row> = {
  'live.create': {
    targets: LIVE,
    expect: {
      owner: { '-': OK },
      admin: { '-': OK },
      guest: { '-': OK },
      audience: { '-': OK },
      stranger: { '-': OK },
    },
  },
  'live.join': {
    targets: LIVE,
    expect: {
      owner: { '-': OK },
      admin: { '-': OK },
      guest: { '-': OK },
      audience: { '-': OK },
      stranger: { '-': OK },
    },
  },
  'live.leave': {
    targets: LIVE,
    expect: {
      owner: { '-': OK },
      admin: { '-': OK },
      guest: { '-': OK },
      audience: { '-': OK },
      stranger: STRANGER_LIVE,
    },
  },
  'live.end': {
    targets: LIVE,
    expect: {
      owner: { '-': OK },
      admin: { '-': C.NEED_OWNER_PERMISSION },
      guest: { '-': C.NEED_OWNER_PERMISSION },
      audience: { '-': C.NEED_OWNER_PERMISSION },
      stranger: STRANGER_LIVE,
    },
  },
  'live.list': {
    targets: LIVE,
    expect: {
      owner: { '-': OK },
      admin: { '-': OK },
      guest: { '-': OK },
      audience: { '-': OK },
      stranger: { '-': OK },
    },
  },
  'member.setAdmin': {
    targets: USER,
    expect: {
      owner: { self: C.INVALID_ARGUMENT, other: OK, host: C.INVALID_ARGUMENT, outsider: C.USER_NOT_IN_LIVE },
      admin: each(USER, C.NEED_OWNER_PERMISSION),
      guest: each(USER, C.NEED_OWNER_PERMISSION),
      audience: each(USER, C.NEED_OWNER_PERMISSION),
      stranger: strangerUser,
    },
  },
  'guest.apply': {
    targets: LIVE,
    expect: {
      owner: { '-': C.ALREADY_ON_SEAT },
      admin: { '-': OK },
      guest: { '-': C.ALREADY_ON_SEAT },
      audience: { '-': OK },
      stranger: STRANGER_LIVE,
    },
  },
  'guest.cancelApplication': {
    targets: LIVE,
    expect: {
      owner: { '-': C.NOT_APPLIED },
      admin: { '-': C.NOT_APPLIED },
      guest: { '-': C.NOT_APPLIED },
      audience: { '-': OK },
      stranger: STRANGER_LIVE,
    },
  },
  'guest.acceptApplication': {
    targets: USER,
    expect: {
      owner: {
        self: C.REQUEST_NOT_FOUND,
        other: OK,
        host: C.REQUEST_NOT_FOUND,
        outsider: C.REQUEST_NOT_FOUND,
      },
      admin: {
        self: C.REQUEST_NOT_FOUND,
        other: OK,
        host: C.REQUEST_NOT_FOUND,
        outsider: C.REQUEST_NOT_FOUND,
      },
      guest: each(USER, C.NEED_ADMIN_PERMISSION),
      audience: each(USER, C.NEED_ADMIN_PERMISSION),
      stranger: strangerUser,
    },
  },
  'guest.rejectApplication': {
    targets: USER,
    expect: {
      owner: {
        self: C.REQUEST_NOT_FOUND,
        other: OK,
        host: C.REQUEST_NOT_FOUND,
        outsider: C.REQUEST_NOT_FOUND,
      },
      admin: {
        self: C.REQUEST_NOT_FOUND,
        other: OK,
        host: C.REQUEST_NOT_FOUND,
        outsider: C.REQUEST_NOT_FOUND,
      },
      guest: each(USER, C.NEED_ADMIN_PERMISSION),
      audience: each(USER, C.NEED_ADMIN_PERMISSION),
      stranger: strangerUser,
    },
  },
  'guest.invite': {
    targets: USER,
    expect: {
      owner: { self: C.INVALID_ARGUMENT, other: OK, host: C.INVALID_ARGUMENT, outsider: C.USER_NOT_IN_LIVE },
      admin: { self: C.INVALID_ARGUMENT, other: OK, host: C.ALREADY_ON_SEAT, outsider: C.USER_NOT_IN_LIVE },
      guest: each(USER, C.NEED_ADMIN_PERMISSION),
      audience: each(USER, C.NEED_ADMIN_PERMISSION),
      stranger: strangerUser,
    },
  },
  'guest.cancelInvitation': {
    targets: USER,
    expect: {
      owner: {
        self: C.REQUEST_NOT_FOUND,
        other: OK,
        host: C.REQUEST_NOT_FOUND,
        outsider: C.REQUEST_NOT_FOUND,
      },
      admin: {
        self: C.REQUEST_NOT_FOUND,
        other: C.REQUEST_NO_PERMISSION,
        host: C.REQUEST_NOT_FOUND,
        outsider: C.REQUEST_NOT_FOUND,
      },
      guest: each(USER, C.NEED_ADMIN_PERMISSION),
      audience: each(USER, C.NEED_ADMIN_PERMISSION),
      stranger: strangerUser,
    },
  },
  // The owner invited the audience member; the target is the inviter named in the arguments.
  'guest.acceptInvitation': {
    targets: USER,
    expect: {
      owner: each(USER, C.REQUEST_NOT_FOUND),
      admin: each(USER, C.REQUEST_NOT_FOUND),
      guest: each(USER, C.REQUEST_NOT_FOUND),
      audience: {
        self: C.REQUEST_NOT_FOUND,
        other: C.REQUEST_NOT_FOUND,
        host: OK,
        outsider: C.REQUEST_NOT_FOUND,
      },
      stranger: strangerUser,
    },
  },
  'guest.rejectInvitation': {
    targets: USER,
    expect: {
      owner: each(USER, C.REQUEST_NOT_FOUND),
      admin: each(USER, C.REQUEST_NOT_FOUND),
      guest: each(USER, C.REQUEST_NOT_FOUND),
      audience: {
        self: C.REQUEST_NOT_FOUND,
        other: C.REQUEST_NOT_FOUND,
        host: OK,
        outsider: C.REQUEST_NOT_FOUND,
      },
      stranger: strangerUser,
    },
  },
  'seat.take': {
    targets: LIVE,
    expect: {
      owner: { '-': C.ALREADY_ON_SEAT },
      admin: { '-': OK },
      // In `apply` mode the seat mode is checked first: only managers take seats.
      guest: { '-': C.NO_PERMISSION },
      audience: { '-': C.NO_PERMISSION },
      stranger: STRANGER_LIVE,
    },
  },
  'seat.leave': {
    targets: LIVE,
    expect: {
      owner: { '-': OK },
      admin: { '-': C.NOT_ON_SEAT },
      guest: { '-': OK },
      audience: { '-': C.NOT_ON_SEAT },
      stranger: STRANGER_LIVE,
    },
  },
  // The other member sits on a seat; the move goes to a free seat.
  'seat.move': {
    targets: USER,
    expect: {
      owner: { self: OK, other: OK, host: OK, outsider: C.NOT_ON_SEAT },
      admin: { self: C.NOT_ON_SEAT, other: OK, host: C.NEED_OWNER_PERMISSION, outsider: C.NOT_ON_SEAT },
      guest: {
        self: OK,
        other: C.NEED_ADMIN_PERMISSION,
        host: C.NEED_ADMIN_PERMISSION,
        outsider: C.NEED_ADMIN_PERMISSION,
      },
      audience: {
        self: C.NOT_ON_SEAT,
        other: C.NEED_ADMIN_PERMISSION,
        host: C.NEED_ADMIN_PERMISSION,
        outsider: C.NEED_ADMIN_PERMISSION,
      },
      stranger: strangerUser,
    },
  },
  'seat.kick': {
    targets: USER,
    expect: {
      owner: { self: C.INVALID_ARGUMENT, other: OK, host: C.INVALID_ARGUMENT, outsider: C.NOT_ON_SEAT },
      admin: { self: C.INVALID_ARGUMENT, other: OK, host: C.NO_PERMISSION, outsider: C.NOT_ON_SEAT },
      guest: each(USER, C.NEED_ADMIN_PERMISSION),
      audience: each(USER, C.NEED_ADMIN_PERMISSION),
      stranger: strangerUser,
    },
  },
  'seat.lock': {
    targets: LIVE,
    expect: {
      owner: { '-': OK },
      admin: { '-': OK },
      guest: { '-': C.NEED_ADMIN_PERMISSION },
      audience: { '-': C.NEED_ADMIN_PERMISSION },
      stranger: STRANGER_LIVE,
    },
  },
  'device.publish': {
    targets: LIVE,
    expect: {
      owner: { '-': OK },
      admin: { '-': C.NOT_ON_SEAT },
      guest: { '-': OK },
      audience: { '-': C.NOT_ON_SEAT },
      stranger: STRANGER_LIVE,
    },
  },
  'device.closeRemote': {
    targets: USER,
    expect: {
      owner: { self: OK, other: OK, host: OK, outsider: C.NOT_ON_SEAT },
      admin: { self: C.NOT_ON_SEAT, other: OK, host: C.NEED_OWNER_PERMISSION, outsider: C.NOT_ON_SEAT },
      guest: each(USER, C.NEED_ADMIN_PERMISSION),
      audience: each(USER, C.NEED_ADMIN_PERMISSION),
      stranger: strangerUser,
    },
  },
  'device.setRemoteAllowed': {
    targets: USER,
    expect: {
      owner: { self: OK, other: OK, host: OK, outsider: C.NOT_ON_SEAT },
      admin: { self: C.NOT_ON_SEAT, other: OK, host: C.NEED_OWNER_PERMISSION, outsider: C.NOT_ON_SEAT },
      guest: each(USER, C.NEED_ADMIN_PERMISSION),
      audience: each(USER, C.NEED_ADMIN_PERMISSION),
      stranger: strangerUser,
    },
  },
  // The other member sits on a seat (a publisher).
  'media.watch': {
    targets: USER,
    expect: {
      owner: { self: C.INVALID_ARGUMENT, other: OK, host: C.INVALID_ARGUMENT, outsider: C.NOT_ON_SEAT },
      admin: { self: C.INVALID_ARGUMENT, other: OK, host: OK, outsider: C.NOT_ON_SEAT },
      guest: { self: C.INVALID_ARGUMENT, other: OK, host: OK, outsider: C.NOT_ON_SEAT },
      audience: { self: C.INVALID_ARGUMENT, other: OK, host: OK, outsider: C.NOT_ON_SEAT },
      stranger: strangerUser,
    },
  },
  'media.unwatch': {
    targets: USER,
    expect: {
      owner: each(USER, OK),
      admin: each(USER, OK),
      guest: each(USER, OK),
      audience: each(USER, OK),
      stranger: strangerUser,
    },
  },
  'media.viewers': {
    targets: LIVE,
    expect: {
      owner: { '-': OK },
      admin: { '-': OK },
      guest: { '-': OK },
      audience: { '-': OK },
      stranger: STRANGER_LIVE,
    },
  },
  // The audience member watches the owner; the other member is in the audience, unseated, like the
  // audience member: neither holds a seat, so no pair can join them.
  'media.signal': {
    targets: USER,
    expect: {
      owner: each(USER, C.MEDIA_NOT_ALLOWED),
      admin: each(USER, C.MEDIA_NOT_ALLOWED),
      guest: each(USER, C.MEDIA_NOT_ALLOWED),
      audience: {
        self: C.MEDIA_NOT_ALLOWED,
        other: C.MEDIA_NOT_ALLOWED,
        host: OK,
        outsider: C.MEDIA_NOT_ALLOWED,
      },
      stranger: strangerUser,
    },
  },
  // This server moves media as a mesh: the SFU's commands are refused (the SFU mode's own rules are
  // tested against a real Janus in test/e2e/sfu.test.ts).
  'media.sfu.publish': {
    targets: LIVE,
    expect: {
      owner: { '-': C.MEDIA_NOT_ALLOWED },
      admin: { '-': C.MEDIA_NOT_ALLOWED },
      guest: { '-': C.MEDIA_NOT_ALLOWED },
      audience: { '-': C.MEDIA_NOT_ALLOWED },
      stranger: STRANGER_LIVE,
    },
  },
  'media.sfu.unpublish': {
    targets: LIVE,
    expect: {
      owner: { '-': C.MEDIA_NOT_ALLOWED },
      admin: { '-': C.MEDIA_NOT_ALLOWED },
      guest: { '-': C.MEDIA_NOT_ALLOWED },
      audience: { '-': C.MEDIA_NOT_ALLOWED },
      stranger: STRANGER_LIVE,
    },
  },
  'media.sfu.subscribe': {
    targets: LIVE,
    expect: {
      owner: { '-': C.MEDIA_NOT_ALLOWED },
      admin: { '-': C.MEDIA_NOT_ALLOWED },
      guest: { '-': C.MEDIA_NOT_ALLOWED },
      audience: { '-': C.MEDIA_NOT_ALLOWED },
      stranger: STRANGER_LIVE,
    },
  },
  'media.sfu.unsubscribe': {
    targets: LIVE,
    expect: {
      owner: { '-': C.MEDIA_NOT_ALLOWED },
      admin: { '-': C.MEDIA_NOT_ALLOWED },
      guest: { '-': C.MEDIA_NOT_ALLOWED },
      audience: { '-': C.MEDIA_NOT_ALLOWED },
      stranger: STRANGER_LIVE,
    },
  },
  'media.sfu.answer': {
    targets: LIVE,
    expect: {
      owner: { '-': C.MEDIA_NOT_ALLOWED },
      admin: { '-': C.MEDIA_NOT_ALLOWED },
      guest: { '-': C.MEDIA_NOT_ALLOWED },
      audience: { '-': C.MEDIA_NOT_ALLOWED },
      stranger: STRANGER_LIVE,
    },
  },
  'media.sfu.quality': {
    targets: USER,
    expect: {
      owner: each(USER, C.MEDIA_NOT_ALLOWED),
      admin: each(USER, C.MEDIA_NOT_ALLOWED),
      guest: each(USER, C.MEDIA_NOT_ALLOWED),
      audience: each(USER, C.MEDIA_NOT_ALLOWED),
      stranger: strangerUser,
    },
  },
};

function otherLiveCode(name: CommandName): number | undefined {
  if (name === 'live.list') return undefined;
  if (name === 'live.create') return C.LIVE_ID_OCCUPIED;
  if (name === 'live.join') return OK;
  return C.NOT_IN_LIVE;
}

const CODE_NAMES = new Map<number, string>(
  Object.entries(ErrorCode).map(([name, value]) => [value as number, name] as const),
);
const codeName = (code: number): string => (code === OK ? 'ok' : (CODE_NAMES.get(code) ?? String(code)));

/** The matrix as a Markdown table (the form docs/reliability.md shows). */
export function matrixMarkdown(): string {
  const lines = [
    `| command | target | ${ROLES.join(' | ')} |`,
    `| ${['---', '---', ...ROLES.map(() => '---')].join(' | ')} |`,
  ];
  for (const [name, row] of Object.entries(MATRIX) as [CommandName, Row][]) {
    for (const target of row.targets) {
      const cells = ROLES.map((role) => codeName(row.expect[role][target] ?? NaN));
      lines.push(`| \`${name}\` | ${target} | ${cells.join(' | ')} |`);
    }
    const other = otherLiveCode(name);
    if (other !== undefined) {
      lines.push(`| \`${name}\` | otherLive | ${ROLES.map(() => codeName(other)).join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

// ── the cast ─────────────────────────────────────────────────────────────────────────────────

const USERS = {
  owner: 'own',
  admin: 'adm',
  guest: 'gst',
  audience: 'aud',
  stranger: 'str',
  other: 'oth',
  outsider: 'out',
  far: 'far',
} as const;

/** Fields that try to claim another identity; `v.object` strips them, and they must change nothing. */
const SMUGGLED = {
  actorId: USERS.owner,
  role: 'owner',
  from: USERS.owner,
  by: USERS.owner,
  sender: USERS.owner,
};

interface Cast {
  readonly server: ServerHandle;
  readonly clients: Record<keyof typeof USERS, TestClient>;
}

let nextLive = 0;
let nextId = 0;
const id = (): string => `z${nextId++}`;

async function send(
  client: TestClient,
  name: CommandName,
  args: Record<string, unknown>,
): Promise<ReplyMessage> {
  return client.command(name, args, id());
}

async function must(client: TestClient, name: CommandName, args: Record<string, unknown>): Promise<unknown> {
  const reply = await send(client, name, args);
  if (!reply.result.isSuccess) {
    throw new Error(`setup ${name} failed: ${reply.result.errorCode} ${reply.result.errorMessage}`);
  }
  return reply.result.data;
}

/** The live's sequence number as the owner sees it (a re-join of a member changes nothing). */
async function seqOf(owner: TestClient, liveId: string): Promise<number> {
  const data = (await must(owner, 'live.join', { liveId })) as JoinData;
  return data.kind === 'snapshot' ? data.snapshot.seq : data.seq;
}

/** The user id the target stands for, for `actor`. */
function targetUser(target: Target, actor: Role): string {
  switch (target) {
    case 'self':
      return USERS[actor];
    case 'other':
      return USERS.other;
    case 'host':
      return USERS.owner;
    default:
      return USERS.outsider;
  }
}

/** Arguments of `name` aimed at `user` (ignored by commands without a user argument). */
function argsFor(name: CommandName, liveId: string, user: string): Record<string, unknown> {
  switch (name) {
    case 'live.create':
      return { liveId };
    case 'live.list':
      return {};
    case 'member.setAdmin':
      return { liveId, userId: user, admin: true };
    case 'guest.apply':
      return { liveId, seatIndex: -1 };
    case 'guest.acceptApplication':
    case 'guest.rejectApplication':
    case 'seat.kick':
      return { liveId, userId: user };
    case 'guest.invite':
      return { liveId, inviteeId: user, seatIndex: -1 };
    case 'guest.cancelInvitation':
      return { liveId, inviteeId: user };
    case 'guest.acceptInvitation':
    case 'guest.rejectInvitation':
      return { liveId, inviterId: user };
    case 'seat.take':
      return { liveId, seatIndex: -1 };
    case 'seat.move':
      return { liveId, userId: user, targetIndex: 7 };
    case 'seat.lock':
      return { liveId, seatIndex: 5, lockSeat: true };
    case 'device.publish':
      return { liveId, microphone: 'on' };
    case 'device.closeRemote':
      return { liveId, userId: user, device: 'microphone' };
    case 'device.setRemoteAllowed':
      return { liveId, userId: user, device: 'camera', allowed: false };
    case 'media.watch':
    case 'media.unwatch':
      return { liveId, publisherId: user };
    case 'media.sfu.publish':
      return { liveId, sdp: 'v=0' };
    case 'media.sfu.answer':
      return { liveId, offerId: 1, sdp: 'v=0' };
    case 'media.sfu.quality':
      return { liveId, publisherId: user, quality: 'low' };
    case 'media.signal':
      return {
        liveId,
        to: user,
        data: {
          type: 'candidate',
          candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 },
        },
      };
    default:
      return { liveId };
  }
}

/**
 * A fresh live for one cell: the owner on seat 0, an administrator, a guest on seat 1, an audience
 * member and the other member, put in the state `name` needs. Also a fresh other live, with the
 * outsider in it. The stranger is a member of a third live only.
 */
async function stage(cast: Cast, name: CommandName): Promise<{ liveId: string; farId: string }> {
  const c = cast.clients;
  const n = nextLive++;
  const liveId = `m${n}`;
  const farId = `f${n}`;
  await must(c.far, 'live.create', { liveId: farId });
  await must(c.outsider, 'live.join', { liveId: farId });
  await must(c.owner, 'live.create', { liveId, seatMode: 'apply', maxSeatCount: 9 });
  await Promise.all([
    must(c.admin, 'live.join', { liveId }),
    must(c.guest, 'live.join', { liveId }),
    must(c.audience, 'live.join', { liveId }),
    must(c.other, 'live.join', { liveId }),
  ]);
  await must(c.owner, 'member.setAdmin', { liveId, userId: USERS.admin, admin: true });
  await must(c.guest, 'guest.apply', { liveId, seatIndex: 1 });
  await must(c.owner, 'guest.acceptApplication', { liveId, userId: USERS.guest });
  switch (name) {
    case 'guest.cancelApplication':
      await must(c.audience, 'guest.apply', { liveId });
      break;
    case 'guest.acceptApplication':
    case 'guest.rejectApplication':
      await must(c.other, 'guest.apply', { liveId });
      await must(c.audience, 'guest.apply', { liveId });
      break;
    case 'guest.cancelInvitation':
      await must(c.owner, 'guest.invite', { liveId, inviteeId: USERS.other });
      break;
    case 'guest.acceptInvitation':
    case 'guest.rejectInvitation':
      await must(c.owner, 'guest.invite', { liveId, inviteeId: USERS.audience });
      break;
    case 'seat.move':
    case 'seat.kick':
    case 'device.closeRemote':
    case 'device.setRemoteAllowed':
    case 'media.watch':
    case 'media.unwatch':
      await must(c.other, 'guest.apply', { liveId, seatIndex: 2 });
      await must(c.owner, 'guest.acceptApplication', { liveId, userId: USERS.other });
      await must(c.other, 'device.publish', { liveId, microphone: 'on' });
      await must(c.owner, 'device.publish', { liveId, microphone: 'on' });
      break;
    case 'media.signal':
      await must(c.audience, 'media.watch', { liveId, publisherId: USERS.owner });
      break;
    default:
      break;
  }
  return { liveId, farId };
}

async function unstage(cast: Cast, liveId: string, farId: string): Promise<void> {
  await send(cast.clients.owner, 'live.end', { liveId });
  await send(cast.clients.far, 'live.end', { liveId: farId });
}

interface Cell {
  readonly name: CommandName;
  readonly role: Role;
  readonly target: Target;
  readonly expected: number;
}

function cells(): Cell[] {
  const out: Cell[] = [];
  for (const [name, row] of Object.entries(MATRIX) as [CommandName, Row][]) {
    for (const role of ROLES) {
      for (const target of row.targets) {
        const expected = row.expect[role][target];
        assert.notEqual(expected, undefined, `${name} ${role} ${target} has an expectation`);
        out.push({ name, role, target, expected: expected ?? NaN });
      }
      const other = otherLiveCode(name);
      if (other !== undefined) out.push({ name, role, target: 'otherLive', expected: other });
    }
  }
  return out;
}

async function runCell(cast: Cast, cell: Cell): Promise<string | null> {
  const { liveId, farId } = await stage(cast, cell.name);
  try {
    const actor = cast.clients[cell.role];
    const user = targetUser(cell.target, cell.role);
    let args: Record<string, unknown>;
    if (cell.target === 'otherLive') args = argsFor(cell.name, farId, user);
    else if (cell.name === 'live.create') args = { liveId: `new${nextLive++}` };
    else args = argsFor(cell.name, liveId, user);
    const before = await seqOf(cast.clients.owner, liveId);
    const reply = await send(actor, cell.name, { ...args, ...SMUGGLED });
    const code = reply.result.errorCode;
    const label = `${cell.name} by ${cell.role} on ${cell.target}`;
    if (code !== cell.expected) {
      return `${label}: expected ${codeName(cell.expected)}, got ${codeName(code)} (${reply.result.isSuccess ? '' : reply.result.errorMessage})`;
    }
    if (!reply.result.isSuccess) {
      const afterSeq = await seqOf(cast.clients.owner, liveId);
      if (afterSeq !== before) return `${label}: refused, yet the live changed (seq ${before} → ${afterSeq})`;
    }
    if (cell.name === 'live.create' && reply.result.isSuccess) {
      await send(actor, 'live.end', { liveId: args.liveId });
    }
    return null;
  } finally {
    await unstage(cast, liveId, farId);
  }
}

// ── the tests ────────────────────────────────────────────────────────────────────────────────

describe('authorization matrix', () => {
  const res = new Resources();
  let cast: Cast;

  before(async () => {
    // Every cell stages fresh lives of the same owners on this one server: no cap on lives per user.
    const server = await res.server({ messagesPerSecond: 1_000_000, maxLivesPerUser: 0 });
    const entries = await Promise.all(
      (Object.entries(USERS) as [keyof typeof USERS, string][]).map(
        async ([key, userId]) => [key, await res.connect(server, userId)] as const,
      ),
    );
    const clients = Object.fromEntries(entries) as Cast['clients'];
    // The stranger belongs to a live of its own, never to the staged ones.
    await must(clients.far, 'live.create', { liveId: 'elsewhere' });
    await must(clients.stranger, 'live.join', { liveId: 'elsewhere' });
    cast = { server, clients };
  });
  after(() => res.dispose());

  it('gives every command × role × target cell exactly its expected outcome', async () => {
    const all = cells();
    const failures: string[] = [];
    // A few cells at a time: each stages its own lives.
    const queue = [...all];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let cell = queue.shift(); cell; cell = queue.shift()) {
          const failure = await runCell(cast, cell);
          if (failure) failures.push(failure);
        }
      }),
    );
    assert.deepEqual(failures, [], `${failures.length} of ${all.length} cells differ`);
    assert.ok(all.length > 400, `${all.length} cells`);
  });

  const forged: [string, () => Promise<unknown>, number][] = [
    ['no token', () => Promise.resolve(undefined), CloseCode.UNAUTHORIZED],
    ['an expired token', () => token(USERS.owner, { expiresIn: -60 }), CloseCode.TOKEN_EXPIRED],
    [
      'a token of another secret',
      () => token(USERS.owner, { secret: 'not-the-secret' }),
      CloseCode.UNAUTHORIZED,
    ],
    [
      'an alg none token',
      async () => {
        const real = await token(USERS.owner);
        const [, payload] = real.split('.') as [string, string];
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        return `${header}.${payload}.`;
      },
      CloseCode.UNAUTHORIZED,
    ],
    [
      'a tampered payload',
      async () => {
        const real = await createToken({ secret: SECRET, userId: 'aud2', userName: 'x' });
        const [header, payload, signature] = real.split('.') as [string, string, string];
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
          string,
          unknown
        >;
        claims.sub = USERS.owner;
        return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      },
      CloseCode.UNAUTHORIZED,
    ],
  ];

  for (const [label, makeToken, closeCode] of forged) {
    it(`runs no command for ${label}: every command gets the close ${closeCode}, never a reply`, async () => {
      const { liveId, farId } = await stage(cast, 'live.end');
      try {
        const before = await seqOf(cast.clients.owner, liveId);
        const tokenText = await makeToken();
        const names = Object.keys(MATRIX) as CommandName[];
        await Promise.all(
          names.map(async (name) => {
            const client = res.track(new TestClient(cast.server.url));
            await within(client.opened, 'socket open');
            client.send({ type: 'hello', protocol: 1, token: tokenText });
            client.send({
              type: 'cmd',
              id: id(),
              name,
              args: { ...argsFor(name, liveId, USERS.guest), ...SMUGGLED },
            });
            const closed = await client.waitClose();
            assert.equal(closed.code, closeCode, `${name}: ${closed.reason}`);
            assert.deepEqual(
              client.messages.map((m) => m.type),
              [],
              `${name}: nothing at all is sent before the close`,
            );
          }),
        );
        assert.equal(await seqOf(cast.clients.owner, liveId), before, 'the live did not change');
      } finally {
        await unstage(cast, liveId, farId);
      }
    });
  }

  it('runs no command sent before the hello: the socket closes with 4000', async () => {
    const { liveId, farId } = await stage(cast, 'live.end');
    try {
      const before = await seqOf(cast.clients.owner, liveId);
      for (const name of Object.keys(MATRIX) as CommandName[]) {
        const client = res.track(new TestClient(cast.server.url));
        await within(client.opened, 'socket open');
        client.send({ type: 'cmd', id: id(), name, args: argsFor(name, liveId, USERS.guest) });
        assert.equal((await client.waitClose()).code, CloseCode.BAD_HANDSHAKE, name);
        assert.equal(client.messages.length, 0, name);
      }
      assert.equal(await seqOf(cast.clients.owner, liveId), before);
    } finally {
      await unstage(cast, liveId, farId);
    }
  });

  it('takes the actor from the token: smuggled ids act on the sender only', async () => {
    const { liveId, farId } = await stage(cast, 'live.end');
    const c = cast.clients;
    try {
      const from = c.owner.mark();
      // The audience member applies while claiming to be the other member.
      await must(c.audience, 'guest.apply', {
        liveId,
        userId: USERS.other,
        user: { userId: USERS.other },
        ...SMUGGLED,
      });
      const received = await c.owner.waitEvent('application.received', from);
      assert.equal(received.event.application.user.userId, USERS.audience);
      // The guest publishes while naming the owner: the guest's microphone goes on, not the owner's.
      const seats = c.owner.mark();
      await must(c.guest, 'device.publish', { liveId, camera: 'on', userId: USERS.owner, ...SMUGGLED });
      const changed = await c.owner.waitEvent('seats', seats);
      assert.equal(changed.event.seats[1]?.userInfo?.cameraStatus, 'on');
      assert.equal(changed.event.seats[0]?.userInfo?.cameraStatus, 'off');
      // Leaving while naming the owner makes the sender leave, and the live goes on.
      await must(c.other, 'live.leave', { liveId, userId: USERS.owner, ...SMUGGLED });
      const left = await c.owner.waitEvent('member.left', from);
      assert.equal(left.event.userId, USERS.other);
      const join = (await must(c.owner, 'live.join', { liveId })) as JoinData;
      assert.equal(join.kind === 'snapshot' ? join.snapshot.live.owner.userId : USERS.owner, USERS.owner);
    } finally {
      await unstage(cast, liveId, farId);
    }
  });

  it('is the table printed in docs/reliability.md', async () => {
    const doc = await readFile(new URL('../../docs/reliability.md', import.meta.url), 'utf8');
    const table = matrixMarkdown();
    assert.ok(doc.includes(table), `docs/reliability.md must contain:\n${table}`);
  });
});
