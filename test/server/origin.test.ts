import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { createOriginCheck, isLoopbackHost, normalizeOrigin } from '../../src/server/origin.js';
import type { ServerHandle } from '../../src/server/server.js';
import { Resources, token, within } from './helpers.js';

/**
 * Opens a WebSocket with the given `Origin` (none when `undefined`) and `Host`; resolves with 101
 * when upgraded (then completes the handshake and closes), else with the HTTP status refused.
 */
function upgrade(server: ServerHandle, origin: string | undefined, host?: string): Promise<number> {
  const headers: Record<string, string> = {};
  if (host !== undefined) headers.host = host;
  const ws = new WebSocket(server.url, { ...(origin === undefined ? {} : { origin }), headers });
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
    `upgrade from ${String(origin)}`,
  );
}

describe('server origin check', () => {
  const res = new Resources();
  afterEach(() => res.dispose());

  describe('by default', () => {
    it('upgrades clients without Origin and pages of its own origin', async () => {
      const server = await res.server();
      assert.equal(await upgrade(server, undefined), 101);
      assert.equal(await upgrade(server, `http://127.0.0.1:${server.port}`), 101);
    });

    it('refuses other origins with 403', async () => {
      const server = await res.server();
      for (const origin of [
        'https://evil.example',
        `https://evil.example:${server.port}`,
        'http://localhost.evil.example',
        'http://127.0.0.1.evil.example',
        'http://10.0.0.1:8787',
        'null',
        'file://',
        'chrome-extension://abcdef',
        'not a url',
      ]) {
        assert.equal(await upgrade(server, origin), 403, origin);
      }
    });

    it('never opens a connection for a refused origin', async () => {
      const server = await res.server();
      assert.equal(await upgrade(server, 'https://evil.example'), 403);
      const health = await fetch(`${server.httpUrl}/healthz`);
      assert.deepEqual(await health.json(), { status: 'ok', lives: 0, connections: 0 });
    });

    it('takes the Host a proxy passes on as its own origin', async () => {
      // The proxy's name must be one the server answers to (see host.test.ts).
      const server = await res.server({ allowedHosts: ['live.example.com'] });
      assert.equal(await upgrade(server, 'https://live.example.com', 'live.example.com'), 101);
      assert.equal(await upgrade(server, 'https://evil.example', 'live.example.com'), 403);
    });

    for (const dev of [false, true]) {
      it(`upgrades pages of any loopback origin${dev ? ' (dev mode)' : ''}`, async () => {
        const server = await res.server({ dev });
        for (const origin of [
          'http://localhost:5173',
          'http://127.0.0.1:6006',
          'http://127.1.2.3',
          'http://[::1]:3000',
          'http://app.localhost:8080',
          `http://localhost:${server.port}`,
          `http://127.0.0.1:${server.port + 1}`,
        ]) {
          assert.equal(await upgrade(server, origin), 101, origin);
        }
      });
    }
  });

  describe('allowedOrigins', () => {
    it('upgrades the listed origins, its own and clients without Origin; refuses the rest', async () => {
      const server = await res.server({
        allowedOrigins: ['https://App.Example.com:443/', 'http://localhost:5173'],
      });
      assert.deepEqual(server.allowedOrigins, ['https://app.example.com', 'http://localhost:5173']);
      assert.equal(await upgrade(server, 'https://app.example.com'), 101);
      assert.equal(await upgrade(server, 'http://localhost:5173'), 101);
      assert.equal(await upgrade(server, undefined), 101);
      assert.equal(await upgrade(server, `http://127.0.0.1:${server.port}`), 101);
      for (const origin of [
        'http://app.example.com',
        'https://app.example.com:8443',
        'https://evil.app.example.com',
        'http://localhost:5174',
      ]) {
        assert.equal(await upgrade(server, origin), 403, origin);
      }
    });

    it('replaces the loopback default', async () => {
      const server = await res.server({ dev: true, allowedOrigins: ['https://app.example.com'] });
      assert.equal(await upgrade(server, 'http://localhost:5173'), 403);
      assert.equal(await upgrade(server, `http://127.0.0.1:${server.port + 1}`), 403);
      assert.equal(await upgrade(server, 'https://app.example.com'), 101);
    });

    it('lists null for sandboxed and file: pages, and * for any origin', async () => {
      const withNull = await res.server({ allowedOrigins: ['null'] });
      assert.equal(await upgrade(withNull, 'null'), 101);
      const any = await res.server({ allowedOrigins: ['*'] });
      for (const origin of ['https://evil.example', 'null', 'http://localhost:1']) {
        assert.equal(await upgrade(any, origin), 101, origin);
      }
    });

    it('refuses to start with something that is not an origin', async () => {
      for (const bad of [
        'app.example.com',
        'https://app.example.com/path',
        'ftp://x.example',
        'https://u:p@x.example',
        '',
      ]) {
        await assert.rejects(res.server({ allowedOrigins: [bad] }), /allowedOrigins/, bad);
      }
    });

    it('an allowed origin still needs a valid token', async () => {
      const server = await res.server({ allowedOrigins: ['https://app.example.com'] });
      const ws = new WebSocket(server.url, { origin: 'https://app.example.com' });
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      await within(new Promise((resolve) => ws.once('open', resolve)), 'open');
      ws.send(JSON.stringify({ type: 'hello', protocol: 1, token: `${await token('alice')}x` }));
      assert.equal(await within(closed, 'close'), 4001);
    });
  });

  describe('normalizeOrigin', () => {
    for (const [text, expected] of [
      ['https://app.example.com', 'https://app.example.com'],
      ['https://APP.example.com/', 'https://app.example.com'],
      ['https://app.example.com:443', 'https://app.example.com'],
      ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
      [' http://[::1]:3000 ', 'http://[::1]:3000'],
      ['null', 'null'],
      ['*', '*'],
      ['app.example.com', null],
      ['https://app.example.com/x', null],
      ['https://app.example.com?x', null],
      ['https://app.example.com#x', null],
      ['https://u@app.example.com', null],
      ['ws://app.example.com', null],
      ['javascript:alert(1)', null],
      ['', null],
    ] as const) {
      it(`${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
        assert.equal(normalizeOrigin(text), expected);
      });
    }
  });

  describe('createOriginCheck', () => {
    it('compares the origin with the Host header, port included', () => {
      const check = createOriginCheck(['https://app.example.com']);
      assert.equal(check('http://127.0.0.1:8787', '127.0.0.1:8787'), true);
      assert.equal(check('http://127.0.0.1:8787', '127.0.0.1:8788'), false);
      // Not the scheme: behind a TLS proxy the page is https and the server speaks http.
      assert.equal(check('https://127.0.0.1:8787', '127.0.0.1:8787'), true);
      assert.equal(check('https://live.example.com', 'LIVE.example.com'), true);
      assert.equal(check('https://live.example.com', undefined), false);
      assert.equal(check('https://live.example.com/', 'live.example.com'), false);
      assert.equal(check(undefined, undefined), true);
    });

    it('knows the loopback names', () => {
      for (const host of ['localhost', 'LOCALHOST', 'a.localhost', '127.0.0.1', '127.255.0.9', '[::1]']) {
        assert.equal(isLoopbackHost(host), true, host);
      }
      for (const host of ['localhost.example', '128.0.0.1', '127.0.0.1.example', '[::2]', '0.0.0.0', '']) {
        assert.equal(isLoopbackHost(host), false, host);
      }
    });
  });
});
