/**
 * Stories for <apply-button> (Storybook CSF 3). See stories/README.md.
 *
 * Ada is in the audience of a live on the in-page hub; the button is hers. Stories that show an
 * outcome (accepted, rejected) play it: Ada presses the button and the host answers.
 */
import { html } from 'lit';
import { Session } from '../src/core/index.js';
import '../src/elements/apply-button/apply-button.js';
import type { ApplyButton } from '../src/elements/apply-button/apply-button.js';
import { demoLive, liveOf, type DemoLive, type DemoLiveOptions } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

/** The session the `Offline` loader replaced. */
function replacedOf(loaded: Record<string, unknown>): Session {
  const session = loaded.replaced;
  if (!(session instanceof Session)) throw new Error('the story has no replaced session');
  return session;
}

interface PlayContext extends StoryContext {
  readonly canvasElement: HTMLElement;
}

function loadLive(options: DemoLiveOptions) {
  return [async () => ({ live: await demoLive(options) })];
}

function button(live: DemoLive, session: Session, extra: { timeout?: number; devices?: string } = {}) {
  return html`<apply-button
    .session=${session}
    live-id=${live.liveId}
    timeout=${extra.timeout ?? 30}
    devices=${extra.devices ?? 'camera microphone'}
  ></apply-button>`;
}

function render(_args: unknown, { loaded }: StoryContext) {
  const live = liveOf(loaded);
  return button(live, live.session('ada'));
}

/** The button, once it rendered. */
async function findButton(canvasElement: HTMLElement): Promise<ApplyButton> {
  const el = await waitFor(
    () => deepQuery<ApplyButton>(canvasElement, 'apply-button'),
    'the button is on the page',
  );
  await el.updateComplete;
  return el;
}

function statusOf(el: ApplyButton): string {
  return el.shadowRoot?.querySelector('[part~="status"]')?.textContent?.trim() ?? '';
}

/** Ada presses "Request to join" and waits until the host sees her request. */
async function request(canvasElement: HTMLElement, live: DemoLive): Promise<ApplyButton> {
  const el = await findButton(canvasElement);
  el.shadowRoot?.querySelector<HTMLButtonElement>('[part~="button"]')?.click();
  await waitFor(() => el.matches(':state(pending)'), 'the request is pending');
  const applicants = live.host.coGuestStore(live.liveId).coGuestState.applicants;
  await waitFor(() => applicants.get().some((item) => item.userId === 'ada'), 'the host sees the request');
  return el;
}

export default {
  title: 'Elements/apply-button',
  component: 'apply-button',
};

/** Ada may ask for a seat. */
export const Idle = {
  loaders: loadLive({ audience: ['ada'] }),
  render,
};

/** Ada's request waits for the host: "Cancel request", with the time left on a ring. */
export const Pending = {
  loaders: loadLive({ audience: ['ada'], applying: ['ada'], timeout: 60 }),
  render,
};

/** A request without a deadline (`timeout="0"`): no countdown. */
export const PendingWithoutTimeout = {
  loaders: loadLive({ audience: ['ada'], applying: ['ada'], timeout: 0 }),
  render,
};

/** Ada is on a seat: "Leave seat". */
export const Connected = {
  loaders: loadLive({ audience: ['ada'], seated: ['ada'] }),
  render,
};

/** Ada asks, the host accepts: she is seated with her microphone only (`devices="microphone"`). */
export const Accepted = {
  loaders: loadLive({ audience: ['ada'] }),
  render: (_args: unknown, { loaded }: StoryContext) => {
    const live = liveOf(loaded);
    return button(live, live.session('ada'), { devices: 'microphone' });
  },
  play: async ({ canvasElement, loaded }: PlayContext) => {
    const live = liveOf(loaded);
    const el = await request(canvasElement, live);
    await live.host.coGuestStore(live.liveId).acceptApplication('ada');
    await waitFor(() => el.matches(':state(connected)'), 'Ada is seated');
    const seats = live.host.liveSeatStore(live.liveId).seatList;
    const ada = await waitFor(
      () =>
        seats
          .get()
          .find((seat) => seat.userInfo?.userId === 'ada' && seat.userInfo.microphoneStatus === 'on'),
      'her microphone is on',
    );
    assert(ada.userInfo?.cameraStatus === 'off', 'her camera stays off');
  },
};

/** Ada asks, the host rejects: the button says so, politely announced. */
export const Rejected = {
  loaders: loadLive({ audience: ['ada'] }),
  render,
  play: async ({ canvasElement, loaded }: PlayContext) => {
    const live = liveOf(loaded);
    const el = await request(canvasElement, live);
    await live.host.coGuestStore(live.liveId).rejectApplication('ada');
    await waitFor(() => statusOf(el) !== '', 'the outcome is shown');
    assert(el.matches(':state(idle)'), 'Ada may ask again');
  },
};

/** Every seat is taken (two seats: the host's and Grace's): the request fails with a reason. */
export const AllSeatsTaken = {
  loaders: loadLive({ audience: ['ada', 'grace'], seated: ['grace'], maxSeatCount: 2 }),
  render,
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findButton(canvasElement);
    el.shadowRoot?.querySelector<HTMLButtonElement>('[part~="button"]')?.click();
    await waitFor(() => statusOf(el) !== '', 'the reason is shown');
  },
};

/** The session gave up (Ada signed in somewhere else): disabled, with the connection state. */
export const Offline = {
  loaders: [
    async () => {
      const live = await demoLive({ audience: ['ada'] });
      const replaced = live.session('ada');
      // Ada signs in again: the first session is replaced and goes offline for good.
      await live.join('ada');
      return { live, replaced };
    },
  ],
  render: (_args: unknown, { loaded }: StoryContext) => button(liveOf(loaded), replacedOf(loaded)),
};

/** The host's button: hidden (`:state(host)`), so a shared page template can always include it. */
export const HostView = {
  loaders: loadLive({ audience: ['ada'] }),
  render: (_args: unknown, { loaded }: StoryContext) => {
    const live = liveOf(loaded);
    return html`<p>The host's apply-button is hidden:</p>
      ${button(live, live.host)}`;
  },
};
