/**
 * Every limit of issue 6 at its default value (or, where the default is too large to reach in a
 * test, at a small value, with the default checked as a constant): message size, messages per
 * second, applications per minute per user, members per live, pending applications per live and
 * string lengths. Each refusal carries its code and a readable message, and each default is the
 * one docs/protocol.md states.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, it } from 'node:test';
import { DEFAULT_ROOM_LIMITS } from '../../src/engine/types.js';
import {
  CloseCode,
  DEFAULT_PROTOCOL_LIMITS,
  ErrorCode,
  type ErrorMessage,
  type ReplyMessage,
} from '../../src/protocol/index.js';
import {
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS,
  DEFAULT_MESSAGES_PER_SECOND,
  DEFAULT_PENDING_HANDSHAKE_SHARE,
} from '../../src/server/server.js';
import { resolveOptions } from '../../src/server/options.js';
import { Resources, type TestClient } from './helpers.js';

/** A failed reply with `code` and a message a person can read. */
function refused(reply: ReplyMessage, code: number): string {
  assert.equal(reply.result.isSuccess, false, JSON.stringify(reply.result));
  assert.equal(reply.result.errorCode, code, reply.result.isSuccess ? '' : reply.result.errorMessage);
  const message = reply.result.isSuccess ? '' : reply.result.errorMessage;
  assert.ok(message.length > 15, `a readable message: "${message}"`);
  return message;
}

describe('limits at their defaults', () => {
  const res = new Resources();
  afterEach(() => res.dispose());

  it('documents every default in docs/protocol.md', async () => {
    const doc = await readFile(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const row = (name: string) => doc.split('\n').find((line) => line.startsWith(`| ${name}`)) ?? '';
    assert.equal(DEFAULT_MAX_MESSAGE_BYTES, 16_384);
    assert.match(row('message size'), /16,384 bytes/);
    assert.equal(DEFAULT_MESSAGES_PER_SECOND, 20);
    assert.match(row('messages per connection'), /20\/s, burst 40/);
    assert.equal(DEFAULT_ROOM_LIMITS.maxMembers, 10_000);
    assert.match(row('members per live'), /10,000/);
    assert.equal(DEFAULT_ROOM_LIMITS.maxPendingApplications, 1_000);
    assert.match(row('pending applications per live'), /1,000/);
    assert.equal(DEFAULT_PROTOCOL_LIMITS.maxExtraInfoLength, 256);
    assert.match(row('`extraInfo`'), /256 characters/);
    assert.equal(DEFAULT_PROTOCOL_LIMITS.maxLiveNameLength, 64);
    assert.match(row('live name'), /64 characters/);
    assert.equal(DEFAULT_ROOM_LIMITS.maxApplicationsPerMinute, 10);
    assert.match(row('applications per user'), /10 per minute/);
    assert.equal(DEFAULT_MAX_BUFFERED_BYTES, 4 * 1024 * 1024);
    assert.match(row('unsent data per connection'), /4 MiB .* close 4010/);
    assert.equal(DEFAULT_PENDING_HANDSHAKE_SHARE, 0.1);
    assert.match(row('handshakes in progress'), /a tenth of `maxConnections` \(1,000\)/);
    assert.equal(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1_000);
    assert.match(row('open sockets per address'), /1,000 .* HTTP 429/);
    assert.equal(DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS, 32);
    assert.match(row('handshakes per address'), /32 .* HTTP 429/);
  });

  it('resolves the connection budget and the send bound to their defaults', () => {
    const defaults = resolveOptions({ dev: true });
    assert.equal(defaults.maxConnections, 10_000);
    assert.equal(defaults.maxPendingHandshakes, 1_000);
    assert.equal(defaults.maxConnectionsPerAddress, 1_000);
    assert.equal(defaults.maxPendingHandshakesPerAddress, 32);
    assert.equal(defaults.maxBufferedBytes, 4_194_304);
    assert.deepEqual(defaults.allowedHosts, []);
    assert.equal(defaults.trustedProxies.size, 0);
    assert.equal(resolveOptions({ dev: true, maxConnections: 50 }).maxPendingHandshakes, 5);
    assert.equal(resolveOptions({ dev: true, maxConnections: 5 }).maxPendingHandshakes, 1);
    for (const name of [
      'maxPendingHandshakes',
      'maxConnectionsPerAddress',
      'maxPendingHandshakesPerAddress',
      'maxBufferedBytes',
    ] as const) {
      assert.throws(
        () => resolveOptions({ dev: true, [name]: 0 }),
        new RegExp(`${name} must be a positive number`),
      );
    }
  });

  it('closes the connection on a message over 16,384 bytes, and answers one at the limit', async () => {
    const server = await res.server();
    const client = await res.connect(server, 'alice');
    const base = JSON.stringify({ type: 'cmd', id: 'fits', name: 'live.list', args: { pad: '' } });
    const fits = base.replace('"pad":""', `"pad":"${'x'.repeat(16_384 - base.length)}"`);
    assert.equal(Buffer.byteLength(fits), 16_384);
    client.send(fits);
    await client.waitFor((m) => m.type === 'reply' && m.id === 'fits');
    client.send(fits.replace('"pad":"', '"pad":"x'));
    assert.equal((await client.waitClose()).code, CloseCode.TOO_BIG);
  });

  it('refuses messages past 20 per second (burst 40) with RATE_LIMITED and a readable message', async () => {
    // The rate limit's clock stands still: no token comes back during the test.
    const server = await res.server({ clock: () => 0 });
    const client = await res.connect(server, 'alice');
    const ids = Array.from({ length: 50 }, (_, i) => `burst${i}`);
    for (const id of ids) client.send({ type: 'cmd', id, name: 'live.list', args: {} });
    await client.waitFor((m) => m.type === 'reply' && m.id === 'burst49');
    const replies = client.messages.filter((m): m is ReplyMessage => m.type === 'reply');
    const limited = replies.filter((r) => r.result.errorCode === ErrorCode.RATE_LIMITED);
    // The hello used one token of the 40: 39 answered, 11 refused.
    assert.equal(limited.length, 11);
    assert.ok(replies.slice(0, 39).every((r) => r.result.isSuccess));
    const first = limited[0];
    assert.ok(first);
    assert.match(refused(first, ErrorCode.RATE_LIMITED), /20 messages per second/);
    assert.equal(client.isClosed, false);
  });

  it('refuses the 11th application of a user within a minute, even after leaving and joining again', async () => {
    const server = await res.server();
    const host = await res.connect(server, 'host');
    await host.ok('live.create', { liveId: 'show' });
    const viewer = await res.connect(server, 'viewer');
    await viewer.ok('live.join', { liveId: 'show' });
    for (let i = 0; i < 10; i++) {
      await viewer.ok('guest.apply', { liveId: 'show' });
      await viewer.ok('guest.cancelApplication', { liveId: 'show' });
      if (i === 4) {
        await viewer.ok('live.leave', { liveId: 'show' });
        await viewer.ok('live.join', { liveId: 'show' });
      }
    }
    const eleventh = await viewer.command('guest.apply', { liveId: 'show' });
    assert.match(
      refused(eleventh, ErrorCode.LIMIT_EXCEEDED),
      /10 times in the last minute.*try again in \d+ s/,
    );
    // Others are not limited by it.
    const other = await res.connect(server, 'other');
    await other.ok('live.join', { liveId: 'show' });
    await other.ok('guest.apply', { liveId: 'show' });
  });

  it('refuses a member past maxMembers with LIVE_FULL', async () => {
    const server = await res.server({ roomLimits: { maxMembers: 3 } });
    const host = await res.connect(server, 'host');
    await host.ok('live.create', { liveId: 'show' });
    const members: TestClient[] = [];
    for (const userId of ['a', 'b']) {
      const client = await res.connect(server, userId);
      await client.ok('live.join', { liveId: 'show' });
      members.push(client);
    }
    const late = await res.connect(server, 'late');
    assert.match(
      refused(await late.command('live.join', { liveId: 'show' }), ErrorCode.LIVE_FULL),
      /3 members/,
    );
  });

  it('refuses an application past maxPendingApplications with LIMIT_EXCEEDED', async () => {
    const server = await res.server({ roomLimits: { maxPendingApplications: 2 } });
    const host = await res.connect(server, 'host');
    await host.ok('live.create', { liveId: 'show' });
    for (const userId of ['a', 'b', 'c']) {
      const client = await res.connect(server, userId);
      await client.ok('live.join', { liveId: 'show' });
      const reply = await client.command('guest.apply', { liveId: 'show' });
      if (userId === 'c') assert.match(refused(reply, ErrorCode.LIMIT_EXCEEDED), /2 pending applications/);
      else assert.equal(reply.result.isSuccess, true);
    }
  });

  const strings: [string, Record<string, unknown>, RegExp][] = [
    [
      'extraInfo of 257 characters',
      { name: 'guest.apply', args: { liveId: 'show', extraInfo: 'é'.repeat(257) } },
      /extraInfo/,
    ],
    [
      'live name of 65 characters',
      { name: 'live.create', args: { liveId: 'other', liveName: 'n'.repeat(65) } },
      /liveName/,
    ],
    ['a live id of 65 characters', { name: 'live.join', args: { liveId: 'l'.repeat(65) } }, /liveId/],
    [
      'user id of 65 characters',
      { name: 'seat.kick', args: { liveId: 'show', userId: 'u'.repeat(65) } },
      /userId/,
    ],
    ['a live id with a space', { name: 'live.join', args: { liveId: 'a b' } }, /liveId/],
    ['a timeout of 601 s', { name: 'guest.apply', args: { liveId: 'show', timeout: 601 } }, /timeout/],
  ];
  for (const [label, command, field] of strings) {
    it(`refuses ${label} with INVALID_ARGUMENT naming the field`, async () => {
      const server = await res.server();
      const host = await res.connect(server, 'host');
      await host.ok('live.create', { liveId: 'show' });
      const reply = await host.command(command.name as 'live.list', command.args as Record<string, never>);
      assert.match(refused(reply, ErrorCode.INVALID_ARGUMENT), field);
    });
  }

  it('answers a command id longer than 64 characters with an error message, and stays open', async () => {
    const server = await res.server();
    const client = await res.connect(server, 'alice');
    client.send({ type: 'cmd', id: 'i'.repeat(65), name: 'live.list', args: {} });
    const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error');
    assert.equal(error.code, ErrorCode.INVALID_ARGUMENT);
    assert.match(error.message, /id/);
    await client.ok('live.list', {});
  });
});
