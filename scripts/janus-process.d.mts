/** Types of scripts/janus-process.mjs for the TypeScript tests and scripts that use it. */

/** A TURN server Janus itself uses (only when Janus is behind a NAT that STUN cannot cross). */
export type JanusTurn =
  | { server: string; port?: number; type?: 'udp' | 'tcp' | 'tls'; user: string; password: string }
  | { restApi: string; restApiKey?: string; restApiMethod?: 'GET' | 'POST' };

/** What differs per run of Janus; everything else is in the templates of `janus/`. */
export interface JanusNetworkOptions {
  /** Address of the WebSocket transport. Default `'127.0.0.1'`. */
  host?: string;
  /** The only interfaces (or address prefixes) ICE gathers candidates on (`nat.ice_enforce_list`). */
  iceInterface?: string;
  /** The public address put in host candidates behind a 1:1 NAT (`nat.nat_1_1_mapping`). */
  natMapping?: string;
  /** With `natMapping`: keep the private host candidate too. */
  keepPrivateHost?: boolean;
  /** A STUN server for Janus itself (none by default). */
  stun?: { server: string; port?: number };
  turn?: JanusTurn;
  /** UDP ports for media, `"min-max"`. Default `'20000-40000'`. */
  rtpPortRange?: string;
  /** Seconds without a request before Janus drops a session (`session_timeout`). Default 60. */
  sessionTimeout?: number;
  /** Janus's log level, 0..7. Default 3 (warnings). */
  debugLevel?: number;
}

export interface JanusSecrets {
  /** `token_auth_secret`: the kit server signs its tokens with it. */
  tokenSecret: string;
  /** The VideoRoom `admin_key`: needed to create rooms. */
  adminKey: string;
  /** The core's `admin_secret` (the Admin API, not exposed). */
  adminSecret: string;
}

export interface JanusConfigOptions extends JanusNetworkOptions, JanusSecrets {
  /** The WebSocket port. */
  port: number;
  /** The folder the files are written to. */
  configsFolder: string;
  /** The folder holding `plugins/`, `transports/`, `loggers/` and `events/`. */
  libFolder: string;
}

export interface StartJanusOptions extends JanusNetworkOptions, Partial<JanusSecrets> {
  /** The WebSocket port. Default: a free one. */
  port?: number;
  /** Default `$JANUS_PATH`, then `/usr/bin/janus`. */
  janusPath?: string;
  /** Default `$JANUS_LIB_FOLDER`, then Debian's folder. */
  libFolder?: string;
  /** Also log to this file (`janus -L`). */
  logFile?: string;
  /** Each line Janus prints. */
  onLog?: (line: string) => void;
  /** Default 15 000. */
  readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. Default 5 000. */
  stopTimeoutMs?: number;
}

export interface JanusProcess {
  /** The WebSocket URL, `ws://127.0.0.1:<port>`. */
  url: string;
  port: number;
  host: string;
  pid: number;
  /** The throwaway configuration folder (removed when Janus exits). */
  dir: string;
  secrets: JanusSecrets;
  /** Janus's version, e.g. `'1.1.2'`. */
  version: string;
  /** Settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (SIGKILL after `stopTimeoutMs`), then removes the folder. */
  stop(): Promise<void>;
  /** The last lines Janus printed. */
  log(): string;
}

export const TEMPLATE_FOLDER: string;
export const CONFIG_FILES: string[];
export const DEFAULT_JANUS_PATH: string;
export const DEFAULT_READY_TIMEOUT_MS: number;
export const DEFAULT_RTP_PORT_RANGE: string;

export function generateSecret(): string;
export function findLibFolder(given?: string): string | null;
export function renderJanusConfig(options: JanusConfigOptions): Promise<Record<string, string>>;
export function freePort(host?: string): Promise<number>;
export function janusInfo(url: string, timeoutMs?: number): Promise<Record<string, unknown>>;
export function startJanus(options?: StartJanusOptions): Promise<JanusProcess>;
