import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, it } from 'node:test';
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
