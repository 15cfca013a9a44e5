/**
 * The seed's Feature Demo in one page: the host, audience A (camera and microphone) and audience B
 * (microphone only), each their own session on one in-page hub, side by side. Ada applies and the
 * host accepts; the host invites Grace and she accepts. Ada's synthetic camera shows on every
 * stage; Grace has no camera, so every stage shows her background layer (avatar and name).
 */
import { html } from 'lit';
import type { Session } from '../src/core/index.js';
import '../src/index.js';
import type { LiveCoreView } from '../src/elements/live-core-view/live-core-view.js';
import { demoLive, liveOf, type DemoLive } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

interface PlayContext extends StoryContext {
  readonly canvasElement: HTMLElement;
  readonly step: (name: string, run: () => Promise<void>) => Promise<void>;
}

const layout = `
  display: grid;
  grid-template-columns: repeat(auto-fit, minmax(260px, 1fr));
  gap: 16px;
  align-items: start;
  font-family: system-ui, sans-serif;
`;

const panel = 'display: grid; gap: 12px; min-width: 0;';

/** Video for the people whose camera is on in the demo: the host and Ada. */
function cameras(live: DemoLive): ReadonlyMap<string, MediaStream> {
  return new Map([
    ['host', live.stream('host')],
    ['ada', live.stream('ada')],
  ]);
}

function stage(live: DemoLive, session: Session, label: string) {
  return html`<live-core-view
    data-demo=${label}
    .session=${session}
    live-id=${live.liveId}
    layout="dynamic-float"
    .streams=${cameras(live)}
  ></live-core-view>`;
}

function render(_args: unknown, { loaded }: StoryContext) {
  const live = liveOf(loaded);
  const { liveId } = live;
  const ada = live.session('ada');
  const grace = live.session('grace');
  return html`<div style=${layout}>
    <section style=${panel} aria-label="Host">
      <h2 style="margin: 0; font-size: 1rem">Host</h2>
      ${stage(live, live.host, 'host')}
      <applicant-list .session=${live.host} live-id=${liveId}></applicant-list>
      <audience-list .session=${live.host} live-id=${liveId}></audience-list>
      <live-notifications
        .session=${live.host}
        live-id=${liveId}
        duration="0"
        label="Notifications for the host"
      ></live-notifications>
    </section>
    <section style=${panel} aria-label="Audience A">
      <h2 style="margin: 0; font-size: 1rem">Audience A: camera and microphone</h2>
      ${stage(live, ada, 'ada')}
      <apply-button .session=${ada} live-id=${liveId} devices="camera microphone"></apply-button>
      <invitation-prompt .session=${ada} live-id=${liveId} devices="camera microphone"></invitation-prompt>
      <live-notifications
        .session=${ada}
        live-id=${liveId}
        duration="0"
        label="Notifications for Ada"
      ></live-notifications>
    </section>
    <section style=${panel} aria-label="Audience B">
      <h2 style="margin: 0; font-size: 1rem">Audience B: microphone only</h2>
      ${stage(live, grace, 'grace')}
      <apply-button .session=${grace} live-id=${liveId} devices="microphone"></apply-button>
      <invitation-prompt .session=${grace} live-id=${liveId} devices="microphone"></invitation-prompt>
      <live-notifications
        .session=${grace}
        live-id=${liveId}
        duration="0"
        label="Notifications for Grace"
      ></live-notifications>
    </section>
  </div>`;
}

/** The part `part` inside the first `tag` of the panel labelled `panel`. */
async function control(canvas: HTMLElement, panel: string, tag: string, part: string): Promise<HTMLElement> {
  return waitFor(() => {
    const section = canvas.querySelector(`section[aria-label="${panel}"]`);
    const host = section?.querySelector(tag);
    return host?.shadowRoot ? deepQuery<HTMLElement>(host.shadowRoot, `[part~="${part}"]`) : null;
  }, `${part} of ${tag} in ${panel}`);
}

/** The user ids on the seats of the stage of `panel`, in seat order. */
function seated(canvas: HTMLElement, panel: string): string[] {
  const view = canvas.querySelector<LiveCoreView>(`section[aria-label="${panel}"] live-core-view`);
  return Array.from(view?.shadowRoot?.querySelectorAll('guest-seat-tile') ?? []).flatMap((tile) =>
    tile.seat?.userInfo ? [tile.seat.userInfo.userId] : [],
  );
}

function tileState(canvas: HTMLElement, panel: string, userId: string, state: string): boolean {
  const view = canvas.querySelector<LiveCoreView>(`section[aria-label="${panel}"] live-core-view`);
  const tile = Array.from(view?.shadowRoot?.querySelectorAll('guest-seat-tile') ?? []).find(
    (item) => item.seat?.userInfo?.userId === userId,
  );
  return tile?.matches(`:state(${state})`) ?? false;
}

export default {
  title: 'Demos/Feature Demo',
  parameters: { layout: 'padded' },
};

/** Before anything happens: the host alone on the stage, Ada and Grace watching. */
export const Start = {
  loaders: [async () => ({ live: await demoLive({ audience: ['ada', 'grace'] }) })],
  render,
};

/** Apply → accept, then invite → accept, played. */
export const ApplyAndInvite = {
  loaders: [async () => ({ live: await demoLive({ audience: ['ada', 'grace'] }) })],
  render,
  async play({ canvasElement, step, loaded }: PlayContext) {
    const live = liveOf(loaded);
    const panels = ['Host', 'Audience A', 'Audience B'];

    await step('Ada requests to join', async () => {
      (await control(canvasElement, 'Audience A', 'apply-button', 'button')).click();
    });

    await step('the host accepts Ada', async () => {
      (await control(canvasElement, 'Host', 'applicant-list', 'accept-button')).click();
      await waitFor(
        () => panels.every((panel) => seated(canvasElement, panel).includes('ada')),
        'every stage shows Ada',
      );
      await waitFor(
        () => panels.every((panel) => tileState(canvasElement, panel, 'ada', 'camera-off') === false),
        "Ada's camera shows on every stage",
      );
    });

    await step('the host invites Grace', async () => {
      (await control(canvasElement, 'Host', 'audience-list', 'invite-button')).click();
      await waitFor(
        () => live.session('grace').coGuestStore(live.liveId).coGuestState.selfInvitation.get(),
        'Grace is invited',
      );
    });

    await step('Grace accepts', async () => {
      (await control(canvasElement, 'Audience B', 'invitation-prompt', 'accept-button')).click();
      await waitFor(
        () => panels.every((panel) => seated(canvasElement, panel).includes('grace')),
        'every stage shows Grace',
      );
    });

    await step('Grace has no camera: her background layer shows everywhere', async () => {
      await waitFor(
        () =>
          panels.every(
            (panel) =>
              tileState(canvasElement, panel, 'grace', 'camera-off') &&
              !tileState(canvasElement, panel, 'grace', 'mic-off'),
          ),
        'Grace shows her avatar with the microphone on',
      );
      assert(seated(canvasElement, 'Host').join() === 'host,ada,grace', 'three people on the stage');
    });
  },
};
