import { ContextProvider } from '@lit/context';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import { LitElement } from 'lit';
import { liveContext, type LiveTarget } from '../../src/controllers/live-controller.js';
import { ErrorCode } from '../../src/core/index.js';
import {
  InvitationAcceptEvent,
  InvitationCancelledEvent,
  InvitationDeclineEvent,
  InvitationPrompt,
  InvitationReceivedEvent,
  InvitationTimeoutEvent,
} from '../../src/elements/invitation-prompt/invitation-prompt.js';
import type { ActionErrorEvent } from '../../src/elements/shared/events.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import { safeImageUrl } from '../../src/utils/safe-url.js';
import { waitFor } from '../core/helpers.js';
import { HOSTILE_STRINGS, HOSTILE_URLS, inertIn } from './shared/hostile.js';
import { isShown, queryPart } from './shared/layers.js';
import { startLive, type LiveOptions, type TestLive } from './shared/live.js';

/** A 1×1 GIF: a valid avatar that loads without network. */
const AVATAR = 'data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';

/** Provides a live to its subtree, as `<live-core-view>` does. */
class InvitationSource extends LitElement {
  readonly provider = new ContextProvider(this, { context: liveContext });
  set target(value: LiveTarget | undefined) {
    this.provider.setValue(value);
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}
customElements.define('invitation-source', InvitationSource);

function part(el: InvitationPrompt, name: string): HTMLElement {
  const found = queryPart(el, name);
  if (found === null) throw new Error(`no part "${name}"`);
  return found;
}

function text(el: InvitationPrompt, name: string): string {
  return (part(el, name).textContent ?? '')
    .replace(/[\u2068\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function isOpen(el: InvitationPrompt): boolean {
  return el.matches(':state(open)');
}

/** The element focused in `el`'s shadow root, as its part name. */
function focusedPart(el: InvitationPrompt): string {
  const active = el.shadowRoot!.activeElement;
  return active instanceof HTMLElement ? active.part.value : '';
}

describe('<invitation-prompt>', () => {
  let live: TestLive;
  let started = false;

  async function start(options: LiveOptions = {}): Promise<TestLive> {
    live = await startLive({ audience: ['alice', 'bob'], ...options });
    started = true;
    return live;
  }

  /** A focusable button before the prompt (where focus starts) and the prompt of `userId`. */
  async function prompt(
    userId = 'alice',
    devices = 'camera microphone',
  ): Promise<{ el: InvitationPrompt; before: HTMLButtonElement }> {
    if (!started) await start();
    const wrapper = await fixture<HTMLDivElement>(
      html`<div>
        <button type="button">before</button>
        <invitation-prompt
          .session=${live.session(userId)}
          live-id=${live.liveId}
          devices=${devices}
        ></invitation-prompt>
      </div>`,
    );
    const el = wrapper.querySelector('invitation-prompt')!;
    const before = wrapper.querySelector('button')!;
    before.focus();
    await el.updateComplete;
    return { el, before };
  }

  async function invite(
    userId = 'alice',
    options: { timeout?: number; extraInfo?: string; seatIndex?: number } = {},
  ): Promise<void> {
    const result = await live.host
      .coGuestStore(live.liveId)
      .inviteToSeat({ inviteeId: userId, timeout: 30, ...options });
    expect(result.isSuccess, `the host invites ${userId}`).to.equal(true);
  }

  /** Open, and faded in (the card's code loads with the first invitation, then the card fades in). */
  async function opened(el: InvitationPrompt): Promise<void> {
    await waitUntil(() => isOpen(el), 'the prompt opens');
    await el.updateComplete;
    await Promise.all(
      part(el, 'card')
        .getAnimations()
        .map((animation) => animation.finished),
    );
  }

  async function closed(el: InvitationPrompt): Promise<void> {
    await waitUntil(() => !isOpen(el), 'the prompt closes');
    await el.updateComplete;
  }

  afterEach(() => {
    if (started) live.close();
    started = false;
    setLocale('en');
  });

  describe('accessibility', () => {
    it('passes axe while closed and while open', async () => {
      const { el } = await prompt();
      await expect(el).to.be.accessible();
      await invite('alice', { extraInfo: 'Join the Q&A' });
      await opened(el);
      await expect(el).to.be.accessible();
    });

    it('passes axe with an avatar, and with a message after closing', async () => {
      await start({ users: { host: { avatarUrl: AVATAR } } });
      const { el } = await prompt();
      await invite();
      await opened(el);
      expect(part(el, 'avatar').localName).to.equal('img');
      await expect(el).to.be.accessible();
      await live.host.coGuestStore(live.liveId).cancelInvitation('alice');
      await closed(el);
      await waitUntil(() => text(el, 'status') !== '', 'the reason is announced');
      await expect(el).to.be.accessible();
    });

    it('is an alertdialog named by its message and described by its details', async () => {
      const { el } = await prompt();
      await invite('alice', { extraInfo: 'Join the Q&A' });
      await opened(el);
      const card = part(el, 'card');
      expect(card.getAttribute('role')).to.equal('alertdialog');
      expect(card.getAttribute('aria-modal')).to.equal('false');
      const root = el.shadowRoot!;
      const name = root.getElementById(card.getAttribute('aria-labelledby')!);
      const description = root.getElementById(card.getAttribute('aria-describedby')!);
      expect(name?.part.contains('message')).to.equal(true);
      expect(description?.textContent?.replace(/\s+/g, ' ').trim()).to.equal('Join the Q&A 30s left');
    });

    it('names its buttons by the action and the inviter', async () => {
      const { el } = await prompt();
      await invite();
      await opened(el);
      const label = (name: string) =>
        part(el, name)
          .getAttribute('aria-label')!
          .replace(/[\u2068\u2069]/g, '');
      expect(label('accept-button')).to.equal('Accept the invitation from Host');
      expect(label('decline-button')).to.equal('Decline the invitation from Host');
      expect(text(el, 'accept-button')).to.equal('Accept');
      expect(part(el, 'accept-button').localName).to.equal('button');
    });

    it('moves focus to Accept when it opens, without scrolling the page', async () => {
      const { el } = await prompt();
      const spacer = document.createElement('div');
      spacer.style.height = '3000px';
      el.before(spacer);
      window.scrollTo(0, 0);
      try {
        await invite();
        await opened(el);
        expect(focusedPart(el)).to.equal('accept-button');
        expect(window.scrollY).to.equal(0);
      } finally {
        spacer.remove();
      }
    });

    for (const viewport of [
      { name: 'desktop', width: 1280, height: 800 },
      { name: 'phone', width: 390, height: 844 },
    ]) {
      it(`shows its buttons in view wherever the page is scrolled (${viewport.name})`, async () => {
        await setViewport({ width: viewport.width, height: viewport.height });
        const { el, before } = await prompt();
        // The prompt far below the fold, the page scrolled somewhere in between.
        const above = document.createElement('div');
        above.style.height = '3000px';
        const below = document.createElement('div');
        below.style.height = '3000px';
        el.before(above);
        el.after(below);
        window.scrollTo(0, 1200);
        before.focus({ preventScroll: true });
        try {
          await invite();
          await opened(el);
          for (const animation of part(el, 'card').getAnimations()) animation.finish();
          expect(focusedPart(el)).to.equal('accept-button');
          for (const name of ['accept-button', 'decline-button']) {
            const box = part(el, name).getBoundingClientRect();
            expect(
              box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth,
              `${name} is inside the ${innerWidth}×${innerHeight} viewport: ${JSON.stringify(box)}`,
            ).to.equal(true);
            const hit = el.shadowRoot!.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            expect(hit === part(el, name), `${name} takes a click at its centre`).to.equal(true);
          }
          expect(window.scrollY, 'the page did not scroll').to.equal(1200);
          const declined = oneEvent<InvitationDeclineEvent>(el, InvitationDeclineEvent.type);
          await sendKeys({ press: 'Escape' });
          await declined;
          await closed(el);
          expect(document.activeElement === before, 'focus is back where it was').to.equal(true);
        } finally {
          above.remove();
          below.remove();
          await setViewport({ width: 800, height: 600 });
        }
      });
    }

    it('gives focus back when the host withdraws the invitation', async () => {
      const { el, before } = await prompt();
      await invite();
      await opened(el);
      expect(focusedPart(el)).to.equal('accept-button');
      await live.host.coGuestStore(live.liveId).cancelInvitation('alice');
      await closed(el);
      expect(document.activeElement === before, 'focus is back').to.equal(true);
    });

    it('leaves focus alone on close when it was elsewhere', async () => {
      const { el } = await prompt();
      await invite();
      await opened(el);
      const other = document.createElement('input');
      other.setAttribute('aria-label', 'elsewhere');
      document.body.append(other);
      try {
        other.focus();
        await live.host.coGuestStore(live.liveId).cancelInvitation('alice');
        await closed(el);
        expect(document.activeElement === other, 'focus stays').to.equal(true);
      } finally {
        other.remove();
      }
    });

    it('is answered with the keyboard alone: Tab to Decline and Enter', async () => {
      const { el, before } = await prompt();
      await invite();
      await opened(el);
      await sendKeys({ press: 'Shift+Tab' });
      expect(focusedPart(el)).to.equal('decline-button');
      await sendKeys({ press: 'Enter' });
      await closed(el);
      expect(document.activeElement === before, 'focus is back').to.equal(true);
      expect(live.session('alice').coGuestStore(live.liveId).coGuestState.selfStatus.get()).to.equal('idle');
    });

    it('declines on Escape', async () => {
      const { el } = await prompt();
      await invite();
      await opened(el);
      const declined = oneEvent<InvitationDeclineEvent>(el, InvitationDeclineEvent.type);
      await sendKeys({ press: 'Escape' });
      await declined;
      await closed(el);
      await waitFor(
        live.host.coGuestStore(live.liveId).coGuestState.invitees,
        (list) => list.length === 0,
        'the invitation is answered',
      );
    });

    it('marks its texts with the language of the messages', async () => {
      const { el } = await prompt();
      expect(el.shadowRoot!.querySelector('[lang]')!.getAttribute('lang')).to.equal('en');
    });
  });

  describe('properties', () => {
    it('has documented defaults', () => {
      const el = document.createElement('invitation-prompt');
      expect(el).to.be.instanceOf(InvitationPrompt);
      expect([el.session, el.liveId, el.devices]).to.deep.equal([null, null, 'camera microphone']);
    });

    it('needs no attributes inside <live-core-view>', async () => {
      await start();
      const source = await fixture<InvitationSource>(
        html`<invitation-source .target=${{ session: live.session('alice'), liveId: live.liveId }}
          ><invitation-prompt></invitation-prompt
        ></invitation-source>`,
      );
      const el = source.querySelector('invitation-prompt')!;
      await invite();
      await opened(el);
      expect(text(el, 'message')).to.equal('Host invites you to join');
    });

    it('shows the inviter, the seat, the extra info and the countdown', async () => {
      await start();
      const session = live.session('alice');
      let now = session.serverNow();
      session.serverNow = () => now;
      const { el } = await prompt();
      await invite('alice', { extraInfo: 'Come sing', seatIndex: 2, timeout: 30 });
      await opened(el);
      const invitation = session.coGuestStore(live.liveId).coGuestState.selfInvitation.get()!;
      now = invitation.createdAt + 4_500;
      el.requestUpdate();
      await el.updateComplete;
      expect(text(el, 'message')).to.equal('Host invites you to join on seat 3');
      expect(text(el, 'extra-info')).to.equal('Come sing');
      expect(text(el, 'countdown')).to.equal('26s left');
      expect(text(el, 'avatar')).to.equal('H');
    });

    it('hides an empty extra info and the countdown of an invitation without deadline', async () => {
      const { el } = await prompt();
      await invite('alice', { timeout: 0 });
      await opened(el);
      expect(text(el, 'message')).to.equal('Host invites you to join');
      expect(isShown(part(el, 'extra-info'))).to.equal(false);
      expect(isShown(part(el, 'countdown'))).to.equal(false);
    });

    it('publishes camera and microphone after accepting, by default', async () => {
      const { el } = await prompt();
      await invite();
      await opened(el);
      part(el, 'accept-button').click();
      await closed(el);
      await waitFor(
        live.host.liveSeatStore(live.liveId).seatList,
        (seats) =>
          seats.some(
            (seat) =>
              seat.userInfo?.userId === 'alice' &&
              seat.userInfo.cameraStatus === 'on' &&
              seat.userInfo.microphoneStatus === 'on',
          ),
        'alice sits with camera and microphone on',
      );
    });

    it('publishes only the microphone for devices="microphone"', async () => {
      const { el } = await prompt('alice', 'microphone');
      await invite();
      await opened(el);
      part(el, 'accept-button').click();
      const seats = await waitFor(
        live.host.liveSeatStore(live.liveId).seatList,
        (list) =>
          list.some((seat) => seat.userInfo?.userId === 'alice' && seat.userInfo.microphoneStatus === 'on'),
        'the microphone is on',
      );
      expect(seats.find((seat) => seat.userInfo?.userId === 'alice')!.userInfo!.cameraStatus).to.equal('off');
    });

    it('publishes nothing for devices=""', async () => {
      const { el } = await prompt('alice', '');
      const store = live.session('alice').liveSeatStore(live.liveId);
      let published = 0;
      const publish = store.publishDeviceStatus.bind(store);
      store.publishDeviceStatus = (status) => {
        published++;
        return publish(status);
      };
      await invite();
      await opened(el);
      const accepted = oneEvent<InvitationAcceptEvent>(el, InvitationAcceptEvent.type);
      part(el, 'accept-button').click();
      await accepted;
      await closed(el);
      const seats = await waitFor(
        live.host.liveSeatStore(live.liveId).seatList,
        (list) => list.some((seat) => seat.userInfo?.userId === 'alice'),
        'alice sits',
      );
      const user = seats.find((seat) => seat.userInfo?.userId === 'alice')!.userInfo!;
      expect([user.cameraStatus, user.microphoneStatus, published]).to.deep.equal(['off', 'off', 0]);
    });
  });

  describe('states', () => {
    it('open only while an invitation waits; hidden otherwise', async () => {
      const { el } = await prompt();
      expect(isOpen(el)).to.equal(false);
      // Before the first invitation the card's code is not even loaded: no card at all.
      expect(queryPart(el, 'card')).to.equal(null);
      await invite();
      await opened(el);
      // The card fades in; finish the animation instead of waiting for it.
      for (const animation of part(el, 'card').getAnimations()) animation.finish();
      expect(isShown(part(el, 'card'))).to.equal(true);
      await live.host.coGuestStore(live.liveId).cancelInvitation('alice');
      await closed(el);
      expect(isShown(part(el, 'card'))).to.equal(false);
    });

    it('busy while an answer is on its way', async () => {
      const { el } = await prompt();
      await invite();
      await opened(el);
      const store = live.session('alice').coGuestStore(live.liveId);
      let release: (() => void) | undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let calls = 0;
      const accept = store.acceptInvitation.bind(store);
      store.acceptInvitation = async (inviterId) => {
        calls++;
        await held;
        return accept(inviterId);
      };
      part(el, 'accept-button').click();
      part(el, 'accept-button').click();
      await el.updateComplete;
      expect(el.matches(':state(busy)')).to.equal(true);
      expect(part(el, 'accept-button').getAttribute('aria-disabled')).to.equal('true');
      await expect(el).to.be.accessible();
      release?.();
      await closed(el);
      expect(calls).to.equal(1);
      await waitUntil(() => !el.matches(':state(busy)'), 'no longer busy');
    });

    it('never opens for the host', async () => {
      const { el } = await prompt('host');
      await invite('alice');
      await waitFor(
        live.host.coGuestStore(live.liveId).coGuestState.invitees,
        (list) => list.length === 1,
        'the host sees the invitation',
      );
      await el.updateComplete;
      expect(isOpen(el)).to.equal(false);
    });

    it('does not add attributes to itself', async () => {
      const { el } = await prompt();
      const before = el.getAttributeNames().sort();
      await invite();
      await opened(el);
      expect(el.getAttributeNames().sort()).to.deep.equal(before);
    });
  });

  describe('parts', () => {
    it('exposes every part while open', async () => {
      const { el } = await prompt();
      await invite('alice', { extraInfo: 'x' });
      await opened(el);
      for (const name of [
        'card',
        'avatar',
        'message',
        'extra-info',
        'countdown',
        'accept-button',
        'decline-button',
        'status',
      ]) {
        expect(queryPart(el, name) !== null, name).to.equal(true);
      }
    });

    it('follows its custom properties', async () => {
      await start();
      const wrapper = await fixture<HTMLDivElement>(
        html`<div style="--invitation-prompt-background: rgb(1, 2, 3); --invitation-prompt-radius: 5px">
          <invitation-prompt .session=${live.session('alice')} live-id=${live.liveId}></invitation-prompt>
        </div>`,
      );
      const el = wrapper.querySelector('invitation-prompt')!;
      await invite();
      await opened(el);
      const style = getComputedStyle(part(el, 'card'));
      expect([style.backgroundColor, style.borderTopLeftRadius]).to.deep.equal(['rgb(1, 2, 3)', '5px']);
    });
  });

  describe('events', () => {
    it('fires invitation-received when an invitation arrives', async () => {
      const { el } = await prompt();
      const received = oneEvent<InvitationReceivedEvent>(el, InvitationReceivedEvent.type);
      await invite('alice', { extraInfo: 'hello' });
      const event = await received;
      expect([event.inviter.userId, event.invitation.extraInfo]).to.deep.equal(['host', 'hello']);
      expect([event.bubbles, event.composed, event.cancelable]).to.deep.equal([true, true, false]);
    });

    it('Accept fires invitation-accept and seats the user', async () => {
      const { el } = await prompt();
      await invite();
      await opened(el);
      const accepted = oneEvent<InvitationAcceptEvent>(document, InvitationAcceptEvent.type);
      part(el, 'accept-button').click();
      const event = await accepted;
      expect([event.inviter.userId, event.cancelable, event.composed]).to.deep.equal(['host', true, true]);
      await closed(el);
      await waitFor(
        live.session('alice').coGuestStore(live.liveId).coGuestState.selfStatus,
        (status) => status === 'connected',
        'alice is seated',
      );
    });

    it('a vetoed invitation-accept sends nothing', async () => {
      const { el } = await prompt();
      await invite();
      await opened(el);
      const store = live.session('alice').coGuestStore(live.liveId);
      let calls = 0;
      const accept = store.acceptInvitation.bind(store);
      store.acceptInvitation = (inviterId) => {
        calls++;
        return accept(inviterId);
      };
      el.addEventListener('invitation-accept', (event) => event.preventDefault(), { once: true });
      part(el, 'accept-button').click();
      await el.updateComplete;
      expect([calls, isOpen(el), el.matches(':state(busy)')]).to.deep.equal([0, true, false]);
    });

    it('Decline fires invitation-decline and rejects; a veto keeps it open', async () => {
      const { el } = await prompt();
      await invite();
      await opened(el);
      el.addEventListener('invitation-decline', (event) => event.preventDefault(), { once: true });
      part(el, 'decline-button').click();
      await el.updateComplete;
      expect(isOpen(el)).to.equal(true);
      const declined = oneEvent<InvitationDeclineEvent>(el, InvitationDeclineEvent.type);
      const timeouts: Event[] = [];
      el.addEventListener('invitation-timeout', (event) => timeouts.push(event));
      part(el, 'decline-button').click();
      expect((await declined).inviter.userId).to.equal('host');
      await closed(el);
      await waitFor(
        live.host.coGuestStore(live.liveId).coGuestState.invitees,
        (list) => list.length === 0,
        'the host sees the answer',
      );
      expect([timeouts.length, text(el, 'status')]).to.deep.equal([0, '']);
    });

    it('fires invitation-cancelled and says so when the host withdraws', async () => {
      const { el } = await prompt();
      await invite();
      await opened(el);
      const cancelled = oneEvent<InvitationCancelledEvent>(el, InvitationCancelledEvent.type);
      await live.host.coGuestStore(live.liveId).cancelInvitation('alice');
      expect((await cancelled).inviter.userId).to.equal('host');
      await closed(el);
      await waitUntil(() => text(el, 'status') !== '', 'the reason is announced');
      expect(text(el, 'status')).to.equal('Host withdrew the invitation');
    });

    it('fires invitation-timeout when the deadline passes unanswered', async () => {
      const scheduler = new ManualScheduler();
      await start({ hub: { scheduler } });
      const { el, before } = await prompt();
      await invite('alice', { timeout: 10 });
      await opened(el);
      const timedOut = oneEvent<InvitationTimeoutEvent>(el, InvitationTimeoutEvent.type);
      scheduler.advance(10_000);
      expect((await timedOut).inviter.userId).to.equal('host');
      await closed(el);
      expect(document.activeElement === before, 'focus is back').to.equal(true);
      await waitUntil(() => text(el, 'status') !== '', 'the reason is announced');
      expect(text(el, 'status')).to.equal('The invitation expired');
    });

    it('fires action-error and stays open when accepting fails', async () => {
      await start({ maxSeatCount: 2 });
      const { el } = await prompt();
      await invite();
      await opened(el);
      await live.seat('bob');
      const failed = oneEvent<ActionErrorEvent>(el, 'action-error');
      part(el, 'accept-button').click();
      const event = await failed;
      expect([event.action, event.errorCode]).to.deep.equal([
        'acceptInvitation',
        ErrorCode.ALL_SEATS_OCCUPIED,
      ]);
      await waitUntil(() => text(el, 'status') !== '', 'the error is shown');
      expect(text(el, 'status')).to.equal('The seat is no longer free');
    });
  });

  describe('i18n', () => {
    it('changes its texts when the locale changes at runtime', async () => {
      const { el } = await prompt();
      await invite();
      await opened(el);
      await loadLocale('zh-CN');
      setLocale('zh-CN');
      await el.updateComplete;
      expect(text(el, 'message')).to.equal('Host 邀请你连麦');
      expect(text(el, 'accept-button')).to.equal('接受');
      await loadLocale('ko');
      setLocale('ko');
      await el.updateComplete;
      expect(text(el, 'decline-button')).to.equal('거절');
      expect(el.shadowRoot!.querySelector('[lang]')!.getAttribute('lang')).to.equal('ko');
    });
  });

  describe('hostile data', () => {
    for (const [index, hostile] of HOSTILE_STRINGS.entries()) {
      it(`renders a hostile inviter name and extra info as text (#${index})`, async () => {
        await start({ users: { host: { userName: hostile } } });
        const { el } = await prompt();
        await invite('alice', { extraInfo: hostile });
        await opened(el);
        expect(text(el, 'extra-info')).to.equal(hostile.replace(/\s+/g, ' ').trim());
        expect(text(el, 'message')).to.include(hostile.replace(/\s+/g, ' ').trim());
        expect(inertIn(el)).to.deep.equal({ ok: true, problem: '' });
      });
    }

    for (const [index, url] of HOSTILE_URLS.entries()) {
      it(`never loads a hostile avatar URL (#${index})`, async () => {
        await start({ users: { host: { avatarUrl: url } } });
        const { el } = await prompt();
        await invite();
        await opened(el);
        const avatar = part(el, 'avatar');
        const safe = safeImageUrl(url);
        if (safe === '') {
          expect(avatar.localName, 'initials instead').to.equal('span');
          expect(inertIn(el)).to.deep.equal({ ok: true, problem: '' });
        } else {
          // An SVG image or a protocol-relative http(s) URL: an <img> loads it without running script.
          expect(avatar.getAttribute('src')).to.match(/^(https?:|data:image\/)/);
          expect(avatar.getAttribute('src')).to.equal(safe);
        }
        expect(window.__pwned).to.equal(undefined);
      });
    }
  });
});
