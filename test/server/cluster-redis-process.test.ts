/**
 * The throwaway redis-server of the cluster tests (scripts/redis-process.mjs): it answers PING once
 * started, keeps nothing on disk, comes back on the same port after a crash, and says how to install
 * it when it is missing.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { pingRedis, startRedis } from '../../scripts/redis-process.mjs';

describe('redis-process', () => {
  it('starts a server that answers PING on loopback, and stop() ends it and removes its folder', async () => {
    const redis = await startRedis();
    try {
      assert.equal(redis.host, '127.0.0.1');
      assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
      assert.equal(await pingRedis(redis.host, redis.port), true);
      assert.ok(existsSync(redis.dir));
    } finally {
      await redis.stop();
    }
    assert.deepEqual(await redis.exited, { code: 0, signal: null });
    assert.equal(existsSync(redis.dir), false);
    await assert.rejects(pingRedis(redis.host, redis.port), { code: 'ECONNREFUSED' });
  });

  it('kill() is a crash (SIGKILL); a new server takes the same port', async () => {
    const first = await startRedis();
    await first.kill();
    assert.equal((await first.exited).signal, 'SIGKILL');
    const second = await startRedis({ port: first.port });
    try {
      assert.equal(second.port, first.port);
      assert.equal(await pingRedis(second.host, second.port), true);
    } finally {
      await second.stop();
    }
  });

  it('rejects, naming the package, when redis-server is missing', async () => {
    await assert.rejects(
      startRedis({ redisPath: '/nonexistent/redis-server' }),
      /apt-get install redis-server/,
    );
  });
});
