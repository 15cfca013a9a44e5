/**
 * `createServer({ cluster })` on a real redis-server: the option is checked, a server that cannot
 * reach Redis does not start, each server registers its node and leaves on `close()`, and a second
 * sign-in of a user on another server closes the first connection as one server does (`bye
 * replaced`, close 4005), with no grace period.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { CloseCode } from '../../src/protocol/index.js';
import { NodeRegistry, type RedisConnection } from '../../src/server/cluster/index.js';
import {
  connectTest,
  startTestRedis,
  testPrefix,
  until,
  type RedisProcess,
} from '../support/redis-process.js';
import { Resources, SECRET, startServer, within } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url));

/** The HTTP status of a WebSocket upgrade to `url` (101 when upgraded). */
function upgradeStatus(url: string): Promise<number> {
  const ws = new WebSocket(url);
  ws.on('error', () => {
    // Reported through the status.
  });
  return within(
    new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => {
        ws.once('close', () => resolve(101));
        ws.close(1000, 'done');
      });
    }),
    `upgrade to ${url}`,
  );
}

describe('a server in a cluster', () => {
  let redis: RedisProcess;
  const open: RedisConnection[] = [];
  const resources = new Resources();

  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    await resources.dispose();
    await Promise.all(open.map((connection) => connection.close()));
    await redis.stop();
  });

  /** A view of the cluster's registry under `prefix`. */
  async function registryOf(prefix: string): Promise<NodeRegistry> {
    const connection = await connectTest(redis, prefix);
    open.push(connection);
    return new NodeRegistry(connection, 'observer');
  }

  it('refuses a cluster option that is not a Redis URL or a good node id, saying why', async () => {
    await assert.rejects(startServer({ cluster: { redis: 'http://127.0.0.1:6379' } }), {
      name: 'TypeError',
      message: /cluster\.redis must be a Redis URL like redis:\/\/127\.0\.0\.1:6379/,
    });
    await assert.rejects(startServer({ cluster: { redis: redis.url, nodeId: 'a b/c' } }), {
      name: 'TypeError',
      message: /cluster\.nodeId must be 1 to 64 letters/,
    });
  });

  it('does not start when Redis is unreachable', async () => {
    const gone = await startTestRedis();
    const url = gone.url;
    await gone.stop();
    await assert.rejects(startServer({ cluster: { redis: url, prefix: testPrefix() } }), {
      message: /createServer: cluster: Redis at .* is unreachable/,
    });
  });

  it('registers each server as a node, and leaves on close', async () => {
    const prefix = testPrefix();
    const one = await resources.server({ cluster: { redis: redis.url, nodeId: 'node-a', prefix } });
    const two = await startServer({ cluster: { redis: redis.url, nodeId: 'node-b', prefix } });
    assert.equal(one.nodeId, 'node-a');
    assert.equal(two.nodeId, 'node-b');
    const registry = await registryOf(prefix);
    const listed = await registry.list();
    assert.ok(listed.isSuccess);
    assert.deepEqual(listed.data.map((node) => node.nodeId).sort(), ['node-a', 'node-b']);
    await two.close();
    const after = await registry.list();
    assert.ok(after.isSuccess);
    assert.deepEqual(
      after.data.map((node) => node.nodeId),
      ['node-a'],
    );
  });

  it('keeps one connection per user across servers: a second sign-in replaces the first', async () => {
    const prefix = testPrefix();
    const one = await resources.server({ cluster: { redis: redis.url, nodeId: 'node-a', prefix } });
    const two = await resources.server({ cluster: { redis: redis.url, nodeId: 'node-b', prefix } });
    const first = await resources.connect(one, 'alice');
    // The first claim is in Redis once node-a has had an answer for it.
    const view = await connectTest(redis, prefix);
    open.push(view);
    await until('alice claimed on node-a', async () =>
      (await view.command.get(`${prefix}user:alice`))?.includes('"node-a"'),
    );
    const second = await resources.connect(two, 'alice');
    const bye = await first.waitFor((m) => m.type === 'bye', 'bye replaced');
    assert.deepEqual(bye.type === 'bye' ? bye.reason : null, 'replaced');
    const closed = await first.waitClose('first connection closed');
    assert.equal(closed.code, CloseCode.REPLACED);
    assert.equal(second.isClosed, false);
    assert.equal(one.hub.connectionCount, 0);
    assert.equal(two.hub.connectionCount, 1);
  });

  it('refuses new sign-ins with 503 while Redis is unreachable, and takes them again once it is back', async () => {
    const own = await startTestRedis();
    try {
      const server = await resources.server({ cluster: { redis: own.url, prefix: testPrefix() } });
      assert.equal(await upgradeStatus(server.url), 101);
      await own.stop();
      // Nothing announces that the server's Redis connections noticed: ask until it refuses.
      await until('a refusal', async () => (await upgradeStatus(server.url)) === 503, { everyMs: 50 });
      const back = await startTestRedis(own.port);
      try {
        await until('a sign-in again', async () => (await upgradeStatus(server.url)) === 101, {
          everyMs: 50,
        });
      } finally {
        await back.stop();
      }
    } finally {
      await own.stop().catch(() => undefined);
    }
  });

  it('runs from the CLI with --redis, and refuses a --redis that is not a Redis URL', async () => {
    const bad = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'serve', '--dev', '--redis', 'localhost:6379'],
      {
        cwd: ROOT,
        env: { ...process.env, NODE_TEST_CONTEXT: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await within(
      new Promise<number | null>((resolve) => bad.once('exit', resolve)),
      'exit',
      15_000,
    );
    assert.equal(code, 1);
    assert.match(
      stderr,
      /--redis \(or CO_GUEST_REDIS_URL\) must be a Redis URL like redis:\/\/127\.0\.0\.1:6379/,
    );

    const good = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'serve', '--port', '0', '--node-id', 'cli-node'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          CO_GUEST_SECRET: SECRET,
          CO_GUEST_REDIS_URL: redis.url,
          NODE_TEST_CONTEXT: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let stdout = '';
      const started = new Promise<void>((resolve) =>
        good.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          if (/cluster +node cli-node, Redis at redis:\/\/127\.0\.0\.1:\d+/.test(stdout)) resolve();
        }),
      );
      await within(started, 'the CLI in a cluster', 15_000);
    } finally {
      const exited = new Promise((resolve) => good.once('exit', resolve));
      good.kill('SIGTERM');
      await within(exited, 'the CLI exits', 10_000);
    }
  });
});
