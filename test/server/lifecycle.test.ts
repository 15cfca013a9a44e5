import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { CloseCode, type ByeMessage, type ServerMessage } from '../../src/protocol/index.js';
import { Resources, startServer, TestClient, token, within } from './helpers.js';

describe('server lifecycle and fan-out', () => {
  const res = new Resources();
  afterEach(() => res.dispose());

  it('close() ends the lives, says bye to every client and closes them with 1001', async () => {
    const server = await startServer();
    const host = res.track(new TestClient(server.url));
    await within(host.opened, 'open');
    host.hello(await token('host'));
    await host.waitFor((m) => m.type === 'welcome');
    await host.ok('live.create', { liveId: 'show' });
    const viewer = res.track(new TestClient(server.url));
    await within(viewer.opened, 'open');
    viewer.hello(await token('viewer'));
    await viewer.waitFor((m) => m.type === 'welcome');
    await viewer.ok('live.join', { liveId: 'show' });
    const idle = res.track(new TestClient(server.url));
    await within(idle.opened, 'open');

    await within(server.close(), 'server close');
    for (const client of [host, viewer]) {
      const ended = await client.waitEvent('live.ended');
      assert.equal(ended.event.reason, 'endedByServer');
      const bye = await client.waitFor<ByeMessage>((m) => m.type === 'bye');
      assert.equal(bye.reason, 'shutdown');
      assert.ok(client.messages.indexOf(ended) < client.messages.indexOf(bye));
      assert.equal((await client.waitClose()).code, CloseCode.GOING_AWAY);
    }
    assert.equal((await idle.waitClose()).code, CloseCode.GOING_AWAY);
    await assert.rejects(fetch(`${server.httpUrl}/healthz`));
    await within(server.close(), 'second close');
  });

  it('serializes each event once, whatever the number of recipients', async () => {
    const serialized: ServerMessage[] = [];
    const server = await res.server({
      serialize: (message) => {
        serialized.push(message);
        return JSON.stringify(message);
      },
    });
    const host = await res.connect(server, 'host');
    await host.ok('live.create', { liveId: 'show' });
    const viewers = [];
    for (let i = 0; i < 6; i++) {
      const viewer = await res.connect(server, `viewer${i}`);
      await viewer.ok('live.join', { liveId: 'show' });
      viewers.push(viewer);
    }
    const marks = viewers.map((v) => v.mark());
    const hostMark = host.mark();
    const before = serialized.length;
    await host.ok('seat.lock', { liveId: 'show', seatIndex: 4, lockSeat: true });
    const received = await Promise.all(viewers.map((v, i) => v.waitEvent('seats', marks[i])));
    const seq = received[0]?.seq;
    const texts = viewers.map((v, i) => v.texts[marks[i] ?? 0]);
    assert.equal(new Set(texts).size, 1, 'every viewer got the same text');
    assert.equal(host.texts[hostMark], texts[0]);
    const encodings = serialized.slice(before).filter((m) => m.type === 'event' && m.seq === seq);
    assert.equal(encodings.length, 1, 'one encoding for 7 recipients');
  });

  it('fans an event for managers out to managers only, still encoded once', async () => {
    const serialized: ServerMessage[] = [];
    const server = await res.server({
      serialize: (message) => {
        serialized.push(message);
        return JSON.stringify(message);
      },
    });
    const host = await res.connect(server, 'host');
    await host.ok('live.create', { liveId: 'show' });
    const admin = await res.connect(server, 'admin');
    await admin.ok('live.join', { liveId: 'show' });
    await host.ok('member.setAdmin', { liveId: 'show', userId: 'admin', admin: true });
    const viewer = await res.connect(server, 'viewer');
    const other = await res.connect(server, 'other');
    await other.ok('live.join', { liveId: 'show' });
    const marks = [host.mark(), admin.mark(), other.mark()];
    const before = serialized.length;
    await viewer.ok('live.join', { liveId: 'show' });
    const [toHost, toAdmin] = await Promise.all([
      host.waitEvent('member.joined', marks[0]),
      admin.waitEvent('member.joined', marks[1]),
    ]);
    assert.equal(toHost.seq, toAdmin.seq);
    const count = await other.waitEvent('member.count', marks[2]);
    assert.equal(count.event.memberCount, 4);
    await other.ok('live.list', {});
    assert.equal(other.events(marks[2]).filter((e) => e.event.type === 'member.joined').length, 0);
    const events = serialized.slice(before).filter((m) => m.type === 'event');
    assert.equal(events.length, 2, 'member.joined and member.count, once each');
  });
});
