/**
 * Stories for <device-toggle> (Storybook CSF 3). See stories/README.md.
 *
 * Ada is in a live on the in-page hub; the toggles are hers. Her devices are stand-ins
 * (stories/support/devices.ts): synthetic cameras and screen, a silent microphone, so no story asks
 * for a permission or captures anything real.
 */
import { html } from 'lit';
import '../src/elements/camera-switch/camera-switch.js';
import '../src/elements/device-toggle/device-toggle.js';
import type { DeviceToggle } from '../src/elements/device-toggle/device-toggle.js';
import { DeviceStore } from '../src/media/index.js';
import { storyDevices, type StoryDevicesOptions } from './support/devices.js';
import { demoLive, liveOf, type DemoLive, type DemoLiveOptions } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

interface PlayContext extends StoryContext {
  readonly canvasElement: HTMLElement;
}

interface Setup {
  readonly live?: DemoLiveOptions;
  readonly devices?: StoryDevicesOptions | null;
  /** Run once Ada's devices are set up (open a device, lock it...). */
  readonly then?: (live: DemoLive, devices: DeviceStore) => Promise<unknown>;
}

/** A live with Ada in the audience (or as `live` says), and her stand-in devices. */
function loadLive(setup: Setup = {}) {
  return [
    async () => {
      const live = await demoLive(setup.live ?? { audience: ['ada'] });
      const mediaDevices = setup.devices === null ? null : storyDevices(live, 'ada', setup.devices);
      const devices = DeviceStore.for(live.session('ada'), { mediaDevices });
      // demoLive publishes a seated guest's devices as on: publish what the store really has (off).
      await devices.reset();
      await setup.then?.(live, devices);
      return { live };
    },
  ];
}

function toggle(device: 'camera' | 'microphone' | 'screen') {
  return (_args: unknown, { loaded }: StoryContext) => {
    const live = liveOf(loaded);
    return html`<device-toggle .session=${live.session('ada')} device=${device}></device-toggle>`;
  };
}

async function findToggle(canvasElement: HTMLElement, device = 'camera'): Promise<DeviceToggle> {
  const el = await waitFor(
    () => deepQuery<DeviceToggle>(canvasElement, `device-toggle[device="${device}"]`),
    `the ${device} toggle is on the page`,
  );
  await el.updateComplete;
  return el;
}

function statusOf(el: DeviceToggle): string {
  return el.shadowRoot?.querySelector('[part~="status"]')?.textContent?.trim() ?? '';
}

function press(el: DeviceToggle): void {
  el.shadowRoot?.querySelector<HTMLButtonElement>('[part~="button"]')?.click();
}

export default {
  title: 'Elements/device-toggle',
  component: 'device-toggle',
};

/** The camera is off: "Turn camera on". */
export const CameraOff = {
  loaders: loadLive(),
  render: toggle('camera'),
};

/** The camera is on: pressed, "Turn camera off". */
export const CameraOn = {
  loaders: loadLive({ then: (_live, devices) => devices.openLocalCamera() }),
  render: toggle('camera'),
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findToggle(canvasElement);
    assert(el.matches(':state(on)'), 'the camera is on');
  },
};

/** The microphone, unmuted: "Mute". */
export const MicrophoneOn = {
  loaders: loadLive({ then: (_live, devices) => devices.openLocalMicrophone() }),
  render: toggle('microphone'),
};

/** The microphone, muted: "Unmute". */
export const MicrophoneOff = {
  loaders: loadLive(),
  render: toggle('microphone'),
};

/** Sharing the screen: "Stop sharing". */
export const ScreenSharing = {
  loaders: loadLive({ then: (_live, devices) => devices.startScreenShare() }),
  render: toggle('screen'),
};

/** Ada is seated and the host forbids her camera: disabled, with the reason. */
export const Locked = {
  loaders: loadLive({
    live: { audience: ['ada'], seated: ['ada'] },
    then: async (live, devices) => {
      await live.host.liveSeatStore(live.liveId).closeRemoteCamera('ada', { forbid: true });
      await new Promise<void>((resolve) => {
        const stop = devices.cameraLocked.subscribe((locked) => {
          if (!locked) return;
          queueMicrotask(() => stop());
          resolve();
        });
      });
    },
  }),
  render: toggle('camera'),
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findToggle(canvasElement);
    assert(el.matches(':state(locked)'), 'the toggle is locked');
    assert(statusOf(el) !== '', 'it says why');
  },
};

/** The browser refused camera access: the error is announced next to the toggle. */
export const AccessDenied = {
  loaders: loadLive({
    devices: { refuse: 'NotAllowedError' },
    then: (_live, devices) => devices.openLocalCamera(),
  }),
  render: toggle('camera'),
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findToggle(canvasElement);
    assert(el.matches(':state(error)'), 'the toggle shows the error');
    assert(statusOf(el) !== '', 'the error is in the status');
  },
};

/** A page without camera access (no `navigator.mediaDevices`, e.g. not https): disabled, with the reason. */
export const Unsupported = {
  loaders: loadLive({ devices: null }),
  render: toggle('camera'),
};

/**
 * Ada's controls on her seat: camera, microphone, screen and the camera switch. She turns her
 * camera on, and the host sees it on her seat.
 */
export const Controls = {
  loaders: loadLive({ live: { audience: ['ada'], seated: ['ada'] } }),
  render: (_args: unknown, { loaded }: StoryContext) => {
    const session = liveOf(loaded).session('ada');
    return html`<div role="group" aria-label="Ada's devices" style="display: flex; flex-wrap: wrap; gap: 8px">
      <device-toggle .session=${session} device="camera"></device-toggle>
      <device-toggle .session=${session} device="microphone"></device-toggle>
      <device-toggle .session=${session} device="screen"></device-toggle>
      <camera-switch .session=${session}></camera-switch>
    </div>`;
  },
  play: async ({ canvasElement, loaded }: PlayContext) => {
    const live = liveOf(loaded);
    const el = await findToggle(canvasElement);
    const seats = live.host.liveSeatStore(live.liveId).seatList;
    assert(
      seats.get().some((seat) => seat.userInfo?.userId === 'ada' && seat.userInfo.cameraStatus === 'off'),
      'her camera starts off',
    );
    press(el);
    await waitFor(() => el.matches(':state(on)'), 'the camera is on');
    await waitFor(
      () =>
        seats.get().some((seat) => seat.userInfo?.userId === 'ada' && seat.userInfo.cameraStatus === 'on'),
      'the host sees her camera on',
    );
  },
};
