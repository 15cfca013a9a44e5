/**
 * The `Host` check of every request and upgrade (DNS rebinding). A page of another site can make
 * its own name resolve to this server's address (`127.0.0.1` for a server on the visitor's
 * machine); the browser then treats the server as that site and lets the page read its answers:
 * the dev token route, the health counts, the static files, and the WebSocket upgrade passes the
 * Origin check as "same origin". The browser still sends the hostile name in `Host`, so the server
 * answers only to names it knows, as dev servers do: `localhost` and `*.localhost`, IP addresses
 * (a page cannot rebind those: its origin would be the address itself), the bound host, and the
 * names listed in `allowedHosts`.
 */
import { isIP } from 'node:net';
import { isLoopbackHost } from './origin.js';

/** Answers whether a request with this `Host` header (absent: `undefined`) may be served. */
export type HostCheck = (host: string | undefined) => boolean;

/** Written as `*` in `allowedHosts`: every host is allowed (the check is off). */
export const ANY_HOST = '*';

const HOST_NAME =
  /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/**
 * The host name of a `Host` header: lower case, port and a trailing dot taken off, an IPv6 address
 * in brackets (`[::1]`). `null` when it is not a host name or an IP address.
 */
export function hostnameOf(header: string): string | null {
  const value = header.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed?.[1] !== undefined) return isIP(bracketed[1]) === 6 ? `[${bracketed[1]}]` : null;
  const match = /^([^:]+?)\.?(?::\d{1,5})?$/.exec(value);
  const name = match?.[1];
  if (name === undefined || name.length > 253 || !HOST_NAME.test(name)) return null;
  return name;
}

/**
 * Normalizes one entry of `allowedHosts`: a host name (`live.example.com`), a name with a leading
 * dot for it and every subdomain (`.example.com`), an IP address, or `*`. Lower case, no port.
 * `null` for anything else (a scheme, a path, a port, spaces).
 */
export function normalizeAllowedHost(text: string): string | null {
  const value = text.trim().toLowerCase();
  if (value === ANY_HOST) return value;
  if (isIP(value) === 6) return `[${value}]`;
  const subdomains = value.startsWith('.');
  const name = subdomains ? value.slice(1) : value;
  if (name === '' || /[:/]/.test(name.replace(/^\[[0-9a-f:.]+\]$/, ''))) return null;
  const host = hostnameOf(name);
  if (host === null || (subdomains && host.startsWith('['))) return null;
  return subdomains ? `.${host}` : host;
}

/** Whether `hostname` (as `hostnameOf` gives it) is an IPv4 address or a bracketed IPv6 one. */
function isAddress(hostname: string): boolean {
  if (hostname.startsWith('[')) return isIP(hostname.slice(1, -1)) === 6;
  return isIP(hostname) === 4;
}

/**
 * Builds the check: `allowed` as normalized by `normalizeAllowedHost`, `boundHost` the interface the
 * server listens on (`options.host`).
 */
export function createHostCheck(allowed: readonly string[], boundHost: string): HostCheck {
  if (allowed.includes(ANY_HOST)) return () => true;
  const exact = new Set(allowed.filter((host) => !host.startsWith('.')));
  const suffixes = allowed.filter((host) => host.startsWith('.'));
  const bound = hostnameOf(isIP(boundHost) === 6 ? `[${boundHost}]` : boundHost);
  if (bound !== null) exact.add(bound);
  return (header) => {
    // Browsers always send `Host`; a request without one is not a page being rebound.
    if (header === undefined) return true;
    const hostname = hostnameOf(header);
    if (hostname === null) return false;
    if (exact.has(hostname) || isAddress(hostname) || isLoopbackHost(hostname)) return true;
    return suffixes.some((suffix) => hostname === suffix.slice(1) || hostname.endsWith(suffix));
  };
}
