/**
 * Stories for <pre-join-check> (Storybook CSF 3). See stories/README.md.
 *
 * Ada is in a live on the in-page hub and checks her devices before taking a seat. Her devices
 * are stand-ins (stories/support/devices.ts): synthetic cameras, a silent microphone (so the meter
 * rests), so no story asks for a permission or captures anything real.
 */
import { html } from 'lit';
import '../src/elements/pre-join-check/pre-join-check.js';
import type { PreJoinCheck } from '../src/elements/pre-join-check/pre-join-check.js';
import { DeviceStore } from '../src/media/index.js';
import { storyDevices, type StoryDevicesOptions } from './support/devices.js';
import { demoLive, liveOf } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

interface PlayContext extends StoryContext {
  readonly canvasElement: HTMLElement;
}

/** A live with Ada in the audience, and her stand-in devices (all off). */
function loadLive(devices: StoryDevicesOptions = {}) {
  return [
    async () => {
      const live = await demoLive({ audience: ['ada'] });
      const store = DeviceStore.for(live.session('ada'), {
        mediaDevices: storyDevices(live, 'ada', devices),
      });
      await store.reset();
      return { live };
    },
  ];
}

function check(confirmLabel = '') {
  return (_args: unknown, { loaded }: StoryContext) => {
    const live = liveOf(loaded);
    return html`<pre-join-check
      style="max-width: 560px"
      .session=${live.session('ada')}
      confirm-label=${confirmLabel}
    ></pre-join-check>`;
  };
}

async function until(canvasElement: HTMLElement, state: string): Promise<PreJoinCheck> {
  const el = await waitFor(
    () => deepQuery<PreJoinCheck>(canvasElement, 'pre-join-check'),
    'the check is on the page',
  );
  await waitFor(() => el.matches(`:state(${state})`) || null, `the check is ${state}`);
  await el.updateComplete;
  return el;
}

export default {
  title: 'Elements/pre-join-check',
  component: 'pre-join-check',
};

/** Before taking a seat: the front camera's picture (mirrored), the pickers, "Join". */
export const Default = {
  loaders: loadLive(),
  render: check(),
  play: async ({ canvasElement }: PlayContext) => {
    const el = await until(canvasElement, 'ready');
    assert(el.matches(':state(mirrored)'), 'the front camera is mirrored');
    assert(!el.matches(':state(camera-off)'), 'the camera shows');
  },
};

/** A host before going live: the page sets the confirm button's text. */
export const GoLive = {
  loaders: loadLive(),
  render: check('Go live'),
  play: async ({ canvasElement }: PlayContext) => {
    const el = await until(canvasElement, 'ready');
    const confirm = el.shadowRoot?.querySelector('[part~="confirm-button"]');
    assert(confirm?.textContent?.trim() === 'Go live', 'the confirm button reads "Go live"');
  },
};

/** The browser refused access: the check says why, with "Try again". */
export const Denied = {
  loaders: loadLive({ refuse: 'NotAllowedError' }),
  render: check(),
  play: async ({ canvasElement }: PlayContext) => {
    const el = await until(canvasElement, 'denied');
    const problem = el.shadowRoot?.querySelector('[part~="problem"]')?.textContent ?? '';
    assert(problem.includes('Camera access is blocked'), 'the check says the camera is blocked');
  },
};

/** No camera and no microphone were found. */
export const NoDevice = {
  loaders: loadLive({ refuse: 'NotFoundError' }),
  render: check(),
  play: async ({ canvasElement }: PlayContext) => {
    const el = await until(canvasElement, 'no-device');
    const problem = el.shadowRoot?.querySelector('[part~="problem"]')?.textContent ?? '';
    assert(problem.includes('No camera was found'), 'the check says no camera was found');
  },
};
