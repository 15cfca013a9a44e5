/**
 * What Janus sends, as far as the client reads it: JSEPs, the events of handles and sessions, and
 * the listeners they go to.
 */

/** A WebRTC session description as Janus takes and gives it. */
export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  /** Ask Janus for simulcast handling when the offer does not say it (rarely needed). */
  simulcast?: unknown;
  /** End-to-end encryption (insertable streams) in use. */
  e2ee?: boolean;
}

/** What a plugin answered: its `plugindata.data`, and the JSEP that came with it. */
export interface JanusPluginAnswer<T = Record<string, unknown>> {
  data: T;
  jsep?: Jsep;
}

/** The events of a plugin handle, by Janus's name. */
export interface JanusHandleEventMap {
  /** A plugin event that answers no pending request (another user published, a kick, …). */
  event: { plugin: string; data: Record<string, unknown>; jsep?: Jsep };
  /** The handle's PeerConnection is up (ICE and DTLS done). */
  webrtcup: Record<string, never>;
  /** Janus started or stopped receiving a medium on the handle. */
  media: { type: string; mid?: string; receiving: boolean };
  /** The PeerConnection is gone (`reason`, e.g. `'DTLS alert'`, `'Close PC'`). */
  hangup: { reason: string };
  /** Packets lost in the last second crossed Janus's threshold. */
  slowlink: { uplink: boolean; lost: number; mid?: string; media?: string };
  /** The handle is detached. */
  detached: Record<string, never>;
}

/** The events of a session: every event of its handles (with the handle id), and its timeout. */
export interface JanusSessionEventMap extends JanusHandleEventMap {
  /** Janus dropped the session (no keepalive in time); its handles are gone. */
  timeout: Record<string, never>;
}

/** A message from Janus, as far as this client reads it. */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number };
  error?: { code?: number; reason?: string };
  plugindata?: { plugin?: string; data?: Record<string, unknown> };
  jsep?: Jsep;
  [field: string]: unknown;
}

export type Listener<Payload> = (payload: Payload, handleId: number) => void;

/** Listeners by event name; each `on` returns its own removal. */
export class Listeners<Events> {
  readonly #byType = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.#byType.get(type);
    if (!set) this.#byType.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof Events>(type: K, payload: Events[K], handleId: number): void {
    for (const listener of [...(this.#byType.get(type) ?? [])]) {
      try {
        (listener as Listener<Events[K]>)(payload, handleId);
      } catch {
        // A listener's failure is its own; the others still hear the event.
      }
    }
  }
}

type HandleEvent = {
  [K in keyof JanusHandleEventMap]: { type: K; payload: JanusHandleEventMap[K] };
}[keyof JanusHandleEventMap];

/** The handle event a Janus message is, or `null`. */
export function handleEvent(message: JanusMessage): HandleEvent | null {
  switch (message.janus) {
    case 'event': {
      const data = message.plugindata?.data;
      if (typeof data !== 'object' || data === null) return null;
      const payload: JanusHandleEventMap['event'] = { plugin: message.plugindata?.plugin ?? '', data };
      if (message.jsep) payload.jsep = message.jsep;
      return { type: 'event', payload };
    }
    case 'webrtcup':
      return { type: 'webrtcup', payload: {} };
    case 'media': {
      const payload: JanusHandleEventMap['media'] = {
        type: String(message.type),
        receiving: message.receiving === true,
      };
      if (typeof message.mid === 'string') payload.mid = message.mid;
      return { type: 'media', payload };
    }
    case 'hangup':
      return {
        type: 'hangup',
        payload: { reason: typeof message.reason === 'string' ? message.reason : '' },
      };
    case 'slowlink': {
      const payload: JanusHandleEventMap['slowlink'] = {
        uplink: message.uplink === true,
        lost: typeof message.lost === 'number' ? message.lost : 0,
      };
      if (typeof message.mid === 'string') payload.mid = message.mid;
      if (typeof message.media === 'string') payload.media = message.media;
      return { type: 'slowlink', payload };
    }
    case 'detached':
      return { type: 'detached', payload: {} };
    default:
      return null;
  }
}
