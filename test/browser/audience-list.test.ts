/**
 * <audience-list> on real stores: a live on the in-page hub, the host's session feeding the list,
 * audience sessions receiving the invitations. The virtualization group fills one live with
 * 10,000 members joined through lightweight hub connections.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ErrorCode, type Session, type UserInfo } from '../../src/core/index.js';
import {
  AudienceList,
  InvitationCancelEvent,
  MemberInviteEvent,
} from '../../src/elements/audience-list/audience-list.js';
import { foldForSearch } from '../../src/elements/audience-list/search.js';
import type { ActionErrorEvent } from '../../src/elements/shared/events.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import { waitFor } from '../core/helpers.js';
import { HOSTILE_STRINGS, HOSTILE_URLS, inertIn } from './shared/hostile.js';
import { queryPart, queryPartAll } from './shared/layers.js';
import { startLive, type TestLive } from './shared/live.js';

const AVATAR = 'data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';

async function audience(
  live: TestLive,
  options: { session?: Session; seatIndex?: number; timeout?: number; style?: string } = {},
): Promise<AudienceList> {
  return fixture<AudienceList>(
    html`<audience-list
      style=${options.style ?? ''}
      .session=${options.session ?? live.host}
      live-id=${live.liveId}
      seat-index=${options.seatIndex ?? -1}
      timeout=${options.timeout ?? 30}
    ></audience-list>`,
  );
}

function rows(el: AudienceList): HTMLElement[] {
  return queryPartAll(el, 'row');
}

function part(el: AudienceList, name: string): HTMLElement {
  const found = queryPart(el, name);
  if (found === null) throw new Error(`no part "${name}"`);
  return found;
}

function within(row: HTMLElement, name: string): HTMLElement | null {
  return row.querySelector<HTMLElement>(`[part~="${name}"]`);
}

function names(el: AudienceList): string[] {
  return rows(el).map((row) => within(row, 'name')?.textContent ?? '');
}

function rowOf(el: AudienceList, name: string): HTMLElement {
  const row = rows(el).find((item) => within(item, 'name')?.textContent === name);
  if (row === undefined) throw new Error(`no row for ${name}; rows: ${names(el).join(', ')}`);
  return row;
}

async function shows(el: AudienceList, expected: readonly string[]): Promise<void> {
  await waitUntil(
    () => names(el).join('|') === expected.join('|'),
    `the list shows ${expected.join(', ')}; it shows ${names(el).join(', ')}`,
  );
}

function text(element: Element | null): string {
  return element?.textContent?.trim() ?? '';
}

function plain(value: string | null | undefined): string {
  return (value ?? '').replace(/[\u2068\u2069]/g, '');
}

async function filterBy(el: AudienceList, query: string): Promise<void> {
  const input = part(el, 'filter') as HTMLInputElement;
  input.value = query;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
  await el.updateComplete;
}

/**
 * Joins `count` members through lightweight hub connections (raw protocol messages), each
 * dropping its connection afterwards (members stay for the grace period, which the live sets
 * long): connected, every event would loop over every one of them in the hub.
 */
async function crowd(live: TestLive, count: number): Promise<void> {
  const liveId = live.liveId;
  for (let i = 0; i < count; i++) {
    const user: UserInfo = { userId: `v${i}`, userName: `Viewer ${i}`, avatarUrl: '' };
    const connection = live.hub.connect(user, { send: () => undefined, close: () => undefined });
    connection.receive(JSON.stringify({ type: 'cmd', id: 'join', name: 'live.join', args: { liveId } }));
    connection.disconnected();
  }
  await waitFor(
    live.host.liveAudienceStore(liveId).audienceCount,
    (members) => members === count + 1,
    `${count} members`,
    60_000,
  );
}

describe('<audience-list>', () => {
  let live: TestLive;
  let open: TestLive | undefined;

  afterEach(() => {
    open?.close();
    open = undefined;
    setLocale('en');
  });

  async function start(options: Parameters<typeof startLive>[0] = {}): Promise<TestLive> {
    open = await startLive(options);
    return open;
  }

  /** A live with a member in every state: seated, invited, applying, administrator, idle. */
  async function everyState(): Promise<TestLive> {
    live = await start({
      audience: ['sam', 'ivy', 'ann', 'max', 'zoe'],
      users: { zoe: { avatarUrl: AVATAR } },
    });
    await live.seat('sam');
    expect((await live.host.coGuestStore(live.liveId).inviteToSeat({ inviteeId: 'ivy' })).isSuccess).to.equal(
      true,
    );
    await live.apply('ann');
    expect((await live.host.liveAudienceStore(live.liveId).setAdministrator('max')).isSuccess).to.equal(true);
    return live;
  }

  describe('accessibility', () => {
    it('passes axe with only the host', async () => {
      live = await start();
      const el = await audience(live);
      await shows(el, ['Host']);
      await expect(el).to.be.accessible();
    });

    it('passes axe with members in every state', async () => {
      const el = await audience(await everyState());
      await shows(el, ['Host', 'Sam', 'Ivy', 'Ann', 'Max', 'Zoe']);
      await expect(el).to.be.accessible();
    });

    it('passes axe when the filter matches no one', async () => {
      live = await start({ audience: ['alice'] });
      const el = await audience(live);
      await filterBy(el, 'nobody');
      expect(el.matches(':state(empty)')).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('passes axe for a viewer who is not a host (it renders nothing)', async () => {
      live = await start({ audience: ['alice'] });
      const el = await audience(live, { session: live.session('alice') });
      await expect(el).to.be.accessible();
    });

    it('labels the filter "Filter audience"', async () => {
      live = await start();
      const el = await audience(live);
      const input = part(el, 'filter') as HTMLInputElement;
      expect(input.labels?.length).to.equal(1);
      expect(text(input.labels?.[0] ?? null)).to.equal('Filter audience');
    });

    it('labels each button with its action and the member', async () => {
      const el = await audience(await everyState());
      await shows(el, ['Host', 'Sam', 'Ivy', 'Ann', 'Max', 'Zoe']);
      expect(plain(within(rowOf(el, 'Zoe'), 'invite-button')?.getAttribute('aria-label'))).to.equal(
        'Invite Zoe',
      );
      expect(plain(within(rowOf(el, 'Ivy'), 'cancel-button')?.getAttribute('aria-label'))).to.equal(
        'Cancel invitation for Ivy',
      );
    });

    it('is a named list whose items know their position', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      const el = await audience(live);
      await shows(el, ['Host', 'Alice', 'Bob']);
      expect(part(el, 'list').getAttribute('role')).to.equal('list');
      expect(part(el, 'list').getAttribute('aria-label')).to.equal('Audience');
      expect(rows(el).map((row) => row.getAttribute('aria-posinset'))).to.deep.equal(['1', '2', '3']);
      expect(rows(el).map((row) => row.getAttribute('aria-setsize'))).to.deep.equal(['3', '3', '3']);
    });
  });

  describe('properties', () => {
    it('is registered as <audience-list>', () => {
      expect(document.createElement('audience-list')).to.be.instanceOf(AudienceList);
    });

    it('defaults to any seat and a 30 s invitation', () => {
      const el = document.createElement('audience-list');
      expect(el.seatIndex).to.equal(-1);
      expect(el.timeout).to.equal(30);
    });

    it('shows each member with role, status and the right buttons', async () => {
      const el = await audience(await everyState());
      await shows(el, ['Host', 'Sam', 'Ivy', 'Ann', 'Max', 'Zoe']);
      const host = rowOf(el, 'Host');
      expect(text(within(host, 'role-badge'))).to.equal('Host');
      expect(text(within(host, 'you-badge'))).to.equal('You');
      expect(text(within(host, 'status'))).to.equal('On seat');
      expect(within(host, 'invite-button')).to.equal(null);
      const sam = rowOf(el, 'Sam');
      expect(text(within(sam, 'status'))).to.equal('On seat');
      expect(within(sam, 'invite-button')).to.equal(null);
      const ivy = rowOf(el, 'Ivy');
      expect(text(within(ivy, 'status'))).to.equal('Invited');
      expect(within(ivy, 'invite-button')).to.equal(null);
      expect(text(within(ivy, 'cancel-button'))).to.equal('Cancel invitation');
      const ann = rowOf(el, 'Ann');
      expect(text(within(ann, 'status'))).to.equal('Applying');
      expect(within(ann, 'invite-button')).to.equal(null);
      const max = rowOf(el, 'Max');
      expect(text(within(max, 'role-badge'))).to.equal('Admin');
      expect(text(within(max, 'invite-button'))).to.equal('Invite');
      const zoe = rowOf(el, 'Zoe');
      expect(within(zoe, 'status')).to.equal(null);
      expect(within(zoe, 'role-badge')).to.equal(null);
      expect(within(zoe, 'avatar')?.getAttribute('src')).to.equal(AVATAR);
      expect(text(within(rowOf(el, 'Ann'), 'avatar'))).to.equal('A');
    });

    it('counts the viewers: the audience, not the host nor the administrators', async () => {
      live = await start();
      const el = await audience(live);
      await shows(el, ['Host']);
      expect(text(part(el, 'count'))).to.equal('0 viewers');
      await live.join('carol');
      await waitUntil(() => text(part(el, 'count')) === '1 viewer', 'one viewer');
      await live.join('dave');
      await waitUntil(() => text(part(el, 'count')) === '2 viewers', 'two viewers');
      expect((await live.host.liveAudienceStore(live.liveId).setAdministrator('dave')).isSuccess).to.equal(
        true,
      );
      await waitUntil(() => text(part(el, 'count')) === '1 viewer', 'an administrator is no viewer');
    });

    it('invites to the seat of seat-index, for timeout seconds', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      const el = await audience(live, { seatIndex: 2, timeout: 45 });
      await shows(el, ['Host', 'Alice', 'Bob']);
      within(rowOf(el, 'Alice'), 'invite-button')!.click();
      const invitation = await waitFor(
        live.session('alice').coGuestStore(live.liveId).coGuestState.selfInvitation,
        (value) => value !== null,
      );
      expect(invitation?.seatIndex).to.equal(2);
      expect(
        invitation !== null && invitation.deadline !== null && invitation.deadline - invitation.createdAt,
      ).to.equal(45_000);
      el.timeout = 0;
      el.seatIndex = -1;
      await el.updateComplete;
      within(rowOf(el, 'Bob'), 'invite-button')!.click();
      const second = await waitFor(
        live.session('bob').coGuestStore(live.liveId).coGuestState.selfInvitation,
        (value) => value !== null,
      );
      expect(second?.seatIndex).to.equal(-1);
      expect(second?.deadline).to.equal(null);
    });

    it('reads the row height from --audience-row-height', async () => {
      live = await start({ audience: ['alice'] });
      const el = await audience(live, { style: '--audience-row-height: 72px' });
      await shows(el, ['Host', 'Alice']);
      const [first, second] = rows(el) as [HTMLElement, HTMLElement];
      expect(second.getBoundingClientRect().top - first.getBoundingClientRect().top).to.equal(72);
    });
  });

  describe('filter', () => {
    it('filters by name, ignoring case and accents', async () => {
      live = await start({
        audience: ['ada', 'jose', 'bob'],
        users: { ada: { userName: 'Ádá Lovelace' }, jose: { userName: 'JOSÉ Núñez' } },
      });
      const el = await audience(live);
      await shows(el, ['Host', 'Ádá Lovelace', 'JOSÉ Núñez', 'Bob']);
      await filterBy(el, 'ada');
      await shows(el, ['Ádá Lovelace']);
      expect(el.matches(':state(filtered)')).to.equal(true);
      expect(text(part(el, 'matches'))).to.equal('1 shown');
      await filterBy(el, 'nunez');
      await shows(el, ['JOSÉ Núñez']);
      await filterBy(el, '  LOVE ');
      await shows(el, ['Ádá Lovelace']);
      await filterBy(el, '');
      await shows(el, ['Host', 'Ádá Lovelace', 'JOSÉ Núñez', 'Bob']);
      expect(el.matches(':state(filtered)')).to.equal(false);
      expect(text(part(el, 'matches'))).to.equal('');
    });

    it('filters Chinese, Korean and full-width names', async () => {
      live = await start({
        audience: ['mei', 'jiho', 'wide'],
        users: { mei: { userName: '王美' }, jiho: { userName: '김지호' }, wide: { userName: 'Ｗｉｄｅ' } },
      });
      const el = await audience(live);
      await shows(el, ['Host', '王美', '김지호', 'Ｗｉｄｅ']);
      await filterBy(el, '美');
      await shows(el, ['王美']);
      await filterBy(el, '지호');
      await shows(el, ['김지호']);
      await filterBy(el, 'wide');
      await shows(el, ['Ｗｉｄｅ']);
    });

    it('says when no one matches', async () => {
      live = await start({ audience: ['alice'] });
      const el = await audience(live);
      await filterBy(el, 'zzz');
      await shows(el, []);
      expect(text(part(el, 'empty'))).to.equal('No viewer matches the filter');
      expect(part(el, 'empty').hidden).to.equal(false);
      expect(text(part(el, 'matches'))).to.equal('0 shown');
    });

    it('folds text for search', () => {
      const cases: readonly [string, string][] = [
        ['Ádá', 'ada'],
        ['STRASSE', 'strasse'],
        ['Straße', 'strasse'],
        ['ＡＢＣ', 'abc'],
        ['  a   b ', 'a b'],
        ['İstanbul', 'istanbul'],
        ['王美', '王美'],
      ];
      for (const [input, expected] of cases) expect(foldForSearch(input), input).to.equal(expected);
      expect(foldForSearch('김지호').includes(foldForSearch('ㄱ'))).to.equal(true);
    });
  });

  describe('states', () => {
    it('is not-host and renders nothing for an audience member', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      const el = await audience(live, { session: live.session('bob') });
      expect(el.matches(':state(not-host)')).to.equal(true);
      expect(el.shadowRoot!.querySelectorAll('*').length).to.equal(0);
    });

    it('shows the list to an administrator, without Invite on their own row', async () => {
      live = await start({ audience: ['alice', 'max'] });
      const el = await audience(live, { session: live.session('max') });
      expect(el.matches(':state(not-host)')).to.equal(true);
      expect((await live.host.liveAudienceStore(live.liveId).setAdministrator('max')).isSuccess).to.equal(
        true,
      );
      await shows(el, ['Host', 'Alice', 'Max']);
      expect(el.matches(':state(not-host)')).to.equal(false);
      expect(text(within(rowOf(el, 'Max'), 'you-badge'))).to.equal('You');
      expect(within(rowOf(el, 'Max'), 'invite-button')).to.equal(null);
      expect(within(rowOf(el, 'Alice'), 'invite-button') !== null).to.equal(true);
    });

    it('is busy while an invitation is on its way', async () => {
      live = await start({ audience: ['alice'] });
      const el = await audience(live);
      await shows(el, ['Host', 'Alice']);
      within(rowOf(el, 'Alice'), 'invite-button')!.click();
      await el.updateComplete;
      expect(el.matches(':state(busy)')).to.equal(true);
      await waitUntil(() => within(rowOf(el, 'Alice'), 'cancel-button') !== null);
      await waitUntil(() => !el.matches(':state(busy)'));
    });
  });

  describe('parts', () => {
    it('exposes every part', async () => {
      const el = await audience(await everyState());
      await shows(el, ['Host', 'Sam', 'Ivy', 'Ann', 'Max', 'Zoe']);
      for (const name of [
        'header',
        'count',
        'matches',
        'filter',
        'scroller',
        'list',
        'row',
        'avatar',
        'name',
        'you-badge',
        'role-badge',
        'status',
        'invite-button',
        'cancel-button',
        'empty',
      ]) {
        expect(queryPart(el, name) !== null, name).to.equal(true);
      }
    });
  });

  describe('events', () => {
    it('invites: member-invite, then the member is invited and can be un-invited', async () => {
      live = await start({ audience: ['alice'] });
      const el = await audience(live);
      await shows(el, ['Host', 'Alice']);
      const fired = oneEvent<MemberInviteEvent>(el, MemberInviteEvent.type);
      within(rowOf(el, 'Alice'), 'invite-button')!.click();
      const event = await fired;
      expect(event.userId).to.equal('alice');
      expect(event.seatIndex).to.equal(-1);
      expect(event.member.userName).to.equal('Alice');
      expect(event.cancelable && event.bubbles && event.composed).to.equal(true);
      const state = live.session('alice').coGuestStore(live.liveId).coGuestState;
      await waitFor(state.selfInvitation, (invitation) => invitation?.inviter.userId === 'host');
      await waitUntil(() => text(within(rowOf(el, 'Alice'), 'status')) === 'Invited');

      const cancelled = oneEvent<InvitationCancelEvent>(el, InvitationCancelEvent.type);
      within(rowOf(el, 'Alice'), 'cancel-button')!.click();
      expect((await cancelled).userId).to.equal('alice');
      await waitFor(state.selfInvitation, (invitation) => invitation === null);
      await waitUntil(() => within(rowOf(el, 'Alice'), 'invite-button') !== null);
      expect(within(rowOf(el, 'Alice'), 'status')).to.equal(null);
    });

    it('shows a member who accepted the invitation on a seat', async () => {
      live = await start({ audience: ['alice'] });
      const el = await audience(live);
      await shows(el, ['Host', 'Alice']);
      within(rowOf(el, 'Alice'), 'invite-button')!.click();
      const coGuest = live.session('alice').coGuestStore(live.liveId);
      await waitFor(coGuest.coGuestState.selfInvitation, (invitation) => invitation !== null);
      expect((await coGuest.acceptInvitation('host')).isSuccess).to.equal(true);
      await waitUntil(() => text(within(rowOf(el, 'Alice'), 'status')) === 'On seat');
      expect(within(rowOf(el, 'Alice'), 'invite-button')).to.equal(null);
    });

    it('does nothing when the page cancels member-invite or invitation-cancel', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      await live.host.coGuestStore(live.liveId).inviteToSeat({ inviteeId: 'bob' });
      const el = await audience(live);
      await waitUntil(() => within(rowOf(el, 'Bob'), 'cancel-button') !== null);
      el.addEventListener(MemberInviteEvent.type, (event) => event.preventDefault());
      el.addEventListener(InvitationCancelEvent.type, (event) => event.preventDefault());
      within(rowOf(el, 'Alice'), 'invite-button')!.click();
      within(rowOf(el, 'Bob'), 'cancel-button')!.click();
      expect(el.matches(':state(busy)')).to.equal(false);
      // A round trip after the vetoed clicks: anything they sent would have landed first.
      expect((await live.host.liveSeatStore(live.liveId).lockSeat(8)).isSuccess).to.equal(true);
      const invitees = live.host
        .coGuestStore(live.liveId)
        .coGuestState.invitees.get()
        .map((item) => item.userId);
      expect(invitees).to.deep.equal(['bob']);
    });

    it('invites once when Invite is clicked twice', async () => {
      live = await start({ audience: ['alice'] });
      const el = await audience(live);
      await shows(el, ['Host', 'Alice']);
      let invites = 0;
      const errors: ActionErrorEvent[] = [];
      el.addEventListener(MemberInviteEvent.type, () => invites++);
      el.addEventListener('action-error', (event) => errors.push(event));
      const button = within(rowOf(el, 'Alice'), 'invite-button')!;
      button.click();
      button.click();
      await waitUntil(() => within(rowOf(el, 'Alice'), 'cancel-button') !== null);
      expect((await live.host.liveSeatStore(live.liveId).lockSeat(8)).isSuccess).to.equal(true);
      expect(invites).to.equal(1);
      expect(errors.length).to.equal(0);
    });

    it('fires action-error when the invitation is refused', async () => {
      live = await start({ audience: ['alice'] });
      // Seat 0 is the host's.
      const el = await audience(live, { seatIndex: 0 });
      await shows(el, ['Host', 'Alice']);
      const errored = oneEvent<ActionErrorEvent>(el, 'action-error');
      within(rowOf(el, 'Alice'), 'invite-button')!.click();
      const error = await errored;
      expect(error.action).to.equal('inviteToSeat');
      expect(error.errorCode).to.equal(ErrorCode.SEAT_OCCUPIED);
      await waitUntil(() => !el.matches(':state(busy)'));
      expect(within(rowOf(el, 'Alice'), 'invite-button')?.getAttribute('aria-disabled')).to.equal('false');
    });
  });

  describe('keyboard', () => {
    it('moves from the filter to the rows and between rows with the arrow keys', async () => {
      live = await start({ audience: ['alice', 'bob'] });
      const el = await audience(live);
      await shows(el, ['Host', 'Alice', 'Bob']);
      part(el, 'filter').focus();
      await sendKeys({ press: 'ArrowDown' });
      const active = (): Element | null => el.shadowRoot!.activeElement;
      await waitUntil(() => active()?.getAttribute('aria-posinset') === '1', 'the first row takes the focus');
      await sendKeys({ press: 'ArrowDown' });
      await waitUntil(() => active()?.getAttribute('aria-posinset') === '2');
      await sendKeys({ press: 'Tab' });
      expect(plain(active()?.getAttribute('aria-label'))).to.equal('Invite Alice');
      await sendKeys({ press: 'ArrowDown' });
      await waitUntil(() => plain(active()?.getAttribute('aria-label')) === 'Invite Bob');
    });

    it('keeps the focus on the row when Invite turns into Cancel invitation', async () => {
      live = await start({ audience: ['alice'] });
      const el = await audience(live);
      await shows(el, ['Host', 'Alice']);
      within(rowOf(el, 'Alice'), 'invite-button')!.focus();
      await sendKeys({ press: 'Enter' });
      await waitUntil(
        () =>
          plain(el.shadowRoot!.activeElement?.getAttribute('aria-label')) === 'Cancel invitation for Alice',
        'the focus moves to Cancel invitation',
      );
    });
  });

  describe('localization', () => {
    it('re-renders its texts when the locale changes', async () => {
      const el = await audience(await everyState());
      await shows(el, ['Host', 'Sam', 'Ivy', 'Ann', 'Max', 'Zoe']);
      await loadLocale('zh-CN');
      setLocale('zh-CN');
      await el.updateComplete;
      expect(text(part(el, 'count'))).to.equal('4 位观众');
      expect(text(within(rowOf(el, 'Zoe'), 'invite-button'))).to.equal('邀请');
      expect(plain(within(rowOf(el, 'Zoe'), 'invite-button')?.getAttribute('aria-label'))).to.equal(
        '邀请 Zoe',
      );
      expect(text(within(rowOf(el, 'Sam'), 'status'))).to.equal('已上麦');
      expect(text((part(el, 'filter') as HTMLInputElement).labels?.[0] ?? null)).to.equal('筛选观众');
      await loadLocale('ko');
      setLocale('ko');
      await el.updateComplete;
      expect(text(within(rowOf(el, 'Max'), 'role-badge'))).to.equal('관리자');
      expect(text(within(rowOf(el, 'Ivy'), 'cancel-button'))).to.equal('초대 취소');
      expect(part(el, 'header').closest('[lang]')?.getAttribute('lang')).to.equal('ko');
    });
  });

  describe('hostile data', () => {
    it('renders hostile names as inert text and filters them as text', async () => {
      const ids = HOSTILE_STRINGS.map((_, i) => `h${i}`);
      const users = Object.fromEntries(ids.map((id, i) => [id, { userName: HOSTILE_STRINGS[i] }]));
      live = await start({ audience: ids, users });
      const el = await audience(live);
      await waitUntil(() => rows(el).length === ids.length + 1);
      expect(names(el).slice(1)).to.deep.equal([...HOSTILE_STRINGS]);
      let verdict = inertIn(el);
      expect(verdict.ok, verdict.problem).to.equal(true);
      await expect(el).to.be.accessible();
      await filterBy(el, '<script>window');
      await shows(el, ['<script>window.__pwned=1</script>']);
      verdict = inertIn(el);
      expect(verdict.ok, verdict.problem).to.equal(true);
    });

    it('never loads a hostile avatar URL', async () => {
      const urls = HOSTILE_URLS;
      const ids = urls.map((_, i) => `h${i}`);
      const users = Object.fromEntries(ids.map((id, i) => [id, { avatarUrl: urls[i] }]));
      live = await start({ audience: ids, users });
      const el = await audience(live);
      await waitUntil(() => rows(el).length === ids.length + 1);
      expect(el.shadowRoot!.querySelectorAll('img').length).to.equal(0);
      const verdict = inertIn(el);
      expect(verdict.ok, verdict.problem).to.equal(true);
    });
  });

  describe('virtualization', () => {
    const COUNT = 10_000;
    let big: TestLive;
    let el: AudienceList;

    before(async function () {
      this.timeout(60_000);
      big = await startLive({ hub: { roomLimits: { maxMembers: 20_000, graceMs: 600_000 } } });
      await crowd(big, COUNT);
    });

    after(() => {
      big.close();
    });

    beforeEach(async () => {
      el = await audience(big);
      await waitUntil(() => rows(el).length > 5, 'rows render');
    });

    it('keeps at most 100 rows in the DOM', async () => {
      expect(rows(el).length).to.be.at.most(100);
      expect(rows(el)[0]?.getAttribute('aria-setsize')).to.equal(String(COUNT + 1));
      expect(text(part(el, 'count'))).to.equal('10,000 viewers');
      await expect(el).to.be.accessible();
    });

    it('lets a keyboard user reach the last member', async () => {
      within(rows(el)[1]!, 'invite-button')!.focus();
      await sendKeys({ press: 'End' });
      await waitUntil(
        () =>
          plain(el.shadowRoot!.activeElement?.getAttribute('aria-label')) === `Invite Viewer ${COUNT - 1}`,
      );
      expect(rows(el).length).to.be.at.most(100);
      expect(el.shadowRoot!.activeElement?.closest('[part~="row"]')?.getAttribute('aria-posinset')).to.equal(
        String(COUNT + 1),
      );
    });

    it('filters thousands of members', async () => {
      await filterBy(el, 'viewer 999');
      // "Viewer 999" and "Viewer 9990" to "Viewer 9999".
      await waitUntil(() => rows(el)[0]?.getAttribute('aria-setsize') === '11');
      await shows(el, ['Viewer 999', ...Array.from({ length: 10 }, (_, i) => `Viewer 999${i}`)]);
    });
  });
});
