/**
 * How many sockets the server holds, and from whom: the budget of every upgrade.
 *
 * | limit                            | counts                                                  | past it  |
 * | -------------------------------- | ------------------------------------------------------- | -------- |
 * | `maxConnections`                 | open sockets                                            | HTTP 503 |
 * | `maxPendingHandshakes`           | sockets without a finished handshake, all addresses     | HTTP 503 |
 * | `maxConnectionsPerAddress`       | open sockets of one client address                      | HTTP 429 |
 * | `maxPendingHandshakesPerAddress` | sockets of one client address without a finished handshake | HTTP 429 |
 *
 * A socket is "pending" from its upgrade until its token checks out (or it closes): sockets that
 * never say `hello` hold at most a share of the budget, so the rest stays for signed-in users, and
 * one address cannot take even that share. Counts are kept per address key (see `addressKey`), in
 * one record per address that every socket of that address shares, dropped when its last socket
 * closes.
 */
import type { ResolvedOptions } from './options.js';

/** The sockets of one client address. */
export interface AddressCount {
  /** The address as counted (`addressKey`). */
  readonly key: string;
  /** Open sockets. */
  connections: number;
  /** Of those, the ones without a finished handshake. */
  pending: number;
}

/** Why an upgrade is refused: the HTTP status and a sentence for the client and the log. */
export interface Refusal {
  readonly status: 429 | 503;
  readonly reason: string;
}

export interface ConnectionLimits {
  /** Sockets without a finished handshake, from every address. */
  readonly pending: number;
  /** Whether one more socket of `key` fits, with `open` sockets open now; `null` when it does. */
  check(key: string, open: number): Refusal | null;
  /** Counts a new (pending) socket of `key`; the record goes on the socket's client. */
  opened(key: string): AddressCount;
  /** The socket's handshake finished: it is no longer pending. */
  signedIn(count: AddressCount): void;
  /** The socket is gone; `pending` when its handshake never finished. */
  closed(count: AddressCount, pending: boolean): void;
}

type Limits = Pick<
  ResolvedOptions,
  'maxConnections' | 'maxPendingHandshakes' | 'maxConnectionsPerAddress' | 'maxPendingHandshakesPerAddress'
>;

export function createConnectionLimits(limits: Limits): ConnectionLimits {
  const byAddress = new Map<string, AddressCount>();
  let pending = 0;

  return {
    get pending() {
      return pending;
    },

    check(key, open) {
      if (open >= limits.maxConnections) {
        return {
          status: 503,
          reason: `the server is full (${limits.maxConnections} connections); try again later`,
        };
      }
      const count = byAddress.get(key);
      if (count !== undefined && count.connections >= limits.maxConnectionsPerAddress) {
        return {
          status: 429,
          reason: `too many connections from ${key} (at most ${limits.maxConnectionsPerAddress})`,
        };
      }
      if (count !== undefined && count.pending >= limits.maxPendingHandshakesPerAddress) {
        return {
          status: 429,
          reason: `too many handshakes in progress from ${key} (at most ${limits.maxPendingHandshakesPerAddress}); send hello or close`,
        };
      }
      if (pending >= limits.maxPendingHandshakes) {
        return {
          status: 503,
          reason: `too many handshakes in progress (${limits.maxPendingHandshakes}); try again shortly`,
        };
      }
      return null;
    },

    opened(key) {
      let count = byAddress.get(key);
      if (count === undefined) {
        count = { key, connections: 0, pending: 0 };
        byAddress.set(key, count);
      }
      count.connections++;
      count.pending++;
      pending++;
      return count;
    },

    signedIn(count) {
      count.pending--;
      pending--;
    },

    closed(count, wasPending) {
      count.connections--;
      if (wasPending) {
        count.pending--;
        pending--;
      }
      if (count.connections <= 0 && byAddress.get(count.key) === count) byAddress.delete(count.key);
    },
  };
}
