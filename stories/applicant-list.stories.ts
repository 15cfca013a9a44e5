/**
 * Stories for <applicant-list> (Storybook CSF 3). See stories/README.md.
 *
 * Hana hosts a live on the in-page hub; the list is hers. Members of the audience apply for a
 * seat, some with a note, some for a given seat.
 */
import { html } from 'lit';
import type { UserInfo } from '../src/core/index.js';
import '../src/elements/applicant-list/applicant-list.js';
import type { ApplicantList } from '../src/elements/applicant-list/applicant-list.js';
import { demoLive, liveOf, type DemoLive } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

interface PlayContext extends StoryContext {
  readonly canvasElement: HTMLElement;
}

/** Given names and family names from several scripts, for crowds. */
const GIVEN = [
  'Ada',
  'Grace',
  'Linus',
  'Mei',
  'Jiho',
  'Alan',
  'Zoë',
  'José',
  '美玲',
  '서연',
  'Amara',
  'Noor',
];
const FAMILY = ['Lovelace', 'Hopper', 'Park', 'Wang', 'Kim', 'Turing', 'Núñez', '陈', '이', 'Okafor'];

/**
 * `count` more members who join and apply, each through a lightweight connection to the hub (raw
 * protocol messages, no client session): hundreds stay quick to set up.
 */
async function crowd(live: DemoLive, count: number): Promise<void> {
  const liveId = live.liveId;
  for (let i = 0; i < count; i++) {
    const user: UserInfo = {
      userId: `fan-${i}`,
      userName: `${GIVEN[i % GIVEN.length]} ${FAMILY[i % FAMILY.length]} ${i + 1}`,
      avatarUrl: '',
    };
    const connection = live.hub.connect(user, { send: () => undefined, close: () => undefined });
    const extraInfo = i % 3 === 0 ? 'I have a question about the last song' : '';
    const seatIndex = i % 7 === 0 ? (i % 5) + 1 : -1;
    connection.receive(JSON.stringify({ type: 'cmd', id: 'join', name: 'live.join', args: { liveId } }));
    connection.receive(
      JSON.stringify({
        type: 'cmd',
        id: 'apply',
        name: 'guest.apply',
        args: { liveId, timeout: 0, extraInfo, seatIndex },
      }),
    );
  }
  const applicants = live.host.coGuestStore(liveId).coGuestState.applicants;
  await waitFor(() => applicants.get().length >= count, 'the host sees every application', 15_000);
}

/** `userId` (in the audience) applies for `seatIndex` with `extraInfo`. */
async function apply(live: DemoLive, userId: string, seatIndex: number, extraInfo = ''): Promise<void> {
  const applied = await live
    .session(userId)
    .coGuestStore(live.liveId)
    .applyForSeat({ seatIndex, extraInfo, timeout: 0 });
  if (!applied.isSuccess) throw new Error(`${userId} applies: ${applied.errorMessage}`);
}

function list(live: DemoLive, session = live.host) {
  return html`<applicant-list
    style="max-width: 560px"
    .session=${session}
    live-id=${live.liveId}
  ></applicant-list>`;
}

function render(_args: unknown, { loaded }: StoryContext) {
  return list(liveOf(loaded));
}

async function findList(canvasElement: HTMLElement): Promise<ApplicantList> {
  const el = await waitFor(
    () => deepQuery<ApplicantList>(canvasElement, 'applicant-list'),
    'the list is on the page',
  );
  await el.updateComplete;
  return el;
}

function rowsOf(el: ApplicantList): HTMLElement[] {
  return [...(el.shadowRoot?.querySelectorAll<HTMLElement>('[part~="row"]') ?? [])];
}

export default {
  title: 'Elements/applicant-list',
  component: 'applicant-list',
};

/** No one has applied: "No requests". */
export const Empty = {
  loaders: [async () => ({ live: await demoLive({ audience: ['ada'] }) })],
  render,
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findList(canvasElement);
    assert(el.matches(':state(empty)'), 'the list is empty');
  },
};

/** A few applications, some with a note or a requested seat; the waiting time ticks. */
export const FewWithExtraInfo = {
  loaders: [
    async () => {
      const live = await demoLive({
        audience: ['ada', 'grace', 'linus', 'mei', 'jiho'],
        applying: ['ada', 'grace', 'mei'],
        timeout: 0,
        extraInfo: {
          ada: 'I would like to sing the second verse with you',
          mei: '我想聊聊今天的话题，还有一个关于新专辑的问题想请教一下主播',
        },
      });
      await apply(live, 'linus', 3, 'Seat 4 is next to my friend');
      await apply(live, 'jiho', 1);
      const applicants = live.host.coGuestStore(live.liveId).coGuestState.applicants;
      await waitFor(() => applicants.get().length === 5, 'the host sees five applications');
      return { live };
    },
  ],
  render,
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findList(canvasElement);
    await waitFor(() => rowsOf(el).length === 5, 'five rows');
  },
};

/** Three hundred applications: only the rows in view are in the DOM; the arrow keys walk them all. */
export const ManyApplicants = {
  loaders: [
    async () => {
      const live = await demoLive();
      await crowd(live, 300);
      return { live };
    },
  ],
  render,
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findList(canvasElement);
    await waitFor(() => rowsOf(el).length > 0, 'rows render');
    assert(rowsOf(el).length <= 100, 'at most 100 rows in the DOM');
    assert(rowsOf(el)[0]?.getAttribute('aria-setsize') === '300', 'the rows know the whole size');
  },
};

/**
 * Two free seats (of four: Hana sits on one, Grace on another) and five applications: "Accept 2"
 * accepts Ada and Alan; Linus asked for seat 3, which Ada takes first, so he is skipped.
 */
export const AcceptAllLimitedByFreeSeats = {
  loaders: [
    async () => {
      const live = await demoLive({
        audience: ['grace', 'ada', 'linus', 'alan', 'mei', 'jiho'],
        seated: ['grace'],
        maxSeatCount: 4,
        timeout: 0,
      });
      await apply(live, 'ada', -1);
      await apply(live, 'linus', 2, 'Only seat 3, please');
      await apply(live, 'alan', -1);
      await apply(live, 'mei', -1);
      await apply(live, 'jiho', -1);
      const applicants = live.host.coGuestStore(live.liveId).coGuestState.applicants;
      await waitFor(() => applicants.get().length === 5, 'the host sees five applications');
      return { live };
    },
  ],
  render,
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findList(canvasElement);
    const button = await waitFor(
      () => el.shadowRoot?.querySelector<HTMLButtonElement>('[part~="accept-all-button"]'),
      'Accept all is shown',
    );
    await waitFor(() => button.textContent?.trim() === 'Accept 2', 'it accepts two');
  },
};

/** An audience member's view: the list renders nothing (`:state(not-host)`). */
export const AudienceView = {
  loaders: [async () => ({ live: await demoLive({ audience: ['ada', 'grace'], applying: ['grace'] }) })],
  render: (_args: unknown, { loaded }: StoryContext) => {
    const live = liveOf(loaded);
    return html`<p>Ada's applicant-list is empty: only hosts see applications.</p>
      ${list(live, live.session('ada'))}`;
  },
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findList(canvasElement);
    assert(el.matches(':state(not-host)'), 'not a host');
  },
};

/** Hostile names and notes render as plain text. */
export const HostileData = {
  loaders: [
    async () => {
      const live = await demoLive();
      const names = ['<img src=x onerror=alert(1)>', '\u202Egnp.exe\u202C', 'W'.repeat(120)];
      for (const [i, userName] of names.entries()) {
        await live.join(`odd-${i}`, { userName, avatarUrl: 'javascript:alert(1)' });
        await apply(live, `odd-${i}`, -1, '<script>alert(1)</script>');
      }
      const applicants = live.host.coGuestStore(live.liveId).coGuestState.applicants;
      await waitFor(() => applicants.get().length === names.length, 'the host sees the applications');
      return { live };
    },
  ],
  render,
};
