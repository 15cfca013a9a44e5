/**
 * How the media of one live moves between its members: the contract between `LiveMedia`'s runtime
 * (src/media/live-media-runtime.ts), which decides what this user sends and what it does with what
 * it receives (remote audio, levels, the tiles' streams), and a transport, which moves the tracks.
 * Today's transport is the peer mesh (`MeshTransport`, src/media/mesh-transport.ts); an SFU one can
 * sit beside it (docs/decisions/0030).
 */
import type { ReadableAtom } from 'nanostores';
import type { ConnectionQualityInfo } from './quality.js';

export type { ConnectionQualityInfo, QualityLevel } from './quality.js';

/**
 * How this user receives one seat holder's media: `connecting` (asked, or the connection is being
 * set up), `live` (connected), `reconnecting` (it was live and the connection carrying it is being
 * made again: the media server moved the live, or the connection failed; SFU mode), `capped` (the
 * publisher already sends to as many viewers as the live allows, `VIEWER_LIMIT`; retried when the
 * seats or the audience change), `failed` (gave up after retries; retried when the seats change).
 */
export type ViewerStatus = 'connecting' | 'live' | 'reconnecting' | 'capped' | 'failed';

/** What this user sends: the microphone, and the camera or the shared screen; `null` for none. */
export interface LocalTracks {
  readonly audio: MediaStreamTrack | null;
  readonly video: MediaStreamTrack | null;
}

/** The users this user has a connection with now, each way (for diagnostics and tests). */
export interface MediaConnections {
  /** The viewers this user sends to. */
  readonly publishing: readonly string[];
  /** The seat holders whose media this user receives. */
  readonly watching: readonly string[];
}

/**
 * The quality a viewer wants of one publisher's video: `high` (the default), `low` (a small tile)
 * or `off` (not shown: a hidden tab; the audio goes on). A hint: a transport that has one quality
 * per publisher ignores it.
 */
export type MediaQuality = 'high' | 'low' | 'off';

/**
 * Moves the media of one live on one session, under the room's rules: only seat holders send, and
 * every member receives every seat holder but its own user. The transport follows the live's seats
 * and events itself (whom to receive, which viewers to answer) at the moment the room's events
 * arrive: within a batch of events, listeners hear each event before the stores notify, so it
 * cannot wait to be told. `LiveMedia` says when it runs (`open` / `close`) and what this user sends
 * (`publish` / `unpublish`), and reads what arrives (`remoteStreams`, `viewerStatus`).
 *
 * Lifecycle: one transport per live and session, made closed with the runtime of that live;
 * `open()` while the session is a member of the live and the media runs, `close()` when either
 * ends, and `open()` again later. Every method is synchronous and never throws for an expected
 * failure (a refused request shows in `viewerStatus`).
 */
export interface MediaTransport {
  /**
   * Each received seat holder's stream, by user id. A new map whenever a stream arrives or leaves,
   * and when tracks come and go in a stream already there (same stream, same key). Empty while
   * closed.
   */
  readonly remoteStreams: ReadableAtom<ReadonlyMap<string, MediaStream>>;
  /** How each seat holder this user receives is received, by user id. Empty while closed. */
  readonly viewerStatus: ReadableAtom<ReadonlyMap<string, ViewerStatus>>;
  /** The connections open now (empty lists while closed). */
  readonly connections: MediaConnections;
  /**
   * The quality of this user's connections, by user id (src/media/quality.ts): each received seat
   * holder's, and this user's own uplink under its own id while it sends to viewers. Measured from
   * the connections' statistics only while the store has a subscriber and the transport is open
   * (no timer otherwise); a user shows once measured. Empty while closed.
   */
  readonly connectionQuality: ReadableAtom<ReadonlyMap<string, ConnectionQualityInfo>>;
  /**
   * Starts following the live: receives the seat holders, answers the viewers while this user
   * holds a seat. Idempotent while open.
   */
  open(): void;
  /**
   * The tracks this user sends, from now on: called on `open` and again after every change (a
   * device turned on, off or switched, a screen shared). A transport sends them only while this
   * user holds a seat, and changes the tracks of what it already sends without a new connection
   * where it can.
   */
  publish(tracks: LocalTracks): void;
  /**
   * This user left its seat: everything it sends ends now (the connections to its viewers close).
   * Once it holds a seat again, the transport sends the last `publish`ed tracks again.
   */
  unpublish(): void;
  /** The quality this user wants of `publisherId`'s video (see `MediaQuality`). */
  setWantedQuality(publisherId: string, quality: MediaQuality): void;
  /**
   * The session is connected again after a drop (signals are not replayed): make good what may
   * have been lost meanwhile. Does nothing while closed.
   */
  resume(): void;
  /** Ends every connection, each way, and empties the stores. The transport may be opened again. */
  close(): void;
}
