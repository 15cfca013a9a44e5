/**
 * Three real server processes (`co-guest-kit serve --redis`) on one redis-server, the seed's flow
 * across them: the host on the first creates a live, a guest on the second applies and is accepted,
 * a viewer on the third sees the seat, the guest leaves the seat, the host ends the live. Then each
 * process shuts down on SIGTERM and exits 0.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startTestRedis, type RedisProcess } from '../support/redis-process.js';
import { SECRET, TestClient, token, within } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/server/cli.ts', import.meta.url));
const SLOW_MS = 20_000;

interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

/** `co-guest-kit serve` on a free port as node `nodeId` of the cluster on `redisUrl`. */
async function serve(redisUrl: string, nodeId: string): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, CO_GUEST_SECRET: SECRET, CO_GUEST_REDIS_URL: redisUrl };
  delete env.NODE_TEST_CONTEXT;
  delete env.PORT;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'serve', '--port', '0', '--node-id', nodeId],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const url = await within(
    new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const found = /WebSocket +(ws:\/\/\S+)/.exec(stdout);
        if (found?.[1] && stdout.includes(`cluster    node ${nodeId}`)) resolve(found[1]);
      });
      void exited.then((code) => reject(new Error(`${nodeId} exited with ${String(code)}: ${stderr}`)));
    }),
    `${nodeId} listening`,
    SLOW_MS,
  );
  return { child, url, exited };
}

async function signIn(url: string, userId: string): Promise<TestClient> {
  const client = new TestClient(url);
  await within(client.opened, 'socket open');
  client.hello(await token(userId));
  await client.waitFor((m) => m.type === 'welcome', `welcome of ${userId}`);
  return client;
}

describe('three server processes in a cluster', () => {
  let redis: RedisProcess;
  const servers: ServerProcess[] = [];
  const clients: TestClient[] = [];

  before(async () => {
    redis = await startTestRedis();
    for (const nodeId of ['proc-1', 'proc-2', 'proc-3']) servers.push(await serve(redis.url, nodeId));
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await redis.stop();
  });

  function url(index: number): string {
    const server = servers[index];
    assert.ok(server);
    return server.url;
  }

  it('runs the seed flow with the host, a guest and a viewer on three processes', async () => {
    const host = await signIn(url(0), 'host');
    const guest = await signIn(url(1), 'guest');
    const viewer = await signIn(url(2), 'viewer');
    clients.push(host, guest, viewer);
    await host.ok('live.create', { liveId: 'seed', liveName: 'Seed', seatMode: 'apply' });
    await guest.ok('live.join', { liveId: 'seed' });
    await viewer.ok('live.join', { liveId: 'seed' });

    const application = host.waitEvent('application.received');
    await guest.ok('guest.apply', { liveId: 'seed', seatIndex: 1 });
    await application;
    await host.ok('guest.acceptApplication', { liveId: 'seed', userId: 'guest' });
    for (const client of [host, guest, viewer]) {
      await client.waitEvent('seats', 0, (event) => event.seats[1]?.userInfo?.userId === 'guest');
    }

    await guest.ok('seat.leave', { liveId: 'seed' });
    for (const client of [host, guest, viewer]) {
      await client.waitEvent('seats', 0, (event) => event.seats[1]?.userInfo === null);
    }

    const ended = viewer.waitEvent('live.ended');
    await host.ok('live.end', { liveId: 'seed' });
    await ended;
  });

  it('shuts every process down on SIGTERM, each exiting 0', async () => {
    for (const server of servers) server.child.kill('SIGTERM');
    const codes = await within(Promise.all(servers.map((server) => server.exited)), 'every exit', SLOW_MS);
    assert.deepEqual(codes, [0, 0, 0]);
  });
});
