/**
 * Janus for the Node tests: Debian's `janus` started on a free loopback port with a throwaway
 * configuration (scripts/janus-process.mjs), and what the tests share. When Janus is missing,
 * `startTestJanus()` rejects saying how to install it: the tests fail, they never skip.
 */
import { startJanus, type JanusProcess, type StartJanusOptions } from '../../scripts/janus-process.mjs';
import { createJanusToken } from '../../src/server/janus/index.js';

export type { JanusProcess };

/** A Janus on 127.0.0.1, its log kept in memory (nothing printed). */
export function startTestJanus(options: StartJanusOptions = {}): Promise<JanusProcess> {
  return startJanus({ host: '127.0.0.1', debugLevel: 3, ...options });
}

/** A valid token for `janus`. */
export function tokenFor(janus: JanusProcess): string {
  return createJanusToken({ secret: janus.secrets.tokenSecret });
}

/** Resolves with the first value `subscribe` hands to its callback. */
export function nextValue<T>(subscribe: (listener: (value: T) => void) => () => void): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((value) => {
      off();
      resolve(value);
    });
  });
}
