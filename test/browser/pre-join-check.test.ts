/**
 * <pre-join-check> in Chromium: real capture from the fake camera and microphone of
 * web-test-runner.config.mjs (`--use-fake-device-for-media-stream`), real `DeviceStore`s; a scripted
 * `MediaDevices` only where a refusal or a missing device must be produced on purpose.
 */
import { ContextProvider } from '@lit/context';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { LitElement } from 'lit';
import { liveContext, type LiveTarget } from '../../src/controllers/live-controller.js';
import { createSession, type Session } from '../../src/core/index.js';
import {
  PreJoinCancelEvent,
  PreJoinCheck,
  PreJoinConfirmEvent,
} from '../../src/elements/pre-join-check/pre-join-check.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import { DeviceStore, type MediaDevicesLike } from '../../src/media/index.js';
import { HOSTILE_STRINGS, inertIn } from './shared/hostile.js';
import { queryPart } from './shared/layers.js';

/** Provides a session to its subtree, as `<live-session>` does once it has one. */
class CheckSource extends LitElement {
  readonly provider = new ContextProvider(this, { context: liveContext });
  set target(value: LiveTarget | undefined) {
    this.provider.setValue(value);
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}
customElements.define('check-source', CheckSource);

function part<T extends HTMLElement = HTMLElement>(el: PreJoinCheck, name: string): T {
  const found = queryPart(el, name);
  if (found === null) throw new Error(`no part "${name}"`);
  return found as T;
}

function text(el: PreJoinCheck, name: string): string {
  return part(el, name).textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

async function until(el: PreJoinCheck, state: string, timeout = 5000): Promise<void> {
  await waitUntil(() => el.matches(`:state(${state})`), `the check is ${state}`, { timeout });
  await el.updateComplete;
}

/** The browser's devices, refusing every capture with `name` while `refuse.name` is set. */
function switchableDevices(refuse: { name: string | null }): MediaDevicesLike {
  const real = navigator.mediaDevices;
  return {
    async getUserMedia(constraints) {
      await Promise.resolve();
      if (refuse.name !== null) throw new DOMException('refused', refuse.name);
      return real.getUserMedia(constraints);
    },
    enumerateDevices: () => real.enumerateDevices(),
  };
}

describe('<pre-join-check>', () => {
  const sessions: Session[] = [];

  /** A session whose device store uses `mediaDevices` (default: the browser's). */
  function sessionWith(mediaDevices?: MediaDevicesLike): Session {
    const session = createSession();
    sessions.push(session);
    DeviceStore.for(session, mediaDevices === undefined ? {} : { mediaDevices });
    return session;
  }

  async function check(session: Session = sessionWith()): Promise<PreJoinCheck> {
    return fixture<PreJoinCheck>(html`<pre-join-check .session=${session}></pre-join-check>`);
  }

  /** A check whose camera and microphone are open. */
  async function readyCheck(session: Session = sessionWith()): Promise<PreJoinCheck> {
    const el = await check(session);
    await until(el, 'ready');
    await waitUntil(() => DeviceStore.for(session).localStream.get()?.getTracks().length === 2, 'both open');
    return el;
  }

  afterEach(async () => {
    for (const session of sessions) await DeviceStore.for(session).reset();
    for (const session of sessions) session.dispose();
    sessions.length = 0;
    setLocale('en');
  });

  describe('accessibility', () => {
    it('passes axe with the devices open', async () => {
      const el = await readyCheck();
      await expect(el).to.be.accessible();
    });

    it('passes axe while a device is refused', async () => {
      const el = await check(sessionWith(switchableDevices({ name: 'NotAllowedError' })));
      await until(el, 'denied');
      await expect(el).to.be.accessible();
    });

    it('the meter is a meter with its range and value', async () => {
      const el = await readyCheck();
      const meter = part(el, 'meter');
      expect(meter.getAttribute('role')).to.equal('meter');
      expect(meter.getAttribute('aria-valuemin')).to.equal('0');
      expect(meter.getAttribute('aria-valuemax')).to.equal('100');
      expect(meter.getAttribute('aria-label')).to.equal('Microphone level');
      expect(Number(meter.getAttribute('aria-valuenow'))).to.be.within(0, 100);
    });
  });

  describe('devices', () => {
    it('opens the camera and the microphone of the session and previews the camera, mirrored', async () => {
      const session = sessionWith();
      const el = await readyCheck(session);
      const store = DeviceStore.for(session);
      expect(store.cameraStatus.get()).to.equal('on');
      expect(store.microphoneStatus.get()).to.equal('on');
      const video = part<HTMLVideoElement>(el, 'video');
      const camera = store.localStream.get()?.getVideoTracks()[0];
      expect((video.srcObject as MediaStream | null)?.getVideoTracks()[0]).to.equal(camera);
      await waitUntil(() => video.videoWidth > 0, 'the preview shows frames');
      expect(video.hidden).to.equal(false);
      expect(part(el, 'placeholder').hidden).to.equal(true);
      expect(el.matches(':state(mirrored)')).to.equal(true);
      expect(getComputedStyle(video).transform).to.not.equal('none');
    });

    it('the meter moves with the microphone', async () => {
      // The page had a gesture: Web Audio may run.
      await sendMouse({ type: 'click', position: [1, 1] });
      const el = await readyCheck();
      const meter = part(el, 'meter');
      await waitUntil(() => Number(meter.getAttribute('aria-valuenow')) > 20, 'the meter hears the beeps', {
        timeout: 5000,
      });
      expect(el.level).to.be.greaterThan(20);
      expect(part(el, 'meter-bar').style.width).to.equal(`${el.level}%`);
      await waitUntil(() => el.matches(':state(sound)'), 'a sound is heard');
    });

    it('the camera toggle turns the camera off and on, the placeholder says so', async () => {
      const session = sessionWith();
      const el = await readyCheck(session);
      const toggle = part(el, 'camera-toggle');
      expect(toggle.textContent?.trim()).to.contain('Turn camera off');
      toggle.click();
      await until(el, 'camera-off');
      expect(DeviceStore.for(session).cameraStatus.get()).to.equal('off');
      expect(part(el, 'video').hidden).to.equal(true);
      expect(part(el, 'placeholder').hidden).to.equal(false);
      expect(text(el, 'placeholder')).to.equal('Your camera is off');
      expect(el.matches(':state(mirrored)')).to.equal(false);
      await waitUntil(() => !el.matches(':state(starting)'));
      part(el, 'camera-toggle').click();
      await waitUntil(() => !el.matches(':state(camera-off)'), 'the camera is back');
      expect(DeviceStore.for(session).cameraStatus.get()).to.equal('on');
    });

    it('the microphone toggle mutes: the meter rests at 0', async () => {
      await sendMouse({ type: 'click', position: [1, 1] });
      const session = sessionWith();
      const el = await readyCheck(session);
      part(el, 'microphone-toggle').click();
      await until(el, 'microphone-off');
      expect(DeviceStore.for(session).microphoneStatus.get()).to.equal('off');
      await waitUntil(() => el.level === 0, 'the meter rests');
      expect(part(el, 'meter').getAttribute('aria-valuenow')).to.equal('0');
      expect(text(el, 'microphone-toggle')).to.equal('Unmute');
    });
  });

  describe('pickers', () => {
    it('lists the cameras and microphones by name once access is allowed, and chooses one', async () => {
      const session = sessionWith();
      const el = await readyCheck(session);
      const microphones = part<HTMLSelectElement>(el, 'microphone-select');
      await waitUntil(() => microphones.options.length > 1 && microphones.options[0]?.text !== '', 'listed');
      const cameras = part<HTMLSelectElement>(el, 'camera-select');
      expect(cameras.options.length).to.be.greaterThan(0);
      expect(cameras.value).to.equal(DeviceStore.for(session).currentCamera.get());
      const other = [...microphones.options].find((option) => option.value !== microphones.value);
      expect(other, 'a second fake microphone').to.not.equal(undefined);
      microphones.value = other?.value ?? '';
      microphones.dispatchEvent(new Event('change'));
      await waitUntil(() => DeviceStore.for(session).currentMicrophone.get() === other?.value, 'chosen');
      await el.updateComplete;
      expect(part<HTMLSelectElement>(el, 'microphone-select').value).to.equal(other?.value);
    });

    it('offers the speakers where the output can be chosen, the system default first', async () => {
      const session = sessionWith();
      const el = await readyCheck(session);
      expect(DeviceStore.for(session).supports('speaker')).to.equal(true);
      const speakers = part<HTMLSelectElement>(el, 'speaker-select');
      expect(speakers.options[0]?.value).to.equal('');
      expect(speakers.options[0]?.text.trim()).to.equal('System default');
      const outputs = (await navigator.mediaDevices.enumerateDevices()).filter(
        (device) => device.kind === 'audiooutput' && device.deviceId !== 'default',
      );
      const output = outputs[0]!;
      expect(output, 'Chromium lists an audio output').to.not.equal(undefined);
      await waitUntil(() => speakers.options.length === outputs.length + 1, 'every output listed');
      speakers.value = output.deviceId;
      speakers.dispatchEvent(new Event('change'));
      await waitUntil(() => DeviceStore.for(session).currentSpeaker.get() === output.deviceId, 'chosen');
    });

    it('hides the speaker picker where the browser cannot choose the output', async () => {
      const descriptor = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'setSinkId');
      delete (HTMLMediaElement.prototype as Partial<HTMLMediaElement>).setSinkId;
      try {
        const el = await readyCheck();
        expect(queryPart(el, 'speaker-select')).to.equal(null);
        expect(queryPart(el, 'camera-select')).to.not.equal(null);
      } finally {
        if (descriptor !== undefined)
          Object.defineProperty(HTMLMediaElement.prototype, 'setSinkId', descriptor);
      }
    });
  });

  describe('states', () => {
    it('is starting while the devices open, then ready', async () => {
      const el = await check();
      expect(el.matches(':state(starting)')).to.equal(true);
      expect(text(el, 'placeholder')).to.equal('Starting your camera and microphone…');
      await until(el, 'ready');
      expect(el.matches(':state(starting)')).to.equal(false);
    });

    it('denied: says why, and "Try again" opens the devices once access is allowed', async () => {
      const refuse: { name: string | null } = { name: 'NotAllowedError' };
      const session = sessionWith(switchableDevices(refuse));
      const el = await check(session);
      await until(el, 'denied');
      expect(el.matches(':state(camera-off)')).to.equal(true);
      expect(part(el, 'problem').getAttribute('role')).to.equal('alert');
      expect(text(el, 'problem')).to.contain(
        'Camera access is blocked: allow it in the browser, then try again',
      );
      expect(text(el, 'problem')).to.contain('Microphone access is blocked');
      refuse.name = null;
      part(el, 'retry-button').click();
      await until(el, 'ready');
      expect(part(el, 'problem').hidden).to.equal(true);
      expect(DeviceStore.for(session).cameraStatus.get()).to.equal('on');
    });

    it('no-device: says that no camera was found', async () => {
      const el = await check(sessionWith(switchableDevices({ name: 'NotFoundError' })));
      await until(el, 'no-device');
      expect(text(el, 'problem')).to.contain('No camera was found');
      expect(text(el, 'problem')).to.contain('No microphone was found');
    });

    it('failed: a device in use', async () => {
      const el = await check(sessionWith(switchableDevices({ name: 'NotReadableError' })));
      await until(el, 'failed');
      expect(text(el, 'problem')).to.contain('The camera is in use by another app');
    });
  });

  describe('events', () => {
    it('confirm carries the choice, and the devices stay open for the live', async () => {
      const session = sessionWith();
      const el = await readyCheck(session);
      const store = DeviceStore.for(session);
      const camera = store.localStream.get()?.getVideoTracks()[0];
      setTimeout(() => part(el, 'confirm-button').click());
      const event = await oneEvent<PreJoinConfirmEvent>(el, PreJoinConfirmEvent.type);
      expect(event).to.be.instanceOf(PreJoinConfirmEvent);
      expect(event.cancelable).to.equal(true);
      expect(event.choice).to.deep.equal({
        camera: true,
        microphone: true,
        cameraId: store.currentCamera.get(),
        microphoneId: store.currentMicrophone.get(),
        speakerId: null,
      });
      await until(el, 'confirmed');
      el.remove();
      await Promise.resolve();
      await new Promise((resolve) => requestAnimationFrame(resolve));
      expect(store.cameraStatus.get()).to.equal('on');
      expect(store.localStream.get()?.getVideoTracks()[0]).to.equal(camera);
      expect(camera?.readyState).to.equal('live');
    });

    it('a prevented confirm keeps the check', async () => {
      const el = await readyCheck();
      el.addEventListener(PreJoinConfirmEvent.type, (event) => event.preventDefault(), { once: true });
      part(el, 'confirm-button').click();
      await el.updateComplete;
      expect(el.matches(':state(confirmed)')).to.equal(false);
      expect(el.matches(':state(ready)')).to.equal(true);
    });

    it('the choice says what the user turned off', async () => {
      const el = await readyCheck();
      part(el, 'camera-toggle').click();
      await until(el, 'camera-off');
      await waitUntil(() => el.matches(':state(ready)'));
      setTimeout(() => part(el, 'confirm-button').click());
      const event = await oneEvent<PreJoinConfirmEvent>(el, PreJoinConfirmEvent.type);
      expect(event.choice.camera).to.equal(false);
      expect(event.choice.microphone).to.equal(true);
    });

    it('cancel fires pre-join-cancel and closes what the check opened, not what was open before', async () => {
      const session = sessionWith();
      const store = DeviceStore.for(session);
      expect((await store.openLocalMicrophone()).isSuccess).to.equal(true);
      const microphone = store.localStream.get()?.getAudioTracks()[0];
      const el = await readyCheck(session);
      const camera = store.localStream.get()?.getVideoTracks()[0];
      setTimeout(() => part(el, 'cancel-button').click());
      const event = await oneEvent<PreJoinCancelEvent>(el, PreJoinCancelEvent.type);
      expect(event).to.be.instanceOf(PreJoinCancelEvent);
      await waitUntil(() => store.cameraStatus.get() === 'off', 'the camera it opened is closed');
      expect(camera?.readyState).to.equal('ended');
      expect(store.microphoneStatus.get()).to.equal('on');
      expect(microphone?.readyState).to.equal('live');
    });

    it('a session provided later: the check moves to its devices, and closes what it opened before', async () => {
      const first = sessionWith();
      const second = sessionWith();
      const source = await fixture<CheckSource>(
        html`<check-source .target=${{ session: first, liveId: null }}
          ><pre-join-check></pre-join-check
        ></check-source>`,
      );
      const el = source.querySelector('pre-join-check')!;
      await until(el, 'ready');
      await waitUntil(() => DeviceStore.for(first).localStream.get()?.getTracks().length === 2, 'open');
      const before = DeviceStore.for(first).localStream.get()?.getTracks() ?? [];
      source.target = { session: second, liveId: null };
      await waitUntil(() => DeviceStore.for(second).localStream.get()?.getTracks().length === 2, 'moved');
      await waitUntil(() => before.every((track) => track.readyState === 'ended'), 'the first ones stopped');
      expect(DeviceStore.for(first).cameraStatus.get()).to.equal('off');
      expect(DeviceStore.for(first).microphoneStatus.get()).to.equal('off');
    });

    it('removed while the devices open, what they capture is stopped', async () => {
      const real = navigator.mediaDevices;
      const captured: MediaStreamTrack[] = [];
      let open = (): void => undefined;
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const session = sessionWith({
        async getUserMedia(constraints) {
          await gate;
          const stream = await real.getUserMedia(constraints);
          captured.push(...stream.getTracks());
          return stream;
        },
        enumerateDevices: () => real.enumerateDevices(),
      });
      const el = await check(session);
      expect(el.matches(':state(starting)')).to.equal(true);
      el.remove();
      open();
      await waitUntil(
        () => captured.length === 2 && captured.every((track) => track.readyState === 'ended'),
        'every track captured for the removed check stopped',
      );
      const store = DeviceStore.for(session);
      await waitUntil(() => store.cameraStatus.get() === 'off' && store.microphoneStatus.get() === 'off');
    });

    it('removed without a confirm, it stops the tracks it opened', async () => {
      const session = sessionWith();
      const store = DeviceStore.for(session);
      const el = await readyCheck(session);
      const tracks = store.localStream.get()?.getTracks() ?? [];
      expect(tracks.length).to.equal(2);
      el.remove();
      await waitUntil(() => tracks.every((track) => track.readyState === 'ended'), 'every track ended');
      expect(store.cameraStatus.get()).to.equal('off');
      expect(store.microphoneStatus.get()).to.equal('off');
    });
  });

  describe('properties', () => {
    it('is registered as <pre-join-check>', () => {
      expect(document.createElement('pre-join-check')).to.be.instanceOf(PreJoinCheck);
    });

    it('confirm-label sets the confirm button; hostile text stays text', async () => {
      const el = await readyCheck();
      expect(text(el, 'confirm-button')).to.equal('Join');
      el.setAttribute('confirm-label', 'Go live');
      await el.updateComplete;
      expect(text(el, 'confirm-button')).to.equal('Go live');
      for (const hostile of HOSTILE_STRINGS) {
        el.confirmLabel = hostile;
        await el.updateComplete;
        expect(text(el, 'confirm-button')).to.equal(hostile.replace(/\s+/g, ' ').trim());
        expect(inertIn(el).ok).to.equal(true);
      }
    });

    it('no-cancel hides the cancel button', async () => {
      const el = await readyCheck();
      el.noCancel = true;
      await el.updateComplete;
      expect(queryPart(el, 'cancel-button')).to.equal(null);
    });

    it('speaks the page language', async () => {
      await loadLocale('ko');
      setLocale('ko');
      const el = await readyCheck();
      expect(text(el, 'confirm-button')).to.equal('참여');
      expect(part(el, 'meter').getAttribute('aria-label')).to.equal('마이크 음량');
    });
  });

  describe('slots and parts', () => {
    it('shows the page content of its default slot, and its parts', async () => {
      const session = sessionWith();
      const el = await fixture<PreJoinCheck>(
        html`<pre-join-check .session=${session}
          ><label><input type="checkbox" /> Remember</label></pre-join-check
        >`,
      );
      await until(el, 'ready');
      const slot = el.shadowRoot?.querySelector('slot');
      expect(slot?.assignedElements()[0]?.textContent?.trim()).to.equal('Remember');
      for (const name of ['base', 'preview', 'toggles', 'meter', 'pickers', 'actions', 'confirm-button']) {
        expect(queryPart(el, name), name).to.not.equal(null);
      }
    });
  });
});
