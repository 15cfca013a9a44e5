// @ts-check
/**
 * The real signaling server for browser tests: a web-test-runner plugin whose commands, called from
 * the test page with `executeServerCommand` (@web/test-runner-commands), start and stop servers made
 * by `createServer` (src/server) in this Node process, on 127.0.0.1 and a free port, in dev mode.
 * The TypeScript sources load through tsx's ESM API, so the tests run the code as it is on disk.
 *
 * Commands (each resolves with JSON):
 *
 * - `server:start` → `{ id, url, httpUrl, tokenUrl }`: a new server. `url` is its WebSocket
 *   endpoint, `httpUrl` its HTTP base, `tokenUrl` a path on the test page's own origin that
 *   forwards to the server's `/dev/token` (see below). Payload (optional): `{ roomLimits }`.
 * - `server:token` `{ id, userId, userName?, avatarUrl?, expiresIn? }` → `{ token }`: a token signed
 *   with the server's secret (`createToken`; a negative `expiresIn` mints an expired one).
 * - `server:health` `{ id }` → the server's `GET /healthz` answer (`{ status, lives, connections }`).
 * - `server:stop` `{ id }` → `{ stopped: true }`: closes the server (graceful: lives end, clients
 *   get `bye`).
 *
 * `GET /__test/token?server=<id>&userId=…&userName=…&avatarUrl=…` on the test page's origin
 * forwards the query to that server's `/dev/token` and answers with its status and body (a `serve`
 * hook always answers 200, so the `transform` hook, which runs after it, sets the status): the dev
 * route is on another origin (the server's port) and sends no CORS headers, so a page's `token-url`
 * must be same-origin, as it is in a real deployment.
 *
 * Every server still open is closed when the test runner stops.
 */
import { randomBytes } from 'node:crypto';
import { tsImport } from 'tsx/esm/api';

/** The path on the test page's origin that forwards to a server's `/dev/token`. */
export const TOKEN_PATH = '/__test/token';

/** Where `serve` leaves the status of the forwarded answer for `transform`. */
const STATUS = Symbol('token status');

/**
 * @typedef {{ handle: import('../../../src/server/index.ts').ServerHandle; secret: string }} Running
 */

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function serverPlugin() {
  /** @type {Map<string, Running>} */
  const servers = new Map();
  let count = 0;
  /** @type {Promise<typeof import('../../../src/server/index.ts')> | null} */
  let api = null;
  const load = () => (api ??= tsImport('../../../src/server/index.ts', import.meta.url));

  /** @param {unknown} payload */
  function running(payload) {
    const id = /** @type {{ id?: unknown }} */ (payload ?? {}).id;
    const server = typeof id === 'string' ? servers.get(id) : undefined;
    if (server === undefined) throw new Error(`server plugin: no running server "${String(id)}"`);
    return server;
  }

  return {
    name: 'co-guest-kit-server',

    async executeCommand({ command, payload }) {
      switch (command) {
        case 'server:start': {
          const { createServer } = await load();
          const secret = randomBytes(32).toString('base64url');
          const { roomLimits } = /** @type {{ roomLimits?: object }} */ (payload ?? {});
          const handle = await createServer({
            port: 0,
            host: '127.0.0.1',
            dev: true,
            secret,
            ...(roomLimits ? { roomLimits } : {}),
          });
          const id = `s${++count}`;
          servers.set(id, { handle, secret });
          return {
            id,
            url: handle.url,
            httpUrl: handle.httpUrl,
            tokenUrl: `${TOKEN_PATH}?server=${id}`,
          };
        }
        case 'server:token': {
          const { secret } = running(payload);
          const { createToken } = await load();
          const { userId, userName, avatarUrl, expiresIn } =
            /** @type {{ userId: string; userName?: string; avatarUrl?: string; expiresIn?: number | string }} */ (
              payload
            );
          const token = await createToken({
            secret,
            userId,
            userName: userName ?? userId,
            ...(avatarUrl === undefined ? {} : { avatarUrl }),
            ...(expiresIn === undefined ? {} : { expiresIn }),
          });
          return { token };
        }
        case 'server:health': {
          const { handle } = running(payload);
          const response = await fetch(`${handle.httpUrl}/healthz`);
          return /** @type {unknown} */ (await response.json());
        }
        case 'server:stop': {
          const id = /** @type {{ id: string }} */ (payload).id;
          const { handle } = running(payload);
          servers.delete(id);
          await handle.close();
          return { stopped: true };
        }
        default:
          return undefined;
      }
    },

    async serve(context) {
      if (context.path !== TOKEN_PATH) return undefined;
      const server = servers.get(String(context.query.server ?? ''));
      if (server === undefined) {
        context.state[STATUS] = 404;
        return { body: JSON.stringify({ error: 'no such test server' }), type: 'application/json' };
      }
      const query = new URLSearchParams();
      for (const name of ['userId', 'userName', 'avatarUrl']) {
        const value = context.query[name];
        if (typeof value === 'string') query.set(name, value);
      }
      const response = await fetch(`${server.handle.httpUrl}/dev/token?${query.toString()}`);
      context.state[STATUS] = response.status;
      return {
        body: await response.text(),
        type: 'application/json',
        headers: { 'cache-control': 'no-store' },
      };
    },

    transform(context) {
      const status = context.state[STATUS];
      if (context.path === TOKEN_PATH && typeof status === 'number') context.status = status;
      return undefined;
    },

    async serverStop() {
      const open = [...servers.values()];
      servers.clear();
      await Promise.all(open.map(({ handle }) => handle.close()));
    },
  };
}
