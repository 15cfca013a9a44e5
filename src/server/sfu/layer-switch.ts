/**
 * Changing the simulcast layers Janus relays to one subscriber, until Janus says it did.
 *
 * Janus switches a subscriber's layer on the next keyframe of the layer asked for, and asks the
 * publisher for one (a PLI) when the `configure` arrives. It sends at most one PLI a second per
 * publisher stream: a request inside that second is only noted, and for a publisher connected to
 * this Janus nothing sends it later. A switch asked within a second of another PLI (a tile grown
 * then shrunk, a viewer joining at the same moment, another viewer's switch) then waits for a
 * keyframe nobody asks for, and the viewer stays on the old layer. The kit's rooms send no periodic
 * keyframe requests (`fir_freq: 0`: they would cost every publisher a keyframe every few seconds).
 *
 * So `switchLayers` sends the `configure`, listens for Janus's `substream` event of each m-line it
 * changed, and sends the `configure` again for those still waiting after `retryMs` (past the PLI
 * second), up to `attempts` times. A layer the publisher does not send is never confirmed: the
 * attempts run out and Janus stays on (or falls back to) a layer that flows.
 */
import type { CommandArgs } from '../../protocol/messages.js';
import type { JanusHandle } from '../janus/janus-client.js';
import {
  configureSubscriber,
  type SubscriberStream,
  type SubscriberStreamSettings,
} from '../janus/videoroom.js';

type Quality = CommandArgs<'media.sfu.quality'>['quality'];

/**
 * The simulcast layer Janus relays for each quality (0 is the lowest). `low` is the middle layer
 * (half size): browsers send the quarter-size one only from 960×540 up (a 640×480 camera sends
 * two layers), and a layer that is not sent would leave the viewer on the one it had.
 */
export const SUBSTREAM = { high: 2, low: 1 } as const;

/** How long to wait for Janus's word on a switch before asking again, in ms (past Janus's one PLI a second). */
export const LAYER_RETRY_MS = 1_200;
/** How many `configure`s one switch may take. */
export const LAYER_ATTEMPTS = 5;

/**
 * The settings of a subscription's video m-lines for the layers `wanted` of each publisher (or of
 * `only`'s), and the qualities they ask for, by publisher.
 */
export function layerSettings(
  streams: readonly SubscriberStream[],
  wanted: ReadonlyMap<string, Quality>,
  only?: string,
): { settings: SubscriberStreamSettings[]; asked: Map<string, Quality> } {
  const settings: SubscriberStreamSettings[] = [];
  const asked = new Map<string, Quality>();
  for (const stream of streams) {
    if (stream.type !== 'video' || stream.active === false || !stream.feed_id) continue;
    if (only !== undefined && stream.feed_id !== only) continue;
    const quality = wanted.get(stream.feed_id);
    if (quality === undefined) continue;
    asked.set(stream.feed_id, quality);
    settings.push(
      quality === 'off'
        ? { mid: stream.mid, send: false }
        : { mid: stream.mid, send: true, substream: SUBSTREAM[quality] },
    );
  }
  return { settings, asked };
}

export interface LayerSwitchOptions {
  readonly retryMs?: number;
  readonly attempts?: number;
  /** Whether the switch is still wanted (a newer one, or the subscription gone, ends it). */
  readonly current?: () => boolean;
  /** A later `configure` that failed (the first one rejects the returned promise instead). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Sends `settings` to the subscriber `handle`; resolves once Janus took them (rejects when it
 * refused). Then, apart from the caller, sends the m-lines with a `substream` again until Janus
 * reports that layer relayed, the attempts run out, or `current()` says the switch is no longer
 * wanted: the caller's queue of renegotiations does not wait for keyframes.
 */
export async function switchLayers(
  handle: JanusHandle,
  settings: readonly SubscriberStreamSettings[],
  options: LayerSwitchOptions = {},
): Promise<void> {
  const { retryMs = LAYER_RETRY_MS, attempts = LAYER_ATTEMPTS, current = () => true } = options;
  const waiting = new Map<string, number>();
  for (const setting of settings) {
    if (setting.substream !== undefined && setting.send !== false)
      waiting.set(setting.mid, setting.substream);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = handle.on('event', ({ data }) => {
    if (typeof data.mid !== 'string' || typeof data.substream !== 'number') return;
    if (waiting.get(data.mid) !== data.substream) return;
    waiting.delete(data.mid);
    if (waiting.size === 0) end();
  });
  const end = (): void => {
    clearTimeout(timer);
    stop();
  };
  let attempt = 1;
  const retry = (): void => {
    if (waiting.size === 0 || attempt >= attempts || !current() || handle.detached) {
      end();
      return;
    }
    attempt++;
    const streams = settings.filter((setting) => waiting.has(setting.mid));
    configureSubscriber(handle, { streams }).then(
      () => (timer = setTimeout(retry, retryMs)),
      (error: unknown) => {
        end();
        if (current() && !handle.detached) options.onError?.(error);
      },
    );
  };
  try {
    await configureSubscriber(handle, { streams: [...settings] });
  } catch (error) {
    end();
    throw error;
  }
  if (waiting.size === 0) end();
  else timer = setTimeout(retry, retryMs);
}
