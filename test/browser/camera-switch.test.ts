/**
 * <camera-switch> in Chromium. Chromium's fake devices have one camera; a second one ("Back
 * camera") is added to the list by a wrapper around the real devices, which captures the real fake
 * camera when it is asked for. Everything else is real: capture, the stream, the stores.
 */
import { ContextProvider } from '@lit/context';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { LitElement } from 'lit';
import { liveContext, type LiveTarget } from '../../src/controllers/live-controller.js';
import { createSession, ErrorCode, type Session } from '../../src/core/index.js';
import { CameraSwitch, CameraSwitchEvent } from '../../src/elements/camera-switch/camera-switch.js';
import type { ActionErrorEvent } from '../../src/elements/shared/events.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import { DeviceStore, type MediaDevicesLike } from '../../src/media/index.js';
import { HOSTILE_STRINGS, inertIn } from './shared/hostile.js';
import { queryPart } from './shared/layers.js';

/** Provides a live to its subtree, as `<live-core-view>` does. */
class SwitchSource extends LitElement {
  readonly provider = new ContextProvider(this, { context: liveContext });
  set target(value: LiveTarget | undefined) {
    this.provider.setValue(value);
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}
customElements.define('switch-source', SwitchSource);

const STATES = ['front', 'back', 'busy', 'error', 'hidden'] as const;
type State = (typeof STATES)[number];

const BACK = 'back-camera';

function part(el: CameraSwitch, name: string): HTMLElement {
  const found = queryPart(el, name);
  if (found === null) throw new Error(`no part "${name}"`);
  return found;
}

function text(el: CameraSwitch, name: string): string {
  return part(el, name).textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

function states(el: CameraSwitch): string[] {
  return STATES.filter((state) => el.matches(`:state(${state})`));
}

/** Resolves once the colour transitions inside `el` have finished (axe reads the colours). */
async function settled(el: HTMLElement): Promise<void> {
  const animations = el.shadowRoot?.getAnimations() ?? [];
  await Promise.all(animations.map((animation) => animation.finished.catch(() => undefined)));
}

async function until(el: CameraSwitch, state: State): Promise<void> {
  await waitUntil(() => el.matches(`:state(${state})`), `the switch is ${state}`, { timeout: 3000 });
  await el.updateComplete;
  await settled(el);
}

interface TwoCameras {
  readonly devices: MediaDevicesLike;
  /** The cameras asked for, by `deviceId` (`default` when none was named). */
  readonly asked: string[];
  /** While set, capturing the back camera waits for it. */
  gate: Promise<void> | null;
  /** While set, capturing the back camera fails with a DOMException of this name. */
  refuse: string | null;
  /** The label of the back camera. */
  backLabel: string;
}

/** The real devices plus a second camera. */
function twoCameras(): TwoCameras {
  const base = navigator.mediaDevices;
  const cameras: TwoCameras = {
    asked: [],
    gate: null,
    refuse: null,
    backLabel: 'Back camera',
    devices: {
      async getUserMedia(constraints) {
        const video = constraints.video;
        const exact =
          typeof video === 'object' && typeof video.deviceId === 'object' && !Array.isArray(video.deviceId)
            ? video.deviceId.exact
            : undefined;
        cameras.asked.push(typeof exact === 'string' ? exact : 'default');
        if (exact !== BACK) return base.getUserMedia(constraints);
        if (cameras.gate !== null) await cameras.gate;
        if (cameras.refuse !== null) throw new DOMException('no', cameras.refuse);
        return base.getUserMedia({ video: true });
      },
      async enumerateDevices() {
        const list = await base.enumerateDevices();
        const back: MediaDeviceInfo = {
          kind: 'videoinput',
          deviceId: BACK,
          groupId: 'back',
          label: cameras.backLabel,
          toJSON: () => ({}),
        };
        return [...list, back];
      },
    },
  };
  return cameras;
}

function gate(): { readonly promise: Promise<void>; readonly open: () => void } {
  let open: (() => void) | undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open: () => open?.() };
}

describe('<camera-switch>', () => {
  const sessions: Session[] = [];

  function sessionWith(mediaDevices?: MediaDevicesLike): Session {
    const session = createSession();
    sessions.push(session);
    DeviceStore.for(session, mediaDevices === undefined ? {} : { mediaDevices });
    return session;
  }

  /** A switch over two cameras, once it shows. */
  async function shown(cameras = twoCameras()): Promise<{ el: CameraSwitch; session: Session }> {
    const session = sessionWith(cameras.devices);
    const el = await fixture<CameraSwitch>(html`<camera-switch .session=${session}></camera-switch>`);
    await waitUntil(() => !el.matches(':state(hidden)'), 'the switch shows', { timeout: 3000 });
    await el.updateComplete;
    return { el, session };
  }

  afterEach(async () => {
    for (const session of sessions) {
      await DeviceStore.for(session).reset();
      session.dispose();
    }
    sessions.length = 0;
    setLocale('en');
  });

  describe('accessibility', () => {
    it('passes axe, front and back', async () => {
      const { el } = await shown();
      await expect(el).to.be.accessible();
      part(el, 'button').click();
      await until(el, 'back');
      await expect(el).to.be.accessible();
    });

    it('passes axe while busy and with an error', async () => {
      const cameras = twoCameras();
      const slow = gate();
      cameras.gate = slow.promise;
      cameras.refuse = 'NotFoundError';
      const { el, session } = await shown(cameras);
      await DeviceStore.for(session).openLocalCamera();
      part(el, 'button').click();
      await until(el, 'busy');
      await expect(el).to.be.accessible();
      slow.open();
      await until(el, 'error');
      await expect(el).to.be.accessible();
    });

    it('is a real button named by the camera it switches to', async () => {
      const { el } = await shown();
      const button = part(el, 'button');
      expect(button.localName).to.equal('button');
      expect(button.getAttribute('type')).to.equal('button');
      expect(text(el, 'label')).to.equal('Switch to the back camera');
      button.click();
      await until(el, 'back');
      expect(text(el, 'label')).to.equal('Switch to the front camera');
      expect(part(el, 'icon').getAttribute('aria-hidden')).to.equal('true');
    });

    it('announces a failure in a polite status that describes the button', async () => {
      const cameras = twoCameras();
      cameras.refuse = 'NotFoundError';
      const { el, session } = await shown(cameras);
      await DeviceStore.for(session).openLocalCamera();
      const status = part(el, 'status');
      expect([status.getAttribute('role'), status.getAttribute('aria-live')]).to.deep.equal([
        'status',
        'polite',
      ]);
      part(el, 'button').click();
      await until(el, 'error');
      expect(text(el, 'status')).to.equal('No camera was found');
      expect(part(el, 'button').getAttribute('aria-describedby')).to.equal(status.id);
    });

    it('is used with the keyboard alone', async () => {
      const cameras = twoCameras();
      const session = sessionWith(cameras.devices);
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <button type="button">before</button>
          <camera-switch .session=${session}></camera-switch>
        </div>`,
      );
      const el = wrapper.querySelector('camera-switch')!;
      await waitUntil(() => !el.matches(':state(hidden)'), 'the switch shows', { timeout: 3000 });
      wrapper.querySelector('button')!.focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement === part(el, 'button'), 'the button has focus').to.equal(true);
      await sendKeys({ press: 'Enter' });
      await until(el, 'back');
      await sendKeys({ press: 'Space' });
      await until(el, 'front');
    });

    it('speaks the page’s language', async () => {
      const { el } = await shown();
      await loadLocale('zh-CN');
      setLocale('zh-CN');
      await el.updateComplete;
      expect(text(el, 'label')).to.equal('切换到后置摄像头');
      await loadLocale('ko');
      setLocale('ko');
      await el.updateComplete;
      expect(text(el, 'label')).to.equal('후면 카메라로 전환');
      expect(part(el, 'button').closest('[lang]')?.getAttribute('lang')).to.equal('ko');
    });
  });

  describe('properties', () => {
    it('has documented defaults', () => {
      const el = document.createElement('camera-switch');
      expect(el).to.be.instanceOf(CameraSwitch);
      expect([el.session, el.liveId]).to.deep.equal([null, null]);
    });

    it('switches the open camera: the same stream gets the other camera’s track', async () => {
      const cameras = twoCameras();
      const { el, session } = await shown(cameras);
      const devices = DeviceStore.for(session);
      await devices.openLocalCamera();
      const stream = devices.localStream.get()!;
      const front = stream.getVideoTracks()[0]!;
      part(el, 'button').click();
      await until(el, 'back');
      await waitUntil(() => stream.getVideoTracks()[0] !== front, 'the track is replaced');
      expect(devices.localStream.get() === stream).to.equal(true);
      expect(front.readyState).to.equal('ended');
      expect(cameras.asked.at(-1)).to.equal(BACK);
      expect(devices.currentCamera.get()).not.to.equal(null);
    });

    it('while the camera is off, chooses the camera the next opening uses', async () => {
      const cameras = twoCameras();
      const { el, session } = await shown(cameras);
      part(el, 'button').click();
      await until(el, 'back');
      expect(cameras.asked, 'nothing captured yet').to.deep.equal([]);
      await DeviceStore.for(session).openLocalCamera();
      expect(cameras.asked).to.deep.equal([BACK]);
    });

    it('needs no attributes inside <live-core-view>', async () => {
      const cameras = twoCameras();
      const session = sessionWith(cameras.devices);
      const source = await fixture<SwitchSource>(
        html`<switch-source .target=${{ session, liveId: null }}
          ><camera-switch></camera-switch
        ></switch-source>`,
      );
      const el = source.querySelector('camera-switch')!;
      await waitUntil(() => !el.matches(':state(hidden)'), 'the switch shows', { timeout: 3000 });
      part(el, 'button').click();
      await until(el, 'back');
      expect(DeviceStore.for(session).isFrontCamera.get()).to.equal(false);
    });
  });

  describe('parts', () => {
    it('exposes button, icon, label and status', async () => {
      const { el } = await shown();
      for (const name of ['button', 'icon', 'label', 'status']) {
        expect(queryPart(el, name) !== null, name).to.equal(true);
      }
    });
  });

  describe('states', () => {
    it('hidden with the one camera of this browser', async () => {
      const session = sessionWith();
      const el = await fixture<CameraSwitch>(html`<camera-switch .session=${session}></camera-switch>`);
      await waitUntil(() => DeviceStore.for(session).cameras.get().length === 1, 'the camera list is read', {
        timeout: 3000,
      });
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['front', 'hidden']);
      expect(el.checkVisibility()).to.equal(false);
    });

    it('front, busy, back', async () => {
      const cameras = twoCameras();
      const slow = gate();
      cameras.gate = slow.promise;
      const { el, session } = await shown(cameras);
      await DeviceStore.for(session).openLocalCamera();
      expect(states(el)).to.deep.equal(['front']);
      expect(el.checkVisibility()).to.equal(true);
      part(el, 'button').click();
      await until(el, 'busy');
      expect(part(el, 'button').getAttribute('aria-disabled')).to.equal('true');
      slow.open();
      await waitUntil(() => !el.matches(':state(busy)'), 'done');
      expect(states(el)).to.deep.equal(['back']);
    });

    it('error after a failed switch, cleared by the next one', async () => {
      const cameras = twoCameras();
      cameras.refuse = 'NotReadableError';
      const { el, session } = await shown(cameras);
      await DeviceStore.for(session).openLocalCamera();
      part(el, 'button').click();
      await until(el, 'error');
      expect(text(el, 'status')).to.equal('The camera is in use by another app');
      cameras.refuse = null;
      part(el, 'button').click();
      await waitUntil(() => !el.matches(':state(error)'), 'the error clears');
      expect(text(el, 'status')).to.equal('');
    });
  });

  describe('events', () => {
    it('fires a cancelable camera-switch before switching, with the camera asked for', async () => {
      const { el } = await shown();
      const asked = oneEvent<CameraSwitchEvent>(el, CameraSwitchEvent.type);
      part(el, 'button').click();
      const event = await asked;
      expect([event.isFront, event.cancelable, event.bubbles, event.composed]).to.deep.equal([
        false,
        true,
        true,
        true,
      ]);
    });

    it('does nothing when the page cancels camera-switch', async () => {
      const { el, session } = await shown();
      el.addEventListener('camera-switch', (event) => event.preventDefault());
      part(el, 'button').click();
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['front']);
      expect(DeviceStore.for(session).isFrontCamera.get()).to.equal(true);
    });

    it('fires action-error when switching fails', async () => {
      const cameras = twoCameras();
      cameras.refuse = 'NotAllowedError';
      const { el, session } = await shown(cameras);
      await DeviceStore.for(session).openLocalCamera();
      const failed = oneEvent<ActionErrorEvent>(el, 'action-error');
      part(el, 'button').click();
      const event = await failed;
      expect([event.action, event.errorCode]).to.deep.equal([
        'switchCamera',
        ErrorCode.CAMERA_NOT_AUTHORIZED,
      ]);
    });
  });

  describe('hostile input', () => {
    it('never renders camera labels, hostile ones included', async () => {
      for (const label of HOSTILE_STRINGS) {
        const cameras = twoCameras();
        cameras.backLabel = label;
        const { el } = await shown(cameras);
        const check = inertIn(el);
        expect(check.ok, check.problem).to.equal(true);
        expect(el.shadowRoot!.textContent?.includes(label)).to.equal(false);
      }
    });
  });
});
