/**
 * <live-notifications>: toasts and announcements for what happens in a live, driven through real
 * sessions on the local hub (the host and the audience act through their stores; each viewer's
 * element shows what concerns them). Timers are never waited out with sleeps: toasts either stay
 * (`duration="0"`) or use a short duration and the test waits for the toast's removal from the DOM.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import { createSession, type Session } from '../../src/core/index.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import {
  LiveNotificationEvent,
  LiveNotifications,
  NOTIFICATION_KINDS,
} from '../../src/elements/live-notifications/live-notifications.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import { waitFor } from '../core/helpers.js';
import { HOSTILE_STRINGS, inertIn } from './shared/hostile.js';
import { startLive, testUser, type TestLive } from './shared/live.js';

let live: TestLive;

async function notifications(
  session: Session,
  attrs: { duration?: number; max?: number; types?: string } = {},
): Promise<LiveNotifications> {
  const el = await fixture<LiveNotifications>(html`
    <live-notifications
      .session=${session}
      live-id=${live.liveId}
      duration=${attrs.duration ?? 0}
      max=${attrs.max ?? 3}
      types=${attrs.types ?? ''}
    ></live-notifications>
  `);
  await el.updateComplete;
  return el;
}

function toasts(el: LiveNotifications): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="toast"]')];
}

/** Toast texts without the isolation marks around names. */
function messages(el: LiveNotifications): string[] {
  return toasts(el).map((toast) => plain(toast.querySelector('[part~="message"]')?.textContent ?? ''));
}

function plain(text: string): string {
  return text.replace(/[\u2068\u2069]/g, '').trim();
}

function kinds(el: LiveNotifications): string[] {
  return toasts(el).map((toast) => toast.dataset.kind ?? '');
}

/** Announced texts in the polite or assertive live region. */
function announced(el: LiveNotifications, politeness: 'polite' | 'assertive'): string[] {
  const region = el.shadowRoot!.querySelector(`[aria-live="${politeness}"]`);
  return [...(region?.children ?? [])].map((child) => plain(child.textContent ?? ''));
}

async function shows(el: LiveNotifications, text: string): Promise<void> {
  await waitUntil(
    () => messages(el).includes(text),
    `"${text}" shows; shown: ${JSON.stringify(messages(el))}`,
  );
}

function dismissButton(el: LiveNotifications, index = 0): HTMLButtonElement {
  const found = toasts(el)[index]?.querySelector<HTMLButtonElement>('[part~="dismiss-button"]');
  if (found == null) throw new Error(`no dismiss button on toast ${index}`);
  return found;
}

function coGuest(userId: string) {
  return live.session(userId).coGuestStore(live.liveId);
}

function hostCoGuest() {
  return live.host.coGuestStore(live.liveId);
}

describe('<live-notifications>', () => {
  beforeEach(async () => {
    live = await startLive({ audience: ['ada', 'grace', 'linus', 'mei'] });
  });

  afterEach(async () => {
    setLocale('en');
    await resetMouse();
    live.close();
  });

  describe('accessibility', () => {
    it('passes axe empty and with toasts of both kinds of urgency', async () => {
      const ada = await notifications(live.session('ada'));
      await expect(ada).to.be.accessible();
      await live.seat('ada');
      await shows(ada, 'Your request was accepted');
      expect((await live.host.liveSeatStore(live.liveId).kickUserOutOfSeat('ada')).isSuccess).to.equal(true);
      await shows(ada, 'You were removed from the seat');
      await expect(ada).to.be.accessible();
    });

    it('passes axe for the host with an applicant', async () => {
      const host = await notifications(live.host);
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      await expect(host).to.be.accessible();
    });

    it('is a labelled region with polite and assertive live regions present before any toast', async () => {
      const el = await notifications(live.host);
      const region = el.shadowRoot!.querySelector('[part~="region"]')!;
      expect(region.localName).to.equal('section');
      expect(region.getAttribute('aria-label')).to.equal('Notifications');
      expect(el.shadowRoot!.querySelectorAll('[aria-live="polite"]').length).to.equal(1);
      expect(el.shadowRoot!.querySelectorAll('[aria-live="assertive"]').length).to.equal(1);
    });

    it('announces politely, and assertively when the viewer is kicked', async () => {
      const ada = await notifications(live.session('ada'));
      await live.seat('ada');
      await shows(ada, 'Your request was accepted');
      expect(announced(ada, 'polite')).to.deep.equal(['Your request was accepted']);
      expect(announced(ada, 'assertive')).to.deep.equal([]);
      expect((await live.host.liveSeatStore(live.liveId).kickUserOutOfSeat('ada')).isSuccess).to.equal(true);
      await shows(ada, 'You were removed from the seat');
      expect(announced(ada, 'assertive')).to.deep.equal(['You were removed from the seat']);
      expect(announced(ada, 'polite')).not.to.include('You were removed from the seat');
    });

    it('animates toasts in, and not under reduced motion', async () => {
      const host = await notifications(live.host);
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      expect(getComputedStyle(toasts(host)[0]!).animationDuration).not.to.equal('0s');
      await emulateMedia({ reducedMotion: 'reduce' });
      try {
        expect(getComputedStyle(toasts(host)[0]!).animationDuration).to.equal('0s');
      } finally {
        await emulateMedia({ reducedMotion: 'no-preference' });
      }
    });

    it('labels the Dismiss buttons and hides their icons', async () => {
      const host = await notifications(live.host);
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      const button = dismissButton(host);
      expect(button.localName).to.equal('button');
      expect(button.getAttribute('aria-label')).to.equal('Dismiss');
      expect(button.querySelector('svg')?.getAttribute('aria-hidden')).to.equal('true');
    });
  });

  describe('keyboard', () => {
    it('dismisses with the keyboard; focus moves to the next toast', async () => {
      const host = await notifications(live.host);
      await live.apply('ada');
      await live.apply('grace');
      await shows(host, 'Grace requests to join');
      dismissButton(host, 0).focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => messages(host).length === 1, 'one toast left');
      expect(messages(host)).to.deep.equal(['Grace requests to join']);
      await waitUntil(() => host.shadowRoot!.activeElement === dismissButton(host, 0), 'focus moves on');
      await sendKeys({ press: 'Space' });
      await waitUntil(() => messages(host).length === 0, 'no toast left');
    });
  });

  describe('properties', () => {
    it('is registered as <live-notifications>', () => {
      expect(document.createElement('live-notifications')).to.be.instanceOf(LiveNotifications);
    });

    it('keeps at most `max` toasts, newest last', async () => {
      const host = await notifications(live.host, { max: 2 });
      for (const userId of ['ada', 'grace', 'linus']) await live.apply(userId);
      await shows(host, 'Linus requests to join');
      expect(messages(host)).to.deep.equal(['Grace requests to join', 'Linus requests to join']);
    });

    it('names its region "Notifications" unless given a label', async () => {
      const el = await notifications(live.host);
      const region = (): string =>
        el.shadowRoot!.querySelector('[part~="region"]')!.getAttribute('aria-label') ?? '';
      expect(region()).to.equal('Notifications');
      el.label = 'Notifications for the host';
      await el.updateComplete;
      expect(region()).to.equal('Notifications for the host');
    });

    it('defaults to 3 toasts and 5 seconds', () => {
      const el = document.createElement('live-notifications');
      expect(el.max).to.equal(3);
      expect(el.duration).to.equal(5000);
      expect(el.types).to.equal(null);
    });

    it('keeps a toast with duration 0 until it is dismissed', async () => {
      const host = await notifications(live.host, { duration: 0 });
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      // A later notification proves time went by while the first stayed.
      await live.apply('grace');
      await shows(host, 'Grace requests to join');
      expect(messages(host)).to.deep.equal(['Ada requests to join', 'Grace requests to join']);
      dismissButton(host, 0).click();
      await waitUntil(() => messages(host).length === 1, 'dismissed');
      expect(messages(host)).to.deep.equal(['Grace requests to join']);
    });

    it('removes a toast by itself after `duration` ms', async () => {
      const host = await notifications(live.host, { duration: 50 });
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      await waitUntil(() => toasts(host).length === 0, 'the toast goes by itself');
      expect(announced(host, 'polite')).to.deep.equal([]);
      expect(host.matches(':state(empty)')).to.equal(true);
    });

    it('shows only the kinds listed in `types`, and fires no event for the others', async () => {
      const ada = await notifications(live.session('ada'), { types: 'kicked  live-ended' });
      const fired: string[] = [];
      ada.addEventListener(LiveNotificationEvent.type, (event) => fired.push(event.kind));
      await live.seat('ada');
      expect((await live.host.liveSeatStore(live.liveId).kickUserOutOfSeat('ada')).isSuccess).to.equal(true);
      await shows(ada, 'You were removed from the seat');
      expect(kinds(ada)).to.deep.equal(['kicked']);
      expect(fired).to.deep.equal(['kicked']);
    });

    it('lists every kind in NOTIFICATION_KINDS', () => {
      expect(NOTIFICATION_KINDS).to.include.members(['application-received', 'kicked', 'live-ended']);
      expect(new Set(NOTIFICATION_KINDS).size).to.equal(NOTIFICATION_KINDS.length);
    });
  });

  describe('states', () => {
    it('is empty without toasts', async () => {
      const host = await notifications(live.host);
      expect(host.matches(':state(empty)')).to.equal(true);
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      expect(host.matches(':state(empty)')).to.equal(false);
      dismissButton(host).click();
      await waitUntil(() => host.matches(':state(empty)'), 'empty again');
    });

    it('is paused while focus is in the toasts, and the timer resumes after', async () => {
      const wrapper = await fixture<HTMLDivElement>(
        html`<div>
          <live-notifications
            .session=${live.host}
            live-id=${live.liveId}
            duration="100"
          ></live-notifications>
          <button id="elsewhere">elsewhere</button>
        </div>`,
      );
      const host = wrapper.querySelector('live-notifications')!;
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      dismissButton(host).focus();
      expect(host.matches(':state(paused)')).to.equal(true);
      // Later notifications arrive while paused: the first toast is still there.
      await live.apply('grace');
      await shows(host, 'Grace requests to join');
      expect(messages(host)).to.include('Ada requests to join');
      wrapper.querySelector<HTMLButtonElement>('#elsewhere')!.focus();
      expect(host.matches(':state(paused)')).to.equal(false);
      await waitUntil(() => toasts(host).length === 0, 'the toasts go once resumed');
    });

    it('is paused while the pointer is over the toasts', async () => {
      const host = await notifications(live.host, { duration: 100 });
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      const box = toasts(host)[0]!.getBoundingClientRect();
      await sendMouse({ type: 'move', position: [Math.round(box.x + 20), Math.round(box.y + 10)] });
      await waitUntil(() => host.matches(':state(paused)'), 'hovering pauses');
      await live.apply('grace');
      await shows(host, 'Grace requests to join');
      expect(messages(host)).to.include('Ada requests to join');
      await sendMouse({ type: 'move', position: [700, 580] });
      await waitUntil(() => !host.matches(':state(paused)'), 'leaving resumes');
      await waitUntil(() => toasts(host).length === 0, 'the toasts go once resumed');
    });
  });

  describe('parts', () => {
    it('exposes region, list, toast, toast-<kind>, message and dismiss-button', async () => {
      const host = await notifications(live.host);
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      for (const name of [
        'region',
        'list',
        'toast',
        'toast-application-received',
        'message',
        'dismiss-button',
      ]) {
        expect(host.shadowRoot!.querySelector(`[part~="${name}"]`) !== null, name).to.equal(true);
      }
    });

    it('lets the page style one kind of toast', async () => {
      const style = document.createElement('style');
      style.textContent = 'live-notifications.styled::part(toast-kicked) { color: rgb(7, 8, 9); }';
      document.head.append(style);
      try {
        const ada = await notifications(live.session('ada'));
        ada.classList.add('styled');
        await live.seat('ada');
        expect((await live.host.liveSeatStore(live.liveId).kickUserOutOfSeat('ada')).isSuccess).to.equal(
          true,
        );
        await shows(ada, 'You were removed from the seat');
        const [accepted, kicked] = toasts(ada);
        expect(getComputedStyle(kicked!).color).to.equal('rgb(7, 8, 9)');
        expect(getComputedStyle(accepted!).color).not.to.equal('rgb(7, 8, 9)');
      } finally {
        style.remove();
      }
    });

    it('follows --notifications-width', async () => {
      const host = await notifications(live.host);
      host.style.setProperty('--notifications-width', '250px');
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      expect(toasts(host)[0]!.getBoundingClientRect().width).to.equal(250);
    });
  });

  describe('events', () => {
    it('fires live-notification with kind, message and user before showing', async () => {
      const host = await notifications(live.host);
      let shownAtEvent = -1;
      host.addEventListener(LiveNotificationEvent.type, () => {
        shownAtEvent = toasts(host).length;
      });
      const fired = oneEvent<LiveNotificationEvent>(host, LiveNotificationEvent.type);
      await live.apply('ada');
      const event = await fired;
      expect(event.kind).to.equal('application-received');
      expect(plain(event.message)).to.equal('Ada requests to join');
      expect(event.user?.userId).to.equal('ada');
      expect(event.cancelable && event.bubbles && event.composed).to.equal(true);
      await shows(host, 'Ada requests to join');
      expect(shownAtEvent).to.equal(0);
    });

    it('shows and announces nothing when the page vetoes it', async () => {
      const host = await notifications(live.host);
      host.addEventListener(LiveNotificationEvent.type, (event) => event.preventDefault());
      const fired = oneEvent<LiveNotificationEvent>(host, LiveNotificationEvent.type);
      await live.apply('ada');
      await fired;
      await host.updateComplete;
      expect(toasts(host).length).to.equal(0);
      expect(announced(host, 'polite')).to.deep.equal([]);
      expect(host.matches(':state(empty)')).to.equal(true);
    });
  });

  describe('flows', () => {
    it('host: an application shows "Ada requests to join"; a withdrawal shows too', async () => {
      const host = await notifications(live.host);
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      expect((await coGuest('ada').cancelApplication()).isSuccess).to.equal(true);
      await shows(host, 'Ada withdrew the request to join');
    });

    it('answered questions leave the toasts: an accepted application, an answered invitation', async () => {
      const host = await notifications(live.host);
      const ada = await notifications(live.session('ada'));
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      await live.apply('grace');
      await shows(host, 'Grace requests to join');
      expect((await hostCoGuest().acceptApplication('ada')).isSuccess).to.equal(true);
      await waitUntil(() => !messages(host).includes('Ada requests to join'), 'the answered request goes');
      expect(messages(host)).to.deep.equal(['Grace requests to join']);
      expect(messages(ada)).to.deep.equal(['Your request was accepted']);
      const linus = await notifications(live.session('linus'));
      const mei = await notifications(live.session('mei'));
      expect((await hostCoGuest().inviteToSeat({ inviteeId: 'linus' })).isSuccess).to.equal(true);
      expect((await hostCoGuest().inviteToSeat({ inviteeId: 'mei' })).isSuccess).to.equal(true);
      await shows(linus, 'Host invites you to join');
      await shows(mei, 'Host invites you to join');
      expect((await coGuest('linus').acceptInvitation('host')).isSuccess).to.equal(true);
      await waitUntil(() => kinds(linus).length === 0, "the accepted invitation's toast goes");
      expect((await hostCoGuest().cancelInvitation('mei')).isSuccess).to.equal(true);
      await waitUntil(
        () => !kinds(mei).includes('invitation-received'),
        "the withdrawn invitation's toast goes",
      );
    });

    it('audience: the answers to a request (accepted, rejected)', async () => {
      const ada = await notifications(live.session('ada'));
      const grace = await notifications(live.session('grace'));
      await live.seat('ada');
      await shows(ada, 'Your request was accepted');
      await live.apply('grace');
      expect((await hostCoGuest().rejectApplication('grace')).isSuccess).to.equal(true);
      await shows(grace, 'Your request was rejected');
      expect(messages(grace)).to.deep.equal(['Your request was rejected']);
    });

    it('invitations: the invitee is told, the host hears the answers', async () => {
      const host = await notifications(live.host);
      const ada = await notifications(live.session('ada'));
      expect((await hostCoGuest().inviteToSeat({ inviteeId: 'ada' })).isSuccess).to.equal(true);
      await shows(ada, 'Host invites you to join');
      expect((await hostCoGuest().inviteToSeat({ inviteeId: 'grace' })).isSuccess).to.equal(true);
      await waitFor(coGuest('grace').coGuestState.selfInvitation, (value) => value !== null, 'grace invited');
      expect((await coGuest('ada').acceptInvitation('host')).isSuccess).to.equal(true);
      await shows(host, 'Ada accepted the invitation');
      expect((await coGuest('grace').rejectInvitation('host')).isSuccess).to.equal(true);
      await shows(host, 'Grace declined the invitation');
    });

    it('kicked: the guest is idle and told "You were removed from the seat"', async () => {
      const ada = await notifications(live.session('ada'));
      await live.seat('ada');
      expect((await live.host.liveSeatStore(live.liveId).kickUserOutOfSeat('ada')).isSuccess).to.equal(true);
      await shows(ada, 'You were removed from the seat');
      expect(coGuest('ada').coGuestState.selfStatus.get()).to.equal('idle');
      const kicked = toasts(ada).find((toast) => toast.dataset.kind === 'kicked');
      expect(kicked?.part.contains('toast-kicked')).to.equal(true);
    });

    it('devices: closed, then forbidden replaces closed, then allowed', async () => {
      const ada = await notifications(live.session('ada'), { max: 5 });
      await live.seat('ada');
      const seats = live.host.liveSeatStore(live.liveId);
      expect(
        (await live.session('ada').liveSeatStore(live.liveId).publishDeviceStatus({ microphone: 'on' }))
          .isSuccess,
      ).to.equal(true);
      await waitFor(
        seats.seatList,
        (list) => list.some((s) => s.userInfo?.microphoneStatus === 'on'),
        'mic on',
      );
      expect((await seats.closeRemoteMicrophone('ada')).isSuccess).to.equal(true);
      await shows(ada, 'The host turned off your microphone');
      expect((await seats.closeRemoteCamera('ada', { forbid: true })).isSuccess).to.equal(true);
      await shows(ada, 'The host blocked your camera');
      expect((await seats.openRemoteCamera('ada')).isSuccess).to.equal(true);
      await shows(ada, 'The host allows your camera again');
      expect(kinds(ada)).to.deep.equal([
        'request-accepted',
        'microphone-closed',
        'camera-forbidden',
        'camera-allowed',
      ]);
    });

    it('a forbidden device replaces the "closed" toast it follows', async () => {
      const ada = await notifications(live.session('ada'));
      await live.seat('ada');
      const own = live.session('ada').liveSeatStore(live.liveId);
      expect((await own.publishDeviceStatus({ microphone: 'on' })).isSuccess).to.equal(true);
      const seats = live.host.liveSeatStore(live.liveId);
      await waitFor(
        seats.seatList,
        (list) => list.some((s) => s.userInfo?.microphoneStatus === 'on'),
        'mic on',
      );
      expect((await seats.closeRemoteMicrophone('ada', { forbid: true })).isSuccess).to.equal(true);
      await shows(ada, 'The host blocked your microphone');
      expect(kinds(ada)).to.deep.equal(['request-accepted', 'microphone-forbidden']);
    });

    it('live ended: every viewer is told, assertively', async () => {
      const host = await notifications(live.host);
      const ada = await notifications(live.session('ada'));
      const grace = await notifications(live.session('grace'));
      await live.seat('ada');
      expect((await live.host.liveListStore.endLive()).isSuccess).to.equal(true);
      for (const el of [host, ada, grace]) {
        await shows(el, 'The live has ended');
        expect(announced(el, 'assertive')).to.include('The live has ended');
      }
    });
  });

  describe('timeouts (hub on a manual clock)', () => {
    let clock: ManualScheduler;

    beforeEach(async () => {
      live.close();
      clock = new ManualScheduler(Date.now());
      live = await startLive({ audience: ['ada', 'grace'], hub: { scheduler: clock } });
    });

    it('an application times out: the applicant and the host are told', async () => {
      const host = await notifications(live.host);
      const ada = await notifications(live.session('ada'));
      await live.apply('ada', { timeout: 10 });
      await shows(host, 'Ada requests to join');
      clock.advance(10_000);
      await shows(ada, 'Your request timed out');
      await shows(host, 'The request from Ada timed out');
    });

    it('a guest drops: the host is told, then that they are back, or that their seat is free', async () => {
      const types = 'guest-reconnecting guest-back guest-gone';
      const host = await notifications(live.host, { types, max: 5 });
      const ada = await notifications(live.session('ada'), { types });
      await live.seat('ada');
      // Ada's page reconnects by itself, within the grace period.
      live.hub.dropConnections('ada');
      await shows(host, 'Ada lost the connection');
      await shows(host, 'Ada is back');
      // Zoe's does not: once the grace period is over, her seat is free.
      const zoe = createSession({ reconnect: false });
      try {
        expect((await zoe.loginStore.login({ hub: live.hub, user: testUser('zoe') })).isSuccess).to.equal(
          true,
        );
        expect((await zoe.liveListStore.joinLive(live.liveId)).isSuccess).to.equal(true);
        expect((await zoe.coGuestStore(live.liveId).applyForSeat()).isSuccess).to.equal(true);
        await waitFor(hostCoGuest().coGuestState.applicants, (list) => list.length === 1, "zoe's request");
        expect((await hostCoGuest().acceptApplication('zoe')).isSuccess).to.equal(true);
        await waitFor(
          live.host.liveSeatStore(live.liveId).seatList,
          (seats) => seats.some((seat) => seat.userInfo?.userId === 'zoe'),
          'zoe is seated',
        );
        live.hub.dropConnections('zoe');
        await shows(host, 'Zoe lost the connection');
        clock.advance(20_000);
        await shows(host, 'Zoe did not come back: the seat is free');
      } finally {
        zoe.dispose();
      }
      expect(kinds(host)).to.deep.equal([
        'guest-reconnecting',
        'guest-back',
        'guest-reconnecting',
        'guest-gone',
      ]);
      expect(messages(ada), 'only hosts are told').to.deep.equal([]);
    });

    it('an invitation times out: the host is told', async () => {
      const host = await notifications(live.host);
      expect((await hostCoGuest().inviteToSeat({ inviteeId: 'grace', timeout: 10 })).isSuccess).to.equal(
        true,
      );
      await waitFor(coGuest('grace').coGuestState.selfInvitation, (value) => value !== null, 'grace invited');
      clock.advance(10_000);
      await shows(host, 'The invitation to Grace expired');
    });
  });

  describe('i18n', () => {
    it('switches language at runtime, shown toasts included', async () => {
      const host = await notifications(live.host);
      await live.apply('ada');
      await shows(host, 'Ada requests to join');
      await loadLocale('zh-CN');
      setLocale('zh-CN');
      await host.updateComplete;
      expect(messages(host)).to.deep.equal(['Ada 申请连麦']);
      expect(dismissButton(host).getAttribute('aria-label')).to.equal('关闭');
      expect(host.shadowRoot!.querySelector('[part~="region"]')!.getAttribute('lang')).to.equal('zh-CN');
      await loadLocale('ko');
      setLocale('ko');
      await live.apply('grace');
      await shows(host, 'Grace님이 참여를 요청했습니다');
      // Announcements stay as they were spoken; the toasts follow the locale.
      expect(messages(host)).to.deep.equal(['Ada님이 참여를 요청했습니다', 'Grace님이 참여를 요청했습니다']);
      expect(announced(host, 'polite')).to.deep.equal([
        'Ada requests to join',
        'Grace님이 참여를 요청했습니다',
      ]);
    });
  });

  describe('hostile data', () => {
    it('shows hostile names as inert text in toasts and announcements', async () => {
      live.close();
      const users: Record<string, { userName: string }> = {};
      const ids = HOSTILE_STRINGS.map((_, index) => `u${index}`);
      HOSTILE_STRINGS.forEach((name, index) => {
        users[`u${index}`] = { userName: name };
      });
      live = await startLive({ audience: ids, users });
      const host = await notifications(live.host, { max: HOSTILE_STRINGS.length });
      for (const id of ids) await live.apply(id);
      await waitUntil(() => toasts(host).length === HOSTILE_STRINGS.length, 'every applicant shows');
      const expected = HOSTILE_STRINGS.map((name) => `${name.trim()} requests to join`);
      expect(messages(host)).to.deep.equal(expected);
      expect(announced(host, 'polite')).to.deep.equal(expected);
      const check = inertIn(host);
      expect(check.ok, check.problem).to.equal(true);
      await expect(host).to.be.accessible();
    });
  });
});
