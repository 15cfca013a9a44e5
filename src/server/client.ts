/**
 * One socket, as the server sees it (`Client`), and what every part of the server does to one:
 * name it in a log line, stop its timers, close it.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { HubConnection, HubPeer } from '../hub/index.js';
import { addressKey, normalizeAddress } from './address.js';
import type { AddressCount } from './connection-limits.js';
import type { Budgets } from './rate-limiter.js';

/** `handshake`: waiting for `hello`; `verifying`: checking its token; `open`: in the hub. */
export type Phase = 'handshake' | 'verifying' | 'open' | 'closing';

/**
 * One socket, as the server sees it. It is also the hub's peer for this socket (`send`, `close`)
 * and the holder of its rate budgets: the methods are shared by every client, and so are the
 * handlers of the socket's events (see `ClientSocket` in server.ts), so that a member costs the
 * server this object and no closures.
 */
export interface Client extends HubPeer, Budgets {
  readonly ws: WebSocket;
  /** The TCP socket, for the remote address in log lines. */
  readonly socket: Socket;
  /** The sockets of the client's address (shared by all of them), for the per-address limits. */
  readonly address: AddressCount;
  phase: Phase;
  hubConnection: HubConnection | null;
  userId: string | null;
  alive: boolean;
  handshakeTimer: ReturnType<typeof setTimeout> | null;
  /** The timer of the token's end, armed once that end is near (see `scheduleExpiry`). */
  expiryTimer: ReturnType<typeof setTimeout> | null;
  /** When the token ends (ms since the epoch); `Infinity` before the handshake. */
  expiresAt: number;
  /** Messages that arrived while the token was being verified (made on the first one). */
  early: string[] | null;
}

/**
 * `address:port` of the client's socket, for log lines, followed by the client's address when a
 * trusted proxy forwarded it (`127.0.0.1:50412 for 203.0.113.9`).
 */
export function remoteOf(client: Client): string {
  const peer = client.socket.remoteAddress ?? '?';
  const direct = `${peer}:${client.socket.remotePort ?? '?'}`;
  const key = addressKey(normalizeAddress(peer) ?? peer);
  return key === client.address.key ? direct : `${direct} for ${client.address.key}`;
}

/** Stops the client's handshake and expiry timers. */
export function clearTimers(client: Client): void {
  if (client.handshakeTimer) clearTimeout(client.handshakeTimer);
  if (client.expiryTimer) clearTimeout(client.expiryTimer);
  client.handshakeTimer = null;
  client.expiryTimer = null;
}

/** Shortens a close reason to the 123 bytes a close frame allows. */
function reasonText(reason: string): string {
  let text = reason;
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
  return text;
}

/** Starts the close handshake (once); the socket's `close` event releases the client. */
export function closeClient(client: Client, code: number, reason: string): void {
  if (client.phase === 'closing') return;
  client.phase = 'closing';
  clearTimers(client);
  try {
    client.ws.close(code, reasonText(reason));
  } catch {
    client.ws.terminate();
  }
}
