/**
 * Idempotency of every command that changes state, on a real server: the same request id sent
 * twice at once (a duplicate message), sent again later, and sent again after a reconnect gets the
 * first reply byte for byte and changes the live once; a real double click (a new id) changes it
 * once too, the second click getting the documented refusal or a no-op success.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ServerHandle } from '../../src/server/server.js';
import { ErrorCode, type CommandName, type ReplyMessage } from '../../src/protocol/index.js';
import { Resources, TestClient } from './helpers.js';

const C = ErrorCode;
const LIVE = 'idem';

/** Who is in the staged live: the owner (seat 0), an admin, a seated guest (seat 1), an audience member, a second audience member. */
type Who = 'owner' | 'admin' | 'guest' | 'audience' | 'other';
type Setup = 'applied' | 'invited' | 'watching' | 'none';

interface Case {
  readonly name: CommandName;
  readonly actor: Who;
  readonly args: Record<string, unknown>;
  readonly setup?: Setup;
  /** The result of a second click with a new id: 0 for a no-op success. */
  readonly again: number;
  /**
   * The hub forgets a user's replies once the user has no connection and is in no live
   * (docs/protocol.md): after leaving or ending the only live, a resend from a new connection is
   * answered from the state, with the second click's refusal.
   */
  readonly forgottenAfterReconnect?: true;
}

const CASES: readonly Case[] = [
  { name: 'live.create', actor: 'other', args: { liveId: 'fresh' }, again: C.LIVE_ID_OCCUPIED },
  { name: 'live.join', actor: 'other', args: {}, again: 0 },
  { name: 'live.leave', actor: 'audience', args: {}, again: C.NOT_IN_LIVE, forgottenAfterReconnect: true },
  { name: 'live.end', actor: 'owner', args: {}, again: C.LIVE_NOT_FOUND, forgottenAfterReconnect: true },
  { name: 'member.setAdmin', actor: 'owner', args: { userId: 'aud', admin: true }, again: 0 },
  { name: 'guest.apply', actor: 'audience', args: { seatIndex: -1 }, again: C.ALREADY_APPLIED },
  { name: 'guest.cancelApplication', actor: 'audience', args: {}, setup: 'applied', again: C.NOT_APPLIED },
  {
    name: 'guest.acceptApplication',
    actor: 'owner',
    args: { userId: 'aud' },
    setup: 'applied',
    again: C.REQUEST_ALREADY_HANDLED,
  },
  {
    name: 'guest.rejectApplication',
    actor: 'admin',
    args: { userId: 'aud' },
    setup: 'applied',
    again: C.REQUEST_ALREADY_HANDLED,
  },
  { name: 'guest.invite', actor: 'owner', args: { inviteeId: 'aud' }, again: C.ALREADY_INVITED },
  {
    name: 'guest.cancelInvitation',
    actor: 'owner',
    args: { inviteeId: 'aud' },
    setup: 'invited',
    again: C.REQUEST_NOT_FOUND,
  },
  {
    name: 'guest.acceptInvitation',
    actor: 'audience',
    args: { inviterId: 'own' },
    setup: 'invited',
    again: C.REQUEST_NOT_FOUND,
  },
  {
    name: 'guest.rejectInvitation',
    actor: 'audience',
    args: { inviterId: 'own' },
    setup: 'invited',
    again: C.REQUEST_NOT_FOUND,
  },
  { name: 'seat.take', actor: 'admin', args: { seatIndex: -1 }, again: C.ALREADY_ON_SEAT },
  { name: 'seat.leave', actor: 'guest', args: {}, again: C.NOT_ON_SEAT },
  { name: 'seat.move', actor: 'owner', args: { userId: 'gst', targetIndex: 5 }, again: 0 },
  { name: 'seat.kick', actor: 'owner', args: { userId: 'gst' }, again: C.NOT_ON_SEAT },
  { name: 'seat.lock', actor: 'admin', args: { seatIndex: 4, lockSeat: true }, again: 0 },
  { name: 'device.publish', actor: 'guest', args: { microphone: 'on' }, again: 0 },
  { name: 'device.closeRemote', actor: 'owner', args: { userId: 'gst', device: 'camera' }, again: 0 },
  {
    name: 'device.setRemoteAllowed',
    actor: 'admin',
    args: { userId: 'gst', device: 'microphone', allowed: false },
    again: 0,
  },
  { name: 'media.watch', actor: 'audience', args: { publisherId: 'gst' }, again: 0 },
  { name: 'media.unwatch', actor: 'audience', args: { publisherId: 'gst' }, setup: 'watching', again: 0 },
];

const IDS: Record<Who, string> = { owner: 'own', admin: 'adm', guest: 'gst', audience: 'aud', other: 'oth' };

let nextId = 0;

describe('idempotency of every state-changing command', () => {
  const res = new Resources();
  afterEach(() => res.dispose());

  async function stage(server: ServerHandle, setup: Setup): Promise<Record<Who, TestClient>> {
    const entries = await Promise.all(
      (Object.entries(IDS) as [Who, string][]).map(async ([who, userId]) => {
        const client = await res.connect(server, userId);
        return [who, client] as const;
      }),
    );
    const c = Object.fromEntries(entries) as Record<Who, TestClient>;
    await c.owner.ok('live.create', { liveId: LIVE });
    for (const who of ['admin', 'guest', 'audience'] as const) await c[who].ok('live.join', { liveId: LIVE });
    await c.owner.ok('member.setAdmin', { liveId: LIVE, userId: 'adm', admin: true });
    await c.guest.ok('guest.apply', { liveId: LIVE, seatIndex: 1 });
    await c.owner.ok('guest.acceptApplication', { liveId: LIVE, userId: 'gst' });
    await c.guest.ok('device.publish', { liveId: LIVE, camera: 'on' });
    if (setup === 'applied') await c.audience.ok('guest.apply', { liveId: LIVE });
    if (setup === 'invited') await c.owner.ok('guest.invite', { liveId: LIVE, inviteeId: 'aud' });
    if (setup === 'watching') await c.audience.ok('media.watch', { liveId: LIVE, publisherId: 'gst' });
    return c;
  }

  /** A round trip on every client: every event caused before it has arrived. */
  async function settle(clients: readonly TestClient[]): Promise<void> {
    await Promise.all(clients.filter((c) => !c.isClosed).map((c) => c.ok('live.list', {})));
  }

  function eventTexts(client: TestClient, from: number): string[] {
    const out: string[] = [];
    for (let i = from; i < client.messages.length; i++) {
      const message = client.messages[i]!;
      if (message.type === 'event') out.push(client.texts[i] ?? '');
    }
    return out;
  }

  function replies(client: TestClient, id: string): string[] {
    return client.texts.filter((_, i) => {
      const message = client.messages[i];
      return message?.type === 'reply' && message.id === id;
    });
  }

  for (const test of CASES) {
    it(`${test.name}: a duplicate id replies the same and changes the live once; a second click gets ${test.again === 0 ? 'a no-op success' : String(test.again)}`, async () => {
      const server = await res.server({ messagesPerSecond: 10_000 });
      const c = await stage(server, test.setup ?? 'none');
      const everyone = Object.values(c);
      const actor = c[test.actor];
      const args = test.name === 'live.create' ? test.args : { liveId: LIVE, ...test.args };
      const id = `dup${nextId++}`;
      const marks = everyone.map((client) => client.mark());

      // The same message twice in a row, before any reply: one execution, two equal replies.
      actor.send({ type: 'cmd', id, name: test.name, args });
      actor.send({ type: 'cmd', id, name: test.name, args });
      await actor.waitFor((m) => m.type === 'reply' && m.id === id);
      await settle(everyone);
      const first = replies(actor, id);
      assert.equal(first.length, 2, 'one reply per message');
      assert.equal(first[0], first[1], 'the duplicate gets the same reply, byte for byte');
      const reply = JSON.parse(first[0] ?? '{}') as ReplyMessage;
      assert.equal(reply.result.isSuccess, true, `the command succeeds: ${JSON.stringify(reply.result)}`);
      const seen = everyone.map((client, i) => eventTexts(client, marks[i] ?? 0));
      assert.ok(
        seen.some((events) => events.length > 0) || test.name === 'live.create',
        'the command changed the live',
      );

      // The same id later: the same reply, nothing new anywhere.
      const later = everyone.map((client) => client.mark());
      const again = await actor.command(test.name, args, id);
      assert.equal(JSON.stringify(again), first[0]);
      await settle(everyone);
      everyone.forEach((client, i) =>
        assert.deepEqual(eventTexts(client, later[i] ?? 0), [], `no event for ${IDS[test.actor]}'s resend`),
      );

      // A real double click: a new id. The live changes no further.
      const click = everyone.map((client) => client.mark());
      const second = await actor.command(test.name, args);
      assert.equal(second.result.errorCode, test.again, JSON.stringify(second.result));
      await settle(everyone);
      if (test.again !== 0 || test.name !== 'live.join') {
        everyone.forEach((client, i) => {
          const events = eventTexts(client, click[i] ?? 0);
          assert.deepEqual(
            events,
            [],
            `the second click changed nothing (${client === actor ? 'actor' : 'other'})`,
          );
        });
      }

      // After a reconnect of the same user, the id still answers with the first reply.
      await actor.close();
      const back = await res.connect(server, IDS[test.actor]);
      const resent = await back.command(test.name, args, id);
      if (test.forgottenAfterReconnect) assert.equal(resent.result.errorCode, test.again);
      else assert.equal(JSON.stringify(resent), first[0], 'remembered across connections');
    });
  }
});
