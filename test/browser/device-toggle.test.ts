/**
 * <device-toggle> in Chromium: real capture from the fake devices of web-test-runner.config.mjs,
 * real stores on the in-page hub for the seat's rules; a scripted `MediaDevices` only where a
 * failure, a slow device or a browser without capture must be produced on purpose.
 */
import { ContextProvider } from '@lit/context';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { LitElement } from 'lit';
import { liveContext, type LiveTarget } from '../../src/controllers/live-controller.js';
import { createSession, ErrorCode, type Session } from '../../src/core/index.js';
import { DeviceToggle, DeviceToggleEvent } from '../../src/elements/device-toggle/device-toggle.js';
import type { ActionErrorEvent } from '../../src/elements/shared/events.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import { DeviceStore, type MediaDevicesLike } from '../../src/media/index.js';
import { waitFor } from '../core/helpers.js';
import { HOSTILE_STRINGS, inertIn } from './shared/hostile.js';
import { queryPart } from './shared/layers.js';
import { startLive, type TestLive } from './shared/live.js';

/** Provides a live to its subtree, as `<live-core-view>` does. */
class ToggleSource extends LitElement {
  readonly provider = new ContextProvider(this, { context: liveContext });
  set target(value: LiveTarget | undefined) {
    this.provider.setValue(value);
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}
customElements.define('toggle-source', ToggleSource);

const STATES = ['on', 'off', 'locked', 'unsupported', 'busy', 'error'] as const;
type State = (typeof STATES)[number];

function part(el: DeviceToggle, name: string): HTMLElement {
  const found = queryPart(el, name);
  if (found === null) throw new Error(`no part "${name}"`);
  return found;
}

function text(el: DeviceToggle, name: string): string {
  return part(el, name).textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

function states(el: DeviceToggle): string[] {
  return STATES.filter((state) => el.matches(`:state(${state})`));
}

/** Resolves once the colour transitions inside `el` have finished (axe reads the colours). */
async function settled(el: HTMLElement): Promise<void> {
  const animations = el.shadowRoot?.getAnimations() ?? [];
  await Promise.all(animations.map((animation) => animation.finished.catch(() => undefined)));
}

async function until(el: DeviceToggle, state: State): Promise<void> {
  await waitUntil(() => el.matches(`:state(${state})`), `the toggle is ${state}`, { timeout: 3000 });
  await el.updateComplete;
  await settled(el);
}

/** The real devices, with every getUserMedia waiting for `gate` when one is set. */
function slowDevices(gate: Promise<void>): MediaDevicesLike {
  const base = navigator.mediaDevices;
  return {
    async getUserMedia(constraints) {
      await gate;
      return base.getUserMedia(constraints);
    },
    enumerateDevices: () => base.enumerateDevices(),
  };
}

/** Devices that refuse every capture with a DOMException named `name`. */
function refusingDevices(name: string): MediaDevicesLike {
  const refuse = async (): Promise<MediaStream> => {
    await Promise.resolve();
    throw new DOMException('refused', name);
  };
  return {
    getUserMedia: refuse,
    getDisplayMedia: refuse,
    enumerateDevices: () => Promise.resolve([]),
  };
}

function gate(): { readonly promise: Promise<void>; readonly open: () => void } {
  let open: (() => void) | undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open: () => open?.() };
}

describe('<device-toggle>', () => {
  const sessions: Session[] = [];
  const stores: DeviceStore[] = [];
  let live: TestLive | null = null;

  /** A session (new, or `session`) whose device store uses `mediaDevices` (default: the browser's). */
  function sessionWith(mediaDevices?: MediaDevicesLike | null, session?: Session): Session {
    const owner = session ?? createSession();
    if (session === undefined) sessions.push(owner);
    stores.push(DeviceStore.for(owner, mediaDevices === undefined ? {} : { mediaDevices }));
    return owner;
  }

  async function toggle(
    device: string,
    session: Session = sessionWith(),
    liveId: string | null = null,
  ): Promise<DeviceToggle> {
    const el = await fixture<DeviceToggle>(
      html`<device-toggle .session=${session} .liveId=${liveId}></device-toggle>`,
    );
    // An attribute as a page writes it: any string.
    el.setAttribute('device', device);
    await el.updateComplete;
    return el;
  }

  /** Alice seated in a live, and her camera toggle. */
  async function seatedToggle(device = 'camera'): Promise<{ el: DeviceToggle; live: TestLive }> {
    live = await startLive({ audience: ['alice'] });
    await live.seat('alice');
    const el = await toggle(device, sessionWith(undefined, live.session('alice')), live.liveId);
    return { el, live };
  }

  afterEach(async () => {
    for (const store of stores) await store.reset();
    live?.close();
    live = null;
    for (const session of sessions) session.dispose();
    sessions.length = 0;
    stores.length = 0;
    setLocale('en');
  });

  describe('accessibility', () => {
    it('passes axe while off and on', async () => {
      const el = await toggle('camera');
      await expect(el).to.be.accessible();
      part(el, 'button').click();
      await until(el, 'on');
      await expect(el).to.be.accessible();
    });

    it('passes axe while busy', async () => {
      const slow = gate();
      const el = await toggle('camera', sessionWith(slowDevices(slow.promise)));
      part(el, 'button').click();
      await until(el, 'busy');
      await expect(el).to.be.accessible();
      slow.open();
      await until(el, 'on');
    });

    it('passes axe while locked, in error and unsupported', async () => {
      const { el, live: test } = await seatedToggle();
      await test.host.liveSeatStore(test.liveId).closeRemoteCamera('alice', { forbid: true });
      await until(el, 'locked');
      await expect(el).to.be.accessible();
      const failing = await toggle('microphone', sessionWith(refusingDevices('NotAllowedError')));
      part(failing, 'button').click();
      await until(failing, 'error');
      await expect(failing).to.be.accessible();
      const unsupported = await toggle('screen', sessionWith(null));
      await expect(unsupported).to.be.accessible();
    });

    it('is a real button whose label states the action, with no pressed state', async () => {
      const el = await toggle('camera');
      const button = part(el, 'button');
      expect(button.localName).to.equal('button');
      expect(button.getAttribute('type')).to.equal('button');
      expect(button.hasAttribute('aria-pressed')).to.equal(false);
      expect(text(el, 'label')).to.equal('Turn camera on');
      button.click();
      await until(el, 'on');
      expect(button.hasAttribute('aria-pressed')).to.equal(false);
      expect(el.matches(':state(on)')).to.equal(true);
      expect(text(el, 'label')).to.equal('Turn camera off');
    });

    it('names each device’s action', async () => {
      const microphone = await toggle('microphone');
      expect(text(microphone, 'label')).to.equal('Unmute');
      part(microphone, 'button').click();
      await until(microphone, 'on');
      expect(text(microphone, 'label')).to.equal('Mute');
      const screen = await toggle('screen');
      expect(text(screen, 'label')).to.equal('Share screen');
      part(screen, 'button').click();
      await until(screen, 'on');
      expect(text(screen, 'label')).to.equal('Stop sharing');
    });

    it('hides its icon from assistive technology', async () => {
      const el = await toggle('camera');
      expect(part(el, 'icon').getAttribute('aria-hidden')).to.equal('true');
    });

    it('is disabled with a reason when the host forbids the device, and keeps focus', async () => {
      const { el, live: test } = await seatedToggle();
      const button = part(el, 'button') as HTMLButtonElement;
      button.focus();
      await test.host.liveSeatStore(test.liveId).closeRemoteCamera('alice', { forbid: true });
      await until(el, 'locked');
      expect(button.getAttribute('aria-disabled')).to.equal('true');
      expect(button.disabled).to.equal(false);
      expect(el.shadowRoot!.activeElement === button, 'focus stays').to.equal(true);
      const described = el.shadowRoot!.getElementById(button.getAttribute('aria-describedby')!);
      expect(described?.textContent?.trim()).to.equal('The host has blocked your camera on this seat');
    });

    it('is disabled with a reason where the browser cannot capture', async () => {
      const el = await toggle('camera', sessionWith(null));
      expect(states(el)).to.deep.equal(['off', 'unsupported']);
      expect(part(el, 'button').getAttribute('aria-disabled')).to.equal('true');
      expect(text(el, 'status')).to.equal('This browser cannot use a camera on this page');
      part(el, 'button').click();
      await el.updateComplete;
      expect(DeviceStore.for(el.session!).lastError.get().camera, 'nothing was tried').to.equal(null);
    });

    it('announces the last error in a polite status', async () => {
      const el = await toggle('camera', sessionWith(refusingDevices('NotAllowedError')));
      const status = part(el, 'status');
      expect(status.getAttribute('role')).to.equal('status');
      expect(status.getAttribute('aria-live')).to.equal('polite');
      expect(text(el, 'status')).to.equal('');
      part(el, 'button').click();
      await until(el, 'error');
      expect(text(el, 'status')).to.equal(
        'Camera access is blocked: allow it in the browser, then try again',
      );
      expect(part(el, 'button').getAttribute('aria-describedby')).to.equal(status.id);
    });

    it('is used with the keyboard alone: Tab, Enter to turn on, Space to turn off', async () => {
      const session = sessionWith();
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <button type="button">before</button>
          <device-toggle .session=${session} device="microphone"></device-toggle>
        </div>`,
      );
      const el = wrapper.querySelector('device-toggle')!;
      await el.updateComplete;
      wrapper.querySelector('button')!.focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement === part(el, 'button'), 'the button has focus').to.equal(true);
      await sendKeys({ press: 'Enter' });
      await until(el, 'on');
      expect(el.shadowRoot!.activeElement === part(el, 'button'), 'focus stays').to.equal(true);
      await sendKeys({ press: 'Space' });
      await until(el, 'off');
      expect(DeviceStore.for(session).microphoneStatus.get()).to.equal('off');
    });

    it('speaks the page’s language', async () => {
      await loadLocale('zh-CN');
      setLocale('zh-CN');
      const el = await toggle('microphone');
      expect(text(el, 'label')).to.equal('取消静音');
      expect(part(el, 'button').closest('[lang]')?.getAttribute('lang')).to.equal('zh-CN');
      await loadLocale('ko');
      setLocale('ko');
      await el.updateComplete;
      expect(text(el, 'label')).to.equal('음소거 해제');
    });
  });

  describe('properties', () => {
    it('has documented defaults', () => {
      const el = document.createElement('device-toggle');
      expect(el).to.be.instanceOf(DeviceToggle);
      expect([el.session, el.liveId, el.device]).to.deep.equal([null, null, 'camera']);
    });

    it('turns the chosen device on and off through its session’s DeviceStore', async () => {
      const session = sessionWith();
      const devices = DeviceStore.for(session);
      const el = await toggle('microphone', session);
      part(el, 'button').click();
      await until(el, 'on');
      expect(devices.microphoneStatus.get()).to.equal('on');
      expect(devices.cameraStatus.get(), 'the camera is untouched').to.equal('off');
      expect(devices.localStream.get()?.getAudioTracks()[0]?.readyState).to.equal('live');
      part(el, 'button').click();
      await until(el, 'off');
      expect(devices.localStream.get()).to.equal(null);
    });

    it('follows the device when something else turns it on or off', async () => {
      const session = sessionWith();
      const el = await toggle('camera', session);
      await DeviceStore.for(session).openLocalCamera();
      await until(el, 'on');
      await DeviceStore.for(session).closeLocalCamera();
      await until(el, 'off');
    });

    it('follows a change of device', async () => {
      const session = sessionWith();
      await DeviceStore.for(session).openLocalMicrophone();
      const el = await toggle('camera', session);
      expect(states(el)).to.deep.equal(['off']);
      el.device = 'microphone';
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['on']);
      expect(text(el, 'label')).to.equal('Mute');
    });

    it('acts as a camera toggle for an unknown device', async () => {
      const el = await toggle('flashlight');
      expect(text(el, 'label')).to.equal('Turn camera on');
    });

    it('needs no attributes inside <live-core-view>', async () => {
      const session = sessionWith();
      const source = await fixture<ToggleSource>(
        html`<toggle-source .target=${{ session, liveId: null }}
          ><device-toggle device="camera"></device-toggle
        ></toggle-source>`,
      );
      const el = source.querySelector('device-toggle')!;
      await el.updateComplete;
      part(el, 'button').click();
      await until(el, 'on');
      expect(DeviceStore.for(session).cameraStatus.get()).to.equal('on');
    });

    it('a seated user’s toggle publishes the device: the host sees it', async () => {
      const { el, live: test } = await seatedToggle('microphone');
      part(el, 'button').click();
      await until(el, 'on');
      await waitFor(
        test.host.liveSeatStore(test.liveId).seatList,
        (seats) =>
          seats.some((seat) => seat.userInfo?.userId === 'alice' && seat.userInfo.microphoneStatus === 'on'),
        'the host sees the microphone on',
      );
    });
  });

  describe('parts', () => {
    it('exposes button, icon, label and status', async () => {
      const el = await toggle('camera');
      for (const name of ['button', 'icon', 'label', 'status']) {
        expect(queryPart(el, name) !== null, name).to.equal(true);
      }
      expect(part(el, 'button').contains(part(el, 'icon'))).to.equal(true);
      expect(part(el, 'button').contains(part(el, 'label'))).to.equal(true);
    });

    it('shows a lock as the icon while locked', async () => {
      const { el, live: test } = await seatedToggle();
      const before = part(el, 'icon').innerHTML;
      await test.host.liveSeatStore(test.liveId).closeRemoteCamera('alice', { forbid: true });
      await until(el, 'locked');
      expect(part(el, 'icon').innerHTML).not.to.equal(before);
    });
  });

  describe('states', () => {
    it('off, busy, on, and off again', async () => {
      const slow = gate();
      const el = await toggle('camera', sessionWith(slowDevices(slow.promise)));
      expect(states(el)).to.deep.equal(['off']);
      part(el, 'button').click();
      await until(el, 'busy');
      expect(states(el)).to.deep.equal(['off', 'busy']);
      expect(part(el, 'button').getAttribute('aria-disabled')).to.equal('true');
      slow.open();
      await until(el, 'on');
      await waitUntil(() => !el.matches(':state(busy)'), 'not busy');
      expect(states(el)).to.deep.equal(['on']);
      part(el, 'button').click();
      await until(el, 'off');
      await waitUntil(() => !el.matches(':state(busy)'), 'not busy');
      expect(states(el)).to.deep.equal(['off']);
    });

    it('ignores presses while busy', async () => {
      const slow = gate();
      const session = sessionWith(slowDevices(slow.promise));
      const el = await toggle('camera', session);
      let asked = 0;
      el.addEventListener('device-toggle', () => asked++);
      part(el, 'button').click();
      await until(el, 'busy');
      part(el, 'button').click();
      part(el, 'button').click();
      slow.open();
      await until(el, 'on');
      expect(asked).to.equal(1);
    });

    it('locked while the host forbids the device; the host allowing it unlocks but does not open it', async () => {
      const { el, live: test } = await seatedToggle();
      const seats = test.host.liveSeatStore(test.liveId);
      await seats.closeRemoteCamera('alice', { forbid: true });
      await until(el, 'locked');
      expect(states(el)).to.deep.equal(['off', 'locked']);
      await seats.openRemoteCamera('alice');
      await waitUntil(() => !el.matches(':state(locked)'), 'unlocked');
      expect(states(el)).to.deep.equal(['off']);
    });

    it('off when the host closes the open device', async () => {
      const { el, live: test } = await seatedToggle('microphone');
      part(el, 'button').click();
      await until(el, 'on');
      await test.host.liveSeatStore(test.liveId).closeRemoteMicrophone('alice');
      await until(el, 'off');
    });

    it('error after a failure, cleared by a success', async () => {
      let refuse = true;
      const base = navigator.mediaDevices;
      const devices: MediaDevicesLike = {
        async getUserMedia(constraints) {
          if (refuse) {
            await Promise.resolve();
            throw new DOMException('in use', 'NotReadableError');
          }
          return base.getUserMedia(constraints);
        },
        enumerateDevices: () => base.enumerateDevices(),
      };
      const el = await toggle('camera', sessionWith(devices));
      part(el, 'button').click();
      await until(el, 'error');
      expect(text(el, 'status')).to.equal('The camera is in use by another app');
      refuse = false;
      part(el, 'button').click();
      await until(el, 'on');
      expect(el.matches(':state(error)')).to.equal(false);
      expect(text(el, 'status')).to.equal('');
    });

    it('shows the error of each failure', async () => {
      const cases: readonly [string, string, string][] = [
        ['camera', 'NotFoundError', 'No camera was found'],
        ['camera', 'AbortError', 'The camera is in use by another app'],
        ['camera', 'WeirdError', 'The camera could not start'],
        [
          'microphone',
          'NotAllowedError',
          'Microphone access is blocked: allow it in the browser, then try again',
        ],
        ['microphone', 'OverconstrainedError', 'No microphone was found'],
        ['screen', 'NotAllowedError', 'Screen sharing could not start'],
      ];
      for (const [device, name, message] of cases) {
        const el = await toggle(device, sessionWith(refusingDevices(name)));
        part(el, 'button').click();
        await until(el, 'error');
        expect(text(el, 'status'), `${device} ${name}`).to.equal(message);
      }
    });
  });

  describe('events', () => {
    it('fires a cancelable device-toggle before acting, with the device and the state asked for', async () => {
      const session = sessionWith();
      const el = await toggle('microphone', session);
      const asked = oneEvent<DeviceToggleEvent>(el, DeviceToggleEvent.type);
      part(el, 'button').click();
      const event = await asked;
      expect(event).to.be.instanceOf(DeviceToggleEvent);
      expect([event.device, event.on, event.cancelable, event.bubbles, event.composed]).to.deep.equal([
        'microphone',
        true,
        true,
        true,
        true,
      ]);
      await until(el, 'on');
      const off = oneEvent<DeviceToggleEvent>(el, DeviceToggleEvent.type);
      part(el, 'button').click();
      expect((await off).on).to.equal(false);
      await until(el, 'off');
    });

    it('does nothing when the page cancels device-toggle', async () => {
      const session = sessionWith();
      const el = await toggle('camera', session);
      el.addEventListener('device-toggle', (event) => event.preventDefault());
      part(el, 'button').click();
      await el.updateComplete;
      expect(el.matches(':state(busy)')).to.equal(false);
      expect(DeviceStore.for(session).cameraStatus.get()).to.equal('off');
    });

    it('fires action-error when the store action fails', async () => {
      const el = await toggle('camera', sessionWith(refusingDevices('NotAllowedError')));
      const failed = oneEvent<ActionErrorEvent>(el, 'action-error');
      part(el, 'button').click();
      const event: ActionErrorEvent = await failed;
      expect([event.action, event.errorCode]).to.deep.equal([
        'openLocalCamera',
        ErrorCode.CAMERA_NOT_AUTHORIZED,
      ]);
      expect(event.bubbles && event.composed).to.equal(true);
    });

    it('a press on a locked toggle fires nothing and opens nothing', async () => {
      const { el, live: test } = await seatedToggle();
      await test.host.liveSeatStore(test.liveId).closeRemoteCamera('alice', { forbid: true });
      await until(el, 'locked');
      const heard: string[] = [];
      el.addEventListener('device-toggle', () => heard.push('device-toggle'));
      el.addEventListener('action-error', () => heard.push('action-error'));
      part(el, 'button').click();
      await el.updateComplete;
      expect(heard).to.deep.equal([]);
      expect(DeviceStore.for(test.session('alice')).cameraStatus.get()).to.equal('off');
    });
  });

  describe('hostile input', () => {
    it('renders hostile device values inert, as a camera toggle', async () => {
      for (const value of HOSTILE_STRINGS) {
        const el = await toggle(value);
        const check = inertIn(el);
        expect(check.ok, check.problem).to.equal(true);
        expect(text(el, 'label')).to.equal('Turn camera on');
      }
    });
  });
});
