/**
 * The `Host` check (DNS rebinding): a page on a name that resolves to the server reaches none of
 * its routes, dev token included, and cannot upgrade; the server's own names, IP addresses and
 * `allowedHosts` can.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { createHostCheck, hostnameOf, normalizeAllowedHost } from '../../src/server/host.js';
import type { ServerHandle } from '../../src/server/server.js';
import { LogLines, Resources, within } from './helpers.js';

/** GET `path` with the given `Host` header; resolves with the status and the body. */
function get(server: ServerHandle, path: string, host: string): Promise<{ status: number; body: string }> {
  return within(
    new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path, headers: { host }, agent: false },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    }),
    `GET ${path} for ${host}`,
  );
}

/** Opens a WebSocket with the given `Host`; resolves with 101 when upgraded, else the status. */
function upgrade(server: ServerHandle, host: string): Promise<number> {
  const ws = new WebSocket(server.url, { headers: { host } });
  ws.on('error', () => {
    // Reported through the status.
  });
  return within(
    new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_request, response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('open', () => {
        ws.once('close', () => resolve(101));
        ws.close(1000, 'done');
      });
    }),
    `upgrade for ${host}`,
  );
}

describe('server host check', () => {
  const res = new Resources();
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'co-guest-host-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>page</title>');
  });
  after(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => res.dispose());

  it('refuses HTTP requests for another name with 403 and a reason: no dev token, no page, no health', async () => {
    const log = new LogLines();
    const server = await res.server({ dev: true, staticDir: dir, logger: log.logger });
    for (const path of ['/dev/token?userId=mallory', '/healthz', '/', '/missing']) {
      const refused = await get(server, path, `rebind.example:${server.port}`);
      assert.equal(refused.status, 403, path);
      assert.ok(!refused.body.includes('token"'), 'no token minted');
      assert.match(
        (JSON.parse(refused.body) as { error: string }).error,
        /host "rebind\.example:\d+" is not allowed; list it in allowedHosts/,
      );
    }
    assert.match(await log.waitFor(/refused request/), /rebind\.example/);
  });

  it('answers HTTP requests for its own names and IP addresses', async () => {
    const server = await res.server({ dev: true, staticDir: dir });
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      'LOCALHOST',
      `app.localhost:${server.port}`,
      `[::1]:${server.port}`,
      '192.168.1.20:8787',
    ]) {
      assert.equal((await get(server, '/dev/token?userId=alice', host)).status, 200, host);
      assert.equal((await get(server, '/', host)).status, 200, host);
    }
  });

  it('refuses upgrades for another name with 403, and upgrades for its own', async () => {
    const server = await res.server();
    assert.equal(await upgrade(server, 'rebind.example'), 403);
    assert.equal(await upgrade(server, `127.0.0.1.nip.io:${server.port}`), 403);
    assert.equal(await upgrade(server, `localhost:${server.port}`), 101);
    assert.equal(await upgrade(server, `127.0.0.1:${server.port}`), 101);
    const health = await fetch(`${server.httpUrl}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok', lives: 0, connections: 0 });
  });

  it('answers the names of allowedHosts, with subdomains for a leading dot, and every name for *', async () => {
    const server = await res.server({ dev: true, allowedHosts: ['Live.Example.com', '.example.org'] });
    assert.equal((await get(server, '/healthz', 'live.example.com')).status, 200);
    assert.equal((await get(server, '/healthz', 'live.example.com.:443')).status, 200);
    assert.equal((await get(server, '/healthz', 'example.org')).status, 200);
    assert.equal((await get(server, '/healthz', 'a.b.example.org')).status, 200);
    assert.equal((await get(server, '/healthz', 'other.example.com')).status, 403);
    assert.equal((await get(server, '/healthz', 'example.org.evil')).status, 403);
    assert.equal(await upgrade(server, 'live.example.com'), 101);
    assert.equal(await upgrade(server, 'evil.example.com'), 403);
    const any = await res.server({ allowedHosts: ['*'] });
    assert.equal((await get(any, '/healthz', 'whatever.example')).status, 200);
    assert.equal(await upgrade(any, 'whatever.example'), 101);
  });

  it('answers the name it is bound to', async () => {
    const server = await res.server({ host: 'localhost' });
    assert.equal((await get(server, '/healthz', `localhost:${server.port}`)).status, 200);
    const check = createHostCheck([], 'box.lan');
    assert.equal(check('box.lan:8787'), true);
    assert.equal(check('other.lan:8787'), false);
  });

  it('refuses to start with an allowed host that is not a host name', async () => {
    for (const host of [
      'https://live.example.com',
      'live.example.com:443',
      'a b',
      'live.example.com/x',
      '',
    ]) {
      await assert.rejects(res.server({ allowedHosts: [host] }), /createServer: allowedHosts has/, host);
    }
  });

  describe('hostnameOf', () => {
    for (const [header, expected] of [
      ['localhost:8787', 'localhost'],
      ['Example.COM', 'example.com'],
      ['example.com.', 'example.com'],
      ['[::1]:8787', '[::1]'],
      ['[2001:DB8::1]', '[2001:db8::1]'],
      ['127.0.0.1', '127.0.0.1'],
      ['[nope]', null],
      ['a b', null],
      ['a:b', null],
      ['example.com:99999999', null],
      ['', null],
      ['evil.example;x', null],
    ] as const) {
      it(`${JSON.stringify(header)} → ${JSON.stringify(expected)}`, () => {
        assert.equal(hostnameOf(header), expected);
      });
    }
  });

  describe('normalizeAllowedHost', () => {
    for (const [entry, expected] of [
      ['Live.Example.com', 'live.example.com'],
      ['.Example.org', '.example.org'],
      ['::1', '[::1]'],
      ['[::1]', '[::1]'],
      ['*', '*'],
      ['live.example.com:443', null],
      ['https://live.example.com', null],
      ['.', null],
      ['.[::1]', null],
    ] as const) {
      it(`${JSON.stringify(entry)} → ${JSON.stringify(expected)}`, () => {
        assert.equal(normalizeAllowedHost(entry), expected);
      });
    }
  });

  it('createHostCheck lets requests without Host through (no browser sends those)', () => {
    assert.equal(createHostCheck([], '127.0.0.1')(undefined), true);
  });
});
