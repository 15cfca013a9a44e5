/**
 * Stories for <invitation-prompt> (Storybook CSF 3). See stories/README.md.
 *
 * Hana, the host of a live on the in-page hub, invites Ada; the prompt is Ada's. It opens with focus
 * on Accept; Escape or Decline declines.
 */
import { html } from 'lit';
import '../src/elements/invitation-prompt/invitation-prompt.js';
import type { InvitationPrompt } from '../src/elements/invitation-prompt/invitation-prompt.js';
import { demoLive, liveOf, type DemoLive } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

interface PlayContext extends StoryContext {
  readonly canvasElement: HTMLElement;
}

/** A live where the host invited Ada with these details, once Ada sees the invitation. */
function invited(details: { seatIndex?: number; timeout?: number; extraInfo?: string }) {
  return [
    async () => {
      const live = await demoLive({ audience: ['ada', 'grace'] });
      const sent = await live.host
        .coGuestStore(live.liveId)
        .inviteToSeat({ inviteeId: 'ada', timeout: 60, ...details });
      if (!sent.isSuccess) throw new Error(`the host invites Ada: ${sent.errorMessage}`);
      const own = live.session('ada').coGuestStore(live.liveId).coGuestState.selfInvitation;
      await waitFor(() => own.get() !== null, 'Ada sees the invitation');
      return { live };
    },
  ];
}

function prompt(live: DemoLive) {
  return html`<invitation-prompt .session=${live.session('ada')} live-id=${live.liveId}></invitation-prompt>`;
}

function render(_args: unknown, { loaded }: StoryContext) {
  return prompt(liveOf(loaded));
}

async function findPrompt(canvasElement: HTMLElement): Promise<InvitationPrompt> {
  const el = await waitFor(
    () => deepQuery<InvitationPrompt>(canvasElement, 'invitation-prompt'),
    'the prompt is on the page',
  );
  await waitFor(() => el.matches(':state(open)'), 'the prompt is open');
  await el.updateComplete;
  return el;
}

export default {
  title: 'Elements/invitation-prompt',
  component: 'invitation-prompt',
};

/** The host invites Ada to seat 3 with a note; 60 seconds to answer. */
export const Open = {
  loaders: invited({ seatIndex: 2, extraInfo: 'Come and play the next song with us!' }),
  render,
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findPrompt(canvasElement);
    const active = el.shadowRoot?.activeElement;
    assert(active?.getAttribute('part') === 'accept-button', 'focus is on Accept');
  },
};

/** An invitation to any free seat, without a deadline and without a note. */
export const WithoutDeadline = {
  loaders: invited({ timeout: 0 }),
  render,
};

/** Ada accepts: the prompt closes and she sits with her camera and microphone on. */
export const Accepted = {
  loaders: invited({}),
  render,
  play: async ({ canvasElement, loaded }: PlayContext) => {
    const live = liveOf(loaded);
    const el = await findPrompt(canvasElement);
    el.shadowRoot?.querySelector<HTMLButtonElement>('[part~="accept-button"]')?.click();
    await waitFor(() => !el.matches(':state(open)'), 'the prompt closes');
    const seats = live.host.liveSeatStore(live.liveId).seatList;
    await waitFor(
      () =>
        seats
          .get()
          .some(
            (seat) =>
              seat.userInfo?.userId === 'ada' &&
              seat.userInfo.cameraStatus === 'on' &&
              seat.userInfo.microphoneStatus === 'on',
          ),
      'Ada sits with camera and microphone on',
    );
  },
};

/** The host withdraws the invitation: the prompt closes and says why to assistive technology. */
export const Withdrawn = {
  loaders: invited({}),
  render: (_args: unknown, { loaded }: StoryContext) =>
    html`<p>The host withdrew the invitation; the prompt closed.</p>
      ${prompt(liveOf(loaded))}`,
  play: async ({ canvasElement, loaded }: PlayContext) => {
    const live = liveOf(loaded);
    const el = await findPrompt(canvasElement);
    await live.host.coGuestStore(live.liveId).cancelInvitation('ada');
    await waitFor(() => !el.matches(':state(open)'), 'the prompt closes');
    await waitFor(
      () => el.shadowRoot?.querySelector('[part~="status"]')?.textContent?.trim(),
      'the reason is announced',
    );
  },
};
