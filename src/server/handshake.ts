/**
 * From an open socket to a member of the hub, and out again when the token ends: the client has
 * `handshakeTimeoutMs` to send `hello` with the protocol version and a signed token; once the
 * token checks out the client joins the hub (which sends `welcome`), the messages that arrived
 * meanwhile follow, and the token's end closes the socket with `bye {reason:'tokenExpired'}`.
 */
import type { Hub } from '../hub/index.js';
import { CloseCode } from '../protocol/errors.js';
import type { ByeMessage } from '../protocol/messages.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { closeClient, remoteOf, type Client } from './client.js';
import { SILENT_LOGGER, type ResolvedOptions } from './options.js';
import { verifyToken } from './token.js';

/** Messages a client may send while its token is being checked. */
const MAX_EARLY_MESSAGES = 16;
/** Longest delay `setTimeout` accepts. */
const MAX_TIMER_MS = 2_147_483_647;

/** The handshake of every client of one server. */
export interface Handshake {
  /** Arms the `hello` timeout of a new client. */
  awaitHello(client: Client): void;
  /** The client's first message (phase `handshake`): checks it and its token, then opens the client. */
  hello(client: Client, text: string): Promise<void>;
  /** A message that arrived while the token was being checked (phase `verifying`): kept for later. */
  early(client: Client, text: string): void;
  /**
   * Arms the exact timer of the token's end once it is within two heartbeat intervals; until then
   * the heartbeat's tick, which visits every client anyway, calls this again. A member with a
   * long-lived token costs no timer.
   */
  scheduleExpiry(client: Client): void;
}

/**
 * The handshake of a server's clients. `onSignedIn` is told of each client whose token checked out,
 * the moment it becomes a user (before the hub sends `welcome`).
 */
export function createHandshake(
  options: ResolvedOptions,
  hub: Hub,
  onSignedIn: (client: Client) => void,
): Handshake {
  const { logger, secret, handshakeTimeoutMs, heartbeatIntervalMs } = options;
  const { serialize } = options.hub;

  function sendBye(client: Client, bye: ByeMessage): void {
    try {
      if (client.ws.readyState === client.ws.OPEN) client.ws.send(serialize(bye));
    } catch {
      // The socket is going away anyway.
    }
  }

  function expire(client: Client): void {
    logger.info(`token of ${client.userId ?? '?'} expired`);
    sendBye(client, {
      type: 'bye',
      reason: 'tokenExpired',
      message: 'your token expired; get a new one and reconnect',
    });
    closeClient(client, CloseCode.TOKEN_EXPIRED, 'token expired');
  }

  function armExpiry(client: Client, expiresAt: number): void {
    const delay = expiresAt - Date.now();
    if (delay <= 0) {
      expire(client);
      return;
    }
    client.expiryTimer = setTimeout(
      () => {
        client.expiryTimer = null;
        if (client.phase !== 'open') return;
        if (Date.now() >= expiresAt) expire(client);
        else armExpiry(client, expiresAt);
      },
      Math.min(delay, MAX_TIMER_MS),
    );
    client.expiryTimer.unref();
  }

  function scheduleExpiry(client: Client): void {
    if (client.expiryTimer !== null || client.phase !== 'open') return;
    if (client.expiresAt - Date.now() <= 2 * heartbeatIntervalMs) armExpiry(client, client.expiresAt);
  }

  return {
    scheduleExpiry,

    awaitHello(client) {
      client.handshakeTimer = setTimeout(() => {
        client.handshakeTimer = null;
        if (client.phase === 'handshake') {
          closeClient(client, CloseCode.HANDSHAKE_TIMEOUT, `no hello within ${handshakeTimeoutMs} ms`);
        }
      }, handshakeTimeoutMs);
      client.handshakeTimer.unref();
    },

    async hello(client, text) {
      client.phase = 'verifying';
      if (client.handshakeTimer) clearTimeout(client.handshakeTimer);
      client.handshakeTimer = null;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        raw = null;
      }
      if (typeof raw !== 'object' || raw === null || (raw as { type?: unknown }).type !== 'hello') {
        logger.warn(`refused ${remoteOf(client)}: first message is not hello`);
        closeClient(
          client,
          CloseCode.BAD_HANDSHAKE,
          'bad handshake: the first message must be {"type":"hello"}',
        );
        return;
      }
      const hello = raw as { protocol?: unknown; token?: unknown };
      if (hello.protocol !== PROTOCOL_VERSION) {
        logger.warn(`refused ${remoteOf(client)}: protocol ${String(hello.protocol)}`);
        closeClient(
          client,
          CloseCode.UNSUPPORTED_PROTOCOL,
          `unsupported protocol ${String(hello.protocol).slice(0, 16)}; this server speaks ${PROTOCOL_VERSION}`,
        );
        return;
      }
      const verified = await verifyToken(hello.token, secret);
      if (client.phase !== 'verifying') return;
      if (!verified.isSuccess) {
        logger.warn(`refused ${remoteOf(client)}: ${verified.errorMessage}`);
        if (verified.reason === 'expired') {
          closeClient(client, CloseCode.TOKEN_EXPIRED, 'token expired: get a new token and reconnect');
        } else {
          closeClient(client, CloseCode.UNAUTHORIZED, `unauthorized: ${verified.errorMessage}`);
        }
        return;
      }
      const { user, expiresAt } = verified.data;
      client.phase = 'open';
      client.userId = user.userId;
      onSignedIn(client);
      client.hubConnection = hub.connect(user, client);
      // Only for a logger that listens: asking a socket for its remote address makes Node keep it on
      // the socket (some 80 bytes per member), a cost a line that nobody reads need not have.
      if (logger !== SILENT_LOGGER) logger.info(`user ${user.userId} connected from ${remoteOf(client)}`);
      client.expiresAt = expiresAt;
      scheduleExpiry(client);
      const early = client.early ?? [];
      client.early = null;
      for (const message of early) {
        if (client.phase !== 'open' || !client.hubConnection) break;
        client.hubConnection.receive(message);
      }
    },

    early(client, text) {
      client.early ??= [];
      if (client.early.length >= MAX_EARLY_MESSAGES) {
        closeClient(client, CloseCode.POLICY, 'too many messages before welcome');
        return;
      }
      client.early.push(text);
    },
  };
}
