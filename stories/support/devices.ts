/**
 * Stand-in devices for stories: `DeviceStore.for(session, { mediaDevices: storyDevices(live, id) })`
 * in a loader, before any element reads the session's store. Two cameras show the user's synthetic
 * picture (front) and a second one (back), the microphone is a silent Web Audio track, the screen is
 * another synthetic picture: nothing asks for permission and nothing real is captured. With
 * `refuse`, every capture fails as a browser's would (`NotAllowedError`, `NotReadableError`...).
 */
import type { MediaDevicesLike } from '../../src/media/index.js';
import type { DemoLive } from './live.js';

export interface StoryDevicesOptions {
  /** The `DOMException` name every capture fails with; default none. */
  readonly refuse?: string;
  /** Cameras listed: 1 or 2 (default 2). */
  readonly cameras?: 1 | 2;
}

const FRONT = 'story-front-camera';
const BACK = 'story-back-camera';

/** One context for every silent microphone of the stories, created on first use. */
let audio: AudioContext | null = null;

function info(kind: MediaDeviceKind, deviceId: string, label: string): MediaDeviceInfo {
  return { kind, deviceId, label, groupId: deviceId, toJSON: () => ({ kind, deviceId, label }) };
}

/** The picture `id` of `live`, as a new track (stopping it leaves the picture running). */
function picture(live: DemoLive, id: string): MediaStream {
  const track = live.stream(id).getVideoTracks()[0];
  if (track === undefined) throw new Error(`no picture for ${id}`);
  return new MediaStream([track.clone()]);
}

export function storyDevices(
  live: DemoLive,
  userId: string,
  options: StoryDevicesOptions = {},
): MediaDevicesLike {
  const refuse = async (): Promise<void> => {
    await Promise.resolve();
    if (options.refuse !== undefined) throw new DOMException('refused by the story', options.refuse);
  };
  const list = [
    info('videoinput', FRONT, 'Front camera'),
    ...(options.cameras === 1 ? [] : [info('videoinput', BACK, 'Back camera')]),
    info('audioinput', 'story-microphone', 'Microphone'),
    info('audiooutput', 'story-speakers', 'Speakers'),
  ];
  return {
    async getUserMedia(constraints) {
      await refuse();
      if (constraints.audio !== undefined && constraints.audio !== false) {
        audio ??= new AudioContext();
        return audio.createMediaStreamDestination().stream;
      }
      const video = constraints.video;
      const wanted =
        typeof video === 'object' && typeof video.deviceId === 'object' && !Array.isArray(video.deviceId)
          ? video.deviceId.exact
          : undefined;
      return picture(live, wanted === BACK ? `${userId}-back` : userId);
    },
    async getDisplayMedia() {
      await refuse();
      return picture(live, `${userId}-screen`);
    },
    enumerateDevices: () => Promise.resolve(list),
  };
}
