/**
 * Signed tokens for Janus's `token_auth_secret`: `<expiry>,janus,<plugin>…:<signature>`, where the
 * signature is the base64 HMAC-SHA1 of everything before the colon under the secret, and the
 * expiry is in seconds since the epoch. Janus checks the expiry, the realm `janus` and, on
 * `attach`, that the plugin is listed (Janus's `src/auth.c`).
 */
import { createHmac } from 'node:crypto';

/** The only plugin the kit uses. */
export const VIDEOROOM_PLUGIN = 'janus.plugin.videoroom';
/** Default lifetime of a token, in seconds. */
export const DEFAULT_JANUS_TOKEN_TTL_S = 3600;

export interface JanusTokenOptions {
  /** Janus's `token_auth_secret`. Required, non-empty. */
  secret: string;
  /** Seconds from `now` until the token expires. Default 3600. Negative: already expired (tests). */
  ttlSeconds?: number;
  /** Plugins the token may attach to. Default `['janus.plugin.videoroom']`. */
  plugins?: readonly string[];
  /** Epoch ms. Default `Date.now()`. */
  now?: number;
}

/** A token Janus accepts until `ttlSeconds` from now. */
export function createJanusToken(options: JanusTokenOptions): string {
  if (typeof options.secret !== 'string' || options.secret === '') {
    throw new TypeError('createJanusToken: secret must be a non-empty string');
  }
  const plugins = options.plugins ?? [VIDEOROOM_PLUGIN];
  if (plugins.some((plugin) => /[,:]/.test(plugin))) {
    throw new TypeError('createJanusToken: a plugin name has no comma or colon');
  }
  const now = options.now ?? Date.now();
  const expiry = Math.floor(now / 1000) + Math.trunc(options.ttlSeconds ?? DEFAULT_JANUS_TOKEN_TTL_S);
  const data = [String(expiry), 'janus', ...plugins].join(',');
  const signature = createHmac('sha1', options.secret).update(data).digest('base64');
  return `${data}:${signature}`;
}

/**
 * A token source for `JanusClient.connect({ token })`: the same token until it is within a tenth of
 * its lifetime of expiring, then a fresh one. `now` is injectable for tests.
 */
export function janusTokenSource(
  secret: string,
  ttlSeconds = DEFAULT_JANUS_TOKEN_TTL_S,
  now: () => number = Date.now,
): () => string {
  let token = '';
  let renewAt = 0;
  return () => {
    const time = now();
    if (time >= renewAt) {
      token = createJanusToken({ secret, ttlSeconds, now: time });
      renewAt = time + ttlSeconds * 900;
    }
    return token;
  };
}
