/**
 * The plain HTTP requests of the server (the WebSocket upgrade is server.ts's). Every request must
 * name a host the server answers to (see host.ts), else 403.
 *
 * - `GET /healthz`: `{status:'ok'|'closing', lives, connections}`;
 * - `GET /dev/token?userId=…&userName=…&avatarUrl=…` in dev mode only: `{token}` for anyone;
 * - with `staticDir`, every other path but `/ws`: the folder's files (see static.ts).
 *
 * Anything else is 404; a method other than `GET` or `HEAD` on a route is 405. Bodies are JSON.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Hub } from '../hub/index.js';
import { ID_PATTERN } from '../protocol/messages.js';
import { API_HEADERS } from './headers.js';
import type { HostCheck } from './host.js';
import type { ResolvedOptions } from './options.js';
import type { StaticFiles } from './static.js';
import { createToken } from './token.js';

/** What the routes read from the running server. */
export interface HttpRoutesContext {
  readonly options: ResolvedOptions;
  readonly hub: Hub;
  /** The static files, or `null` without `staticDir`. */
  readonly staticFiles: StaticFiles | null;
  /** Whether a request's `Host` names this server. */
  readonly hostAllowed: HostCheck;
  /** Whether `close()` has been called (`/healthz` then answers `closing`). */
  isClosing(): boolean;
}

/** A JSON answer, with the headers of every API answer (`API_HEADERS`). */
export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...API_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The answer to a request whose `Host` the server does not answer to (also the upgrade's). */
export function hostRefusal(host: string | undefined): string {
  return `host ${JSON.stringify((host ?? '').slice(0, 100))} is not allowed; list it in allowedHosts (--allowed-host)`;
}

async function devToken(secret: string, url: URL, res: ServerResponse): Promise<void> {
  const userId = url.searchParams.get('userId') ?? '';
  if (!ID_PATTERN.test(userId)) {
    json(res, 400, { error: 'userId must be 1..64 characters of A-Z a-z 0-9 _ . @ -' });
    return;
  }
  const userName = url.searchParams.get('userName') ?? userId;
  const avatarUrl = url.searchParams.get('avatarUrl') ?? '';
  let token: string;
  try {
    token = await createToken({ secret, userId, userName, avatarUrl });
  } catch (error) {
    json(res, 400, {
      error: error instanceof Error ? error.message.replace(/^createToken: /, '') : 'invalid request',
    });
    return;
  }
  json(res, 200, { token });
}

/** The `request` listener of the server's HTTP server. A request that fails answers 500. */
export function createRequestListener(context: HttpRoutesContext): RequestListener {
  const { options, hub, staticFiles, hostAllowed } = context;

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host;
    if (!hostAllowed(host)) {
      const reason = hostRefusal(host);
      options.logger.warn(`refused request ${(req.url ?? '').slice(0, 100)}: ${reason}`);
      json(res, 403, { error: reason });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route =
      url.pathname === '/healthz'
        ? 'health'
        : options.dev && url.pathname === '/dev/token'
          ? 'token'
          : staticFiles !== null && url.pathname !== '/ws'
            ? 'static'
            : null;
    if (route === null) {
      json(res, 404, { error: 'not found' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      json(res, 405, { error: 'method not allowed' });
      return;
    }
    if (route === 'health') {
      json(res, 200, {
        status: context.isClosing() ? 'closing' : 'ok',
        lives: hub.liveCount,
        connections: hub.connectionCount,
      });
      return;
    }
    if (route === 'static') {
      if (!(await staticFiles?.serve(req, res))) json(res, 404, { error: 'not found' });
      return;
    }
    await devToken(options.secret, url, res);
  }

  return (req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      options.logger.warn(`request ${req.url ?? ''} failed: ${String(error)}`);
      if (!res.headersSent) json(res, 500, { error: 'internal server error' });
      else res.destroy();
    });
  };
}
