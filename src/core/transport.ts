/**
 * Transports: how a session reaches a hub. Either a WebSocket to a server (any implementation with
 * the browser's API: the page's own, or `ws` in Node) or an in-page hub (local mode). Both carry the
 * same JSON text.
 */
import type { UserInfo } from '../protocol/types.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';

/** What a transport tells its session. */
export interface TransportHandlers {
  /** One text frame from the hub. */
  onMessage(text: string): void;
  /** The transport closed on its own (not after `Transport.close`). */
  onClose(code: number, reason: string): void;
}

/** One open (or opening) connection. */
export interface Transport {
  /** Sends one text frame. */
  send(text: string): void;
  /** Closes the transport; its handlers are not called afterwards. */
  close(code: number, reason: string): void;
}

/** Opens a transport. May throw (an invalid URL, for instance). */
export type Connector = (handlers: TransportHandlers) => Transport;

/**
 * The part of the browser's `WebSocket` a session uses. The page's `WebSocket` and `ws`'s
 * `WebSocket` both fit.
 */
export interface WebSocketLike {
  /** Sends one text frame. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Handlers the session sets; events carry `data` (message) and `code`/`reason` (close). */
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

/** A `WebSocket` class: `globalThis.WebSocket` in browsers and Node >= 22, `ws`'s in Node 20. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The peer a hub sends to (matches `HubPeer` of `src/hub`). */
export interface HubPeerLike {
  /** One text frame from the hub to the session. */
  send(text: string): void;
  /** The hub closes the connection. */
  close(code: number, reason: string): void;
}

/** A hub's side of one connection (matches `HubConnection` of `src/hub`). */
export interface HubConnectionLike {
  /** One text frame from the session to the hub. */
  receive(text: string): void;
  /** The session's side closed. */
  disconnected(): void;
}

/** Anything a session can attach to in the page, without a network (`createHub`, `createLocalHub`). */
export interface HubLike {
  /** Attaches `user`; the hub sends its welcome through `peer`. */
  connect(user: UserInfo, peer: HubPeerLike): HubConnectionLike;
}

/**
 * A connector that opens a WebSocket to one of `urls` and says `hello` with `token` once it is open.
 *
 * With several URLs (the servers of one cluster, any of which takes any client) it starts at a
 * random one, so that clients spread over them. A server that cannot be reached (its socket
 * closes before it opens) is passed over at once for the next one, each tried once per connection;
 * only when none opens does the session hear of the close. A connection that closes after it opened
 * (the server went away) makes the next connection start at the next URL.
 */
export function webSocketConnector(
  WebSocketClass: WebSocketConstructor,
  urls: string | readonly string[],
  token: string,
  random: () => number = Math.random,
): Connector {
  const list = typeof urls === 'string' ? [urls] : [...urls];
  let next = list.length > 1 ? Math.floor(random() * list.length) % list.length : 0;
  return (handlers) => {
    let open = true;
    let socket: WebSocketLike;
    let tried = 0;
    const dial = (): void => {
      const url = list[next]!;
      tried++;
      const current = new WebSocketClass(url);
      socket = current;
      let opened = false;
      current.onopen = () => {
        opened = true;
        if (open) trySend(current, JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token }));
      };
      current.onmessage = (event: { readonly data: unknown }) => {
        if (open && typeof event.data === 'string') handlers.onMessage(event.data);
      };
      current.onclose = (event: { readonly code: number; readonly reason: string }) => {
        if (!open || socket !== current) return;
        // The next connection starts at the next server: this one refused or went away.
        next = (next + 1) % list.length;
        if (!opened && tried < list.length) {
          dial();
          return;
        }
        open = false;
        handlers.onClose(event.code, event.reason);
      };
      // A `close` event always follows an `error` one; `ws` needs a handler to not throw.
      current.onerror = () => {
        // Nothing to do: the `close` event tells the session.
      };
    };
    dial();
    return {
      send: (text) => {
        if (open) trySend(socket, text);
      },
      close: (code, reason) => {
        open = false;
        try {
          socket.close(code, reason);
        } catch {
          // Already closing.
        }
      },
    };
  };
}

function trySend(socket: WebSocketLike, text: string): void {
  try {
    socket.send(text);
  } catch {
    // The socket is closing; its `close` event will tell the session.
  }
}

/**
 * A connector to an in-page hub for `user`. Frames go through the same JSON text as on the network,
 * each delivered in a microtask (in order) so the session sees the hub as it would see a server.
 */
export function hubConnector(hub: HubLike, user: UserInfo): Connector {
  return (handlers) => {
    /** The client closed (or was closed): nothing more is delivered to it. */
    let clientClosed = false;
    /** The hub closed: nothing more is delivered to the hub. */
    let hubClosed = false;
    const connection = hub.connect(user, {
      send: (text) => {
        queueMicrotask(() => {
          if (!clientClosed) handlers.onMessage(text);
        });
      },
      close: (code, reason) => {
        if (hubClosed) return;
        hubClosed = true;
        queueMicrotask(() => {
          connection.disconnected();
          if (clientClosed) return;
          clientClosed = true;
          handlers.onClose(code, reason);
        });
      },
    });
    return {
      send: (text) => {
        queueMicrotask(() => {
          if (!hubClosed) connection.receive(text);
        });
      },
      close: () => {
        clientClosed = true;
        queueMicrotask(() => {
          if (hubClosed) return;
          hubClosed = true;
          connection.disconnected();
        });
      },
    };
  };
}
