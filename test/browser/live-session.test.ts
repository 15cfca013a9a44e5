/**
 * <live-session> in pages made of tags: against the REAL signaling server (started in the test
 * runner's Node process by test/browser/plugins/server-plugin.mjs, reached over WebSockets from the
 * page) and in local mode (the page-wide in-page hub). The kit's elements inside the sessions are
 * the real ones, with no attribute: they find the session and live through the context.
 */
import { ContextEvent } from '@lit/context';
import { expect, fixture, html, nextFrame, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { liveContext, type LiveTarget } from '../../src/controllers/live-controller.js';
import { createSession, ErrorCode, type Session } from '../../src/core/index.js';
import '../../src/elements/applicant-list/applicant-list.js';
import '../../src/elements/apply-button/apply-button.js';
import '../../src/elements/live-core-view/live-core-view.js';
import {
  getLocalHub,
  LiveSession,
  SessionErrorEvent,
  SessionReadyEvent,
} from '../../src/elements/live-session/live-session.js';
import { DeviceStore } from '../../src/media/device-store.js';
import { waitFor } from '../core/helpers.js';
import { HOSTILE_STRINGS, inertIn } from './shared/hostile.js';
import { queryPart } from './shared/layers.js';

// ── the real server, through the test runner's plugin ─────────────────────────────────────────

interface TestServer {
  readonly id: string;
  /** `ws://127.0.0.1:<port>/ws` */
  readonly url: string;
  readonly httpUrl: string;
  /** A same-origin path that forwards to the server's `/dev/token`. */
  readonly tokenUrl: string;
}

interface Health {
  readonly status: string;
  readonly lives: number;
  readonly connections: number;
}

function startServer(): Promise<TestServer> {
  return executeServerCommand<TestServer, undefined>('server:start');
}

function stopServer(server: TestServer): Promise<{ stopped: true }> {
  return executeServerCommand('server:stop', { id: server.id });
}

async function tokenFor(
  server: TestServer,
  userId: string,
  options: { userName?: string; expiresIn?: number } = {},
): Promise<string> {
  const { token } = await executeServerCommand<
    { token: string },
    { id: string; userId: string; userName?: string; expiresIn?: number }
  >('server:token', { id: server.id, userId, ...options });
  return token;
}

function health(server: TestServer): Promise<Health> {
  return executeServerCommand('server:health', { id: server.id });
}

/** Waits until the server reports `connections` authenticated connections. */
async function connections(server: TestServer, expected: number): Promise<void> {
  let last = -1;
  await waitUntil(
    async () => {
      last = (await health(server)).connections;
      return last === expected;
    },
    `the server counts ${expected} connections (last: ${last})`,
    { interval: 20, timeout: 4000 },
  );
}

// ── helpers ───────────────────────────────────────────────────────────────────────────────────

let count = 0;

/** A live id no other test of the page uses (the local hub is shared by the whole page). */
function newLiveId(): string {
  return `live-${++count}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Resolves once the element left `connecting`; fails the test unless it is `ready`. */
async function ready(el: LiveSession): Promise<void> {
  await el.updateComplete;
  await waitUntil(() => el.state === 'ready' || el.state === 'error', 'the session settles', {
    timeout: 4000,
  });
  expect(el.state, el.error?.errorMessage ?? '').to.equal('ready');
}

/** Resolves with the element's error once it is in its `error` state. */
async function failed(el: LiveSession): Promise<{ errorCode: number; errorMessage: string }> {
  await el.updateComplete;
  await waitUntil(() => el.state === 'error' || el.state === 'ready', 'the session settles', {
    timeout: 4000,
  });
  expect(el.state).to.equal('error');
  return el.error!;
}

/** What the element provides to a descendant (a `context-request` from inside it). */
function provided(inside: Element): LiveTarget | undefined {
  let value: LiveTarget | undefined;
  inside.dispatchEvent(
    new ContextEvent(liveContext, inside, (target) => {
      value = target;
    }),
  );
  return value;
}

function part(root: Element, name: string): HTMLElement {
  const found = queryPart(root, name);
  if (found === null) throw new Error(`no part "${name}" in <${root.localName}>`);
  return found;
}

function sessionOf(el: LiveSession): Session {
  const session = el.session;
  if (session === null) throw new Error('the element has no session');
  return session;
}

/** The text the status region shows (what is hidden left out), without its Retry button. */
function statusText(el: LiveSession): string {
  const retry = queryPart(el, 'retry-button')?.innerText ?? '';
  const text = part(el, 'status').innerText.replace(/\s+/g, ' ').trim();
  return retry !== '' && text.endsWith(retry) ? text.slice(0, -retry.length).trim() : text;
}

/** What the `<live-core-view>` inside `el` says over its stage. */
function stageMessage(el: LiveSession): string {
  return (part(el.querySelector('live-core-view')!, 'message').textContent ?? '').trim();
}

/** `root` and every element below it, shadow trees included. */
function deepElements(root: Element): Element[] {
  const found: Element[] = [];
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const element = stack.pop()!;
    found.push(element);
    stack.push(...Array.from(element.children));
    if (element.shadowRoot) stack.push(...Array.from(element.shadowRoot.children));
  }
  return found;
}

/** Axe once the elements have rendered and their colour transitions have finished. */
async function accessible(el: Element): Promise<void> {
  await nextFrame();
  // getAnimations() flushes pending style changes, so transitions just triggered are included.
  const running = deepElements(el)
    .flatMap((element) => element.getAnimations())
    .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity);
  await Promise.all(running.map((animation) => animation.finished.catch(() => undefined)));
  await expect(el).to.be.accessible();
}

/**
 * The flow the issue asks for, with tags only: the audience member presses "Request to join", the
 * host's list shows the request, the host presses Accept, the audience member is seated.
 */
async function applyAndAccept(host: LiveSession, audience: LiveSession, name: string): Promise<void> {
  const liveId = host.liveId;
  part(audience.querySelector('apply-button')!, 'button').click();
  const list = host.querySelector('applicant-list')!;
  await waitUntil(() => queryPart(list, 'accept-button') !== null, `the host's list shows ${name}`);
  expect(part(list, 'name').textContent).to.equal(name);
  part(list, 'accept-button').click();
  await waitFor(
    sessionOf(audience).coGuestStore(liveId).coGuestState.selfStatus,
    (status) => status === 'connected',
    `${name} is seated`,
  );
  await waitFor(
    sessionOf(host).liveSeatStore(liveId).seatList,
    (seats) => seats.some((seat) => seat.userInfo?.userName === name),
    `the host sees ${name} on a seat`,
  );
}

/** Counts WebSockets opened and fetches made by the page while `run` runs. */
async function countNetwork(run: () => Promise<void>): Promise<number> {
  const OriginalWebSocket = window.WebSocket;
  const originalFetch = Object.getOwnPropertyDescriptor(window, 'fetch')!;
  const fetchFrom = window.fetch.bind(window);
  let attempts = 0;
  window.WebSocket = class extends OriginalWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      attempts++;
      super(url, protocols);
    }
  };
  window.fetch = (...args: Parameters<typeof fetch>) => {
    attempts++;
    return fetchFrom(...args);
  };
  try {
    await run();
  } finally {
    window.WebSocket = OriginalWebSocket;
    Object.defineProperty(window, 'fetch', originalFetch);
  }
  return attempts;
}

/** A host and an audience member in local mode, in one page, with tags only. */
/** A host and a viewer in `liveId` on the page's local hub (a user owns at most 3 open lives there). */
async function localPage(liveId = newLiveId(), audienceName = 'Ada', hostId = 'host') {
  const page = await fixture<HTMLElement>(
    html`<div>
      <live-session local user-id=${hostId} user-name="Host" live-role="host" live-id=${liveId}>
        <live-core-view></live-core-view>
        <applicant-list></applicant-list>
      </live-session>
      <live-session local user-id="ada" user-name=${audienceName} live-id=${liveId}>
        <live-core-view></live-core-view>
        <apply-button></apply-button>
      </live-session>
    </div>`,
  );
  const [host, audience] = Array.from(page.querySelectorAll('live-session'));
  await ready(host!);
  await ready(audience!);
  return { page, host: host!, audience: audience!, liveId };
}

describe('<live-session>', () => {
  describe('accessibility', () => {
    it('passes axe while connecting, ready and in error', async () => {
      const liveId = newLiveId();
      // An audience member waits for a live nobody has started: it stays `connecting`.
      const audience = await fixture<LiveSession>(html`
        <live-session local user-id="ada" live-id=${liveId}><apply-button></apply-button></live-session>
      `);
      expect(audience.state).to.equal('connecting');
      await accessible(audience);

      const host = await fixture<LiveSession>(html`
        <live-session local user-id="host" live-role="host" live-id=${liveId}>
          <applicant-list></applicant-list>
        </live-session>
      `);
      await ready(host);
      await ready(audience);
      await accessible(audience);
      await accessible(host);

      const broken = await fixture<LiveSession>(html`
        <live-session server-url="http://example.com/ws" token="x"></live-session>
      `);
      await failed(broken);
      await accessible(broken);
    });

    it('says what it does in a status region that takes no room while quiet', async () => {
      const waiting = await fixture<LiveSession>(
        html`<live-session local user-id="ada" live-id=${newLiveId()}></live-session>`,
      );
      expect(part(waiting, 'status').getAttribute('role')).to.equal('status');
      expect(statusText(waiting)).to.equal('This live has not started yet: waiting for it…');
      expect(getComputedStyle(part(waiting, 'status')).position).to.equal('static');

      const el = await fixture<LiveSession>(
        html`<live-session local user-id="ada" live-id=${newLiveId()} join-timeout="0"></live-session>`,
      );
      await failed(el);
      expect(statusText(el)).to.equal('This live does not exist or has ended');
      const status = part(el, 'status');
      expect(getComputedStyle(status).position).to.equal('static');

      el.liveId = '';
      await ready(el);
      expect(statusText(el)).to.equal('');
      // Visually hidden: out of the flow, so a grid or flex parent gets no extra item.
      expect(getComputedStyle(status).position).to.equal('absolute');
    });
  });

  describe('properties', () => {
    it('is registered as <live-session> and lays out no box of its own', async () => {
      expect(document.createElement('live-session')).to.be.instanceOf(LiveSession);
      const el = await fixture<LiveSession>(html`<live-session></live-session>`);
      expect(getComputedStyle(el).display).to.equal('contents');
    });

    it('provides its session and live to every element inside it', async () => {
      const liveId = newLiveId();
      const el = document.createElement('live-session');
      Object.assign(el, { local: true, userId: 'host', liveRole: 'host', liveId });
      const inner = document.createElement('p');
      el.append(document.createElement('section'));
      el.firstElementChild!.append(inner);
      document.body.append(el);
      try {
        // At once, before login: the session, no live yet (descendants never fall back to the
        // page's default session).
        expect(provided(inner)?.session === el.session).to.equal(true);
        expect(el.session === null).to.equal(false);
        expect(provided(inner)?.liveId ?? null).to.equal(null);
        await ready(el);
        expect(provided(inner)?.session === el.session).to.equal(true);
        expect(provided(inner)?.liveId).to.equal(liveId);
      } finally {
        el.remove();
      }
    });

    it('in local mode, updateComplete waits for the outcome; with a server, for rendering only', async () => {
      const local = await fixture<LiveSession>(html`<live-session local user-id="ada"></live-session>`);
      expect(local.state).to.equal('ready');
      const remote = await fixture<LiveSession>(
        html`<live-session server-url="ws://127.0.0.1:9/ws" token="x"></live-session>`,
      );
      expect(remote.state).to.equal('connecting');
      await failed(remote);
    });

    it('exposes its session, logged in as user-id (named user-id when user-name is empty) in local mode', async () => {
      const el = await fixture<LiveSession>(html`<live-session local user-id="grace"></live-session>`);
      await ready(el);
      const user = sessionOf(el).loginStore.loginUserInfo.get();
      expect(user?.userId).to.equal('grace');
      expect(user?.userName).to.equal('grace');
    });

    it('creates the live with live-name, max-seats and seat-mode for a host', async () => {
      const liveId = newLiveId();
      const el = await fixture<LiveSession>(html`
        <live-session
          local
          user-id="host"
          live-role="host"
          live-id=${liveId}
          live-name="Friday show"
          max-seats="4"
          seat-mode="free"
        ></live-session>
      `);
      await ready(el);
      const live = sessionOf(el).liveSeatStore(liveId).liveInfo.get();
      expect(live?.liveName).to.equal('Friday show');
      expect(live?.maxSeatCount).to.equal(4);
      expect(live?.seatMode).to.equal('free');
      expect(live?.owner.userId).to.equal('host');
    });

    it('enters another live on the same session when live-id changes', async () => {
      const first = newLiveId();
      const second = newLiveId();
      const hosts = await fixture<HTMLElement>(
        html`<div>
          <live-session local user-id="h1" live-role="host" live-id=${first}></live-session>
          <live-session local user-id="h2" live-role="host" live-id=${second}></live-session>
        </div>`,
      );
      for (const host of Array.from(hosts.querySelectorAll('live-session'))) await ready(host);
      const el = await fixture<LiveSession>(
        html`<live-session local user-id="ada" live-id=${first}><p></p></live-session>`,
      );
      await ready(el);
      expect(provided(el.firstElementChild!)?.liveId).to.equal(first);
      const session = el.session;
      el.liveId = second;
      await el.updateComplete;
      await ready(el);
      expect(provided(el.firstElementChild!)?.liveId).to.equal(second);
      expect(el.session === session).to.equal(true);
      expect(sessionOf(el).liveListStore.currentLive.get()?.liveId).to.equal(second);
    });

    it('gives the session it creates iceServers and ice-transport-policy; changing them logs in again', async () => {
      const turn = { urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'c' };
      const el = await fixture<LiveSession>(
        html`<live-session
          local
          user-id="ada"
          ice-transport-policy="relay"
          .iceServers=${[turn]}
        ></live-session>`,
      );
      await ready(el);
      const first = sessionOf(el);
      expect(first.iceServers).to.deep.equal([turn]);
      expect(first.iceTransportPolicy).to.equal('relay');
      el.iceTransportPolicy = 'all';
      await waitUntil(() => el.session !== first && el.state === 'ready', 'a new session');
      expect(sessionOf(el).iceTransportPolicy).to.equal('all');
      const second = sessionOf(el);
      el.iceServers = [];
      await waitUntil(() => el.session !== second && el.state === 'ready', 'a new session');
      expect(sessionOf(el).iceServers).to.deep.equal([]);
    });

    it('creates its session with no ICE server and every candidate by default', async () => {
      const el = await fixture<LiveSession>(html`<live-session local user-id="ada"></live-session>`);
      await ready(el);
      expect(sessionOf(el).iceServers).to.deep.equal([]);
      expect(sessionOf(el).iceTransportPolicy).to.equal('all');
    });

    it('logs in again with a new session when who logs in changes', async () => {
      const el = await fixture<LiveSession>(html`<live-session local user-id="ada"></live-session>`);
      await ready(el);
      const first = sessionOf(el);
      el.userId = 'grace';
      await waitUntil(() => el.session !== first && el.state === 'ready', 'a new session');
      expect(sessionOf(el).loginStore.loginUserInfo.get()?.userId).to.equal('grace');
      expect(first.loginStore.loginStatus.get()).to.equal('loggedOut');
    });

    it("uses a session the page set: waits for the page's login, never logs it out", async () => {
      const liveId = newLiveId();
      const hub = await getLocalHub();
      const host = createSession();
      const el = await fixture<LiveSession>(html`
        <live-session .session=${host} live-role="host" live-id=${liveId}></live-session>
      `);
      expect(el.session === host).to.equal(true);
      expect(el.state).to.equal('connecting');
      await host.loginStore.login({ hub, user: { userId: 'page-host', userName: 'Host', avatarUrl: '' } });
      await ready(el);
      expect(host.liveListStore.currentLive.get()?.liveId).to.equal(liveId);
      el.remove();
      await Promise.resolve();
      await Promise.resolve();
      expect(host.loginStore.loginStatus.get()).to.equal('loggedIn');
      expect(host.liveListStore.currentLive.get()?.liveId).to.equal(liveId);
      host.dispose();
    });

    it("provides the session's current live when it has no live-id", async () => {
      const liveId = newLiveId();
      const host = await fixture<LiveSession>(
        html`<live-session local user-id="host" live-role="host" live-id=${liveId}></live-session>`,
      );
      await ready(host);
      const el = await fixture<LiveSession>(html`<live-session local user-id="ada"><p></p></live-session>`);
      await ready(el);
      const inner = el.querySelector('p')!;
      expect(provided(inner)?.liveId ?? null).to.equal(null);
      await sessionOf(el).liveListStore.joinLive(liveId);
      expect(provided(inner)?.liveId).to.equal(liveId);
    });

    it('keeps its session when moved in the DOM within one task', async () => {
      const page = await fixture<HTMLElement>(
        html`<div>
          <section></section>
          <live-session local user-id="ada"></live-session>
        </div>`,
      );
      const el = page.querySelector('live-session')!;
      await ready(el);
      const session = el.session;
      page.querySelector('section')!.append(el);
      await Promise.resolve();
      await el.updateComplete;
      expect(el.session === session).to.equal(true);
      expect(el.state).to.equal('ready');
    });
  });

  describe('slots', () => {
    it('shows the connecting slot while connecting and the error slot on error', async () => {
      const content = html`<span slot="connecting">Please wait</span><span slot="error">Sorry</span>`;
      const slotted = (el: LiveSession, name: string) =>
        el
          .shadowRoot!.querySelector<HTMLSlotElement>(`slot[name="${name}"]`)!
          .assignedElements()
          .map((node) => node.textContent);
      const waiting = await fixture<LiveSession>(
        html`<live-session local user-id="ada" live-id=${newLiveId()}>${content}</live-session>`,
      );
      expect(slotted(waiting, 'connecting')).to.deep.equal(['Please wait']);
      expect(part(waiting, 'connecting').hidden).to.equal(false);
      expect(part(waiting, 'error').hidden).to.equal(true);

      const el = await fixture<LiveSession>(
        html`<live-session local user-id="ada" live-id=${newLiveId()} join-timeout="0"
          >${content}</live-session
        >`,
      );
      await failed(el);
      expect(slotted(el, 'error')).to.deep.equal(['Sorry']);
      expect(part(el, 'connecting').hidden).to.equal(true);
      expect(part(el, 'error').hidden).to.equal(false);
    });
  });

  describe('states', () => {
    it('is connecting, then ready', async () => {
      const liveId = newLiveId();
      const el = await fixture<LiveSession>(
        html`<live-session local user-id="ada" live-id=${liveId}></live-session>`,
      );
      expect(el.matches(':state(connecting)')).to.equal(true);
      expect(el.matches(':state(ready)')).to.equal(false);
      const host = await fixture<LiveSession>(
        html`<live-session local user-id="host" live-role="host" live-id=${liveId}></live-session>`,
      );
      await ready(host);
      await ready(el);
      expect(el.matches(':state(ready)')).to.equal(true);
      expect(el.matches(':state(connecting)')).to.equal(false);
    });

    it('is in error for settings it refuses, before any network access', async () => {
      // Plain markup, as a page would write it (the invalid values are the point).
      const cases: readonly [string, string][] = [
        ['no server', '<live-session token="x"></live-session>'],
        ['an http server-url', '<live-session server-url="http://127.0.0.1:1/ws" token="x"></live-session>'],
        [
          'a javascript: server-url',
          '<live-session server-url="javascript:alert(1)" token="x"></live-session>',
        ],
        ['no token', '<live-session server-url="ws://127.0.0.1:1/ws"></live-session>'],
        [
          'a javascript: token-url',
          '<live-session server-url="ws://127.0.0.1:1/ws" token-url="javascript:alert(1)"></live-session>',
        ],
        [
          'a data: token-url',
          '<live-session server-url="ws://127.0.0.1:1/ws" token-url="data:application/json,{}"></live-session>',
        ],
        ['local mode without user-id', '<live-session local></live-session>'],
        ['an unknown live-role', '<live-session local user-id="a" live-role="boss"></live-session>'],
        ['a host with no live-id', '<live-session local user-id="a" live-role="host"></live-session>'],
        [
          'an unknown seat-mode',
          '<live-session local user-id="a" live-role="host" live-id="x" seat-mode="any"></live-session>',
        ],
        [
          'an unknown ice-transport-policy',
          '<live-session local user-id="a" ice-transport-policy="none"></live-session>',
        ],
        [
          'max-seats that is not a number',
          '<live-session local user-id="a" live-role="host" live-id="x" max-seats="many"></live-session>',
        ],
      ];
      for (const [label, template] of cases) {
        let el!: LiveSession;
        const attempts = await countNetwork(async () => {
          el = await fixture<LiveSession>(template);
          await failed(el);
        });
        expect(el.error?.errorCode, label).to.equal(ErrorCode.INVALID_ARGUMENT);
        expect(el.matches(':state(error)'), label).to.equal(true);
        expect(attempts, `${label}: no network`).to.equal(0);
        expect(statusText(el), label).to.equal('Cannot join the live: the page gives invalid settings');
      }
    });

    it('tries again when a refused setting is fixed', async () => {
      const el = await fixture<LiveSession>(
        '<live-session local user-id="a" live-role="boss"></live-session>',
      );
      await failed(el);
      el.liveRole = 'audience';
      await ready(el);
    });

    it('is ended once the live it entered ends', async () => {
      const { host, audience } = await localPage();
      expect(audience.matches(':state(ended)')).to.equal(false);
      host.remove();
      await waitUntil(() => audience.matches(':state(ended)'), 'the audience sees the live end');
      expect(audience.state).to.equal('ready');
      await accessible(audience);
    });
  });

  describe('events', () => {
    it('fires session-ready with the session and the live', async () => {
      const liveId = newLiveId();
      const el = document.createElement('live-session');
      el.local = true;
      el.userId = 'host';
      el.liveRole = 'host';
      el.liveId = liveId;
      const fired = oneEvent<SessionReadyEvent>(el, SessionReadyEvent.type);
      document.body.append(el);
      try {
        const event = await fired;
        expect(event).to.be.instanceOf(SessionReadyEvent);
        expect(event.session === el.session).to.equal(true);
        expect(event.liveId).to.equal(liveId);
        expect(event.bubbles && event.composed).to.equal(true);
      } finally {
        el.remove();
      }
    });

    it('fires session-error with the code and a message', async () => {
      const el = document.createElement('live-session');
      el.local = true;
      el.userId = 'ada';
      el.liveId = newLiveId();
      el.joinTimeout = 0;
      const fired = oneEvent<SessionErrorEvent>(el, SessionErrorEvent.type);
      document.body.append(el);
      try {
        const event = await fired;
        expect(event).to.be.instanceOf(SessionErrorEvent);
        expect(event.errorCode).to.equal(ErrorCode.LIVE_NOT_FOUND);
        expect(event.errorMessage).to.be.a('string').and.not.equal('');
        expect(event.bubbles && event.composed).to.equal(true);
        expect(el.error?.errorCode).to.equal(ErrorCode.LIVE_NOT_FOUND);
      } finally {
        el.remove();
      }
    });
  });

  describe('with the real server', () => {
    let server: TestServer;

    before(async () => {
      server = await startServer();
    });

    after(async () => {
      await stopServer(server);
    });

    it('a host and an audience member, tags only: apply, accept, seated', async () => {
      const liveId = newLiveId();
      const hostToken = await tokenFor(server, 'host', { userName: 'Host' });
      const adaToken = await tokenFor(server, 'ada', { userName: 'Ada' });
      const page = await fixture<HTMLElement>(
        html`<div>
          <live-session server-url=${server.url} token=${hostToken} live-role="host" live-id=${liveId}>
            <live-core-view></live-core-view>
            <applicant-list></applicant-list>
          </live-session>
          <live-session server-url=${server.url} token=${adaToken} live-id=${liveId}>
            <live-core-view></live-core-view>
            <apply-button></apply-button>
          </live-session>
        </div>`,
      );
      const [host, audience] = Array.from(page.querySelectorAll('live-session'));
      await ready(host!);
      await ready(audience!);
      expect((await health(server)).lives).to.be.greaterThan(0);
      await applyAndAccept(host!, audience!, 'Ada');
      const stage = audience!.querySelector('live-core-view')!;
      await waitUntil(
        () => stage.shadowRoot!.querySelectorAll('guest-seat-tile').length === 2,
        "Ada's stage shows the host and Ada",
      );
      await accessible(page);
    });

    it('an audience member who arrives first waits for the host to start the live', async () => {
      const liveId = newLiveId();
      const audience = await fixture<LiveSession>(html`
        <live-session server-url=${server.url} token=${await tokenFor(server, 'early')} live-id=${liveId}>
        </live-session>
      `);
      await waitFor(sessionOf(audience).$connection, (state) => state === 'connected', 'early is logged in');
      expect(audience.state).to.equal('connecting');
      const host = await fixture<LiveSession>(html`
        <live-session
          server-url=${server.url}
          token=${await tokenFor(server, 'host')}
          live-role="host"
          live-id=${liveId}
        ></live-session>
      `);
      await ready(host);
      await ready(audience);
    });

    it('says at once why signing in failed: a refused token, a failing token URL, a server that is down', async () => {
      const gone = await startServer();
      const goneToken = await tokenFor(gone, 'ada');
      await stopServer(gone);
      const errors: SessionErrorEvent[] = [];
      const page = await fixture<HTMLElement>(html`
        <div @session-error=${(event: SessionErrorEvent) => errors.push(event)}>
          <live-session server-url=${server.url} token="not-a-token" live-id="x">
            <live-core-view></live-core-view>
          </live-session>
          <live-session server-url=${server.url} token-url="/no-such-token-url" user-id="ada" live-id="x">
            <live-core-view></live-core-view>
          </live-session>
          <live-session server-url=${gone.url} token=${goneToken} live-id="x">
            <live-core-view></live-core-view>
          </live-session>
        </div>
      `);
      const elements = Array.from(page.querySelectorAll('live-session'));
      const codes = [];
      for (const el of elements) codes.push((await failed(el)).errorCode);
      expect(codes).to.deep.equal([
        ErrorCode.NOT_LOGGED_IN,
        ErrorCode.TOKEN_URL_FAILED,
        ErrorCode.DISCONNECTED,
      ]);
      const reported = errors.map((event) => event.errorCode);
      expect(reported.sort(), 'the codes reach the page').to.deep.equal([...codes].sort());
      const texts = elements.map(statusText);
      expect(texts).to.deep.equal([
        'The live server refused the sign-in: the token is invalid or has expired',
        'Could not get a sign-in token: the token URL answered with an error',
        'Could not reach the live server',
      ]);
      for (const el of elements) {
        expect(part(el, 'retry-button').checkVisibility(), 'a Retry button').to.equal(true);
        expect(stageMessage(el), 'the stage claims nothing about seats').to.equal('');
      }
      await accessible(page);
    });

    it('Retry signs in and enters again: a live that was not there, once started', async () => {
      const liveId = newLiveId();
      const audience = await fixture<LiveSession>(html`
        <live-session
          server-url=${server.url}
          token=${await tokenFor(server, 'ada')}
          live-id=${liveId}
          join-timeout="0"
        >
          <live-core-view></live-core-view>
        </live-session>
      `);
      expect((await failed(audience)).errorCode).to.equal(ErrorCode.LIVE_NOT_FOUND);
      expect(statusText(audience)).to.equal('This live does not exist or has ended');
      const first = sessionOf(audience);
      const host = await fixture<LiveSession>(html`
        <live-session
          server-url=${server.url}
          token=${await tokenFor(server, 'host')}
          live-role="host"
          live-id=${liveId}
        >
        </live-session>
      `);
      await ready(host);
      part(audience, 'retry-button').click();
      await ready(audience);
      expect(sessionOf(audience) !== first, 'a new session signed in').to.equal(true);
      expect(statusText(audience)).to.equal('');
    });

    it('a live that has not started: says so at once, while it waits for it', async () => {
      const el = await fixture<LiveSession>(html`
        <live-session
          server-url=${server.url}
          token=${await tokenFor(server, 'early')}
          live-id=${newLiveId()}
        >
          <live-core-view></live-core-view>
        </live-session>
      `);
      await waitUntil(() => el.matches(':state(waiting)'), 'the element hears that the live is not there');
      expect(el.state).to.equal('connecting');
      expect(statusText(el)).to.equal('This live has not started yet: waiting for it…');
      expect(stageMessage(el)).to.equal('');
    });

    it('a refused token: error, NOT_LOGGED_IN', async () => {
      const el = await fixture<LiveSession>(html`
        <live-session server-url=${server.url} token="not-a-token" live-id=${newLiveId()}></live-session>
      `);
      const error = await failed(el);
      expect(error.errorCode).to.equal(ErrorCode.NOT_LOGGED_IN);
      expect(statusText(el)).to.equal(
        'The live server refused the sign-in: the token is invalid or has expired',
      );
    });

    it('an expired token: error, NOT_LOGGED_IN', async () => {
      const token = await tokenFor(server, 'ada', { expiresIn: -60 });
      const el = await fixture<LiveSession>(
        html`<live-session server-url=${server.url} token=${token}></live-session>`,
      );
      expect((await failed(el)).errorCode).to.equal(ErrorCode.NOT_LOGGED_IN);
    });

    it('a live that does not exist: error, LIVE_NOT_FOUND', async () => {
      const el = await fixture<LiveSession>(html`
        <live-session
          server-url=${server.url}
          token=${await tokenFor(server, 'ada')}
          live-id=${newLiveId()}
          join-timeout="0"
        ></live-session>
      `);
      expect((await failed(el)).errorCode).to.equal(ErrorCode.LIVE_NOT_FOUND);
      expect(statusText(el)).to.equal('This live does not exist or has ended');
    });

    it("a host whose live id another user's live has: error, LIVE_ID_OCCUPIED", async () => {
      const liveId = newLiveId();
      const first = await fixture<LiveSession>(html`
        <live-session
          server-url=${server.url}
          token=${await tokenFor(server, 'first')}
          live-role="host"
          live-id=${liveId}
        ></live-session>
      `);
      await ready(first);
      const second = await fixture<LiveSession>(html`
        <live-session
          server-url=${server.url}
          token=${await tokenFor(server, 'second')}
          live-role="host"
          live-id=${liveId}
        ></live-session>
      `);
      expect((await failed(second)).errorCode).to.equal(ErrorCode.LIVE_ID_OCCUPIED);
      expect(sessionOf(second).liveListStore.currentLive.get()).to.equal(null);
    });

    it('token-url: gets a token from the page origin, with user-id, user-name and avatar-url in the query', async () => {
      const el = await fixture<LiveSession>(html`
        <live-session
          server-url=${server.url}
          token-url=${server.tokenUrl}
          user-id="grace"
          user-name="Grace Hopper"
          avatar-url="https://example.com/grace.png"
        ></live-session>
      `);
      await ready(el);
      const user = sessionOf(el).loginStore.loginUserInfo.get();
      expect(user).to.deep.equal({
        userId: 'grace',
        userName: 'Grace Hopper',
        avatarUrl: 'https://example.com/grace.png',
      });
    });

    it('a server-url relative to the page: resolved against it, http becoming ws', async () => {
      const { origin, pathname } = new URL(server.url);
      const base = document.createElement('base');
      base.href = origin.replace(/^ws/, 'http') + '/';
      document.head.append(base);
      try {
        const token = await tokenFor(server, 'rel', { userName: 'Rel' });
        const el = await fixture<LiveSession>(
          html`<live-session server-url=${pathname} token=${token}></live-session>`,
        );
        await ready(el);
        expect(sessionOf(el).loginStore.loginUserInfo.get()?.userId).to.equal('rel');
      } finally {
        base.remove();
      }
    });

    it('token-url answering 4xx: error, TOKEN_URL_FAILED, and no socket opened', async () => {
      let el!: LiveSession;
      const attempts = await countNetwork(async () => {
        el = await fixture<LiveSession>(html`
          <live-session
            server-url=${server.url}
            token-url=${server.tokenUrl}
            user-id="not an id!"
          ></live-session>
        `);
        await failed(el);
      });
      expect(el.error?.errorCode).to.equal(ErrorCode.TOKEN_URL_FAILED);
      expect(el.error?.errorMessage).to.contain('400');
      expect(attempts, 'one fetch, no socket').to.equal(1);
    });

    it('never shows or reports the token', async () => {
      const token = await tokenFor(server, 'ada');
      const broken = `${token}x`;
      const errors: SessionErrorEvent[] = [];
      const el = await fixture<LiveSession>(html`
        <live-session
          server-url=${server.url}
          token=${broken}
          @session-error=${(event: SessionErrorEvent) => errors.push(event)}
        ></live-session>
      `);
      await failed(el);
      expect(errors.length).to.equal(1);
      expect(errors[0]!.errorMessage).not.to.contain(token);
      expect(el.error?.errorMessage).not.to.contain(token);
      expect(el.shadowRoot!.innerHTML).not.to.contain(token);
      expect(el.getAttribute('token')).to.equal(broken);
      expect(el.attributes.length, 'it adds no attribute').to.equal(2);
    });

    it('hostile names given through the attributes render inert through the flow', async () => {
      const liveId = newLiveId();
      const host = await fixture<LiveSession>(html`
        <live-session
          server-url=${server.url}
          token=${await tokenFor(server, 'host')}
          live-role="host"
          live-id=${liveId}
        >
          <live-core-view></live-core-view>
          <applicant-list></applicant-list>
        </live-session>
      `);
      await ready(host);
      for (const [index, name] of HOSTILE_STRINGS.entries()) {
        const audience = await fixture<LiveSession>(html`
          <live-session
            server-url=${server.url}
            token-url=${server.tokenUrl}
            user-id=${`guest-${index}`}
            user-name=${name}
            live-id=${liveId}
          >
            <live-core-view></live-core-view>
            <apply-button></apply-button>
          </live-session>
        `);
        await ready(audience);
        expect(sessionOf(audience).loginStore.loginUserInfo.get()?.userName).to.equal(name);
        await applyAndAccept(host, audience, name);
        expect(inertIn(host).problem, name).to.equal('');
        expect(inertIn(audience).problem, name).to.equal('');
        audience.remove();
        await waitFor(
          sessionOf(host).liveSeatStore(liveId).seatList,
          (seats) => seats.every((seat) => seat.userInfo === null || seat.userInfo.userId === 'host'),
          `guest-${index} left the seat`,
        );
      }
    });

    it('removing the element disposes its session: the server counts one connection less, a host ends its live', async () => {
      const own = await startServer();
      try {
        const liveId = newLiveId();
        const host = await fixture<LiveSession>(html`
          <live-session
            server-url=${own.url}
            token=${await tokenFor(own, 'host')}
            live-role="host"
            live-id=${liveId}
          ></live-session>
        `);
        const audience = await fixture<LiveSession>(html`
          <live-session
            server-url=${own.url}
            token=${await tokenFor(own, 'ada')}
            live-id=${liveId}
          ></live-session>
        `);
        await ready(host);
        await ready(audience);
        await connections(own, 2);
        expect((await health(own)).lives).to.equal(1);

        audience.remove();
        await connections(own, 1);
        expect(audience.state).to.equal('idle');

        host.remove();
        await connections(own, 0);
        expect((await health(own)).lives).to.equal(0);
      } finally {
        await stopServer(own);
      }
    });

    it('a server that is down: error, DISCONNECTED', async () => {
      const gone = await startServer();
      const token = await tokenFor(gone, 'ada');
      await stopServer(gone);
      const el = await fixture<LiveSession>(
        html`<live-session server-url=${gone.url} token=${token}></live-session>`,
      );
      expect((await failed(el)).errorCode).to.equal(ErrorCode.DISCONNECTED);
      expect(statusText(el)).to.equal('Could not reach the live server');
    });
  });

  describe('from the page address (url-params)', () => {
    /** Runs `body` with the page's query string set to `query`, then puts the address back. */
    async function withQuery(query: string, body: () => Promise<void>): Promise<void> {
      const address = location.href;
      history.replaceState(history.state, '', `${location.pathname}${query}`);
      try {
        await body();
      } finally {
        history.replaceState(history.state, '', address);
      }
    }

    it('takes the live, the user, the name and the avatar from the query string', async () => {
      const liveId = newLiveId();
      const host = await fixture<LiveSession>(
        html`<live-session local user-id="host" live-role="host" live-id=${liveId}></live-session>`,
      );
      await ready(host);
      await withQuery(
        `?live=${liveId}&user=ada&name=${encodeURIComponent('Ada <b>L</b>')}&avatar=${encodeURIComponent('https://example.com/a.png')}`,
        async () => {
          const el = await fixture<LiveSession>(html`<live-session local url-params></live-session>`);
          await ready(el);
          expect(sessionOf(el).loginStore.loginUserInfo.get()).to.deep.equal({
            userId: 'ada',
            userName: 'Ada <b>L</b>',
            avatarUrl: 'https://example.com/a.png',
          });
          expect(sessionOf(el).liveListStore.currentLive.get()?.liveId).to.equal(liveId);
        },
      );
    });

    it('lets the attributes win over the query string', async () => {
      const liveId = newLiveId();
      const host = await fixture<LiveSession>(
        html`<live-session local user-id="host" live-role="host" live-id=${liveId}></live-session>`,
      );
      await ready(host);
      await withQuery(`?live=elsewhere&user=mallory&name=Mallory`, async () => {
        const el = await fixture<LiveSession>(
          html`<live-session
            local
            url-params
            user-id="grace"
            user-name="Grace"
            live-id=${liveId}
          ></live-session>`,
        );
        await ready(el);
        expect(sessionOf(el).loginStore.loginUserInfo.get()?.userId).to.equal('grace');
        expect(sessionOf(el).loginStore.loginUserInfo.get()?.userName).to.equal('Grace');
        expect(sessionOf(el).liveListStore.currentLive.get()?.liveId).to.equal(liveId);
      });
    });

    it('without a user, makes up one guest id per tab and keeps it across loads', async () => {
      sessionStorage.removeItem('co-guest-kit:guest-id');
      await withQuery('', async () => {
        const first = await fixture<LiveSession>(html`<live-session local url-params></live-session>`);
        await ready(first);
        const id = sessionOf(first).loginStore.loginUserInfo.get()?.userId ?? '';
        expect(id).to.match(/^guest-[a-z0-9]{8}$/);
        first.remove();
        const again = await fixture<LiveSession>(html`<live-session local url-params></live-session>`);
        await ready(again);
        expect(sessionOf(again).loginStore.loginUserInfo.get()?.userId).to.equal(id);
      });
      sessionStorage.removeItem('co-guest-kit:guest-id');
    });

    it('without url-params, the query string is ignored', async () => {
      await withQuery('?user=mallory', async () => {
        const el = await fixture<LiveSession>(html`<live-session local></live-session>`);
        await failed(el);
        expect(el.error?.errorCode).to.equal(ErrorCode.INVALID_ARGUMENT);
      });
    });
  });

  describe('local mode', () => {
    it('opens the devices in `devices` once on a seat: a host starts with camera and microphone on', async () => {
      const liveId = newLiveId();
      const page = await fixture<HTMLElement>(
        html`<div>
          <live-session
            local
            user-id=${`hana-${liveId}`}
            live-role="host"
            live-id=${liveId}
            devices="camera microphone"
          >
          </live-session>
          <live-session local user-id=${`ada-${liveId}`} live-id=${liveId} devices="camera microphone">
          </live-session>
        </div>`,
      );
      const [host, audience] = Array.from(page.querySelectorAll('live-session'));
      await ready(host!);
      await ready(audience!);
      const hostDevices = DeviceStore.for(sessionOf(host!));
      try {
        await waitFor(
          sessionOf(audience!).liveSeatStore(liveId).seatList,
          (seats) => seats[0]?.userInfo?.cameraStatus === 'on' && seats[0].userInfo.microphoneStatus === 'on',
          "everyone sees the host's camera and microphone on",
        );
        // Not on a seat: nothing to open.
        expect(DeviceStore.for(sessionOf(audience!)).cameraStatus.get()).to.equal('off');
      } finally {
        await hostDevices.reset();
      }
    });

    it('a host and an audience member in one page, tags only: apply, accept, seated', async () => {
      const { page, host, audience } = await localPage();
      await applyAndAccept(host, audience, 'Ada');
      await accessible(page);
    });

    it('every <live-session local> of the page shares one in-page hub', async () => {
      const hub = await getLocalHub();
      await waitUntil(() => hub.connectionCount === 0, 'no connection is left from earlier tests');
      const before = hub.connectionCount;
      const { host, audience } = await localPage();
      expect(hub.connectionCount).to.equal(before + 2);
      audience.remove();
      await waitUntil(() => hub.connectionCount === before + 1, 'the audience connection closes');
      host.remove();
      await waitUntil(() => hub.connectionCount === before, 'the host connection closes');
    });

    it('hostile user names render inert through the flow', async () => {
      for (const [i, name] of HOSTILE_STRINGS.entries()) {
        const { page, host, audience } = await localPage(newLiveId(), name, `host-${i}`);
        await applyAndAccept(host, audience, name);
        expect(inertIn(host).problem, name).to.equal('');
        expect(inertIn(audience).problem, name).to.equal('');
        page.remove();
      }
    });
  });
});
