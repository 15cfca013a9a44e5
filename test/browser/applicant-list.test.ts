/**
 * <applicant-list> on real stores: a live on the in-page hub, the host's session feeding the list,
 * audience sessions applying. The virtualization group fills one live with 10,000 applications
 * sent by lightweight hub connections (no client session each), so the host's replica, store and
 * list handle the real thing.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ErrorCode, type Session, type UserInfo } from '../../src/core/index.js';
import {
  ApplicantAcceptEvent,
  ApplicantList,
  ApplicantRejectEvent,
  ApplicantsAcceptAllEvent,
  ApplicantsRejectAllEvent,
} from '../../src/elements/applicant-list/applicant-list.js';
import type { ActionErrorEvent } from '../../src/elements/shared/events.js';
import { acceptAllPlan } from '../../src/elements/applicant-list/accept-all.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import type { SeatInfo } from '../../src/protocol/types.js';
import { waitFor } from '../core/helpers.js';
import { HOSTILE_STRINGS, HOSTILE_URLS, inertIn } from './shared/hostile.js';
import { queryPart, queryPartAll } from './shared/layers.js';
import { startLive, type TestLive } from './shared/live.js';

/** A 1×1 GIF: a valid avatar that loads without network. */
const AVATAR = 'data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';

async function list(live: TestLive, session: Session = live.host, style = ''): Promise<ApplicantList> {
  return fixture<ApplicantList>(
    html`<applicant-list style=${style} .session=${session} live-id=${live.liveId}></applicant-list>`,
  );
}

function rows(el: ApplicantList): HTMLElement[] {
  return queryPartAll(el, 'row');
}

function part(root: Element, name: string): HTMLElement {
  const found =
    root.shadowRoot === null ? root.querySelector<HTMLElement>(`[part~="${name}"]`) : queryPart(root, name);
  if (found === null) throw new Error(`no part "${name}"`);
  return found;
}

function within(row: HTMLElement, name: string): HTMLElement {
  const found = row.querySelector<HTMLElement>(`[part~="${name}"]`);
  if (found === null) throw new Error(`no part "${name}" in the row`);
  return found;
}

/** The names of the rendered rows, in DOM order. */
function names(el: ApplicantList): string[] {
  return rows(el).map((row) => within(row, 'name').textContent ?? '');
}

function rowOf(el: ApplicantList, name: string): HTMLElement | undefined {
  return rows(el).find((row) => within(row, 'name').textContent === name);
}

/** Resolves once the list shows exactly `expected` (names, in order). */
async function shows(el: ApplicantList, expected: readonly string[]): Promise<void> {
  await waitUntil(
    () => names(el).join('|') === expected.join('|'),
    `the list shows ${expected.join(', ')}; it shows ${names(el).join(', ')}`,
  );
}

/** An accessible name without the Unicode isolation marks around user names. */
function plain(text: string | null): string {
  return (text ?? '').replace(/[\u2068\u2069]/g, '');
}

function seatedIds(live: TestLive): string[] {
  return live.host
    .liveSeatStore(live.liveId)
    .seatList.get()
    .flatMap((seat) => (seat.userInfo ? [seat.userInfo.userId] : []));
}

function applicantIds(live: TestLive): string[] {
  return live.host
    .coGuestStore(live.liveId)
    .coGuestState.applicants.get()
    .map((item) => item.userId);
}

/**
 * Sends `count` applications through lightweight hub connections: each logs in, joins and applies
 * with raw protocol messages, then drops its connection (the member and its application stay for
 * the grace period, which the live sets long). Resolves once the host has them all.
 *
 * Dropping keeps the setup linear: the hub loops over every connected subscriber for each event,
 * so 10,000 connected applicants take O(n²) work (about 5 s to join, 7 s to shut down here).
 */
async function crowd(live: TestLive, count: number, from = 0): Promise<void> {
  const liveId = live.liveId;
  const coGuest = live.host.coGuestStore(liveId);
  let received = 0;
  let done = (): void => undefined;
  const arrived = new Promise<void>((resolve) => (done = resolve));
  // Counted through the host listener: a subscription to `applicants` would rebuild the whole
  // array at each of the 10,000 arrivals.
  const listener = {
    onApplicationReceived: (): void => {
      if (++received === count) done();
    },
  };
  coGuest.addHostListener(listener);
  for (let i = from; i < from + count; i++) {
    const user: UserInfo = { userId: `u${i}`, userName: `Applicant ${i}`, avatarUrl: '' };
    const connection = live.hub.connect(user, { send: () => undefined, close: () => undefined });
    connection.receive(JSON.stringify({ type: 'cmd', id: 'join', name: 'live.join', args: { liveId } }));
    connection.receive(
      JSON.stringify({ type: 'cmd', id: 'apply', name: 'guest.apply', args: { liveId, timeout: 0 } }),
    );
    connection.disconnected();
  }
  await arrived;
  coGuest.removeHostListener(listener);
  expect(coGuest.coGuestState.applicants.get().length).to.equal(from + count);
}

describe('<applicant-list>', () => {
  let live: TestLive;
  let open: TestLive | undefined;

  afterEach(() => {
    open?.close();
    open = undefined;
    setLocale('en');
  });

  /** Starts a live that the test closes afterwards. */
  async function start(options: Parameters<typeof startLive>[0] = {}): Promise<TestLive> {
    open = await startLive(options);
    return open;
  }

  describe('accessibility', () => {
    it('passes axe with no application', async () => {
      live = await start();
      const el = await list(live);
      await expect(el).to.be.accessible();
    });

    it('passes axe with some applications', async () => {
      live = await start({ audience: ['alice', 'bob'], users: { bob: { avatarUrl: AVATAR } } });
      await live.apply('alice', { extraInfo: 'I play the cello', seatIndex: 2 });
      await live.apply('bob');
      const el = await list(live);
      await shows(el, ['Alice', 'Bob']);
      await expect(el).to.be.accessible();
    });

    it('passes axe for a viewer who is not a host (it renders nothing)', async () => {
      live = await start({ audience: ['alice'] });
      const el = await list(live, live.session('alice'));
      await expect(el).to.be.accessible();
    });

    it('is a named list of items with their position in the whole list', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      await live.apply('alice');
      await live.apply('bob');
      const el = await list(live);
      await shows(el, ['Alice', 'Bob']);
      const listPart = part(el, 'list');
      expect(listPart.getAttribute('role')).to.equal('list');
      expect(listPart.getAttribute('aria-label')).to.equal('Requests to join');
      expect(rows(el).map((row) => row.getAttribute('role'))).to.deep.equal(['listitem', 'listitem']);
      expect(rows(el).map((row) => row.getAttribute('aria-posinset'))).to.deep.equal(['1', '2']);
      expect(rows(el).map((row) => row.getAttribute('aria-setsize'))).to.deep.equal(['2', '2']);
    });

    it('labels each button with its action and the applicant', async () => {
      live = await start({ audience: ['alice'] });
      await live.apply('alice');
      const el = await list(live);
      await shows(el, ['Alice']);
      const row = rows(el)[0]!;
      expect(within(row, 'accept-button').localName).to.equal('button');
      expect(plain(within(row, 'accept-button').getAttribute('aria-label'))).to.equal('Accept Alice');
      expect(plain(within(row, 'reject-button').getAttribute('aria-label'))).to.equal('Reject Alice');
      expect(within(row, 'accept-button').getAttribute('aria-label')).to.include('\u2068Alice\u2069');
    });

    it('announces the count politely', async () => {
      live = await start({ audience: ['alice'] });
      const el = await list(live);
      expect(part(el, 'count').getAttribute('role')).to.equal('status');
      expect(part(el, 'count').textContent?.trim()).to.equal('0 requests');
      await live.apply('alice');
      await waitUntil(() => part(el, 'count').textContent?.trim() === '1 request');
    });

    it('keeps the whole extra info in the DOM and in a tooltip while it shows one line', async () => {
      const long = 'I would like to join the stage to talk about the history of computing machines. '.repeat(
        3,
      );
      live = await start({ audience: ['alice'] });
      await live.apply('alice', { extraInfo: long });
      const el = await list(live, live.host, 'width: 360px');
      await shows(el, ['Alice']);
      const extra = within(rows(el)[0]!, 'extra-info');
      expect(extra.textContent).to.equal(long);
      expect(extra.getAttribute('title')).to.equal(long);
      expect(getComputedStyle(extra).textOverflow).to.equal('ellipsis');
      expect(extra.scrollWidth > extra.clientWidth, 'the text is cut visually').to.equal(true);
    });

    it('describes what Accept all does', async () => {
      live = await start({ audience: ['alice'] });
      await live.apply('alice');
      const el = await list(live);
      await shows(el, ['Alice']);
      const button = part(el, 'accept-all-button');
      const hint = el.shadowRoot!.getElementById(button.getAttribute('aria-describedby') ?? '');
      expect(hint?.textContent).to.equal('Accepts the earliest requests, as many as there are free seats');
    });
  });

  describe('properties', () => {
    it('is registered as <applicant-list>', () => {
      expect(document.createElement('applicant-list')).to.be.instanceOf(ApplicantList);
    });

    it('shows each application with its name, seat, extra info and waiting time, in arrival order', async () => {
      live = await start({ audience: ['alice', 'bob', 'carol'] });
      await live.apply('bob', { seatIndex: 2, extraInfo: 'Cello' });
      await live.apply('alice');
      await live.apply('carol', { extraInfo: 'Hi' });
      const el = await list(live);
      await shows(el, ['Bob', 'Alice', 'Carol']);
      const [bob, alice] = rows(el) as [HTMLElement, HTMLElement];
      expect(within(bob, 'seat').textContent?.trim()).to.equal('Seat 3');
      expect(within(bob, 'extra-info').textContent).to.equal('Cello');
      expect(alice.querySelector('[part~="seat"]') === null, 'no seat for any seat').to.equal(true);
      expect(alice.querySelector('[part~="extra-info"]') === null, 'no empty extra info').to.equal(true);
      expect(within(alice, 'waiting').textContent?.trim()).to.match(/^waiting 0:0\d$/);
    });

    it('ticks the waiting time every second', async () => {
      live = await start({ audience: ['alice'] });
      await live.apply('alice');
      const el = await list(live);
      await shows(el, ['Alice']);
      const waiting = (): string => within(rows(el)[0]!, 'waiting').textContent ?? '';
      const first = waiting();
      await waitUntil(() => waiting() !== first, 'the waiting time changes', { timeout: 2500 });
      expect(waiting()).to.match(/^waiting 0:0[1-3]$/);
    });

    it('shows the avatar, or the initials when there is none or it fails to load', async () => {
      live = await start({
        audience: ['alice', 'bob', 'carol'],
        users: {
          alice: { avatarUrl: AVATAR },
          bob: { userName: 'Bob Stone' },
          carol: { avatarUrl: 'data:image/png;base64,AAAA' },
        },
      });
      for (const id of ['alice', 'bob', 'carol']) await live.apply(id);
      const el = await list(live);
      await shows(el, ['Alice', 'Bob Stone', 'Carol']);
      const [alice, bob] = rows(el) as [HTMLElement, HTMLElement];
      expect(within(alice, 'avatar').localName).to.equal('img');
      expect(within(alice, 'avatar').getAttribute('src')).to.equal(AVATAR);
      expect(within(bob, 'avatar').textContent?.trim()).to.equal('BS');
      await waitUntil(() => within(rowOf(el, 'Carol')!, 'avatar').localName === 'span', 'Carol falls back');
      expect(within(rowOf(el, 'Carol')!, 'avatar').textContent?.trim()).to.equal('C');
    });

    it('takes its session and live from its properties and follows a change of live', async () => {
      live = await start({ audience: ['alice'] });
      await live.apply('alice');
      const el = await list(live);
      await shows(el, ['Alice']);
      el.liveId = 'elsewhere';
      await el.updateComplete;
      expect(el.matches(':state(not-host)')).to.equal(true);
      el.liveId = live.liveId;
      await shows(el, ['Alice']);
    });

    it('reads the row height from --applicant-row-height (any length)', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      await live.apply('alice');
      await live.apply('bob');
      const el = await list(live, live.host, '--applicant-row-height: 5rem');
      await shows(el, ['Alice', 'Bob']);
      const [first, second] = rows(el) as [HTMLElement, HTMLElement];
      expect(first.getBoundingClientRect().height).to.equal(80);
      expect(second.getBoundingClientRect().top - first.getBoundingClientRect().top).to.equal(80);
      expect(part(el, 'list').getBoundingClientRect().height).to.equal(160);
    });
  });

  describe('states', () => {
    it('is empty with no application, and says so', async () => {
      live = await start({ audience: ['alice'] });
      const el = await list(live);
      expect(el.matches(':state(empty)')).to.equal(true);
      expect(part(el, 'empty').hidden).to.equal(false);
      expect(part(el, 'empty').textContent?.trim()).to.equal('No requests');
      expect(part(el, 'scroller').hidden).to.equal(true);
      await live.apply('alice');
      await shows(el, ['Alice']);
      expect(el.matches(':state(empty)')).to.equal(false);
      expect(part(el, 'empty').hidden).to.equal(true);
    });

    it('is not-host and renders nothing for an audience member', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      await live.apply('alice');
      const el = await list(live, live.session('bob'));
      expect(el.matches(':state(not-host)')).to.equal(true);
      expect(el.shadowRoot!.querySelectorAll('*').length).to.equal(0);
      expect(el.matches(':state(empty)')).to.equal(false);
    });

    it('is not-host without a live', async () => {
      live = await start();
      const el = await fixture<ApplicantList>(html`<applicant-list .session=${live.host}></applicant-list>`);
      expect(el.matches(':state(not-host)')).to.equal(true);
      expect(el.shadowRoot!.querySelectorAll('*').length).to.equal(0);
    });

    it('shows the list to an administrator', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      const el = await list(live, live.session('bob'));
      expect(el.matches(':state(not-host)')).to.equal(true);
      expect((await live.host.liveAudienceStore(live.liveId).setAdministrator('bob')).isSuccess).to.equal(
        true,
      );
      await live.apply('alice');
      await shows(el, ['Alice']);
      expect(el.matches(':state(not-host)')).to.equal(false);
    });

    it('is busy while an action it sent is in flight, and the row is marked busy', async () => {
      live = await start({ audience: ['alice'] });
      await live.apply('alice');
      const el = await list(live);
      await shows(el, ['Alice']);
      within(rows(el)[0]!, 'accept-button').click();
      await el.updateComplete;
      expect(el.matches(':state(busy)')).to.equal(true);
      expect(rows(el)[0]?.getAttribute('aria-busy')).to.equal('true');
      expect(rows(el)[0] && within(rows(el)[0]!, 'reject-button').getAttribute('aria-disabled')).to.equal(
        'true',
      );
      await shows(el, []);
      expect(el.matches(':state(busy)')).to.equal(false);
    });
  });

  describe('parts', () => {
    it('exposes every part', async () => {
      live = await start({ audience: ['alice'], users: { alice: { avatarUrl: AVATAR } } });
      await live.apply('alice', { seatIndex: 1, extraInfo: 'Hello' });
      const el = await list(live);
      await shows(el, ['Alice']);
      for (const name of [
        'header',
        'count',
        'list',
        'row',
        'avatar',
        'name',
        'extra-info',
        'seat',
        'waiting',
        'accept-button',
        'reject-button',
        'accept-all-button',
        'reject-all-button',
        'empty',
        'scroller',
      ]) {
        expect(queryPart(el, name) !== null, name).to.equal(true);
      }
    });
  });

  describe('events', () => {
    it('accepts an application: applicant-accept, then the applicant is seated', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      await live.apply('alice');
      await live.apply('bob');
      const el = await list(live);
      await shows(el, ['Alice', 'Bob']);
      const fired = oneEvent<ApplicantAcceptEvent>(el, ApplicantAcceptEvent.type);
      within(rowOf(el, 'Alice')!, 'accept-button').click();
      const event = await fired;
      expect(event.userId).to.equal('alice');
      expect(event.applicant.userName).to.equal('Alice');
      expect(event.cancelable && event.bubbles && event.composed).to.equal(true);
      await waitFor(live.host.liveSeatStore(live.liveId).seatList, (seats) =>
        seats.some((seat) => seat.userInfo?.userId === 'alice'),
      );
      await shows(el, ['Bob']);
      expect(rows(el)[0]?.getAttribute('aria-posinset')).to.equal('1');
      expect(rows(el)[0]?.getAttribute('aria-setsize')).to.equal('1');
    });

    it('rejects an application: applicant-reject, then the applicant is told', async () => {
      live = await start({ audience: ['alice'] });
      await live.apply('alice');
      const el = await list(live);
      await shows(el, ['Alice']);
      const fired = oneEvent<ApplicantRejectEvent>(el, ApplicantRejectEvent.type);
      within(rows(el)[0]!, 'reject-button').click();
      expect((await fired).userId).to.equal('alice');
      await waitFor(
        live.session('alice').coGuestStore(live.liveId).coGuestState.selfStatus,
        (s) => s === 'idle',
      );
      await shows(el, []);
      expect(seatedIds(live)).to.not.include('alice');
    });

    it('does nothing when the page cancels applicant-accept or applicant-reject', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      await live.apply('alice');
      await live.apply('bob');
      const el = await list(live);
      await shows(el, ['Alice', 'Bob']);
      const veto = (event: Event): void => {
        if ((event as ApplicantAcceptEvent).userId === 'alice') event.preventDefault();
      };
      el.addEventListener(ApplicantAcceptEvent.type, veto);
      el.addEventListener(ApplicantRejectEvent.type, veto);
      within(rowOf(el, 'Alice')!, 'accept-button').click();
      within(rowOf(el, 'Alice')!, 'reject-button').click();
      expect(rowOf(el, 'Alice')?.getAttribute('aria-busy')).to.equal('false');
      // A later action on the same connection completes after any earlier one would have.
      within(rowOf(el, 'Bob')!, 'accept-button').click();
      await shows(el, ['Alice']);
      expect(applicantIds(live)).to.deep.equal(['alice']);
      expect(seatedIds(live)).to.include('bob');
    });

    it('sends an action once when the button is clicked twice', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      await live.apply('alice');
      await live.apply('bob');
      const el = await list(live);
      await shows(el, ['Alice', 'Bob']);
      let accepts = 0;
      const errors: ActionErrorEvent[] = [];
      el.addEventListener(ApplicantAcceptEvent.type, () => accepts++);
      el.addEventListener('action-error', (event) => errors.push(event));
      const button = within(rowOf(el, 'Alice')!, 'accept-button');
      button.click();
      button.click();
      await el.updateComplete;
      button.click();
      within(rowOf(el, 'Bob')!, 'reject-button').click();
      await shows(el, []);
      expect(accepts).to.equal(1);
      expect(errors.length).to.equal(0);
      expect(seatedIds(live)).to.include('alice');
    });

    it('fires action-error when another host handled the application first, and the row leaves', async () => {
      live = await start({ audience: ['alice', 'bob', 'admin'] });
      expect((await live.host.liveAudienceStore(live.liveId).setAdministrator('admin')).isSuccess).to.equal(
        true,
      );
      await live.apply('alice');
      await live.apply('bob');
      const el = await list(live);
      await shows(el, ['Alice', 'Bob']);
      const errored = oneEvent<ActionErrorEvent>(el, 'action-error');
      // The other administrator's accept reaches the hub first.
      const other = live.session('admin').coGuestStore(live.liveId).acceptApplication('alice');
      within(rowOf(el, 'Alice')!, 'accept-button').click();
      const error = await errored;
      expect((await other).isSuccess).to.equal(true);
      expect(error.action).to.equal('acceptApplication');
      expect(error.errorCode).to.be.oneOf([ErrorCode.REQUEST_ALREADY_HANDLED, ErrorCode.REQUEST_NOT_FOUND]);
      await shows(el, ['Bob']);
      expect(rows(el)[0]?.getAttribute('aria-busy')).to.equal('false');
      expect(el.matches(':state(busy)')).to.equal(false);
      expect(seatedIds(live)).to.include('alice');
    });

    it('removes a row another administrator accepted, keeping the rest in order', async () => {
      live = await start({ audience: ['alice', 'bob', 'carol', 'admin'] });
      expect((await live.host.liveAudienceStore(live.liveId).setAdministrator('admin')).isSuccess).to.equal(
        true,
      );
      for (const id of ['alice', 'bob', 'carol']) await live.apply(id);
      const el = await list(live);
      await shows(el, ['Alice', 'Bob', 'Carol']);
      expect(
        (await live.session('admin').coGuestStore(live.liveId).acceptApplication('bob')).isSuccess,
      ).to.equal(true);
      await shows(el, ['Alice', 'Carol']);
      expect(rows(el).map((row) => row.getAttribute('aria-posinset'))).to.deep.equal(['1', '2']);
      expect(part(el, 'count').textContent?.trim()).to.equal('2 requests');
    });

    it('accepts all: as many as there are free seats, in arrival order, skipping a taken requested seat', async () => {
      // Seats 0..3: the host sits on 0, seat 3 gets locked, so seats 1 and 2 are free.
      live = await start({ audience: ['ann', 'ben', 'cat', 'dan', 'eve'], maxSeatCount: 4 });
      await live.apply('ann');
      await live.apply('ben', { seatIndex: 1 });
      await live.apply('cat');
      await live.apply('dan');
      await live.apply('eve', { seatIndex: 2 });
      expect((await live.host.liveSeatStore(live.liveId).lockSeat(3)).isSuccess).to.equal(true);
      const el = await list(live);
      await shows(el, ['Ann', 'Ben', 'Cat', 'Dan', 'Eve']);
      await waitUntil(() => part(el, 'accept-all-button').textContent?.trim() === 'Accept 2');
      const fired = oneEvent<ApplicantsAcceptAllEvent>(el, ApplicantsAcceptAllEvent.type);
      part(el, 'accept-all-button').click();
      const event = await fired;
      // Ann takes seat 1 (the lowest free), so Ben's seat 1 is taken: Cat gets seat 2.
      expect(event.userIds).to.deep.equal(['ann', 'cat']);
      expect(event.cancelable).to.equal(true);
      await shows(el, ['Ben', 'Dan', 'Eve']);
      expect(seatedIds(live)).to.deep.equal(['host', 'ann', 'cat']);
      expect(applicantIds(live)).to.deep.equal(['ben', 'dan', 'eve']);
      expect((part(el, 'accept-all-button') as HTMLButtonElement).disabled).to.equal(true);
      expect(part(el, 'accept-all-button').textContent?.trim()).to.equal('Accept all');
    });

    it('disables Accept all while no seat is free', async () => {
      // Bob applies while seat 1 is free; then Alice takes it.
      live = await start({ audience: ['alice', 'bob'], maxSeatCount: 2 });
      await live.apply('bob');
      await live.seat('alice');
      const el = await list(live);
      await shows(el, ['Bob']);
      expect((part(el, 'accept-all-button') as HTMLButtonElement).disabled).to.equal(true);
      const hint = el.shadowRoot!.getElementById('accept-all-hint');
      expect(hint?.textContent).to.equal('No free seat');
    });

    it('rejects all: applicants-reject-all with every applicant, then none is left', async () => {
      live = await start({ audience: ['alice', 'bob', 'carol'] });
      for (const id of ['alice', 'bob', 'carol']) await live.apply(id);
      const el = await list(live);
      await shows(el, ['Alice', 'Bob', 'Carol']);
      const fired = oneEvent<ApplicantsRejectAllEvent>(el, ApplicantsRejectAllEvent.type);
      part(el, 'reject-all-button').click();
      expect((await fired).userIds).to.deep.equal(['alice', 'bob', 'carol']);
      await shows(el, []);
      expect(applicantIds(live)).to.deep.equal([]);
      expect(seatedIds(live)).to.deep.equal(['host']);
    });

    it('does nothing when the page cancels accept all or reject all', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      await live.apply('alice');
      await live.apply('bob');
      const el = await list(live);
      await shows(el, ['Alice', 'Bob']);
      el.addEventListener(ApplicantsAcceptAllEvent.type, (event) => event.preventDefault());
      el.addEventListener(ApplicantsRejectAllEvent.type, (event) => event.preventDefault());
      part(el, 'accept-all-button').click();
      part(el, 'reject-all-button').click();
      expect(el.matches(':state(busy)')).to.equal(false);
      // Round trip after the vetoed clicks: anything they sent would have landed first.
      expect((await live.host.liveSeatStore(live.liveId).lockSeat(8)).isSuccess).to.equal(true);
      expect(applicantIds(live)).to.deep.equal(['alice', 'bob']);
      expect(names(el)).to.deep.equal(['Alice', 'Bob']);
    });
  });

  describe('keyboard', () => {
    it('reaches the row buttons with Tab and moves between rows with the arrow keys', async () => {
      live = await start({ audience: ['alice', 'bob', 'carol'] });
      for (const id of ['alice', 'bob', 'carol']) await live.apply(id);
      const el = await list(live);
      await shows(el, ['Alice', 'Bob', 'Carol']);
      part(el, 'reject-all-button').focus();
      await sendKeys({ press: 'Tab' });
      const active = (): string => plain(el.shadowRoot!.activeElement?.getAttribute('aria-label') ?? null);
      expect(active()).to.equal('Accept Alice');
      await sendKeys({ press: 'ArrowDown' });
      await waitUntil(() => active() === 'Accept Bob');
      await sendKeys({ press: 'Tab' });
      expect(active()).to.equal('Reject Bob');
      await sendKeys({ press: 'ArrowDown' });
      await waitUntil(() => active() === 'Reject Carol');
      await sendKeys({ press: 'ArrowDown' });
      expect(active()).to.equal('Reject Carol');
      await sendKeys({ press: 'Home' });
      await waitUntil(() => active() === 'Reject Alice');
    });

    it('moves the focus to the next row when the focused row leaves', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      await live.apply('alice');
      await live.apply('bob');
      const el = await list(live);
      await shows(el, ['Alice', 'Bob']);
      within(rowOf(el, 'Alice')!, 'accept-button').focus();
      await sendKeys({ press: 'Enter' });
      await shows(el, ['Bob']);
      await waitUntil(
        () => plain(el.shadowRoot!.activeElement?.getAttribute('aria-label') ?? null) === 'Accept Bob',
        'the focus moves to Bob',
      );
    });
  });

  describe('localization', () => {
    it('re-renders its texts when the locale changes', async () => {
      live = await start({ audience: ['alice'] });
      await live.apply('alice', { seatIndex: 2 });
      const el = await list(live);
      await shows(el, ['Alice']);
      await loadLocale('zh-CN');
      setLocale('zh-CN');
      await el.updateComplete;
      expect(part(el, 'count').textContent?.trim()).to.equal('1 条申请');
      expect(within(rows(el)[0]!, 'seat').textContent?.trim()).to.equal('3 号麦位');
      expect(plain(within(rows(el)[0]!, 'accept-button').getAttribute('aria-label'))).to.equal('同意 Alice');
      expect(part(el, 'list').getAttribute('aria-label')).to.equal('连麦申请');
      expect(part(el, 'header').closest('[lang]')?.getAttribute('lang')).to.equal('zh-CN');
      await loadLocale('ko');
      setLocale('ko');
      await el.updateComplete;
      expect(within(rows(el)[0]!, 'accept-button').textContent?.trim()).to.equal('수락');
      expect(part(el, 'accept-all-button').textContent?.trim()).to.equal('1명 수락');
    });
  });

  describe('hostile data', () => {
    it('renders hostile names and extra info as inert text', async () => {
      const ids = HOSTILE_STRINGS.map((_, i) => `h${i}`);
      const users = Object.fromEntries(ids.map((id, i) => [id, { userName: HOSTILE_STRINGS[i] }]));
      live = await start({ audience: ids, users });
      for (const [i, id] of ids.entries()) await live.apply(id, { extraInfo: HOSTILE_STRINGS[i] });
      const el = await list(live);
      await waitUntil(() => rows(el).length === ids.length);
      for (const [i, row] of rows(el).entries()) {
        expect(within(row, 'name').textContent).to.equal(HOSTILE_STRINGS[i]);
        expect(within(row, 'extra-info').textContent).to.equal(HOSTILE_STRINGS[i]);
      }
      const verdict = inertIn(el);
      expect(verdict.ok, verdict.problem).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('never loads a hostile avatar URL', async () => {
      const urls = HOSTILE_URLS;
      const ids = urls.map((_, i) => `h${i}`);
      const users = Object.fromEntries(ids.map((id, i) => [id, { avatarUrl: urls[i] }]));
      live = await start({ audience: ids, users });
      for (const id of ids) await live.apply(id);
      const el = await list(live);
      await waitUntil(() => rows(el).length === ids.length);
      expect(el.shadowRoot!.querySelectorAll('img').length).to.equal(0);
      const verdict = inertIn(el);
      expect(verdict.ok, verdict.problem).to.equal(true);
    });
  });

  describe('accept-all plan', () => {
    /** Seats from a picture: `.` free, `x` occupied, `L` locked. */
    function seats(picture: string): SeatInfo[] {
      return [...picture].map((mark, index) => ({
        index,
        isLocked: mark === 'L',
        isAudioLocked: false,
        isVideoLocked: false,
        userInfo:
          mark === 'x'
            ? {
                userId: `s${index}`,
                userName: '',
                avatarUrl: '',
                liveId: 'room',
                role: 'audience',
                microphoneStatus: 'off',
                cameraStatus: 'off',
                allowOpenMicrophone: true,
                allowOpenCamera: true,
                connection: 'online',
                onSeatTimestamp: 0,
              }
            : null,
      }));
    }
    const cases: readonly (readonly [string, string, readonly [string, number][], readonly string[]])[] = [
      ['no applicant', '...', [], []],
      ['no free seat', 'xLx', [['a', -1]], []],
      [
        'fewer seats than applicants, in arrival order',
        'x..',
        [
          ['a', -1],
          ['b', -1],
          ['c', -1],
        ],
        ['a', 'b'],
      ],
      [
        'a locked seat does not count',
        '.L.',
        [
          ['a', -1],
          ['b', -1],
          ['c', -1],
        ],
        ['a', 'b'],
      ],
      [
        'a requested free seat',
        'x..',
        [
          ['a', 2],
          ['b', -1],
        ],
        ['a', 'b'],
      ],
      [
        'a requested occupied seat is skipped',
        'x..',
        [
          ['a', 0],
          ['b', -1],
        ],
        ['b'],
      ],
      [
        'a requested locked seat is skipped',
        'xL.',
        [
          ['a', 1],
          ['b', -1],
        ],
        ['b'],
      ],
      [
        'a seat taken by an earlier "any seat" applicant',
        'x..',
        [
          ['a', -1],
          ['b', 1],
          ['c', -1],
        ],
        ['a', 'c'],
      ],
      [
        'a requested seat that does not exist',
        '..',
        [
          ['a', 5],
          ['b', -1],
        ],
        ['b'],
      ],
      [
        'two requests for one seat',
        '...',
        [
          ['a', 1],
          ['b', 1],
          ['c', 1],
        ],
        ['a'],
      ],
    ];
    for (const [name, picture, applicants, expected] of cases) {
      it(name, () => {
        const input = applicants.map(([userId, seatIndex]) => ({ userId, seatIndex }));
        expect(acceptAllPlan(input, seats(picture))).to.deep.equal(expected);
      });
    }
  });

  describe('virtualization', () => {
    const COUNT = 10_000;
    let big: TestLive;
    let el: ApplicantList;

    before(async function () {
      this.timeout(60_000);
      big = await startLive({
        hub: { roomLimits: { maxMembers: 20_000, maxPendingApplications: 20_000, graceMs: 600_000 } },
      });
      await crowd(big, COUNT);
    });

    after(() => {
      big.close();
    });

    beforeEach(async () => {
      el = await list(big);
      await waitUntil(() => rows(el).length > 5, 'rows render');
    });

    it('keeps at most 100 rows in the DOM, with positions in the whole list', async () => {
      expect(rows(el).length).to.be.at.most(100);
      expect(rows(el)[0]?.getAttribute('aria-setsize')).to.equal(String(COUNT));
      expect(rows(el)[0]?.getAttribute('aria-posinset')).to.equal('1');
      expect(part(el, 'count').textContent?.trim()).to.equal('10,000 requests');
      await expect(el).to.be.accessible();
    });

    it('renders the last rows when scrolled to the end', async () => {
      const scroller = part(el, 'scroller');
      scroller.scrollTop = scroller.scrollHeight;
      await waitUntil(() => rows(el).some((row) => row.getAttribute('aria-posinset') === String(COUNT)));
      expect(rows(el).length).to.be.at.most(100);
      const last = rows(el).at(-1)!;
      expect(within(last, 'name').textContent).to.equal(`Applicant ${COUNT - 1}`);
      expect(rows(el)[0]!.getAttribute('aria-posinset') !== '1', 'the first rows left the DOM').to.equal(
        true,
      );
    });

    it('lets a keyboard user reach the last row', async () => {
      within(rows(el)[0]!, 'accept-button').focus();
      await sendKeys({ press: 'End' });
      const active = (): Element | null => el.shadowRoot!.activeElement;
      await waitUntil(
        () => plain(active()?.getAttribute('aria-label') ?? null) === `Accept Applicant ${COUNT - 1}`,
      );
      expect(active()?.closest('[part~="row"]')?.getAttribute('aria-posinset')).to.equal(String(COUNT));
      await sendKeys({ press: 'ArrowUp' });
      await waitUntil(
        () => plain(active()?.getAttribute('aria-label') ?? null) === `Accept Applicant ${COUNT - 2}`,
      );
      await sendKeys({ press: 'PageUp' });
      const position = (): number =>
        Number(active()?.closest('[part~="row"]')?.getAttribute('aria-posinset'));
      await waitUntil(() => position() < COUNT - 1, 'PageUp moves up a page');
      expect(rows(el).length).to.be.at.most(100);
      const shown = part(el, 'scroller').getBoundingClientRect();
      const focused = active()!.getBoundingClientRect();
      expect(
        focused.top >= shown.top && focused.bottom <= shown.bottom,
        'the focused row is in view',
      ).to.equal(true);
    });

    it('keeps the rendered rows when one more application arrives', async () => {
      const before = rows(el);
      for (const row of before) (row as HTMLElement & { __kept?: boolean }).__kept = true;
      await crowd(big, 1, COUNT);
      await waitUntil(() => rows(el)[0]?.getAttribute('aria-setsize') === String(COUNT + 1));
      const after = rows(el);
      expect(before.every((row) => row.isConnected)).to.equal(true);
      expect(
        after.slice(0, before.length).every((row) => (row as { __kept?: boolean }).__kept === true),
      ).to.equal(true);
    });
  });
});
