import { ContextProvider } from '@lit/context';
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { liveContext, type LiveTarget } from '../../src/controllers/live-controller.js';
import { createSession, setDefaultSession, type Session } from '../../src/core/index.js';
import { ConnectionStatus } from '../../src/elements/connection-status/connection-status.js';
import { loadLocale, setLocale } from '../../src/i18n/index.js';
import { waitFor } from '../core/helpers.js';
import { isShown, queryPart } from './shared/layers.js';
import { startLive, testUser, type TestLive } from './shared/live.js';

const STATES = ['idle', 'connecting', 'connected', 'reconnecting', 'offline'] as const;

/** Provides a live to its subtree, as `<live-core-view>` does. */
class ConnectionSource extends LitElement {
  readonly provider = new ContextProvider(this, { context: liveContext });
  set target(value: LiveTarget | undefined) {
    this.provider.setValue(value);
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}
customElements.define('connection-source', ConnectionSource);

function part(el: ConnectionStatus, name: string): HTMLElement {
  const found = queryPart(el, name);
  if (found === null) throw new Error(`no part "${name}"`);
  return found;
}

function text(el: ConnectionStatus, name: string): string {
  return part(el, name).textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

function states(el: ConnectionStatus): string[] {
  return STATES.filter((state) => el.matches(`:state(${state})`));
}

/** Whether the badge is on screen (not only in the accessibility tree). */
function visible(el: ConnectionStatus): boolean {
  const badge = part(el, 'badge');
  return isShown(badge) && badge.getBoundingClientRect().width > 1;
}

describe('<connection-status>', () => {
  let live: TestLive;
  const extra: Session[] = [];

  async function status(userId = 'alice', showConnected = false): Promise<ConnectionStatus> {
    const el = await fixture<ConnectionStatus>(
      html`<connection-status
        .session=${live.session(userId)}
        ?show-connected=${showConnected}
      ></connection-status>`,
    );
    await el.updateComplete;
    return el;
  }

  /** Resolves once `session` (alice's by default) is `state` and the element rendered it. */
  async function until(
    el: ConnectionStatus,
    state: (typeof STATES)[number],
    session: Session = live.session('alice'),
  ): Promise<void> {
    await waitFor(session.$connection, (value) => value === state, `the session is ${state}`);
    await el.updateComplete;
    expect(el.matches(`:state(${state})`), `the element is ${state}`).to.equal(true);
  }

  /** Another session of `userId` on the live's hub: the first one is replaced and goes offline. */
  async function loginElsewhere(userId: string): Promise<void> {
    const session = createSession();
    extra.push(session);
    const login = await session.loginStore.login({ hub: live.hub, user: testUser(userId) });
    expect(login.isSuccess).to.equal(true);
  }

  beforeEach(async () => {
    live = await startLive({ audience: ['alice'] });
  });

  afterEach(() => {
    for (const session of extra.splice(0)) session.dispose();
    live.close();
    setDefaultSession(null);
    setLocale('en');
  });

  describe('accessibility', () => {
    it('passes axe while connected (hidden) and with show-connected', async () => {
      await expect(await status()).to.be.accessible();
      await expect(await status('alice', true)).to.be.accessible();
    });

    it('passes axe while reconnecting and offline', async () => {
      const el = await status();
      live.hub.dropConnections('alice');
      await until(el, 'reconnecting');
      await expect(el).to.be.accessible();
      await until(el, 'connected');
      await loginElsewhere('alice');
      await until(el, 'offline');
      await expect(el).to.be.accessible();
    });

    it('is a status live region that stays in the page while hidden', async () => {
      const el = await status();
      const badge = part(el, 'badge');
      expect(badge.getAttribute('role')).to.equal('status');
      expect(visible(el)).to.equal(false);
      live.hub.dropConnections('alice');
      await until(el, 'reconnecting');
      expect(part(el, 'badge') === badge, 'the same live region').to.equal(true);
      expect(visible(el)).to.equal(true);
    });

    it('announces "Connected" when the connection comes back, while staying hidden', async () => {
      const el = await status();
      expect(text(el, 'label')).to.equal('');
      live.hub.dropConnections('alice');
      await until(el, 'reconnecting');
      expect(text(el, 'label')).to.equal('Reconnecting…');
      await until(el, 'connected');
      expect(visible(el)).to.equal(false);
      expect(text(el, 'label')).to.equal('Connected');
    });

    it('hides the dot from assistive technology', async () => {
      const el = await status('alice', true);
      expect(part(el, 'dot').getAttribute('aria-hidden')).to.equal('true');
    });

    it('marks its texts with the language of the messages', async () => {
      const el = await status();
      expect(part(el, 'badge').getAttribute('lang')).to.equal('en');
    });
  });

  describe('properties', () => {
    it('has documented defaults', () => {
      const el = document.createElement('connection-status');
      expect(el).to.be.instanceOf(ConnectionStatus);
      expect([el.session, el.showConnected]).to.deep.equal([null, false]);
    });

    it('takes show-connected as an attribute and then shows while connected', async () => {
      const el = await status('alice', true);
      expect(el.showConnected).to.equal(true);
      expect(visible(el)).to.equal(true);
      expect(text(el, 'label')).to.equal('Connected');
    });

    it('reads the session of an enclosing <live-core-view>', async () => {
      const source = await fixture<ConnectionSource>(
        html`<connection-source .target=${{ session: live.session('alice'), liveId: null }}
          ><connection-status></connection-status
        ></connection-source>`,
      );
      const el = source.querySelector('connection-status')!;
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['connected']);
      live.hub.dropConnections('alice');
      await until(el, 'reconnecting');
    });

    it('prefers its own session over the enclosing one', async () => {
      const idle = createSession();
      extra.push(idle);
      const source = await fixture<ConnectionSource>(
        html`<connection-source .target=${{ session: live.session('alice'), liveId: live.liveId }}
          ><connection-status .session=${idle}></connection-status
        ></connection-source>`,
      );
      const el = source.querySelector('connection-status')!;
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['idle']);
    });

    it('falls back to the default session', async () => {
      setDefaultSession(live.session('alice'));
      const el = await fixture<ConnectionStatus>(
        html`<connection-status show-connected></connection-status>`,
      );
      expect(states(el)).to.deep.equal(['connected']);
    });

    it('follows a change of session', async () => {
      const el = await status();
      const fresh = createSession();
      extra.push(fresh);
      el.session = fresh;
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['idle']);
      el.session = live.session('alice');
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['connected']);
    });
  });

  describe('states', () => {
    it('idle before login: hidden, "Not connected" with show-connected', async () => {
      const session = createSession();
      extra.push(session);
      const el = await fixture<ConnectionStatus>(
        html`<connection-status .session=${session}></connection-status>`,
      );
      expect(states(el)).to.deep.equal(['idle']);
      expect(visible(el)).to.equal(false);
      el.showConnected = true;
      await el.updateComplete;
      expect(text(el, 'label')).to.equal('Not connected');
    });

    it('connecting while logging in', async () => {
      const session = createSession();
      extra.push(session);
      const el = await fixture<ConnectionStatus>(
        html`<connection-status .session=${session}></connection-status>`,
      );
      const login = session.loginStore.login({ hub: live.hub, user: testUser('zoe') });
      await el.updateComplete;
      expect(states(el)).to.deep.equal(['connecting']);
      expect(text(el, 'label')).to.equal('Connecting…');
      expect(visible(el)).to.equal(true);
      await login;
      await until(el, 'connected', session);
      expect(visible(el)).to.equal(false);
    });

    it('reconnecting after a dropped connection, with why, then connected', async () => {
      const el = await status();
      live.hub.dropConnections('alice');
      await until(el, 'reconnecting');
      expect(states(el)).to.deep.equal(['reconnecting']);
      expect(text(el, 'label')).to.equal('Reconnecting…');
      expect(text(el, 'reason')).to.equal('The connection was lost');
      await until(el, 'connected');
      expect(isShown(part(el, 'reason'))).to.equal(false);
    });

    it('reconnecting while the server is down', async () => {
      const el = await status();
      live.hub.shutdown();
      await until(el, 'reconnecting');
      expect(text(el, 'reason')).to.equal('The server closed the connection');
    });

    it('offline when the user signed in somewhere else', async () => {
      const el = await status();
      await loginElsewhere('alice');
      await until(el, 'offline');
      expect(states(el)).to.deep.equal(['offline']);
      expect([text(el, 'label'), text(el, 'reason')]).to.deep.equal([
        'Offline',
        'You signed in somewhere else',
      ]);
      expect(visible(el)).to.equal(true);
    });

    it('offline at once for a session that does not reconnect', async () => {
      const session = createSession({ reconnect: false });
      extra.push(session);
      await session.loginStore.login({ hub: live.hub, user: testUser('zoe') });
      const el = await fixture<ConnectionStatus>(
        html`<connection-status .session=${session}></connection-status>`,
      );
      live.hub.dropConnections('zoe');
      await waitFor(session.$connection, (state) => state === 'offline', 'offline');
      await el.updateComplete;
      expect([text(el, 'label'), text(el, 'reason')]).to.deep.equal(['Offline', 'The connection was lost']);
    });

    it('lets page CSS style it by state', async () => {
      const style = document.createElement('style');
      style.textContent =
        'connection-status.by-state:state(reconnecting)::part(badge) { outline: 1px solid rgb(9, 9, 9); }';
      document.head.append(style);
      try {
        const el = await status();
        el.classList.add('by-state');
        live.hub.dropConnections('alice');
        await until(el, 'reconnecting');
        expect(getComputedStyle(part(el, 'badge')).outlineColor).to.equal('rgb(9, 9, 9)');
      } finally {
        style.remove();
      }
    });

    it('does not add attributes to itself', async () => {
      const el = await status();
      live.hub.dropConnections('alice');
      await until(el, 'reconnecting');
      expect(el.getAttributeNames()).to.deep.equal([]);
    });
  });

  describe('parts', () => {
    it('exposes badge, dot, label and reason', async () => {
      const el = await status();
      for (const name of ['badge', 'dot', 'label', 'reason']) {
        expect(queryPart(el, name) !== null, name).to.equal(true);
      }
    });

    it('colours the dot by state, from its custom properties', async () => {
      const el = await fixture<ConnectionStatus>(
        html`<connection-status
          show-connected
          style="--connection-status-connected-color: rgb(0, 128, 0); --connection-status-pending-color: rgb(0, 0, 200)"
          .session=${live.session('alice')}
        ></connection-status>`,
      );
      expect(getComputedStyle(part(el, 'dot')).backgroundColor).to.equal('rgb(0, 128, 0)');
      live.hub.dropConnections('alice');
      await until(el, 'reconnecting');
      expect(getComputedStyle(part(el, 'dot')).backgroundColor).to.equal('rgb(0, 0, 200)');
    });
  });

  describe('i18n', () => {
    it('changes its texts when the locale changes at runtime', async () => {
      // The catalogs load first: while one loads, the session could reconnect and the texts under
      // test would be gone. From `until` on, only microtasks run, and a reconnect needs a timer.
      await Promise.all([loadLocale('zh-CN'), loadLocale('ko')]);
      const el = await status();
      live.hub.dropConnections('alice');
      await until(el, 'reconnecting');
      setLocale('zh-CN');
      await el.updateComplete;
      expect(text(el, 'label')).to.equal('正在重新连接…');
      expect(text(el, 'reason')).to.equal('连接已断开');
      setLocale('ko');
      await el.updateComplete;
      expect(text(el, 'label')).to.equal('다시 연결 중…');
      expect(part(el, 'badge').getAttribute('lang')).to.equal('ko');
    });
  });
});
