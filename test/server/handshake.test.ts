import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  CloseCode,
  ErrorCode,
  type ByeMessage,
  type ErrorMessage,
  type WelcomeMessage,
} from '../../src/protocol/index.js';
import { createToken } from '../../src/server/token.js';
import { Resources, SECRET, token } from './helpers.js';

describe('server handshake', () => {
  const res = new Resources();
  afterEach(() => res.dispose());

  it('welcomes a user with a valid token', async () => {
    const server = await res.server();
    const client = await res.socket(server);
    client.hello(await token('alice'));
    const welcome = await client.waitFor<WelcomeMessage>((m) => m.type === 'welcome');
    assert.equal(welcome.protocol, 1);
    assert.deepEqual(welcome.user, { userId: 'alice', userName: 'Name of alice', avatarUrl: '' });
    assert.equal(typeof welcome.serverTime, 'number');
    assert.equal(server.hub.connectionCount, 1);
  });

  const refusals: [string, () => Promise<unknown>, number][] = [
    ['a missing token', () => Promise.resolve(undefined), CloseCode.UNAUTHORIZED],
    ['an empty token', () => Promise.resolve(''), CloseCode.UNAUTHORIZED],
    ['a token of the wrong type', () => Promise.resolve(12345), CloseCode.UNAUTHORIZED],
    ['a garbage token', () => Promise.resolve('not.a.jwt'), CloseCode.UNAUTHORIZED],
    [
      'a forged signature',
      async () => {
        const real = await token('alice');
        const [header, payload] = real.split('.') as [string, string];
        return `${header}.${payload}.${Buffer.from('forged-signature-bytes-here-000000').toString('base64url')}`;
      },
      CloseCode.UNAUTHORIZED,
    ],
    [
      'a token signed with another secret',
      () => token('alice', { secret: 'wrong-secret' }),
      CloseCode.UNAUTHORIZED,
    ],
    ['an expired token', () => token('alice', { expiresIn: -60 }), CloseCode.TOKEN_EXPIRED],
  ];
  for (const [name, makeToken, code] of refusals) {
    it(`refuses ${name} with ${code}`, async () => {
      const server = await res.server();
      const client = await res.socket(server);
      client.hello(await makeToken());
      const closed = await client.waitClose();
      assert.equal(closed.code, code);
      assert.ok(closed.reason.length > 0, 'a readable reason');
      assert.equal(client.messages.filter((m) => m.type === 'welcome').length, 0);
      assert.equal(server.hub.connectionCount, 0);
    });
  }

  it('refuses a wrong protocol version with 4004', async () => {
    const server = await res.server();
    const client = await res.socket(server);
    client.hello(await token('alice'), 999);
    const closed = await client.waitClose();
    assert.equal(closed.code, CloseCode.UNSUPPORTED_PROTOCOL);
    assert.match(closed.reason, /protocol/);
  });

  it('closes with 4003 when no hello arrives in time', async () => {
    const server = await res.server({ handshakeTimeoutMs: 50 });
    const client = await res.socket(server);
    const closed = await client.waitClose();
    assert.equal(closed.code, CloseCode.HANDSHAKE_TIMEOUT);
  });

  const badFirst: [string, unknown][] = [
    ['a command', { type: 'cmd', id: '1', name: 'live.list', args: {} }],
    ['invalid JSON', '{"type": "hello"'],
    ['a JSON array', '[1,2,3]'],
    ['an unknown type', { type: 'hi' }],
  ];
  for (const [name, message] of badFirst) {
    it(`closes with 4000 when the first message is ${name}`, async () => {
      const server = await res.server();
      const client = await res.socket(server);
      client.send(message);
      const closed = await client.waitClose();
      assert.equal(closed.code, CloseCode.BAD_HANDSHAKE);
    });
  }

  it('answers a second hello with an error and stays usable', async () => {
    const server = await res.server();
    const client = await res.connect(server, 'alice');
    const from = client.mark();
    client.hello(await token('alice'));
    const error = await client.waitFor<ErrorMessage>((m) => m.type === 'error', 'error', from);
    assert.equal(error.code, ErrorCode.INVALID_ARGUMENT);
    const reply = await client.command('live.list', {});
    assert.ok(reply.result.isSuccess);
  });

  it('handles commands sent right after hello, before the welcome', async () => {
    const server = await res.server();
    const client = await res.socket(server);
    client.hello(await token('alice'));
    client.send({ type: 'cmd', id: 'early', name: 'live.list', args: {} });
    const reply = await client.waitFor((m) => m.type === 'reply' && m.id === 'early');
    assert.equal(reply.type, 'reply');
    const welcomeIndex = client.messages.findIndex((m) => m.type === 'welcome');
    assert.equal(welcomeIndex, 0, 'the welcome comes first');
  });

  it('says bye and closes with 4002 when the token expires while connected', async () => {
    const server = await res.server();
    const client = await res.socket(server);
    client.hello(await createToken({ secret: SECRET, userId: 'alice', userName: 'Alice', expiresIn: 2 }));
    await client.waitFor((m) => m.type === 'welcome');
    const bye = await client.waitFor<ByeMessage>((m) => m.type === 'bye', 'bye', 0, 4_000);
    assert.equal(bye.reason, 'tokenExpired');
    const closed = await client.waitClose();
    assert.equal(closed.code, CloseCode.TOKEN_EXPIRED);
  });

  it('closes with 4002 at the end of a token that outlives two heartbeat intervals', async () => {
    // The token's end is not timed at the handshake (2 s > 2 × 300 ms): the heartbeat arms it later.
    const server = await res.server({ heartbeatIntervalMs: 300 });
    const client = await res.socket(server);
    client.hello(await createToken({ secret: SECRET, userId: 'alice', userName: 'Alice', expiresIn: 2 }));
    await client.waitFor((m) => m.type === 'welcome');
    const bye = await client.waitFor<ByeMessage>((m) => m.type === 'bye', 'bye', 0, 4_000);
    assert.equal(bye.reason, 'tokenExpired');
    const closed = await client.waitClose();
    assert.equal(closed.code, CloseCode.TOKEN_EXPIRED);
  });

  it('replaces the first connection of a user with 4005', async () => {
    const server = await res.server();
    const first = await res.connect(server, 'alice');
    const second = await res.connect(server, 'alice');
    const bye = await first.waitFor<ByeMessage>((m) => m.type === 'bye');
    assert.equal(bye.reason, 'replaced');
    assert.equal((await first.waitClose()).code, CloseCode.REPLACED);
    const reply = await second.command('live.list', {});
    assert.ok(reply.result.isSuccess);
    assert.equal(server.hub.connectionCount, 1);
  });
});
