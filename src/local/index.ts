/**
 * `co-guest-kit/local`: live rooms inside the page, with no server (Storybook, docs, browser tests).
 * A local hub is the same hub the server wraps; sessions reach it through the same JSON text,
 * delivered asynchronously like a socket:
 *
 * ```ts
 * const hub = createLocalHub();
 * const host = createSession();
 * await host.loginStore.login({ hub, user: { userId: 'host', userName: 'Host', avatarUrl: '' } });
 * ```
 */
import { createHub, type Hub, type HubConnection, type HubOptions, type HubPeer } from '../hub/index.js';
import type { UserInfo } from '../protocol/types.js';

/** Options of `createLocalHub`: those of the hub (scheduler, room limits...). */
export type LocalHubOptions = HubOptions;

/** An in-page hub that sessions log in to with `login({ hub, user })`. */
export interface LocalHub extends Hub {
  /**
   * Cuts the connections of `userId` (every user when omitted) as a network failure would: the hub
   * starts the grace period and the sessions reconnect. For stories and tests of reconnects.
   */
  dropConnections(userId?: string): number;
}

/** Creates an in-page hub. */
export function createLocalHub(options: LocalHubOptions = {}): LocalHub {
  const hub = createHub(options);
  const open = new Set<{ readonly userId: string; readonly drop: () => void }>();
  return {
    connect(user: UserInfo, peer: HubPeer): HubConnection {
      const entry = {
        userId: user.userId,
        drop: (): void => {
          open.delete(entry);
          connection.disconnected();
          peer.close(1006, 'connection lost');
        },
      };
      const forget = (): void => {
        open.delete(entry);
      };
      const connection = hub.connect(user, {
        send: (text) => peer.send(text),
        close: (code, reason) => {
          forget();
          peer.close(code, reason);
        },
      });
      open.add(entry);
      return {
        user: connection.user,
        receive: (text) => connection.receive(text),
        disconnected: () => {
          forget();
          connection.disconnected();
        },
      };
    },
    get liveCount() {
      return hub.liveCount;
    },
    get connectionCount() {
      return hub.connectionCount;
    },
    shutdown(message?: string) {
      open.clear();
      hub.shutdown(message);
    },
    dropConnections(userId?: string): number {
      let count = 0;
      for (const entry of [...open]) {
        if (userId !== undefined && entry.userId !== userId) continue;
        entry.drop();
        count++;
      }
      return count;
    },
  };
}

export type { Hub, HubOptions };
