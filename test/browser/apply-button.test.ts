import { DeviceStore } from '../../src/media/device-store.js';
import { ContextProvider } from '@lit/context';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { LitElement } from 'lit';
import { liveContext, type LiveTarget } from '../../src/controllers/live-controller.js';
import { createSession, ErrorCode, type Session } from '../../src/core/index.js';
import {
  ApplicationAcceptedEvent,
  ApplicationFailedEvent,
  ApplicationRejectedEvent,
  ApplicationTimeoutEvent,
  ApplyButton,
  ApplyCancelEvent,
  ApplyRequestEvent,
  KickedOffSeatEvent,
  SeatLeaveEvent,
} from '../../src/elements/apply-button/apply-button.js';
import type { ActionErrorEvent } from '../../src/elements/shared/events.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import { waitFor } from '../core/helpers.js';
import { HOSTILE_STRINGS, inertIn } from './shared/hostile.js';
import { isShown, queryPart } from './shared/layers.js';
import { startLive, testUser, type LiveOptions, type TestLive } from './shared/live.js';

/** Provides a live to its subtree, as `<live-core-view>` does. */
class ApplySource extends LitElement {
  readonly provider = new ContextProvider(this, { context: liveContext });
  set target(value: LiveTarget | undefined) {
    this.provider.setValue(value);
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}
customElements.define('apply-source', ApplySource);

const STATES = ['idle', 'pending', 'connected', 'busy', 'disabled', 'host'] as const;

function part(el: ApplyButton, name: string): HTMLElement {
  const found = queryPart(el, name);
  if (found === null) throw new Error(`no part "${name}"`);
  return found;
}

function text(el: ApplyButton, name: string): string {
  return part(el, name).textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

function states(el: ApplyButton): string[] {
  return STATES.filter((state) => el.matches(`:state(${state})`));
}

/** Resolves once the element is in `state` (after the stores moved and it rendered). */
async function until(el: ApplyButton, state: (typeof STATES)[number]): Promise<void> {
  await waitUntil(() => el.matches(`:state(${state})`), `the button is ${state}`);
  await el.updateComplete;
}

/** A promise and the function that resolves it. */
function gate(): { readonly promise: Promise<void>; readonly open: () => void } {
  let open: (() => void) | undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open: () => open?.() };
}

describe('<apply-button>', () => {
  let live: TestLive;
  let started = false;

  async function start(options: LiveOptions = {}): Promise<TestLive> {
    live = await startLive({ audience: ['alice', 'bob'], ...options });
    started = true;
    return live;
  }

  async function button(
    userId = 'alice',
    attrs: { seatIndex?: number; timeout?: number; extraInfo?: string; devices?: string } = {},
  ): Promise<ApplyButton> {
    if (!started) await start();
    const el = await fixture<ApplyButton>(
      html`<apply-button
        .session=${live.session(userId)}
        live-id=${live.liveId}
        seat-index=${attrs.seatIndex ?? -1}
        timeout=${attrs.timeout ?? 30}
        extra-info=${attrs.extraInfo ?? ''}
        devices=${attrs.devices ?? 'camera microphone'}
      ></apply-button>`,
    );
    await el.updateComplete;
    return el;
  }

  /** The host's view of `userId`'s seat, once they sit. */
  async function seatOf(userId: string) {
    const seats = await waitFor(
      live.host.liveSeatStore(live.liveId).seatList,
      (list) => list.some((seat) => seat.userInfo?.userId === userId),
      `${userId} sits`,
    );
    return seats.find((seat) => seat.userInfo?.userId === userId)!;
  }

  async function hostSeesApplication(userId = 'alice') {
    const applicants = await waitFor(
      live.host.coGuestStore(live.liveId).coGuestState.applicants,
      (list) => list.some((item) => item.userId === userId),
      `the host sees ${userId}'s request`,
    );
    return applicants.find((item) => item.userId === userId)!;
  }

  /** Clicks the button and waits until the request is pending. */
  async function applyWith(el: ApplyButton): Promise<void> {
    part(el, 'button').click();
    await until(el, 'pending');
    await hostSeesApplication();
  }

  /** A session of `userId` logged in to the live's hub that did not join the live. */
  async function outsider(userId: string): Promise<Session> {
    const session = createSession();
    const login = await session.loginStore.login({ hub: live.hub, user: testUser(userId) });
    expect(login.isSuccess).to.equal(true);
    return session;
  }

  afterEach(() => {
    if (started) live.close();
    started = false;
    setLocale('en');
  });

  describe('accessibility', () => {
    it('passes axe while idle', async () => {
      const el = await button();
      await expect(el).to.be.accessible();
    });

    it('passes axe while pending, with its countdown', async () => {
      const el = await button();
      await applyWith(el);
      expect(isShown(part(el, 'countdown'))).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('passes axe while seated and with a message', async () => {
      const el = await button();
      await applyWith(el);
      await live.host.coGuestStore(live.liveId).acceptApplication('alice');
      await until(el, 'connected');
      expect(text(el, 'status')).to.equal('Request accepted: you are on a seat');
      await expect(el).to.be.accessible();
    });

    it('passes axe while disabled and for the host', async () => {
      await start();
      const session = await outsider('zoe');
      const el = await fixture<ApplyButton>(
        html`<apply-button .session=${session} live-id=${live.liveId}></apply-button>`,
      );
      expect(el.matches(':state(disabled)')).to.equal(true);
      await expect(el).to.be.accessible();
      session.dispose();
      const hosted = await button('host');
      await expect(hosted).to.be.accessible();
    });

    it('is a real button named by its action', async () => {
      const el = await button();
      const control = part(el, 'button');
      expect(control.localName).to.equal('button');
      expect(control.getAttribute('type')).to.equal('button');
      expect(text(el, 'button')).to.equal('Request to join');
      await applyWith(el);
      expect(text(el, 'button')).to.equal('Cancel request');
    });

    it('describes the pending request with its countdown', async () => {
      const el = await button();
      expect(part(el, 'button').hasAttribute('aria-describedby')).to.equal(false);
      await applyWith(el);
      const id = part(el, 'button').getAttribute('aria-describedby')!;
      expect(el.shadowRoot!.getElementById(id)?.part.contains('countdown')).to.equal(true);
    });

    it('announces outcomes in a polite live region', async () => {
      const el = await button();
      const status = part(el, 'status');
      expect(status.getAttribute('role')).to.equal('status');
      expect(status.getAttribute('aria-live')).to.equal('polite');
      expect(text(el, 'status')).to.equal('');
    });

    it('is used with the keyboard alone: Tab, Enter to apply, Space to cancel', async () => {
      await start();
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <button type="button">before</button>
          <apply-button .session=${live.session('alice')} live-id=${live.liveId}></apply-button>
        </div>`,
      );
      const el = wrapper.querySelector('apply-button')!;
      await el.updateComplete;
      wrapper.querySelector('button')!.focus();
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement === part(el, 'button'), 'the button has focus').to.equal(true);
      await sendKeys({ press: 'Enter' });
      await until(el, 'pending');
      expect(el.shadowRoot!.activeElement === part(el, 'button'), 'focus stays').to.equal(true);
      await sendKeys({ press: 'Space' });
      await until(el, 'idle');
      expect(text(el, 'status')).to.equal('Request cancelled');
    });

    it('keeps focus while busy and while disabled (aria-disabled, never disabled)', async () => {
      const el = await button();
      const control = part(el, 'button') as HTMLButtonElement;
      control.focus();
      live.hub.dropConnections('alice');
      await waitFor(live.session('alice').$connection, (state) => state === 'reconnecting', 'reconnecting');
      await el.updateComplete;
      expect(control.getAttribute('aria-disabled')).to.equal('true');
      expect(control.disabled).to.equal(false);
      expect(el.shadowRoot!.activeElement === control, 'focus stays').to.equal(true);
    });

    it('marks its texts with the language of the messages', async () => {
      const el = await button();
      expect(
        el.shadowRoot!.querySelector('[part~="button"]')!.closest('[lang]')?.getAttribute('lang'),
      ).to.equal('en');
    });
  });

  describe('properties', () => {
    it('has documented defaults', () => {
      const el = document.createElement('apply-button');
      expect(el).to.be.instanceOf(ApplyButton);
      expect([el.session, el.liveId, el.seatIndex, el.timeout, el.extraInfo, el.devices]).to.deep.equal([
        null,
        null,
        -1,
        30,
        '',
        'camera microphone',
      ]);
    });

    it('takes seat-index, timeout, extra-info and devices as attributes', async () => {
      const el = await fixture<ApplyButton>(
        html`<apply-button seat-index="2" timeout="0" extra-info="hi" devices="microphone"></apply-button>`,
      );
      expect([el.seatIndex, el.timeout, el.extraInfo, el.devices]).to.deep.equal([2, 0, 'hi', 'microphone']);
    });

    it('applies with its seat index, timeout and extra info', async () => {
      const el = await button('alice', { seatIndex: 3, timeout: 12, extraInfo: 'I play the cello' });
      part(el, 'button').click();
      const request = await hostSeesApplication();
      expect([request.seatIndex, request.extraInfo]).to.deep.equal([3, 'I play the cello']);
      expect(request.deadline! - request.createdAt).to.equal(12_000);
    });

    it('applies with no deadline for timeout 0, and shows no countdown', async () => {
      const el = await button('alice', { timeout: 0 });
      await applyWith(el);
      const request = await hostSeesApplication();
      expect(request.deadline).to.equal(null);
      expect(text(el, 'countdown')).to.equal('Waiting for the host…');
      expect(queryPart(el, 'ring') === null, 'no ring').to.equal(true);
    });

    it('counts down to the deadline on the server clock', async () => {
      await start();
      const session = live.session('alice');
      let now = session.serverNow();
      session.serverNow = () => now;
      const el = await button('alice', { timeout: 30 });
      await applyWith(el);
      const request = await hostSeesApplication();
      now = request.createdAt;
      el.requestUpdate();
      await el.updateComplete;
      expect(text(el, 'countdown')).to.equal('Waiting for the host… 30s');
      now = request.createdAt + 7_200;
      el.requestUpdate();
      await el.updateComplete;
      expect(text(el, 'countdown')).to.equal('Waiting for the host… 23s');
      expect(isShown(part(el, 'ring'))).to.equal(true);
    });

    it('needs no attributes inside <live-core-view>', async () => {
      await start();
      const source = await fixture<ApplySource>(
        html`<apply-source .target=${{ session: live.session('alice'), liveId: live.liveId }}
          ><apply-button></apply-button
        ></apply-source>`,
      );
      const el = source.querySelector('apply-button')!;
      await el.updateComplete;
      await applyWith(el);
    });

    it('acts for the user of its own session', async () => {
      const el = await button('bob');
      part(el, 'button').click();
      await until(el, 'pending');
      await hostSeesApplication('bob');
      expect(
        live.session('alice').coGuestStore(live.liveId).coGuestState.selfStatus.get(),
        'alice did not apply',
      ).to.equal('idle');
    });
  });

  describe('states', () => {
    it('idle, pending, connected, and back to idle', async () => {
      const el = await button();
      expect(states(el)).to.deep.equal(['idle']);
      await applyWith(el);
      expect(states(el)).to.deep.equal(['pending']);
      await live.host.coGuestStore(live.liveId).acceptApplication('alice');
      await until(el, 'connected');
      expect(states(el)).to.deep.equal(['connected']);
      expect(text(el, 'button')).to.equal('Leave seat');
      part(el, 'button').click();
      await until(el, 'idle');
      expect(states(el)).to.deep.equal(['idle']);
      expect(text(el, 'status')).to.equal('You left the seat');
    });

    it('busy while an action is in flight; a double click sends once', async () => {
      const el = await button();
      const store = live.session('alice').coGuestStore(live.liveId);
      const held = gate();
      let calls = 0;
      const apply = store.applyForSeat.bind(store);
      store.applyForSeat = async (params) => {
        calls++;
        await held.promise;
        return apply(params);
      };
      const requests: ApplyRequestEvent[] = [];
      el.addEventListener('apply-request', (event) => requests.push(event));
      part(el, 'button').click();
      part(el, 'button').click();
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['idle', 'busy']);
      expect(part(el, 'button').getAttribute('aria-disabled')).to.equal('true');
      await expect(el).to.be.accessible();
      held.open();
      await until(el, 'pending');
      await waitUntil(() => !el.matches(':state(busy)'), 'no longer busy');
      expect([calls, requests.length]).to.deep.equal([1, 1]);
      expect(live.host.coGuestStore(live.liveId).coGuestState.applicants.get().length).to.equal(1);
    });

    it('disabled before the user joined the live', async () => {
      await start();
      const session = await outsider('zoe');
      const el = await fixture<ApplyButton>(
        html`<apply-button .session=${session} live-id=${live.liveId}></apply-button>`,
      );
      expect(states(el)).to.deep.equal(['idle', 'disabled']);
      expect(part(el, 'button').getAttribute('aria-disabled')).to.equal('true');
      part(el, 'button').click();
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['idle', 'disabled']);
      const joined = await session.liveListStore.joinLive(live.liveId);
      expect(joined.isSuccess).to.equal(true);
      await waitUntil(() => !el.matches(':state(disabled)'), 'enabled once joined');
      session.dispose();
    });

    it('disabled with the connection state while the session reconnects, and back', async () => {
      const el = await button();
      const session = live.session('alice');
      live.hub.dropConnections('alice');
      await waitFor(session.$connection, (state) => state === 'reconnecting', 'reconnecting');
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['idle', 'disabled']);
      expect(text(el, 'button')).to.equal('Reconnecting…');
      await expect(el).to.be.accessible();
      await waitFor(session.$connection, (state) => state === 'connected', 'connected again');
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['idle']);
      expect(text(el, 'button')).to.equal('Request to join');
    });

    it('says Offline once the session gave up', async () => {
      const el = await button();
      const elsewhere = createSession();
      await elsewhere.loginStore.login({ hub: live.hub, user: testUser('alice') });
      await waitFor(live.session('alice').$connection, (state) => state === 'offline', 'offline');
      await el.updateComplete;
      expect(text(el, 'button')).to.equal('Offline');
      expect(el.matches(':state(disabled)')).to.equal(true);
      await expect(el).to.be.accessible();
      elsewhere.dispose();
    });

    it('host: hidden for the owner and administrators', async () => {
      const el = await button('host');
      expect(states(el)).to.include('host');
      expect(states(el)).to.include('disabled');
      expect(getComputedStyle(el).display).to.equal('none');
      const bob = await button('bob');
      expect(getComputedStyle(bob).display).not.to.equal('none');
      await live.host.liveAudienceStore(live.liveId).setAdministrator('bob');
      await until(bob, 'host');
      expect(getComputedStyle(bob).display).to.equal('none');
    });

    it('disabled while an invitation waits for an answer', async () => {
      const el = await button();
      await live.host.coGuestStore(live.liveId).inviteToSeat({ inviteeId: 'alice' });
      await until(el, 'disabled');
      expect(states(el)).to.deep.equal(['idle', 'disabled']);
    });

    it('lets page CSS style the button by state', async () => {
      const style = document.createElement('style');
      style.textContent =
        'apply-button.by-state:state(pending)::part(button) { outline: 1px solid rgb(9, 9, 9); }';
      document.head.append(style);
      try {
        const el = await button();
        el.classList.add('by-state');
        await applyWith(el);
        expect(getComputedStyle(part(el, 'button')).outlineColor).to.equal('rgb(9, 9, 9)');
      } finally {
        style.remove();
      }
    });

    it('does not add attributes to itself', async () => {
      const el = await button();
      const before = el.getAttributeNames().sort();
      await applyWith(el);
      expect(el.getAttributeNames().sort()).to.deep.equal(before);
    });
  });

  describe('parts', () => {
    it('exposes button, label, countdown, ring and status', async () => {
      const el = await button();
      await applyWith(el);
      for (const name of ['button', 'label', 'countdown', 'ring', 'status']) {
        expect(queryPart(el, name) !== null, name).to.equal(true);
      }
      expect(part(el, 'label').parentElement === part(el, 'button')).to.equal(true);
    });

    it('hides the countdown unless pending', async () => {
      const el = await button();
      expect(isShown(part(el, 'countdown'))).to.equal(false);
    });

    it('follows its custom properties', async () => {
      await start();
      const el = await fixture<ApplyButton>(
        html`<apply-button
          style="--apply-button-background: rgb(1, 2, 3); --apply-button-color: rgb(4, 5, 6); --apply-button-radius: 3px"
          .session=${live.session('alice')}
          live-id=${live.liveId}
        ></apply-button>`,
      );
      const style = getComputedStyle(part(el, 'button'));
      expect([style.backgroundColor, style.color, style.borderTopLeftRadius]).to.deep.equal([
        'rgb(1, 2, 3)',
        'rgb(4, 5, 6)',
        '3px',
      ]);
    });
  });

  describe('events', () => {
    it('fires apply-request with the request, bubbling and composed, before applying', async () => {
      const el = await button('alice', { seatIndex: 1, timeout: 9, extraInfo: 'x' });
      const fired = oneEvent<ApplyRequestEvent>(document, ApplyRequestEvent.type);
      part(el, 'button').click();
      const event = await fired;
      expect(event).to.be.instanceOf(ApplyRequestEvent);
      expect([event.seatIndex, event.timeout, event.extraInfo]).to.deep.equal([1, 9, 'x']);
      expect([event.bubbles, event.composed, event.cancelable]).to.deep.equal([true, true, true]);
      await hostSeesApplication();
    });

    it('sends nothing when apply-request is vetoed', async () => {
      const el = await button();
      const store = live.session('alice').coGuestStore(live.liveId);
      let calls = 0;
      const apply = store.applyForSeat.bind(store);
      store.applyForSeat = (params) => {
        calls++;
        return apply(params);
      };
      el.addEventListener('apply-request', (event) => event.preventDefault(), { once: true });
      part(el, 'button').click();
      await el.updateComplete;
      expect([calls, states(el).join()]).to.deep.equal([0, 'idle']);
      part(el, 'button').click();
      await until(el, 'pending');
      expect(calls).to.equal(1);
    });

    it('fires apply-cancel before cancelling; a veto keeps the request', async () => {
      const el = await button();
      await applyWith(el);
      const vetoed = oneEvent<ApplyCancelEvent>(el, ApplyCancelEvent.type);
      el.addEventListener('apply-cancel', (event) => event.preventDefault(), { once: true });
      part(el, 'button').click();
      expect((await vetoed).cancelable).to.equal(true);
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['pending']);
      part(el, 'button').click();
      await until(el, 'idle');
      await waitFor(
        live.host.coGuestStore(live.liveId).coGuestState.applicants,
        (list) => list.length === 0,
        'the request is gone',
      );
      expect(text(el, 'status')).to.equal('Request cancelled');
    });

    it('fires seat-leave before leaving; a veto keeps the seat', async () => {
      const el = await button();
      await live.seat('alice');
      await until(el, 'connected');
      el.addEventListener('seat-leave', (event) => event.preventDefault(), { once: true });
      const vetoed = oneEvent<SeatLeaveEvent>(el, SeatLeaveEvent.type);
      part(el, 'button').click();
      expect((await vetoed).cancelable).to.equal(true);
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['connected']);
      part(el, 'button').click();
      await until(el, 'idle');
      await waitFor(
        live.host.coGuestStore(live.liveId).coGuestState.connected,
        (list) => !list.some((user) => user.userId === 'alice'),
        'alice left',
      );
    });

    it('fires application-accepted and opens camera and microphone by default', async () => {
      const el = await button();
      await applyWith(el);
      const accepted = oneEvent<ApplicationAcceptedEvent>(el, ApplicationAcceptedEvent.type);
      await live.host.coGuestStore(live.liveId).acceptApplication('alice');
      const event = await accepted;
      expect([event.hostUser.userId, [...event.devices]]).to.deep.equal(['host', ['camera', 'microphone']]);
      expect([event.bubbles, event.composed]).to.deep.equal([true, true]);
      await waitFor(
        live.host.liveSeatStore(live.liveId).seatList,
        (seats) =>
          seats.some(
            (seat) =>
              seat.userInfo?.userId === 'alice' &&
              seat.userInfo.cameraStatus === 'on' &&
              seat.userInfo.microphoneStatus === 'on',
          ),
        'the host sees alice with camera and microphone on',
      );
      const stream = DeviceStore.for(live.session('alice')).localStream.get();
      expect(
        stream
          ?.getTracks()
          .map((track) => `${track.kind}:${track.readyState}`)
          .sort(),
        'the real camera and microphone are captured',
      ).to.deep.equal(['audio:live', 'video:live']);
    });

    it('opens only the microphone for devices="microphone" (the seed\'s voice-only guest)', async () => {
      const el = await button('alice', { devices: 'microphone' });
      await applyWith(el);
      const accepted = oneEvent<ApplicationAcceptedEvent>(el, ApplicationAcceptedEvent.type);
      await live.host.coGuestStore(live.liveId).acceptApplication('alice');
      expect([...(await accepted).devices]).to.deep.equal(['microphone']);
      await waitFor(
        live.host.liveSeatStore(live.liveId).seatList,
        (seats) =>
          seats.some((seat) => seat.userInfo?.userId === 'alice' && seat.userInfo.microphoneStatus === 'on'),
        'the microphone is on',
      );
      expect((await seatOf('alice')).userInfo!.cameraStatus).to.equal('off');
      const stream = DeviceStore.for(live.session('alice')).localStream.get();
      expect(stream?.getVideoTracks().length ?? 0, 'no camera captured').to.equal(0);
      expect(stream?.getAudioTracks()[0]?.readyState, 'the microphone is captured').to.equal('live');
    });

    it('opens nothing for devices=""', async () => {
      const el = await button('alice', { devices: '' });
      const seats = live.session('alice').liveSeatStore(live.liveId);
      let published = 0;
      const publish = seats.publishDeviceStatus.bind(seats);
      seats.publishDeviceStatus = (status) => {
        published++;
        return publish(status);
      };
      await applyWith(el);
      const accepted = oneEvent<ApplicationAcceptedEvent>(el, ApplicationAcceptedEvent.type);
      await live.host.coGuestStore(live.liveId).acceptApplication('alice');
      expect([...(await accepted).devices]).to.deep.equal([]);
      const seat = await seatOf('alice');
      expect([seat.userInfo!.cameraStatus, seat.userInfo!.microphoneStatus, published]).to.deep.equal([
        'off',
        'off',
        0,
      ]);
    });

    it('opens no device for a request it did not send', async () => {
      const el = await button();
      await live.apply('alice');
      await until(el, 'pending');
      const accepted = oneEvent<ApplicationAcceptedEvent>(el, ApplicationAcceptedEvent.type);
      await live.host.coGuestStore(live.liveId).acceptApplication('alice');
      expect([...(await accepted).devices]).to.deep.equal([]);
      expect(text(el, 'status')).to.equal('Request accepted: you are on a seat');
    });

    it('fires application-rejected and says so', async () => {
      const el = await button();
      await applyWith(el);
      const rejected = oneEvent<ApplicationRejectedEvent>(el, ApplicationRejectedEvent.type);
      await live.host.coGuestStore(live.liveId).rejectApplication('alice');
      expect((await rejected).hostUser.userId).to.equal('host');
      await until(el, 'idle');
      expect(text(el, 'status')).to.equal('Request rejected');
      await expect(el).to.be.accessible();
    });

    it('fires application-timeout when nobody answers in time', async () => {
      const scheduler = new ManualScheduler();
      await start({ hub: { scheduler } });
      const el = await button('alice', { timeout: 5 });
      await applyWith(el);
      const timedOut = oneEvent<ApplicationTimeoutEvent>(el, ApplicationTimeoutEvent.type);
      scheduler.advance(5_000);
      expect(await timedOut).to.be.instanceOf(ApplicationTimeoutEvent);
      await until(el, 'idle');
      expect(text(el, 'status')).to.equal('Request timed out');
    });

    it('fires application-failed when the seat was taken meanwhile', async () => {
      const el = await button('alice', { seatIndex: 2 });
      await applyWith(el);
      await live.seat('bob', 2);
      const failed = oneEvent<ApplicationFailedEvent>(el, ApplicationFailedEvent.type);
      await live.host.coGuestStore(live.liveId).acceptApplication('alice');
      const event = await failed;
      expect(event.errorCode).to.equal(ErrorCode.SEAT_OCCUPIED);
      expect(event.errorMessage).to.be.a('string').and.not.equal('');
      await until(el, 'idle');
      expect(text(el, 'status')).to.equal('That seat is taken');
    });

    it('fires action-error and says why when every seat is taken', async () => {
      await start({ maxSeatCount: 2 });
      await live.seat('bob');
      const el = await button();
      const failed = oneEvent<ActionErrorEvent>(el, 'action-error');
      part(el, 'button').click();
      const event = await failed;
      expect([event.action, event.errorCode]).to.deep.equal(['applyForSeat', ErrorCode.ALL_SEATS_OCCUPIED]);
      await waitUntil(() => text(el, 'status') !== '', 'the error is shown');
      expect(text(el, 'status')).to.equal('Every seat is taken');
      expect(states(el)).to.deep.equal(['idle']);
    });

    it('clears its message on the next action', async () => {
      const el = await button();
      await applyWith(el);
      await live.host.coGuestStore(live.liveId).rejectApplication('alice');
      await until(el, 'idle');
      expect(text(el, 'status')).to.equal('Request rejected');
      part(el, 'button').click();
      await el.updateComplete;
      expect(text(el, 'status')).to.equal('');
      await until(el, 'pending');
    });

    it('fires kicked-off-seat and goes back to idle with a message', async () => {
      const el = await button();
      await applyWith(el);
      await live.host.coGuestStore(live.liveId).acceptApplication('alice');
      await until(el, 'connected');
      const kicked = oneEvent<KickedOffSeatEvent>(el, KickedOffSeatEvent.type);
      await live.host.liveSeatStore(live.liveId).kickUserOutOfSeat('alice');
      const event = await kicked;
      expect([event.hostUser.userId, event.seatIndex]).to.deep.equal(['host', 1]);
      await until(el, 'idle');
      expect(text(el, 'status')).to.equal('The host took you off the seat');
    });
  });

  describe('i18n', () => {
    it('changes its texts when the locale changes at runtime', async () => {
      const el = await button('alice', { timeout: 0 });
      await loadLocale('zh-CN');
      setLocale('zh-CN');
      await el.updateComplete;
      expect(text(el, 'button')).to.equal('申请连麦');
      await applyWith(el);
      expect(text(el, 'countdown')).to.equal('等待主播同意…');
      await loadLocale('ko');
      setLocale('ko');
      await el.updateComplete;
      expect(text(el, 'button')).to.equal('요청 취소');
      expect(el.shadowRoot!.querySelector('[lang]')!.getAttribute('lang')).to.equal('ko');
      await live.host.coGuestStore(live.liveId).rejectApplication('alice');
      await until(el, 'idle');
      expect(text(el, 'status')).to.equal('요청이 거절되었습니다');
    });
  });

  describe('hostile data', () => {
    it('sends hostile extra info as text and stays inert', async () => {
      for (const hostile of HOSTILE_STRINGS.slice(0, 3)) {
        const el = await button('alice', { extraInfo: hostile });
        await applyWith(el);
        expect((await hostSeesApplication()).extraInfo).to.equal(hostile);
        expect(inertIn(el)).to.deep.equal({ ok: true, problem: '' });
        part(el, 'button').click();
        await until(el, 'idle');
      }
    });
  });
});
