/**
 * Every element with the same hostile users (test/browser/shared/hostile.ts): names, extra info and
 * avatar URLs that would inject markup or run script. A live where each hostile user applies, is
 * seated, is invited and shows up in lists, menus, prompts and toasts; every element, for the host
 * and for the audience, must render them inert: no injected node, no handler attribute, no image
 * from a refused URL, no script run, and the hostile text shown as text.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/index.js';
import { waitFor } from '../core/helpers.js';
import { HOSTILE_STRINGS, HOSTILE_URLS, inertIn } from './shared/hostile.js';
import { startLive, type TestLive } from './shared/live.js';

/** The hostile users: one per hostile string, each with a hostile avatar URL. */
const USERS = HOSTILE_STRINGS.map((userName, index) => ({
  userId: `hostile-${index}`,
  userName,
  avatarUrl: HOSTILE_URLS[index % HOSTILE_URLS.length]!,
}));

/** Every text of `root`, shadow trees included. */
function deepText(root: Element): string {
  let text = '';
  const visit = (node: Node): void => {
    if (node.nodeType === Node.TEXT_NODE) text += node.textContent ?? '';
    if (node instanceof Element) {
      text += ` ${node.getAttribute('aria-label') ?? ''} `;
      if (node.shadowRoot) node.shadowRoot.childNodes.forEach(visit);
    }
    node.childNodes.forEach(visit);
  };
  visit(root);
  return text;
}

describe('hostile user data in every element', () => {
  let live: TestLive;

  beforeEach(async () => {
    live = await startLive({ maxSeatCount: 4, hub: { roomLimits: { maxPendingApplications: 64 } } });
    for (const user of USERS) await live.join(user.userId, user);
  });

  afterEach(() => {
    live.close();
    delete window.__pwned;
  });

  it('renders hostile names, extra info and avatars inert for the host and the audience', async () => {
    const [seatedA, seatedB, invited, ...applying] = USERS;
    await live.seat(seatedA!.userId, 1);
    await live.seat(seatedB!.userId, 2);
    const invitation = await live.host
      .coGuestStore(live.liveId)
      .inviteToSeat({ inviteeId: invited!.userId, extraInfo: HOSTILE_STRINGS[0] });
    expect(invitation.isSuccess, 'the host invites').to.equal(true);
    for (const [index, user] of applying.entries()) {
      await live.apply(user.userId, { extraInfo: HOSTILE_STRINGS[index % HOSTILE_STRINGS.length] });
    }
    const audience = live.session(invited!.userId);
    const page = await fixture<HTMLDivElement>(
      html`<div>
        <section id="host">
          <live-core-view
            layout="fixed-grid"
            .session=${live.host}
            live-id=${live.liveId}
            .streams=${new Map()}
          ></live-core-view>
          <applicant-list .session=${live.host} live-id=${live.liveId}></applicant-list>
          <audience-list .session=${live.host} live-id=${live.liveId}></audience-list>
          <seat-menu .session=${live.host} live-id=${live.liveId} seat-index="1"></seat-menu>
          <live-notifications
            .session=${live.host}
            live-id=${live.liveId}
            duration="0"
            max="20"
          ></live-notifications>
        </section>
        <section id="audience">
          <live-core-view .session=${audience} live-id=${live.liveId}></live-core-view>
          <invitation-prompt .session=${audience} live-id=${live.liveId}></invitation-prompt>
          <apply-button .session=${audience} live-id=${live.liveId}></apply-button>
          <live-notifications .session=${audience} live-id=${live.liveId} duration="0"></live-notifications>
          <connection-status .session=${audience} show-connected></connection-status>
          <device-toggle .session=${audience} live-id=${live.liveId} device="microphone"></device-toggle>
          <camera-switch .session=${audience} live-id=${live.liveId}></camera-switch>
        </section>
      </div>`,
    );
    type Updating = HTMLElement & { updateComplete: Promise<unknown> };
    const elements = Array.from(page.querySelectorAll<Updating>('section > *'));
    await Promise.all(elements.map((el) => el.updateComplete));

    // Something arrives after the elements are on the page: a notification with a hostile name.
    const late = USERS[USERS.length - 1]!;
    await live.host.coGuestStore(live.liveId).rejectApplication(late.userId);
    await waitFor(
      live.host.coGuestStore(live.liveId).coGuestState.applicants,
      (list) => !list.some((item) => item.userId === late.userId),
      'the late application is rejected',
    );
    for (const el of elements) await el.updateComplete;

    for (const el of elements) {
      const result = inertIn(el);
      expect(result.ok, `<${el.localName}> in #${el.parentElement!.id}: ${result.problem}`).to.equal(true);
    }
    expect(window.__pwned, 'no hostile script ran').to.equal(undefined);

    // The hostile names are shown, as text, where the elements name people.
    const hostText = deepText(page.querySelector('#host')!);
    for (const user of [seatedA!, seatedB!, ...applying.slice(0, 3)]) {
      expect(hostText.includes(user.userName), `the host sees ${JSON.stringify(user.userName)}`).to.equal(
        true,
      );
    }
    expect(deepText(page.querySelector('#audience')!).includes('invites you')).to.equal(true);
  });
});
