/**
 * The connection budget by address: sockets that never say `hello` take at most a share of the
 * budget, and one address at most a few of them; a signed-in user still gets in. The client's
 * address is the socket's peer, or what a trusted proxy forwards; a forwarded header from anyone
 * else is ignored. Other clients are made with other loopback addresses (127.0.0.x) as their source.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ClientOptions } from 'ws';
import {
  addressKey,
  clientAddress,
  createProxyTrust,
  forwardedAddress,
  forwardedHops,
  normalizeAddress,
} from '../../src/server/address.js';
import type { ServerHandle } from '../../src/server/server.js';
import { LogLines, Resources, TestClient, token, within } from './helpers.js';

/** Opens a socket; resolves with 101 once upgraded (the socket stays open), else the refusal. */
async function open(
  res: Resources,
  server: ServerHandle,
  options: ClientOptions = {},
): Promise<{ status: number; client: TestClient; body: string }> {
  const client = res.track(new TestClient(server.url, options));
  return within(
    new Promise((resolve) => {
      client.ws.once('unexpected-response', (_request, response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, client, body }));
      });
      client.ws.once('open', () => resolve({ status: 101, client, body: '' }));
    }),
    'an upgrade',
  );
}

/** From the loopback address `127.0.0.<n>`. */
function from(n: number, headers: Record<string, string> = {}): ClientOptions {
  return { localAddress: `127.0.0.${n}`, headers };
}

describe('server connection budget by address', () => {
  const res = new Resources();
  afterEach(() => res.dispose());

  describe('handshakes in progress', () => {
    it('caps the sockets of one address that never say hello; a signed-in user still connects and acts', async () => {
      const log = new LogLines();
      const server = await res.server({
        maxConnections: 50,
        maxPendingHandshakesPerAddress: 3,
        logger: log.logger,
      });
      const flood = [];
      for (let i = 0; i < 3; i++) flood.push(await open(res, server, from(2)));
      assert.deepEqual(
        flood.map((one) => one.status),
        [101, 101, 101],
      );
      for (let i = 0; i < 5; i++) {
        const refused = await open(res, server, from(2));
        assert.equal(refused.status, 429);
        assert.match(refused.body, /too many handshakes in progress from 127\.0\.0\.2 \(at most 3\)/);
      }
      assert.match(await log.waitFor(/refused upgrade from 127\.0\.0\.2/), /handshakes in progress/);

      // Another address signs in and acts.
      const user = await res.connect(server, 'alice', from(3));
      await user.ok('live.create', { liveId: 'show' });
      // A socket of the flooding address that signs in frees its handshake slot for the next one.
      const first = flood[0]!.client;
      first.hello(await token('bob'));
      await first.waitFor((m) => m.type === 'welcome');
      assert.equal((await open(res, server, from(2))).status, 101);
    });

    it('caps the handshakes in progress of all addresses, keeping the rest of the budget for signed-in users', async () => {
      const server = await res.server({ maxConnections: 10, maxPendingHandshakes: 3 });
      const host = await res.connect(server, 'host', from(2));
      await host.ok('live.create', { liveId: 'show' });
      const pending = [];
      for (let n = 3; n < 6; n++) pending.push(await open(res, server, from(n)));
      assert.ok(pending.every((one) => one.status === 101));
      const refused = await open(res, server, from(6));
      assert.equal(refused.status, 503);
      assert.match(refused.body, /too many handshakes in progress \(3\)/);
      // The signed-in user goes on; once a handshake ends, a new user gets in.
      await host.ok('seat.lock', { liveId: 'show', seatIndex: 2, lockSeat: true });
      await pending[0]!.client.close();
      const viewer = await res.connect(server, 'viewer', from(7));
      await viewer.ok('live.join', { liveId: 'show' });
    });

    it('refuses the budget with a reason, Retry-After and the API headers', async () => {
      const server = await res.server({ maxPendingHandshakesPerAddress: 1 });
      await open(res, server, from(2));
      const client = res.track(new TestClient(server.url, from(2)));
      const headers = await within(
        new Promise<Record<string, string | string[] | undefined>>((resolve) =>
          client.ws.once('unexpected-response', (_request, response) => {
            response.resume();
            resolve(response.headers);
          }),
        ),
        'the refusal',
      );
      assert.equal(headers['retry-after'], '5');
      assert.equal(headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(headers['cache-control'], 'no-store');
      assert.equal(headers['x-content-type-options'], 'nosniff');
    });
  });

  describe('connections per address', () => {
    it('caps the open sockets of one address, signed in or not', async () => {
      const server = await res.server({ maxConnectionsPerAddress: 2 });
      await res.connect(server, 'ada', from(2));
      await res.connect(server, 'grace', from(2));
      const refused = await open(res, server, from(2));
      assert.equal(refused.status, 429);
      assert.match(refused.body, /too many connections from 127\.0\.0\.2 \(at most 2\)/);
      const other = await res.connect(server, 'linus', from(3));
      await other.ok('live.list', {});
    });

    it('gives the slot back when a socket closes', async () => {
      const server = await res.server({ maxConnectionsPerAddress: 1 });
      const first = await res.connect(server, 'ada', from(2));
      assert.equal((await open(res, server, from(2))).status, 429);
      await first.close();
      await res.connect(server, 'ada', from(2));
    });
  });

  describe('forwarded addresses', () => {
    it('ignores X-Forwarded-For and Forwarded from a peer that is not a trusted proxy, and says so once', async () => {
      const log = new LogLines();
      const server = await res.server({
        maxPendingHandshakesPerAddress: 2,
        trustedProxies: ['127.0.0.1'],
        logger: log.logger,
      });
      // 127.0.0.2 is not the trusted proxy: whatever it forwards, it is one address.
      assert.equal((await open(res, server, from(2, { 'X-Forwarded-For': '203.0.113.1' }))).status, 101);
      assert.equal((await open(res, server, from(2, { Forwarded: 'for=203.0.113.2' }))).status, 101);
      const refused = await open(res, server, from(2, { 'X-Forwarded-For': '203.0.113.3' }));
      assert.equal(refused.status, 429);
      assert.match(refused.body, /from 127\.0\.0\.2 /);

      // Without any trusted proxy, the operator is told (once) that forwarded addresses are ignored.
      const plain = await res.server({ logger: log.logger });
      assert.equal((await open(res, plain, from(2, { 'X-Forwarded-For': '203.0.113.4' }))).status, 101);
      assert.match(await log.waitFor(/forwarded address, which is ignored/), /trustedProxies/);
    });

    it('counts the address a trusted proxy forwards', async () => {
      const log = new LogLines();
      const server = await res.server({
        maxPendingHandshakesPerAddress: 2,
        trustedProxies: ['127.0.0.1', '10.0.0.0/8'],
        logger: log.logger,
      });
      const via = (headers: Record<string, string>) => from(1, headers);
      // Two clients behind the proxy: 203.0.113.7 (twice, once through a second proxy), then refused.
      assert.equal((await open(res, server, via({ 'X-Forwarded-For': '203.0.113.7' }))).status, 101);
      assert.equal(
        (await open(res, server, via({ 'X-Forwarded-For': '198.51.100.1, 203.0.113.7, 10.1.2.3' }))).status,
        101,
        'a client cannot choose its address by writing to the left of what the proxy appends',
      );
      const refused = await open(res, server, via({ Forwarded: 'for="203.0.113.7:4711";proto=https' }));
      assert.equal(refused.status, 429);
      assert.match(refused.body, /from 203\.0\.113\.7 /);
      assert.match(await log.waitFor(/refused upgrade from 203\.0\.113\.7/), /handshakes in progress/);
      // Another client behind the same proxy is counted on its own.
      assert.equal((await open(res, server, via({ 'X-Forwarded-For': '203.0.113.8' }))).status, 101);
      // The proxy's own connections (no forwarded address) count as the proxy.
      assert.equal((await open(res, server, from(1))).status, 101);
    });
  });

  describe('address helpers', () => {
    for (const [text, expected] of [
      ['127.0.0.1', '127.0.0.1'],
      ['::ffff:192.0.2.1', '192.0.2.1'],
      ['::FFFF:192.0.2.1', '192.0.2.1'],
      ['2001:DB8::1', '2001:db8::1'],
      ['fe80::1%eth0', 'fe80::1'],
      [' 10.0.0.1 ', '10.0.0.1'],
      ['unknown', null],
      ['192.0.2.1:80', null],
      ['', null],
    ] as const) {
      it(`normalizeAddress(${JSON.stringify(text)}) → ${JSON.stringify(expected)}`, () => {
        assert.equal(normalizeAddress(text), expected);
      });
    }

    for (const [text, expected] of [
      ['192.0.2.60', '192.0.2.60'],
      ['192.0.2.60:8080', '192.0.2.60'],
      ['"[2001:db8:cafe::17]:4711"', '2001:db8:cafe::17'],
      ['[2001:db8::1]', '2001:db8::1'],
      ['2001:db8::1', '2001:db8::1'],
      ['unknown', null],
      ['_hidden', null],
      ['"', null],
    ] as const) {
      it(`forwardedAddress(${JSON.stringify(text)}) → ${JSON.stringify(expected)}`, () => {
        assert.equal(forwardedAddress(text), expected);
      });
    }

    it('reads the hops of X-Forwarded-For, else of Forwarded', () => {
      assert.deepEqual(forwardedHops({ 'x-forwarded-for': '203.0.113.1, 10.0.0.1' }), [
        '203.0.113.1',
        '10.0.0.1',
      ]);
      assert.deepEqual(forwardedHops({ 'x-forwarded-for': ['203.0.113.1', 'junk'] }), ['203.0.113.1', null]);
      assert.deepEqual(
        forwardedHops({
          forwarded: 'for=192.0.2.43;proto=https, For="[2001:db8:cafe::17]:4711";by=10.0.0.1',
        }),
        ['192.0.2.43', '2001:db8:cafe::17'],
      );
      assert.deepEqual(
        forwardedHops({ 'x-forwarded-for': '198.51.100.9', forwarded: 'for=192.0.2.43' }),
        ['198.51.100.9'],
        'X-Forwarded-For wins',
      );
      assert.deepEqual(forwardedHops({}), []);
    });

    const trust = createProxyTrust(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    for (const [peer, headers, expected] of [
      ['203.0.113.5', { 'x-forwarded-for': '198.51.100.1' }, '203.0.113.5'],
      ['127.0.0.1', {}, '127.0.0.1'],
      ['127.0.0.1', { 'x-forwarded-for': '198.51.100.1' }, '198.51.100.1'],
      ['::ffff:127.0.0.1', { 'x-forwarded-for': '198.51.100.1' }, '198.51.100.1'],
      ['127.0.0.1', { 'x-forwarded-for': '1.2.3.4, 198.51.100.1, 10.9.9.9' }, '198.51.100.1'],
      ['127.0.0.1', { 'x-forwarded-for': '10.0.0.2, 10.0.0.3' }, '10.0.0.2'],
      ['127.0.0.1', { 'x-forwarded-for': '198.51.100.1, unknown' }, '127.0.0.1'],
      ['127.0.0.1', { 'x-forwarded-for': '198.51.100.1, unknown, 10.0.0.5' }, '10.0.0.5'],
      ['::1', { forwarded: 'for="[2001:db8::7]"' }, '2001:db8::7'],
      ['fd00::3', { forwarded: 'for=192.0.2.1, for=unknown' }, 'fd00::3'],
    ] as const) {
      it(`clientAddress(${peer}, ${JSON.stringify(headers)}) → ${expected}`, () => {
        assert.equal(clientAddress(peer, headers, trust), expected);
      });
    }

    it('trusts no proxy by default', () => {
      const none = createProxyTrust([]);
      assert.equal(clientAddress('127.0.0.1', { 'x-forwarded-for': '198.51.100.1' }, none), '127.0.0.1');
    });

    for (const entry of ['localhost', '10.0.0.0/33', '::1/129', '10.0.0.1/8/1', '1.2.3', 'fd00::/x']) {
      it(`refuses the trusted proxy ${JSON.stringify(entry)}`, () => {
        assert.throws(() => createProxyTrust([entry]), /createServer: trustedProxies has/);
      });
    }

    for (const [address, key] of [
      ['192.0.2.1', '192.0.2.1'],
      ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
      ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
      ['2001:db8::1', '2001:db8:0:0::/64'],
      ['::1', '0:0:0:0::/64'],
      ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ] as const) {
      it(`counts ${address} as ${key}`, () => {
        assert.equal(addressKey(address), key);
      });
    }
  });
});
