import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { verifyToken } from '../../src/server/token.js';
import { Resources, SECRET, TestClient, within } from './helpers.js';

describe('server http', () => {
  const res = new Resources();
  afterEach(() => res.dispose());

  it('answers GET /healthz with 200 and counts', async () => {
    const server = await res.server();
    await res.connect(server, 'alice');
    const response = await fetch(`${server.httpUrl}/healthz`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await response.json(), { status: 'ok', lives: 0, connections: 1 });
  });

  it('reports its urls and port', async () => {
    const server = await res.server();
    assert.ok(server.port > 0);
    assert.equal(server.url, `ws://127.0.0.1:${server.port}/ws`);
    assert.equal(server.httpUrl, `http://127.0.0.1:${server.port}`);
  });

  it('answers 404 to unknown paths', async () => {
    const server = await res.server();
    const response = await fetch(`${server.httpUrl}/nope`);
    assert.equal(response.status, 404);
    await response.body?.cancel();
  });

  it('answers 405 to other methods on /healthz', async () => {
    const server = await res.server();
    const response = await fetch(`${server.httpUrl}/healthz`, { method: 'POST' });
    assert.equal(response.status, 405);
    await response.body?.cancel();
  });

  it('refuses WebSocket upgrades on other paths with 404', async () => {
    const server = await res.server();
    const client = res.track(new TestClient(`ws://127.0.0.1:${server.port}/other`));
    await assert.rejects(within(client.opened, 'refusal'), /HTTP 404/);
  });

  it('refuses upgrades beyond maxConnections with 503', async () => {
    const server = await res.server({ maxConnections: 1 });
    await res.socket(server);
    const second = res.track(new TestClient(server.url));
    await assert.rejects(within(second.opened, 'refusal'), /HTTP 503/);
  });

  describe('headers of the JSON answers', () => {
    for (const [what, path, method, status] of [
      ['health', '/healthz', 'GET', 200],
      ['dev token', '/dev/token?userId=alice', 'GET', 200],
      ['bad dev token request', '/dev/token?userId=', 'GET', 400],
      ['unknown path', '/nope', 'GET', 404],
      ['other method', '/healthz', 'POST', 405],
    ] as const) {
      it(`${what}: no sniffing, no caching, no framing`, async () => {
        const server = await res.server({ dev: true });
        const response = await fetch(`${server.httpUrl}${path}`, { method });
        assert.equal(response.status, status);
        assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
        assert.equal(response.headers.get('x-frame-options'), 'DENY');
        await response.body?.cancel();
      });
    }

    it('a refused upgrade too', async () => {
      const server = await res.server();
      const client = res.track(new TestClient(`ws://127.0.0.1:${server.port}/other`));
      const headers = await within(
        new Promise<Record<string, string | string[] | undefined>>((resolve) =>
          client.ws.once('unexpected-response', (_request, response) => {
            response.resume();
            resolve(response.headers);
          }),
        ),
        'the refusal',
      );
      assert.equal(headers['x-content-type-options'], 'nosniff');
      assert.equal(headers['cache-control'], 'no-store');
      assert.equal(headers['x-frame-options'], 'DENY');
      assert.match(String(headers['content-security-policy']), /frame-ancestors 'none'/);
    });
  });

  describe('dev token route', () => {
    it('mints a valid token in dev mode', async () => {
      const server = await res.server({ dev: true });
      const response = await fetch(
        `${server.httpUrl}/dev/token?userId=alice&userName=Alice&avatarUrl=${encodeURIComponent('https://example.com/a.png')}`,
      );
      assert.equal(response.status, 200);
      const body = (await response.json()) as { token: string };
      const verified = await verifyToken(body.token, SECRET);
      assert.ok(verified.isSuccess);
      assert.deepEqual(verified.data.user, {
        userId: 'alice',
        userName: 'Alice',
        avatarUrl: 'https://example.com/a.png',
      });
    });

    it('mints tokens the server accepts in dev mode without a secret', async () => {
      const server = await res.server({ dev: true, secret: '' });
      const response = await fetch(`${server.httpUrl}/dev/token?userId=bob`);
      const { token } = (await response.json()) as { token: string };
      const client = await res.socket(server);
      client.hello(token);
      const welcome = await client.waitFor((m) => m.type === 'welcome');
      assert.equal(welcome.type === 'welcome' && welcome.user.userName, 'bob');
      assert.ok(!(await verifyToken(token, SECRET)).isSuccess, 'a random secret, not the test one');
    });

    it('is 404 outside dev mode', async () => {
      const server = await res.server();
      const response = await fetch(`${server.httpUrl}/dev/token?userId=alice`);
      assert.equal(response.status, 404);
      await response.body?.cancel();
    });

    for (const query of [
      '',
      'userId=',
      'userId=has%20space',
      `userId=${'a'.repeat(65)}`,
      'userId=%3Cscript%3E',
    ]) {
      it(`answers 400 with a JSON error to "${query.slice(0, 30)}"`, async () => {
        const server = await res.server({ dev: true });
        const response = await fetch(`${server.httpUrl}/dev/token?${query}`);
        assert.equal(response.status, 400);
        const body = (await response.json()) as { error: string };
        assert.match(body.error, /userId/);
      });
    }

    it('answers 400 to a bad avatar url', async () => {
      const server = await res.server({ dev: true });
      const response = await fetch(`${server.httpUrl}/dev/token?userId=alice&avatarUrl=javascript:alert(1)`);
      assert.equal(response.status, 400);
      const body = (await response.json()) as { error: string };
      assert.match(body.error, /avatarUrl/);
    });
  });

  it('refuses to start without a secret outside dev mode', async () => {
    await assert.rejects(res.server({ secret: '' }), /secret/);
  });
});
