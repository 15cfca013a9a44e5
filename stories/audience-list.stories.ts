/**
 * Stories for <audience-list> (Storybook CSF 3). See stories/README.md.
 *
 * Hana hosts a live on the in-page hub; the list is hers: the members of the live, to invite to a
 * seat. Grace sits on a seat, Linus is invited, Mei applies, Alan is an administrator.
 */
import { html } from 'lit';
import type { UserInfo } from '../src/core/index.js';
import '../src/elements/audience-list/audience-list.js';
import type { AudienceList } from '../src/elements/audience-list/audience-list.js';
import { demoLive, liveOf, type DemoLive } from './support/live.js';
import { assert, deepQuery, waitFor } from './support/play.js';

interface StoryContext {
  readonly loaded: Record<string, unknown>;
}

interface PlayContext extends StoryContext {
  readonly canvasElement: HTMLElement;
}

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

/** A live with a member in every state. */
async function everyState(): Promise<DemoLive> {
  const live = await demoLive({
    audience: ['grace', 'linus', 'mei', 'alan', 'ada', 'jiho', 'katherine', 'tim', 'edsger'],
    seated: ['grace'],
    invited: ['linus'],
    applying: ['mei'],
    timeout: 0,
  });
  const promoted = await live.host.liveAudienceStore(live.liveId).setAdministrator('alan');
  if (!promoted.isSuccess) throw new Error(`Alan becomes an administrator: ${promoted.errorMessage}`);
  return live;
}

/** `count` more members, each through a lightweight connection to the hub (no client session). */
async function crowd(live: DemoLive, count: number): Promise<void> {
  const liveId = live.liveId;
  for (let i = 0; i < count; i++) {
    const user: UserInfo = {
      userId: `fan-${i}`,
      userName: `${GIVEN[i % GIVEN.length]} ${FAMILY[i % FAMILY.length]} ${i + 1}`,
      avatarUrl: '',
    };
    const connection = live.hub.connect(user, { send: () => undefined, close: () => undefined });
    connection.receive(JSON.stringify({ type: 'cmd', id: 'join', name: 'live.join', args: { liveId } }));
  }
  const members = live.host.liveAudienceStore(liveId).audienceCount;
  await waitFor(() => members.get() > count, 'the host sees every member', 15_000);
}

function list(live: DemoLive, options: { session?: DemoLive['host']; seatIndex?: number } = {}) {
  return html`<audience-list
    style="max-width: 560px"
    .session=${options.session ?? live.host}
    live-id=${live.liveId}
    seat-index=${options.seatIndex ?? -1}
  ></audience-list>`;
}

function render(_args: unknown, { loaded }: StoryContext) {
  return list(liveOf(loaded));
}

async function findList(canvasElement: HTMLElement): Promise<AudienceList> {
  const el = await waitFor(
    () => deepQuery<AudienceList>(canvasElement, 'audience-list'),
    'the list is on the page',
  );
  await el.updateComplete;
  return el;
}

function namesOf(el: AudienceList): string[] {
  return [...(el.shadowRoot?.querySelectorAll('[part~="name"]') ?? [])].map((name) => name.textContent ?? '');
}

/** Types `query` in the filter, as a user would. */
function type(el: AudienceList, query: string): void {
  const input = el.shadowRoot?.querySelector<HTMLInputElement>('[part~="filter"]');
  assert(input, 'the filter is shown');
  input.value = query;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

export default {
  title: 'Elements/audience-list',
  component: 'audience-list',
};

/** Every state: on a seat, invited (Cancel invitation), applying, administrator, and Invite. */
export const Members = {
  loaders: [async () => ({ live: await everyState() })],
  render,
};

/** The filter ignores case and accents: "ZOE" finds "Zoë"; "美" finds "美玲". */
export const WithFilter = {
  loaders: [
    async () => {
      const live = await everyState();
      await crowd(live, 40);
      return { live };
    },
  ],
  render,
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findList(canvasElement);
    type(el, 'ZOE');
    await waitFor(
      () => namesOf(el).length > 0 && namesOf(el).every((name) => name.startsWith('Zoë')),
      'only Zoës',
    );
  },
};

/** Opened from the empty seat 5 (`seat-index="4"`): invitations ask for that seat. */
export const FromAnEmptySeat = {
  loaders: [async () => ({ live: await everyState() })],
  render: (_args: unknown, { loaded }: StoryContext) => list(liveOf(loaded), { seatIndex: 4 }),
};

/** Two thousand viewers: only the rows in view are in the DOM. */
export const ThousandsOfViewers = {
  loaders: [
    async () => {
      const live = await demoLive();
      await crowd(live, 2_000);
      return { live };
    },
  ],
  render,
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findList(canvasElement);
    await waitFor(() => namesOf(el).length > 0, 'rows render');
    assert(namesOf(el).length <= 100, 'at most 100 rows in the DOM');
  },
};

/** An audience member's view: the list renders nothing (`:state(not-host)`). */
export const AudienceView = {
  loaders: [async () => ({ live: await demoLive({ audience: ['ada', 'grace'] }) })],
  render: (_args: unknown, { loaded }: StoryContext) => {
    const live = liveOf(loaded);
    return html`<p>Ada's audience-list is empty: only hosts see the members.</p>
      ${list(live, { session: live.session('ada') })}`;
  },
  play: async ({ canvasElement }: PlayContext) => {
    const el = await findList(canvasElement);
    assert(el.matches(':state(not-host)'), 'not a host');
  },
};
