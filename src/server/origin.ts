/**
 * The Origin check of the WebSocket upgrade (docs/decisions/0014): a browser always sends the
 * `Origin` of the page that opens a socket, and a page of another site must not reach the server
 * with its visitor's network position (cross-site WebSocket hijacking). Clients that are not
 * browsers send no `Origin`; they prove who they are with their token, like everyone.
 */

/** Answers whether a handshake with this `Origin` (absent: `undefined`) and `Host` may upgrade. */
export type OriginCheck = (origin: string | undefined, host: string | undefined) => boolean;

/** Origins written as `*` in `allowedOrigins`: every origin is allowed. */
export const ANY_ORIGIN = '*';

/**
 * Normalizes one allowed origin (`https://app.example.com`, `http://127.0.0.1:5173`, `null` or
 * `*`) to the form browsers send: scheme, host and port only, lower case, default port left out.
 * Returns `null` for anything else (a path, credentials, a scheme other than http(s)).
 */
export function normalizeOrigin(text: string): string | null {
  const value = text.trim();
  if (value === ANY_ORIGIN || value === 'null') return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return null;
  if (url.pathname !== '/' && url.pathname !== '') return null;
  return url.origin;
}

/** Whether `hostname` (as in a URL: IPv6 in brackets) names this machine's loopback interface. */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '[::1]' ||
    /^127(?:\.\d{1,3}){3}$/.test(name)
  );
}

/**
 * Builds the check. With an allow-list (`allowed` not empty): no `Origin`, the page's own origin
 * (the server's pages) and the listed origins (`*` allows all). Without one: no `Origin`, the
 * page's own origin, and any loopback origin (`http://localhost:5173`…: pages served on the
 * visitor's own machine, such as a dev server of the app or the kit's examples). Same origin
 * means the `Origin`'s host and port equal the `Host` header the browser sent (not the scheme:
 * behind a TLS proxy the page is `https:` while the server speaks plain HTTP), so a proxy must pass
 * `Host` on (or the origin must be listed).
 */
export function createOriginCheck(allowed: readonly string[]): OriginCheck {
  const list = new Set(allowed);
  const any = list.has(ANY_ORIGIN);
  return (origin, host) => {
    if (origin === undefined) return true;
    if (any || list.has(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      // `null` (sandboxed frames, file: pages) or garbage: only when listed, as checked above.
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    if (origin !== url.origin) return false;
    if (url.host === host?.toLowerCase()) return true;
    return list.size === 0 && isLoopbackHost(url.hostname);
  };
}
