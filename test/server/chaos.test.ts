/**
 * Connection chaos (smoke size of `scripts/chaos.ts`; the full run is `npm run chaos`, 300 cuts),
 * and a server restart: a real server process stopped with SIGTERM and a new one on the same port.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { runChaos } from '../../scripts/chaos.js';
import { createSession, type ConnectionStatus, type Session } from '../../src/core/index.js';
import type { WebSocketConstructor } from '../../src/core/transport.js';
import { CloseCode, ErrorCode } from '../../src/protocol/index.js';
import { SECRET, token, within } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEED = Number(process.env.CHAOS_SEED ?? 20_261_128);
const SLOW_MS = 30_000;

/** A free loopback port (listened on, then released). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface ServerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `co-guest-kit serve` in its own process; resolves once it listens. */
async function serve(port: number): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, CO_GUEST_SECRET: SECRET };
  delete env.NODE_TEST_CONTEXT;
  delete env.PORT;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/server/cli.ts', 'serve', '--port', String(port)],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let output = '';
  await within(
    new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes(`:${port}/ws`)) resolve();
      });
      child.stderr?.resume();
      void exited.then(({ code }) => reject(new Error(`the server exited with ${String(code)}`)));
    }),
    'the server to listen',
    SLOW_MS,
  );
  return { child, exited };
}

/** Every value `session.$connection` takes from now on. */
function track(session: Session): ConnectionStatus[] {
  const seen: ConnectionStatus[] = [session.$connection.get()];
  session.$connection.listen((status) => seen.push(status));
  return seen;
}

function reach(session: Session, status: ConnectionStatus): Promise<void> {
  return within(
    new Promise<void>((resolve) => {
      if (session.$connection.get() === status) return resolve();
      const stop = session.$connection.listen((value) => {
        if (value !== status) return;
        stop();
        resolve();
      });
    }),
    `connection ${status}`,
    SLOW_MS,
  );
}

describe('connection chaos and server restarts', () => {
  const processes: ServerProcess[] = [];
  const sessions: Session[] = [];
  afterEach(async () => {
    for (const session of sessions.splice(0)) session.dispose();
    for (const server of processes.splice(0)) {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await server.exited;
    }
  });

  it(`cuts clients 30 times while commands are in flight and loses nothing (seed ${SEED})`, async () => {
    const report = await runChaos({ cuts: 30, seed: SEED, sessions: 4, processes: 1 });
    assert.deepEqual(report.failures, [], `seed ${SEED}`);
    assert.ok(report.socketCuts > 0, 'sockets were cut');
    assert.ok(report.processKills > 0, 'a client process was killed');
    assert.ok(report.commands > 0 && report.applications > 0, 'the live was busy');
  });

  it('tells every client about a SIGTERM, and they come back to a new server on the same port', async () => {
    const port = await freePort();
    const first = await serve(port);
    processes.push(first);
    const url = `ws://127.0.0.1:${port}/ws`;
    const open = () => {
      const session = createSession({
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        reconnect: { baseDelayMs: 50, maxDelayMs: 400, jitter: 0.5 },
      });
      sessions.push(session);
      return session;
    };
    const host = open();
    const viewer = open();
    assert.equal(
      (await host.loginStore.login({ serverUrl: url, token: await token('host') })).isSuccess,
      true,
    );
    assert.equal(
      (await viewer.loginStore.login({ serverUrl: url, token: await token('viewer') })).isSuccess,
      true,
    );
    assert.equal((await host.liveListStore.createLive({ liveId: 'show' })).isSuccess, true);
    assert.equal((await viewer.liveListStore.joinLive('show')).isSuccess, true);
    const hostSeen = track(host);
    const viewerSeen = track(viewer);

    first.child.kill('SIGTERM');
    assert.deepEqual(await first.exited, { code: 0, signal: null }, 'a graceful exit');
    await reach(host, 'reconnecting');
    await reach(viewer, 'reconnecting');
    for (const session of [host, viewer]) {
      assert.deepEqual(session.$connectionError.get()?.code, CloseCode.GOING_AWAY);
      assert.equal(session.liveSeatStore('show').liveEnded.get(), true, 'the live ended for everyone');
      assert.equal(session.liveListStore.currentLive.get(), null);
      // While the server is away, calls fail at once.
      const offline = await session.request('live.list', {});
      assert.equal(offline.errorCode, ErrorCode.DISCONNECTED);
    }

    const second = await serve(port);
    processes.push(second);
    await reach(host, 'connected');
    await reach(viewer, 'connected');
    assert.deepEqual(hostSeen.slice(0, 3), ['connected', 'reconnecting', 'connected']);
    assert.deepEqual(viewerSeen.slice(0, 3), ['connected', 'reconnecting', 'connected']);
    // The new server works for them: a new live, joined by the viewer.
    assert.equal((await host.liveListStore.createLive({ liveId: 'again' })).isSuccess, true);
    assert.equal((await viewer.liveListStore.joinLive('again')).isSuccess, true);
    assert.equal(viewer.liveSeatStore('again').seatList.get()[0]?.userInfo?.userId, 'host');
  });
});
