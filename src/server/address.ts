/**
 * Which client a connection comes from, for the per-address limits and the log lines.
 *
 * - The socket's peer, unless that peer is a trusted proxy (`trustedProxies`): then the address
 *   its `X-Forwarded-For` names (or, without that header, its `Forwarded`), read from the right:
 *   each proxy appends the address it saw, so the nearest entry that is not itself a trusted proxy
 *   is the client, and whatever the client wrote further left is not believed. From any other peer
 *   those headers are ignored: a client cannot choose the address it is counted under.
 * - Counted by `addressKey`: an IPv4 address as it is, an IPv6 address by its /64 (one subscriber
 *   commonly holds a whole /64, so counting single IPv6 addresses would let it multiply its share).
 */
import { BlockList, isIP } from 'node:net';

/** The proxies whose forwarded headers are believed. */
export interface ProxyTrust {
  /** How many entries were given (0: no proxy is trusted). */
  readonly size: number;
  /** Whether `address` (normalized, see `normalizeAddress`) is a trusted proxy. */
  trusts(address: string): boolean;
}

/** The headers a forwarded address is read from (a request's `headers`). */
export interface ForwardedHeaders {
  readonly 'x-forwarded-for'?: string | string[] | undefined;
  readonly forwarded?: string | string[] | undefined;
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * An IP address in one form: lower case, an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, how a
 * dual-stack socket reports IPv4 peers) as its IPv4 address, no zone. `null` for anything else.
 */
export function normalizeAddress(text: string): string | null {
  const value = text.trim().toLowerCase().replace(/%.*$/s, '');
  const mapped = IPV4_MAPPED.exec(value);
  if (mapped?.[1] !== undefined && isIP(mapped[1]) === 4) return mapped[1];
  return isIP(value) === 0 ? null : value;
}

/**
 * One entry of `X-Forwarded-For` or one `for=` of `Forwarded` as an address: quotes, brackets and a
 * port taken off (`"[2001:db8::1]:4711"`, `192.0.2.1:8080`). `null` for `unknown`, obfuscated
 * names (`_hidden`) and anything else that is not an address.
 */
export function forwardedAddress(text: string): string | null {
  let value = text.trim();
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1] !== undefined) return normalizeAddress(bracketed[1]);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(value);
  if (withPort?.[1] !== undefined) return normalizeAddress(withPort[1]);
  return normalizeAddress(value);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The hops a request names, leftmost (the client, as the first proxy saw it) first: the entries of
 * `X-Forwarded-For`, or without that header the `for=` parameters of `Forwarded` (RFC 7239).
 * Entries that are not addresses are `null`. Empty when neither header is there.
 */
export function forwardedHops(headers: ForwardedHeaders): (string | null)[] {
  const xff = headerText(headers['x-forwarded-for']);
  if (xff !== undefined && xff.trim() !== '') return xff.split(',').map(forwardedAddress);
  const forwarded = headerText(headers.forwarded);
  if (forwarded === undefined || forwarded.trim() === '') return [];
  const hops: (string | null)[] = [];
  for (const element of forwarded.split(',')) {
    for (const pair of element.split(';')) {
      const equals = pair.indexOf('=');
      if (equals > 0 && pair.slice(0, equals).trim().toLowerCase() === 'for') {
        hops.push(forwardedAddress(pair.slice(equals + 1)));
      }
    }
  }
  return hops;
}

/** Whether a request carries a forwarded address (to tell an operator who trusts no proxy). */
export function hasForwardedHeader(headers: ForwardedHeaders): boolean {
  return headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined;
}

/**
 * The client's address: `peer` (the socket's remote address) unless it is a trusted proxy; then,
 * walking the forwarded hops from the right, the first that is not a trusted proxy. A hop that is
 * not an address stops the walk at the proxy that wrote it (the nearest trusted one). With every
 * hop trusted, the leftmost.
 */
export function clientAddress(peer: string, headers: ForwardedHeaders, trust: ProxyTrust): string {
  const direct = normalizeAddress(peer) ?? peer;
  if (trust.size === 0 || !trust.trusts(direct)) return direct;
  const hops = forwardedHops(headers);
  let nearest = direct;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (hop === null || hop === undefined) return nearest;
    if (!trust.trusts(hop)) return hop;
    nearest = hop;
  }
  return nearest;
}

/** The eight 16-bit groups of an IPv6 address (already checked with `isIP`), or `null`. */
function ipv6Groups(address: string): number[] | null {
  let text = address;
  // A dotted IPv4 tail (`64:ff9b::192.0.2.1`) is the last two groups.
  const ipv4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (ipv4) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4.slice(1).map(Number);
    text = `${text.slice(0, ipv4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const left = parse(halves[0] ?? '');
  if (halves.length === 1) return left.length === 8 ? left : null;
  if (halves.length !== 2) return null;
  const right = parse(halves[1] ?? '');
  const missing = 8 - left.length - right.length;
  if (missing < 0) return null;
  return [...left, ...Array<number>(missing).fill(0), ...right];
}

/** What one client address is counted under: IPv4 as it is, IPv6 by its /64 (`2001:db8:0:1::/64`). */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = ipv6Groups(address);
  if (groups === null) return address;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/**
 * Builds the trust of `list`: addresses (`127.0.0.1`, `::1`) and subnets (`10.0.0.0/8`,
 * `fd00::/8`). Throws a `TypeError` starting with `createServer:` for anything else.
 */
export function createProxyTrust(list: readonly string[]): ProxyTrust {
  const blocks = new BlockList();
  for (const entry of list) {
    const [base = '', prefix, extra] = entry.trim().split('/');
    const address = normalizeAddress(base);
    const family = address === null ? 0 : isIP(address);
    const bits = prefix === undefined ? null : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    const max = family === 4 ? 32 : 128;
    if (address === null || extra !== undefined || (bits !== null && (bits < 0 || bits > max))) {
      throw new TypeError(
        `createServer: trustedProxies has ${JSON.stringify(entry)}; write an address like 127.0.0.1 or a subnet like 10.0.0.0/8`,
      );
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === null) blocks.addAddress(address, type);
    else blocks.addSubnet(address, bits, type);
  }
  const size = list.length;
  return Object.freeze({
    size,
    trusts(address: string): boolean {
      const family = isIP(address);
      return size > 0 && family !== 0 && blocks.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  });
}
