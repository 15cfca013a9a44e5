/**
 * The page's default session, which the seed's singletons (`LoginStore.shared`,
 * `CoGuestStore.create(liveId)`) are views on. The stores reach it here rather than through
 * `session.ts`, which imports them: `session.ts` registers how to create a session when it loads.
 */
import type { Session } from './session.js';

let defaultSession: Session | null = null;
/** Set by `session.ts` as it loads, before anything can ask for the default session. */
let createDefault: () => Session;

/** @internal How `getDefaultSession()` creates a session: `session.ts` calls it once, as it loads. */
export function setSessionFactory(create: () => Session): void {
  createDefault = create;
}

/** The page's default session, created on first use; the seed's singletons live on it. */
export function getDefaultSession(): Session {
  defaultSession ??= createDefault();
  return defaultSession;
}

/**
 * Replaces the default session (for Node, where it needs `createSession({ WebSocket })`, and for
 * tests). `null` forgets it; the next `getDefaultSession()` creates a new one. The old session is
 * not disposed.
 */
export function setDefaultSession(session: Session | null): void {
  defaultSession = session;
}
