/**
 * The security headers of the server's answers (docs/decisions/0031).
 *
 * - JSON answers (`/healthz`, `/dev/token`, errors, refused upgrades): never cached, never sniffed
 *   as another type, never framed, and a policy that lets the body load nothing.
 * - Static files: the page policy below, never framed, never sniffed, and referrers cut to the
 *   origin when they leave it.
 */
import type { OutgoingHttpHeaders } from 'node:http';

/** The headers of every JSON answer. */
export const API_HEADERS: Readonly<OutgoingHttpHeaders> = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
});

/** A `Host` that may be written into a policy as it is (checked: no spaces, quotes or `;`). */
const POLICY_HOST = /^(?:[a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The Content-Security-Policy of the static pages (the demo, the examples): scripts, styles,
 * fonts and frames only from the server itself; images also from `data:`, `blob:` and any `https:`
 * address (users' avatars); connections to the server itself, its WebSocket included (`ws:` and
 * `wss:` of the request's `Host`, for browsers where `'self'` does not cover them); inline style
 * attributes allowed (`style-src-attr`: Lit's `styleMap` writes one on first render), `<style>`
 * elements not; no plugins; the page never framed.
 */
export function pagePolicy(host: string | undefined): string {
  const socket = host !== undefined && POLICY_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "media-src 'self' blob:",
    `connect-src 'self'${socket}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The security headers of every static answer (files, 304, redirects) for a request with `host`. */
export function staticHeaders(host: string | undefined): OutgoingHttpHeaders {
  return {
    'content-security-policy': pagePolicy(host),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
  };
}
