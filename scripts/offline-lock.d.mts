/** Types of scripts/offline-lock.mjs for the TypeScript tests that use it. */
export interface AppManifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface OfflineLock {
  /** A package-lock.json (version 3) cut from the repository's own. */
  lockfile: { packages: Record<string, { version: string; dev?: boolean; [field: string]: unknown }> };
  /** The registry address of every tarball the lockfile installs on this platform. */
  tarballs: string[];
}

export function offlineLock(manifest: AppManifest): OfflineLock;

export function writeOfflineLock(dir: string): Promise<void>;
