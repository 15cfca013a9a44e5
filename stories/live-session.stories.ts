/**
 * Stories for <live-session> (Storybook CSF 3). See stories/README.md.
 *
 * Pages made of tags alone: each `<live-session local>` logs in to the page's in-page hub, the host
 * creates the live, the audience member joins it, and the kit's elements inside them find the live
 * with no attribute and no script. The markup of each story is what a page would write (with a
 * server: `server-url` and `token-url` instead of `local`).
 */
import { html } from 'lit';
import '../src/elements/applicant-list/applicant-list.js';
import '../src/elements/apply-button/apply-button.js';
import '../src/elements/connection-status/connection-status.js';
import '../src/elements/live-core-view/live-core-view.js';
import type { LiveSession } from '../src/elements/live-session/live-session.js';
import '../src/elements/live-session/live-session.js';
import { ErrorCode } from '../src/protocol/errors.js';
import { avatarOf } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface PlayContext {
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

let renders = 0;

/**
 * A live id of its own for each render: the in-page hub is shared by the whole page (and by every
 * story of the docs page), so two renders never meet in one live.
 */
function newLiveId(): string {
  return `tags-only-${++renders}`;
}

export default {
  title: 'Elements/live-session',
  component: 'live-session',
  parameters: { layout: 'padded' },
};

/** The session of the panel labelled `label`. */
function sessionIn(canvas: HTMLElement, label: string): LiveSession | null {
  return canvas.querySelector<LiveSession>(`section[aria-label="${label}"] live-session`);
}

/** The part `part` of the first `tag` inside the panel labelled `label`, or `null`. */
function findControl(canvas: HTMLElement, label: string, tag: string, part: string): HTMLElement | null {
  const host = sessionIn(canvas, label)?.querySelector(tag);
  return host?.shadowRoot ? deepQuery<HTMLElement>(host.shadowRoot, `[part~="${part}"]`) : null;
}

/** The user ids on the stage of the panel labelled `label`. */
function seated(canvas: HTMLElement, label: string): string[] {
  const view = sessionIn(canvas, label)?.querySelector('live-core-view');
  return Array.from(view?.shadowRoot?.querySelectorAll('guest-seat-tile') ?? []).flatMap((tile) =>
    tile.seat?.userInfo ? [tile.seat.userInfo.userId] : [],
  );
}

/**
 * A host and an audience member in one page, tags only: the host's stage and requests, the
 * audience member's stage and "Request to join". Played: Ada requests to join, Hana accepts, and
 * both stages show Ada.
 */
export const HostAndAudience = {
  render: () => {
    const liveId = newLiveId();
    return html`<div style=${layout}>
      <section style=${panel} aria-label="Host">
        <h2 style="margin: 0; font-size: 1rem">Host</h2>
        <live-session
          local
          user-id="hana"
          user-name="Hana Host"
          avatar-url=${avatarOf('host')}
          live-role="host"
          live-id=${liveId}
          live-name="Tags only"
        >
          <live-core-view></live-core-view>
          <applicant-list></applicant-list>
        </live-session>
      </section>
      <section style=${panel} aria-label="Audience">
        <h2 style="margin: 0; font-size: 1rem">Audience</h2>
        <live-session
          local
          user-id="ada"
          user-name="Ada Lovelace"
          avatar-url=${avatarOf('ada')}
          live-id=${liveId}
        >
          <live-core-view></live-core-view>
          <apply-button></apply-button>
        </live-session>
      </section>
    </div>`;
  },
  async play({ canvasElement, step }: PlayContext) {
    await step('both sessions are ready', async () => {
      await waitFor(
        () => ['Host', 'Audience'].every((label) => sessionIn(canvasElement, label)?.state === 'ready'),
        'the host and the audience member are in the live',
      );
    });

    await step('Ada requests to join', async () => {
      const button = await waitFor(() => {
        const found = findControl(canvasElement, 'Audience', 'apply-button', 'button');
        return found?.getAttribute('aria-disabled') === 'true' ? null : found;
      }, 'the request button is enabled');
      button.click();
    });

    await step('Hana accepts Ada', async () => {
      const accept = await waitFor(
        () => findControl(canvasElement, 'Host', 'applicant-list', 'accept-button'),
        "Ada's request shows to Hana",
      );
      accept.click();
      await waitFor(
        () => ['Host', 'Audience'].every((label) => seated(canvasElement, label).includes('ada')),
        'both stages show Ada',
      );
      assert(seated(canvasElement, 'Host').join() === 'hana,ada', 'Hana and Ada on the stage');
    });
  },
};

/**
 * An audience member whose host has not started the live yet: the session waits for it (up to
 * `join-timeout` seconds), saying at once that the live has not started (state `waiting`), and the
 * connection badge shows the login.
 */
export const WaitingForTheHost = {
  render: () => html`
    <live-session local user-id="grace" user-name="Grace Hopper" live-id=${newLiveId()}>
      <connection-status show-connected></connection-status>
      <apply-button></apply-button>
    </live-session>
  `,
  async play({ canvasElement }: PlayContext) {
    const session = await waitFor(
      () => canvasElement.querySelector<LiveSession>('live-session'),
      'the session renders',
    );
    await waitFor(() => session.matches(':state(waiting)'), 'the session says it waits for the live');
  },
};

/**
 * A live that does not exist, with `join-timeout="0"`: the reason at once, and Retry (which signs in
 * and joins again). The stage says nothing about seats of a live it never entered.
 */
export const LiveNotFound = {
  render: () => html`
    <live-session local user-id="grace" user-name="Grace Hopper" live-id=${newLiveId()} join-timeout="0">
      <live-core-view style="width: 240px"></live-core-view>
    </live-session>
  `,
  async play({ canvasElement }: PlayContext) {
    const session = await waitFor(
      () => canvasElement.querySelector<LiveSession>('live-session'),
      'the session renders',
    );
    await waitFor(() => session.state === 'error', 'the session is in error');
    assert(session.error?.errorCode === ErrorCode.LIVE_NOT_FOUND, 'the live is not found');
    assert(session.shadowRoot?.querySelector('[part~="retry-button"]') != null, 'a Retry button');
  },
};

/** Settings it refuses (a server URL that is not `ws:`/`wss:`): the error text, and no network. */
export const InvalidSettings = {
  render: () => html`
    <live-session server-url="https://live.example.com/ws" token-url="/api/live-token" live-id="show">
      <apply-button></apply-button>
    </live-session>
  `,
  async play({ canvasElement }: PlayContext) {
    const session = await waitFor(
      () => canvasElement.querySelector<LiveSession>('live-session'),
      'the session renders',
    );
    await waitFor(() => session.state === 'error', 'the session is in error');
    assert(session.error?.errorMessage.includes('server-url') === true, 'the error names server-url');
  },
};
