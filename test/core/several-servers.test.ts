/**
 * A session given several servers (`login({ serverUrl: [...] })`, the servers of one cluster): it
 * passes over one it cannot reach, and moves to another when its server goes away. Real servers on
 * 127.0.0.1 and `ws`'s WebSocket; the sockets a session opens are noted to say which server it is on.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { createSession, type WebSocketConstructor } from '../../src/core/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { webSocketConnector } from '../../src/core/transport.js';
import { createServer, createToken, type ServerHandle } from '../../src/server/index.js';
import { waitFor } from './helpers.js';

const SECRET = 'several-servers-secret';
const servers: ServerHandle[] = [];
const closing: (() => void)[] = [];

afterEach(async () => {
  for (const close of closing.splice(0)) close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(): Promise<ServerHandle> {
  const handle = await createServer({ port: 0, host: '127.0.0.1', secret: SECRET });
  servers.push(handle);
  return handle;
}

/** The URL of a port nothing listens on (a server started, then closed). */
async function deadUrl(): Promise<string> {
  const handle = await createServer({ port: 0, host: '127.0.0.1', secret: SECRET });
  const { url } = handle;
  await handle.close();
  return url;
}

/** `ws`'s WebSocket, noting the URL of every socket it opens. */
function notingWebSocket(): { WebSocket: WebSocketConstructor; opened: string[] } {
  const opened: string[] = [];
  class Noting extends WebSocket {
    constructor(url: string) {
      super(url);
      opened.push(url);
    }
  }
  return { WebSocket: Noting, opened };
}

function token(userId: string): Promise<string> {
  return createToken({ secret: SECRET, userId, userName: `Name ${userId}` });
}

describe('several servers', () => {
  it('passes over a server it cannot reach, in whichever order they come', async () => {
    const live = await server();
    const dead = await deadUrl();
    for (const start of [0, 0.99]) {
      const { WebSocket: Noting, opened } = notingWebSocket();
      const welcome = await new Promise<string>((resolve, reject) => {
        const transport = webSocketConnector(
          Noting,
          [dead, live.url],
          'not-a-token',
          () => start,
        )({
          onMessage: (text) => {
            transport.close(1000, 'done');
            resolve(text);
          },
          onClose: (code, reason) => reject(new Error(`closed ${code} ${reason}`)),
        });
      }).catch((error: unknown) => String(error));
      // The live server answered (it refuses the token: a close, or its first message): the dead
      // one was passed over when it came first.
      assert.equal(opened.at(-1), live.url, `opened: ${opened.join(' ')}; ${welcome}`);
      assert.deepEqual(opened, start === 0 ? [dead, live.url] : [live.url]);
    }
  });

  it('logs in through the one that answers, and says DISCONNECTED when none does', async () => {
    const live = await server();
    const dead = await deadUrl();
    const session = createSession({ WebSocket: WebSocket as unknown as WebSocketConstructor });
    closing.push(() => void session.loginStore.logout());
    const login = await session.loginStore.login({
      serverUrl: [dead, live.url, dead],
      token: await token('ada'),
    });
    assert.equal(login.isSuccess, true, login.errorMessage);
    await session.loginStore.logout();
    const none = await session.loginStore.login({ serverUrl: [dead, dead], token: await token('ada') });
    assert.equal(none.errorCode, ErrorCode.DISCONNECTED);
  });

  it('refuses an empty list, or an empty URL in it', async () => {
    const session = createSession({ WebSocket: WebSocket as unknown as WebSocketConstructor });
    for (const serverUrl of [[], ['ws://127.0.0.1:9/', ' ']]) {
      const refused = await session.loginStore.login({ serverUrl, token: await token('ada') });
      assert.equal(refused.errorCode, ErrorCode.INVALID_ARGUMENT);
      assert.match(refused.errorMessage, /serverUrl/);
    }
  });

  it('moves to another server when its server goes away', async () => {
    const first = await server();
    const second = await server();
    const { WebSocket: Noting, opened } = notingWebSocket();
    const session = createSession({
      WebSocket: Noting,
      reconnect: { baseDelayMs: 10, maxDelayMs: 100, jitter: 0 },
    });
    closing.push(() => void session.loginStore.logout());
    const login = await session.loginStore.login({
      serverUrl: [first.url, second.url],
      token: await token('ada'),
    });
    assert.equal(login.isSuccess, true, login.errorMessage);
    const on = opened.at(-1);
    const [gone, other] = on === first.url ? [first, second] : [second, first];
    await gone.close();
    servers.splice(servers.indexOf(gone), 1);
    await waitFor(session.$connection, (status) => status === 'reconnecting');
    await waitFor(session.$connection, (status) => status === 'connected');
    assert.equal(opened.at(-1), other.url, `opened: ${opened.join(' ')}`);
    assert.equal(session.loginStore.loginStatus.get(), 'loggedIn');
  });
});
