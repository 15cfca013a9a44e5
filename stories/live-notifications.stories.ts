/**
 * Stories for <live-notifications> (Storybook CSF 3). See stories/README.md.
 *
 * Each story runs a live on the in-page hub; its play function makes the other people of the live
 * act through their own sessions, and the element shows what reaches the viewer. Toasts stay
 * (`duration="0"`) so that the story can be looked at.
 */
import { html } from 'lit';
import '../src/elements/live-notifications/live-notifications.js';
import type { LiveNotifications } from '../src/elements/live-notifications/live-notifications.js';
import { demoLive, liveOf, type DemoLive } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

interface PlayContext extends StoryContext {
  readonly canvasElement: HTMLElement;
}

function view(live: DemoLive, userId: string) {
  return html`<div style="width: 360px; min-height: 240px">
    <live-notifications
      .session=${userId === 'host' ? live.host : live.session(userId)}
      live-id=${live.liveId}
      duration="0"
      max="4"
    ></live-notifications>
  </div>`;
}

/** The element of the story, once rendered. */
function element(canvasElement: HTMLElement): Promise<LiveNotifications> {
  return waitFor(
    () => deepQuery<LiveNotifications>(canvasElement, 'live-notifications'),
    'the notifications are on the page',
  );
}

/** Resolves once `count` toasts are shown. */
async function toasts(el: LiveNotifications, count: number): Promise<void> {
  await waitFor(
    () => (el.shadowRoot?.querySelectorAll('[part~="toast"]').length ?? 0) >= count,
    `${count} toasts show`,
  );
}

/** Throws when a store action of the play function failed. */
function check(result: { readonly isSuccess: boolean; readonly errorMessage: string }, what: string): void {
  assert(result.isSuccess, `${what}: ${result.errorMessage}`);
}

export default {
  title: 'Elements/live-notifications',
  component: 'live-notifications',
};

/**
 * The host's view: two applications arrive, one is withdrawn (its request leaves the toasts, the
 * withdrawal stays), an invitation is declined.
 */
export const ForHost = {
  loaders: [async () => ({ live: await demoLive({ audience: ['ada', 'grace', 'linus'] }) })],
  render: (_args: unknown, { loaded }: StoryContext) => view(liveOf(loaded), 'host'),
  play: async ({ canvasElement, loaded }: PlayContext) => {
    const live = liveOf(loaded);
    const el = await element(canvasElement);
    const store = (userId: string) => live.session(userId).coGuestStore(live.liveId);
    check(await store('ada').applyForSeat(), 'Ada applies');
    check(await store('grace').applyForSeat(), 'Grace applies');
    check(await store('grace').cancelApplication(), 'Grace withdraws');
    check(
      await live.host.coGuestStore(live.liveId).inviteToSeat({ inviteeId: 'linus' }),
      'the host invites Linus',
    );
    await waitFor(() => store('linus').coGuestState.selfInvitation.get(), 'Linus sees the invitation');
    check(await store('linus').rejectInvitation('host'), 'Linus declines');
    await toasts(el, 3);
  },
};

/**
 * The host's view when a guest's connection drops: "Ada lost the connection" while her seat waits
 * for her (the grace period), then "Ada is back" once her page reconnected by itself.
 */
export const GuestReconnecting = {
  loaders: [async () => ({ live: await demoLive({ audience: ['ada'], seated: ['ada'] }) })],
  render: (_args: unknown, { loaded }: StoryContext) => view(liveOf(loaded), 'host'),
  play: async ({ canvasElement, loaded }: PlayContext) => {
    const live = liveOf(loaded);
    const el = await element(canvasElement);
    live.hub.dropConnections('ada');
    await toasts(el, 2);
  },
};

/** A guest's view: accepted, then the host closes the microphone, blocks the camera, and kicks. */
export const ForAudience = {
  loaders: [async () => ({ live: await demoLive({ audience: ['ada', 'grace'] }) })],
  render: (_args: unknown, { loaded }: StoryContext) => view(liveOf(loaded), 'ada'),
  play: async ({ canvasElement, loaded }: PlayContext) => {
    const live = liveOf(loaded);
    const el = await element(canvasElement);
    const ada = live.session('ada');
    check(await ada.coGuestStore(live.liveId).applyForSeat(), 'Ada applies');
    check(await live.host.coGuestStore(live.liveId).acceptApplication('ada'), 'the host accepts Ada');
    await waitFor(
      () => ada.coGuestStore(live.liveId).coGuestState.selfStatus.get() === 'connected',
      'Ada is seated',
    );
    check(
      await ada.liveSeatStore(live.liveId).publishDeviceStatus({ microphone: 'on', camera: 'on' }),
      'Ada opens her devices',
    );
    const seats = live.host.liveSeatStore(live.liveId);
    await waitFor(
      () => seats.seatList.get().some((seat) => seat.userInfo?.microphoneStatus === 'on'),
      'the host sees the microphone on',
    );
    check(await seats.closeRemoteMicrophone('ada'), 'the host closes the microphone');
    check(await seats.closeRemoteCamera('ada', { forbid: true }), 'the host blocks the camera');
    check(await seats.kickUserOutOfSeat('ada'), 'the host kicks Ada');
    await toasts(el, 4);
  },
};

/** The end of the live, as an audience member sees it (announced assertively). */
export const LiveEnded = {
  loaders: [async () => ({ live: await demoLive({ audience: ['grace'] }) })],
  render: (_args: unknown, { loaded }: StoryContext) => view(liveOf(loaded), 'grace'),
  play: async ({ canvasElement, loaded }: PlayContext) => {
    const live = liveOf(loaded);
    const el = await element(canvasElement);
    check(await live.host.liveListStore.endLive(), 'the host ends the live');
    await toasts(el, 1);
  },
};
