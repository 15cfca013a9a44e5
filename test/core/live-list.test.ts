/**
 * `LiveListStore.fetchLiveList(cursor, count)`: the paged live list of the client core, against an
 * in-page hub that speaks the server's JSON.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createSession, ErrorCode, type Session, type UserInfo } from '../../src/core/index.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { createHub, type Hub } from '../../src/hub/index.js';

const reader: UserInfo = { userId: 'reader', userName: 'Reader', avatarUrl: '' };

const sessions: Session[] = [];
const hubs: Hub[] = [];

afterEach(() => {
  for (const session of sessions.splice(0)) session.dispose();
  for (const hub of hubs.splice(0)) hub.shutdown();
});

/** A hub holding `count` lives, `l0`, `l1`, …, created in that order by one owner. */
function hubWithLives(count: number): Hub {
  const hub = createHub({ scheduler: new ManualScheduler(), maxLivesPerUser: 0 });
  hubs.push(hub);
  const owner = hub.connect(
    { userId: 'owner', userName: 'Owner', avatarUrl: '' },
    { send: () => undefined, close: () => undefined },
  );
  for (let i = 0; i < count; i++) {
    owner.receive(
      JSON.stringify({ type: 'cmd', id: `c${i}`, name: 'live.create', args: { liveId: `l${i}` } }),
    );
  }
  assert.equal(hub.liveCount, count);
  return hub;
}

async function login(hub: Hub): Promise<Session> {
  const session = createSession({ reconnect: false });
  sessions.push(session);
  assert.equal((await session.loginStore.login({ hub, user: reader })).isSuccess, true);
  return session;
}

describe('LiveListStore.fetchLiveList', () => {
  it('fetches a page, then appends the next ones, and says where the next page starts', async () => {
    const store = (await login(hubWithLives(7))).liveListStore;
    const ids = () => store.liveList.get().map((live) => live.liveId);

    const first = await store.fetchLiveList('', 3);
    assert.ok(first.isSuccess, first.errorMessage);
    assert.deepEqual(
      first.data.lives.map((live) => live.liveId),
      ['l0', 'l1', 'l2'],
    );
    assert.notEqual(first.data.nextCursor, '');
    assert.equal(store.liveListCursor.get(), first.data.nextCursor);
    assert.deepEqual(ids(), ['l0', 'l1', 'l2']);

    const second = await store.fetchLiveList(store.liveListCursor.get(), 3);
    assert.ok(second.isSuccess, second.errorMessage);
    assert.deepEqual(ids(), ['l0', 'l1', 'l2', 'l3', 'l4', 'l5'], 'a later page is appended');

    // The web SDK's form: one object.
    const last = await store.fetchLiveList({ cursor: store.liveListCursor.get(), count: 3 });
    assert.ok(last.isSuccess, last.errorMessage);
    assert.equal(last.data.nextCursor, '');
    assert.equal(store.liveListCursor.get(), '');
    assert.deepEqual(ids(), ['l0', 'l1', 'l2', 'l3', 'l4', 'l5', 'l6']);

    // No arguments: the first page again (20 lives at most), which replaces the list.
    const again = await store.fetchLiveList();
    assert.ok(again.isSuccess, again.errorMessage);
    assert.deepEqual(ids(), ['l0', 'l1', 'l2', 'l3', 'l4', 'l5', 'l6']);
    assert.equal(store.liveListCursor.get(), '');
  });

  it('fails with a typed error for a bad count and keeps the list', async () => {
    const store = (await login(hubWithLives(2))).liveListStore;
    assert.equal((await store.fetchLiveList()).isSuccess, true);
    const refused = await store.fetchLiveList('', 0);
    assert.equal(refused.errorCode, ErrorCode.INVALID_ARGUMENT);
    assert.equal(store.liveList.get().length, 2);
  });
});
