import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { verifyToken } from '../../src/server/token.js';
import { within } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = 'src/server/cli.ts';
const SLOW_MS = 15_000;

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (!('CO_GUEST_SECRET' in extra)) delete env.CO_GUEST_SECRET;
  if (!('PORT' in extra)) delete env.PORT;
  for (const name of ['CO_GUEST_ORIGINS', 'CO_GUEST_ALLOWED_HOSTS', 'CO_GUEST_TRUSTED_PROXIES']) {
    if (!(name in extra)) delete env[name];
  }
  delete env.NODE_TEST_CONTEXT;
  return env;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: Run = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout?.on('data', (chunk: Buffer) => (result.stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (result.stderr += chunk.toString('utf8')));
  return result;
}

function waitOutput(runResult: Run, pattern: RegExp): Promise<RegExpMatchArray> {
  return within(
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = runResult.stdout.match(pattern);
        if (match) {
          runResult.child.stdout?.off('data', check);
          resolve(match);
        }
      };
      runResult.child.stdout?.on('data', check);
      void runResult.exited.then(({ code }) =>
        reject(new Error(`exited with ${String(code)}: ${runResult.stderr}`)),
      );
      check();
    }),
    `output ${pattern}`,
    SLOW_MS,
  );
}

/** Resolves with the HTTP status of a WebSocket handshake from `origin` (101 when upgraded). */
function upgradeStatus(url: string, origin: string): Promise<number> {
  const ws = new WebSocket(url, { origin });
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
        resolve(101);
        ws.terminate();
      });
    }),
    `upgrade from ${origin}`,
  );
}

/** Resolves with the HTTP status of `GET path` sent with the given `Host` header. */
function hostStatus(port: number, path: string, host: string): Promise<number> {
  return within(
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    }),
    `GET ${path} for ${host}`,
  );
}

describe('cli', () => {
  const running: Run[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
      await r.exited;
    }
  });

  it(
    'serve --dev prints the urls and the dev warning, serves, and exits 0 on SIGTERM',
    { timeout: SLOW_MS * 2 },
    async () => {
      const r = run(['serve', '--dev', '--port', '0']);
      running.push(r);
      const [, url, port] = await waitOutput(r, /(ws:\/\/127\.0\.0\.1:(\d+)\/ws)/);
      assert.ok(url && port);
      await waitOutput(r, /curl/);
      assert.match(r.stdout, /DEV MODE/);
      assert.match(r.stdout, /LOCAL USE ONLY/);
      assert.match(r.stdout, new RegExp(`http://127\\.0\\.0\\.1:${port}/healthz`));
      assert.match(r.stdout, /\/dev\/token\?userId=/);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
      const tokenResponse = await fetch(`http://127.0.0.1:${port}/dev/token?userId=alice`);
      assert.equal(tokenResponse.status, 200);
      await tokenResponse.body?.cancel();
      r.child.kill('SIGTERM');
      const exit = await within(r.exited, 'exit', SLOW_MS);
      assert.deepEqual(exit, { code: 0, signal: null });
    },
  );

  it('serve takes the port from PORT and exits 0 on SIGINT', { timeout: SLOW_MS * 2 }, async () => {
    // Find a free port by letting the OS pick one, then hand it over through PORT.
    const { createServer } = await import('node:net');
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const r = run(['serve'], { PORT: String(port), CO_GUEST_SECRET: 'cli-test-secret-0123456789' });
    running.push(r);
    await waitOutput(r, new RegExp(`ws://127\\.0\\.0\\.1:${port}/ws`));
    assert.doesNotMatch(r.stdout, /DEV MODE/);
    const devRoute = await fetch(`http://127.0.0.1:${port}/dev/token?userId=alice`);
    assert.equal(devRoute.status, 404);
    await devRoute.body?.cancel();
    r.child.kill('SIGINT');
    const exit = await within(r.exited, 'exit', SLOW_MS);
    assert.deepEqual(exit, { code: 0, signal: null });
  });

  it(
    'serve --static prints the page url, serves the folder, applies --origin, and exits 0 on SIGINT with a page connection open',
    { timeout: SLOW_MS * 2 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'co-guest-cli-'));
      try {
        await writeFile(join(dir, 'index.html'), '<!doctype html><title>cli page</title>');
        const r = run([
          'serve',
          '--dev',
          '--port',
          '0',
          '--static',
          dir,
          '--origin',
          'https://app.example.com',
          '--origin',
          'https://other.example.com',
        ]);
        running.push(r);
        const [, port] = await waitOutput(r, /page\s+http:\/\/127\.0\.0\.1:(\d+)\//);
        await waitOutput(r, /curl/);
        assert.match(r.stdout, new RegExp(`WebSocket\\s+ws://127\\.0\\.0\\.1:${port}/ws`));
        assert.match(r.stdout, /origins\s+https:\/\/app\.example\.com https:\/\/other\.example\.com/);
        const page = await fetch(`http://127.0.0.1:${port}/`);
        assert.equal(await page.text(), '<!doctype html><title>cli page</title>');
        const url = `ws://127.0.0.1:${port}/ws`;
        assert.equal(await upgradeStatus(url, 'https://other.example.com'), 101);
        assert.equal(
          await upgradeStatus(url, 'http://localhost:5173'),
          403,
          'the list replaces the dev default',
        );
        // A browser keeps its connection to the page open; Ctrl-C must not wait for it.
        const keepAlive = request({
          port: Number(port),
          host: '127.0.0.1',
          path: '/',
          agent: false,
          headers: { connection: 'keep-alive' },
        });
        const answered = new Promise<void>((resolve) =>
          keepAlive.once('response', (response) => {
            response.resume();
            resolve();
          }),
        );
        keepAlive.on('error', () => {
          // The server closing it is expected.
        });
        keepAlive.end();
        await within(answered, 'keep-alive answer');
        r.child.kill('SIGINT');
        const exit = await within(r.exited, 'exit', SLOW_MS);
        assert.deepEqual(exit, { code: 0, signal: null });
        assert.match(r.stdout, /SIGINT: closing/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('serve reads CO_GUEST_ORIGINS when no --origin is given', { timeout: SLOW_MS * 2 }, async () => {
    const r = run(['serve', '--port', '0'], {
      CO_GUEST_SECRET: 'cli-test-secret-0123456789',
      CO_GUEST_ORIGINS: ' https://a.example.com , https://b.example.com:8443 ,',
    });
    running.push(r);
    // The origins line comes last in the start-up banner.
    await waitOutput(r, /origins\s+https:\/\/a\.example\.com https:\/\/b\.example\.com:8443\n/);
    const url = /WebSocket\s+(ws:\/\/127\.0\.0\.1:\d+\/ws)/.exec(r.stdout)?.[1];
    assert.ok(url);
    assert.doesNotMatch(r.stdout, /page\s+http/);
    assert.equal(await upgradeStatus(url, 'https://b.example.com:8443'), 101);
    assert.equal(await upgradeStatus(url, 'https://c.example.com'), 403);
    r.child.kill('SIGTERM');
    assert.deepEqual(await within(r.exited, 'exit', SLOW_MS), { code: 0, signal: null });
  });

  it(
    'serve exits 1 with a message for a missing --static folder or a bad --origin',
    { timeout: SLOW_MS },
    async () => {
      const missing = run([
        'serve',
        '--dev',
        '--port',
        '0',
        '--static',
        join(tmpdir(), 'co-guest-no-such-dir'),
      ]);
      const badOrigin = run(['serve', '--dev', '--port', '0', '--origin', 'app.example.com']);
      running.push(missing, badOrigin);
      assert.equal((await within(missing.exited, 'exit', SLOW_MS)).code, 1);
      assert.match(missing.stderr, /staticDir .* does not exist/);
      assert.equal((await within(badOrigin.exited, 'exit', SLOW_MS)).code, 1);
      assert.match(badOrigin.stderr, /allowedOrigins has "app\.example\.com"/);
    },
  );

  it(
    'serve passes --allowed-host and --trusted-proxy through (repeatable; wins over the variables)',
    { timeout: SLOW_MS * 2 },
    async () => {
      const r = run(
        [
          'serve',
          '--dev',
          '--port',
          '0',
          '--allowed-host',
          'live.example.com',
          '--allowed-host',
          '.example.org',
          '--trusted-proxy',
          '127.0.0.1',
        ],
        { CO_GUEST_ALLOWED_HOSTS: 'env.example.net' },
      );
      running.push(r);
      const [, port] = await waitOutput(r, /health\s+http:\/\/127\.0\.0\.1:(\d+)\/healthz/);
      await waitOutput(r, /curl/);
      assert.match(r.stdout, /hosts\s+live\.example\.com \.example\.org\n/);
      assert.match(r.stdout, /proxies\s+127\.0\.0\.1\n/);
      const status = (host: string) => hostStatus(Number(port), '/dev/token?userId=alice', host);
      assert.equal(await status('live.example.com'), 200);
      assert.equal(await status('a.example.org'), 200);
      assert.equal(await status(`127.0.0.1:${port}`), 200);
      assert.equal(await status('env.example.net'), 403, 'the flags win over CO_GUEST_ALLOWED_HOSTS');
      assert.equal(await status('rebind.example'), 403);
      r.child.kill('SIGTERM');
      assert.deepEqual(await within(r.exited, 'exit', SLOW_MS), { code: 0, signal: null });
    },
  );

  it(
    'serve reads CO_GUEST_ALLOWED_HOSTS and CO_GUEST_TRUSTED_PROXIES, and exits 1 for a bad one',
    { timeout: SLOW_MS * 2 },
    async () => {
      const r = run(['serve', '--port', '0'], {
        CO_GUEST_SECRET: 'cli-test-secret-0123456789',
        CO_GUEST_ALLOWED_HOSTS: ' live.example.com , ',
        CO_GUEST_TRUSTED_PROXIES: '10.0.0.0/8, ::1',
      });
      const badHost = run(['serve', '--dev', '--port', '0', '--allowed-host', 'https://live.example.com']);
      const badProxy = run(['serve', '--dev', '--port', '0', '--trusted-proxy', 'proxy.local']);
      running.push(r, badHost, badProxy);
      await waitOutput(r, /proxies\s+10\.0\.0\.0\/8 ::1\n/);
      const port = /health\s+http:\/\/127\.0\.0\.1:(\d+)\//.exec(r.stdout)?.[1];
      assert.ok(port);
      assert.equal(await hostStatus(Number(port), '/healthz', 'live.example.com'), 200);
      assert.equal(await hostStatus(Number(port), '/healthz', 'other.example.com'), 403);
      assert.equal((await within(badHost.exited, 'exit', SLOW_MS)).code, 1);
      assert.match(badHost.stderr, /allowedHosts has "https:\/\/live\.example\.com"/);
      assert.equal((await within(badProxy.exited, 'exit', SLOW_MS)).code, 1);
      assert.match(badProxy.stderr, /trustedProxies has "proxy\.local"/);
      r.child.kill('SIGTERM');
      assert.deepEqual(await within(r.exited, 'exit', SLOW_MS), { code: 0, signal: null });
    },
  );

  it('serve without a secret and without --dev exits 1 with a message', { timeout: SLOW_MS }, async () => {
    const r = run(['serve', '--port', '0']);
    running.push(r);
    const exit = await within(r.exited, 'exit', SLOW_MS);
    assert.equal(exit.code, 1);
    assert.match(r.stderr, /CO_GUEST_SECRET/);
    assert.match(r.stderr, /--dev/);
  });

  it('token prints a token signed with CO_GUEST_SECRET', { timeout: SLOW_MS }, async () => {
    const secret = 'cli-token-secret-0123456789';
    const r = run(['token', '--user-id', 'alice', '--user-name', 'Alice', '--expires-in', '1h'], {
      CO_GUEST_SECRET: secret,
    });
    running.push(r);
    const exit = await within(r.exited, 'exit', SLOW_MS);
    assert.equal(exit.code, 0, r.stderr);
    const verified = await verifyToken(r.stdout.trim(), secret);
    assert.ok(verified.isSuccess);
    assert.equal(verified.data.user.userName, 'Alice');
  });

  it('token refuses to run without a secret or with a bad user id', { timeout: SLOW_MS }, async () => {
    const noSecret = run(['token', '--user-id', 'alice', '--user-name', 'Alice']);
    const badId = run(['token', '--user-id', 'bad id', '--user-name', 'Alice'], {
      CO_GUEST_SECRET: 'x'.repeat(32),
    });
    running.push(noSecret, badId);
    assert.equal((await within(noSecret.exited, 'exit', SLOW_MS)).code, 1);
    assert.match(noSecret.stderr, /CO_GUEST_SECRET/);
    assert.equal((await within(badId.exited, 'exit', SLOW_MS)).code, 1);
    assert.match(badId.stderr, /userId/);
  });

  it('--help prints the usage', { timeout: SLOW_MS }, async () => {
    const r = run(['--help']);
    running.push(r);
    assert.equal((await within(r.exited, 'exit', SLOW_MS)).code, 0);
    assert.match(r.stdout, /co-guest-kit serve/);
    assert.match(r.stdout, /co-guest-kit token/);
  });
});
