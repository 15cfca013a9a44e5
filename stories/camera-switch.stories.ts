/**
 * Stories for <camera-switch> (Storybook CSF 3). See stories/README.md.
 *
 * Ada has two stand-in cameras (stories/support/devices.ts): her synthetic picture in front and a
 * second picture at the back. The switch sits under her local preview.
 */
import { html } from 'lit';
import '../src/elements/camera-switch/camera-switch.js';
import type { CameraSwitch } from '../src/elements/camera-switch/camera-switch.js';
import '../src/elements/device-toggle/device-toggle.js';
import { DeviceStore } from '../src/media/index.js';
import { storyDevices } from './support/devices.js';
import { demoLive, liveOf } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

interface PlayContext extends StoryContext {
  readonly canvasElement: HTMLElement;
}

/** Ada in the audience with two cameras; `open` turns her camera on. */
function loadLive(open: boolean) {
  return [
    async () => {
      const live = await demoLive({ audience: ['ada'] });
      const devices = DeviceStore.for(live.session('ada'), { mediaDevices: storyDevices(live, 'ada') });
      if (open) await devices.openLocalCamera({ isFront: true });
      return { live };
    },
  ];
}

function render(_args: unknown, { loaded }: StoryContext) {
  const session = liveOf(loaded).session('ada');
  return html`<div style="display: flex; flex-wrap: wrap; gap: 8px; align-items: start">
    <device-toggle .session=${session} device="camera"></device-toggle>
    <camera-switch .session=${session}></camera-switch>
  </div>`;
}

async function findSwitch(canvasElement: HTMLElement): Promise<CameraSwitch> {
  const el = await waitFor(
    () => deepQuery<CameraSwitch>(canvasElement, 'camera-switch'),
    'the switch is on the page',
  );
  await waitFor(() => !el.matches(':state(hidden)'), 'the switch shows (two cameras)');
  return el;
}

export default {
  title: 'Elements/camera-switch',
  component: 'camera-switch',
};

/** The front camera is on: "Switch to the back camera". */
export const Front = {
  loaders: loadLive(true),
  render,
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findSwitch(canvasElement);
    assert(el.matches(':state(front)'), 'the front camera is chosen');
  },
};

/** Ada switches to the back camera: the same stream gets the back camera's track. */
export const Back = {
  loaders: loadLive(true),
  render,
  play: async ({ canvasElement, loaded }: PlayContext) => {
    const el = await findSwitch(canvasElement);
    const devices = DeviceStore.for(liveOf(loaded).session('ada'));
    const stream = devices.localStream.get();
    el.shadowRoot?.querySelector<HTMLButtonElement>('[part~="button"]')?.click();
    await waitFor(() => el.matches(':state(back)') && !el.matches(':state(busy)'), 'the back camera is on');
    assert(devices.localStream.get() === stream, 'the same stream');
  },
};

/** The camera is off: switching chooses the camera the next opening uses. */
export const CameraOff = {
  loaders: loadLive(false),
  render,
};
