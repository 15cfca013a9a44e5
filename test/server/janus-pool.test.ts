/**
 * The pool of Janus instances against two real Janus processes: placement on the least loaded,
 * an instance killed by PID (its lives handed back, placement moving to the other), and its
 * return once a Janus answers on its address again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createJanusPool,
  janusTokenSource,
  videoroom,
  VIDEOROOM_PLUGIN,
  type JanusPool,
} from '../../src/server/janus/index.js';
import { within } from './helpers.js';
import { nextValue, startTestJanus, type JanusProcess } from '../support/janus.js';

describe('JanusPool', () => {
  const tokenSecret = 'pool-token-secret-0123456789abcdef';
  const adminKey = 'pool-admin-key-0123456789abcdef';
  let first: JanusProcess;
  let second: JanusProcess;
  let restarted: JanusProcess | undefined;
  let pool: JanusPool;
  const errors: string[] = [];
  const failureListeners = new Set<(url: string) => void>();

  before(async () => {
    [first, second] = await Promise.all([
      startTestJanus({ tokenSecret, adminKey }),
      startTestJanus({ tokenSecret, adminKey }),
    ]);
    pool = createJanusPool({
      urls: [first.url, second.url],
      token: janusTokenSource(tokenSecret),
      timeoutMs: 5_000,
      reconnectMs: 50,
      maxReconnectMs: 200,
      onError: (url) => {
        errors.push(url);
        for (const listener of [...failureListeners]) listener(url);
      },
    });
    await pool.ready();
  });

  after(async () => {
    await pool?.close();
    await Promise.all([first?.stop(), second?.stop(), restarted?.stop()]);
  });

  it('connects to every instance, each with a session', () => {
    assert.deepEqual(
      pool.instances.map((instance) => [instance.url, instance.up, instance.load]),
      [
        [first.url, true, 0],
        [second.url, true, 0],
      ],
    );
    for (const instance of pool.instances) assert.ok(instance.session && !instance.session.gone);
  });

  it('places each live on the least loaded instance, the same one while it is up', async () => {
    assert.equal(pool.place('live-a')?.url, first.url);
    assert.equal(pool.place('live-b')?.url, second.url);
    assert.equal(pool.place('live-c')?.url, first.url);
    assert.equal(pool.place('live-a')?.url, first.url, 'stable for a live');
    assert.equal(pool.instanceOf('live-b')?.url, second.url);
    assert.deepEqual(
      pool.instances.map((instance) => instance.load),
      [2, 1],
    );
    pool.release('live-c');
    assert.equal(pool.instanceOf('live-c'), null);
    assert.deepEqual(pool.instances[0]?.lives, ['live-a']);

    // The session of a placed instance works: a room for the live.
    const session = pool.place('live-a')?.session;
    assert.ok(session);
    const handle = await session.attach(VIDEOROOM_PLUGIN);
    await videoroom.createRoom(handle, { room: 'live-a', admin_key: adminKey, secret: 's' });
    assert.equal(await videoroom.exists(handle, 'live-a'), true);
    await handle.detach();
  });

  it('tells which lives an instance held when it is killed, and places them on the other', async () => {
    pool.place('live-d');
    assert.deepEqual(pool.instances[0]?.lives, ['live-a', 'live-d']);
    const down = nextValue<[string, string[]]>((listener) =>
      pool.onInstanceDown((url, liveIds) => listener([url, liveIds])),
    );
    process.kill(first.pid, 'SIGKILL');
    const [url, liveIds] = await within(down, 'onInstanceDown');
    assert.equal(url, first.url);
    assert.deepEqual(liveIds.sort(), ['live-a', 'live-d']);
    assert.equal(pool.instances[0]?.up, false);
    assert.equal(pool.instances[0]?.client, null);
    assert.equal(pool.instanceOf('live-a'), null);

    assert.equal(pool.place('live-a')?.url, second.url);
    assert.equal(pool.place('live-d')?.url, second.url);
    assert.equal(pool.place('live-e')?.url, second.url, 'the only one up');
    assert.deepEqual(
      pool.instances.map((instance) => instance.load),
      [0, 4],
    );
  });

  it('keeps trying a down instance and takes it back when Janus answers again', async () => {
    const retried = nextValue<string>((listener) => {
      failureListeners.add(listener);
      return () => failureListeners.delete(listener);
    });
    assert.equal(await within(retried, 'a failed reconnection attempt'), first.url);
    assert.ok(errors.every((url) => url === first.url));

    const up = nextValue<string>((listener) => pool.onInstanceUp(listener));
    restarted = await startTestJanus({ tokenSecret, adminKey, port: first.port });
    assert.equal(await within(up, 'onInstanceUp'), first.url);
    assert.equal(pool.instances[0]?.up, true);
    assert.equal(pool.place('live-f')?.url, first.url, 'the least loaded again');
  });

  it('places nothing once closed', async () => {
    await pool.close();
    assert.equal(pool.place('live-g'), null);
    assert.ok(pool.instances.every((instance) => !instance.up));
  });
});
