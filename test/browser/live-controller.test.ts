/**
 * LiveController: how an element finds its session and live (own property, an enclosing provider's
 * context, the default session), follows changes, and moves its listeners. ClockController and the
 * countdown helpers. Driven through real sessions on the local hub.
 */
import { ContextProvider } from '@lit/context';
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ClockController, formatDuration, secondsLeft } from '../../src/controllers/clock-controller.js';
import { liveContext, LiveController, type LiveTarget } from '../../src/controllers/live-controller.js';
import { getDefaultSession, setDefaultSession, type Session } from '../../src/core/index.js';
import { startLive, type TestLive } from './shared/live.js';

/** Shows the live it found: its id, its session's user, its applicant count and listener calls. */
@customElement('live-probe')
class LiveProbe extends LitElement {
  @property({ attribute: false }) session: Session | null = null;
  @property({ attribute: 'live-id' }) liveId: string | null = null;
  readonly received: string[] = [];
  readonly live = new LiveController(this);
  readonly applicants = this.live.bind((stores) => stores.coGuest.coGuestState.applicants, []);
  readonly user = this.live.bindSession((session) => session.loginStore.loginUserInfo);
  attached = 0;
  /** The applicant count as `willUpdate` saw it (before controllers' `hostUpdate`). */
  countInWillUpdate = -1;

  constructor() {
    super();
    this.live.listen((stores) => {
      this.attached += 1;
      const listener = {
        onApplicationReceived: (user: { userId: string }) => this.received.push(user.userId),
      };
      stores.coGuest.addHostListener(listener);
      return () => {
        this.attached -= 1;
        stores.coGuest.removeHostListener(listener);
      };
    });
  }

  protected override willUpdate(): void {
    this.countInWillUpdate = this.applicants.value.length;
  }

  protected override render() {
    return html`<span id="live">${this.live.liveId ?? '-'}</span
      ><span id="user">${this.user.value?.userId ?? '-'}</span
      ><span id="count">${this.applicants.value.length}</span>`;
  }

  text(id: string): string {
    return this.renderRoot.querySelector(`#${id}`)?.textContent ?? '';
  }
}

/** Provides a live to its subtree, as `<live-core-view>` does. */
class LiveSource extends LitElement {
  readonly provider = new ContextProvider(this, { context: liveContext });
  set target(value: LiveTarget | undefined) {
    this.provider.setValue(value);
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}
customElements.define('live-source', LiveSource);

async function settled(probe: LiveProbe): Promise<void> {
  await probe.updateComplete;
}

describe('LiveController', () => {
  let live: TestLive;

  beforeEach(async () => {
    live = await startLive({ audience: ['alice', 'bob'] });
  });

  afterEach(() => {
    live.close();
    setDefaultSession(null);
  });

  it('reads the live of its own session and live-id', async () => {
    await live.apply('alice');
    const probe = await fixture<LiveProbe>(
      html`<live-probe .session=${live.host} live-id=${live.liveId}></live-probe>`,
    );
    expect(probe.text('live')).to.equal('room');
    expect(probe.text('user')).to.equal('host');
    expect(probe.text('count')).to.equal('1');
  });

  it('reads the fallback and the default session without a live', async () => {
    const probe = await fixture<LiveProbe>(html`<live-probe></live-probe>`);
    expect(probe.live.session === getDefaultSession()).to.equal(true);
    expect(probe.text('live')).to.equal('-');
    expect(probe.text('count')).to.equal('0');
    expect(probe.attached).to.equal(0);
  });

  it('takes the live from an enclosing provider, and its own properties win', async () => {
    const source = await fixture<LiveSource>(
      html`<live-source .target=${{ session: live.host, liveId: live.liveId }}
        ><live-probe></live-probe><live-probe id="own" live-id="elsewhere"></live-probe
      ></live-source>`,
    );
    const [inherited, own] = Array.from(source.querySelectorAll('live-probe'));
    await settled(inherited!);
    await settled(own!);
    expect(inherited!.text('live')).to.equal('room');
    expect(inherited!.text('user')).to.equal('host');
    expect(own!.text('live')).to.equal('elsewhere');
    expect(own!.text('user')).to.equal('host');
  });

  it('follows the provider to another session and moves its listeners', async () => {
    const source = await fixture<LiveSource>(
      html`<live-source .target=${{ session: live.host, liveId: live.liveId }}
        ><live-probe></live-probe
      ></live-source>`,
    );
    const probe = source.querySelector('live-probe')!;
    await settled(probe);
    expect(probe.attached).to.equal(1);
    source.target = { session: live.session('alice'), liveId: live.liveId };
    await settled(probe);
    expect(probe.text('user')).to.equal('alice');
    expect(probe.attached).to.equal(1);
    source.target = { session: live.host, liveId: live.liveId };
    await settled(probe);
    await live.apply('bob');
    await probe.updateComplete;
    expect(probe.received).to.deep.equal(['bob']);
    expect(probe.text('count')).to.equal('1');
  });

  it('follows a change of its own live-id and session', async () => {
    await live.apply('alice');
    const probe = await fixture<LiveProbe>(html`<live-probe .session=${live.host}></live-probe>`);
    expect(probe.text('count')).to.equal('0');
    probe.liveId = live.liveId;
    await settled(probe);
    expect(probe.text('count')).to.equal('1');
    probe.session = live.session('bob');
    await settled(probe);
    expect(probe.text('user')).to.equal('bob');
    // An audience member sees only their own application: none.
    expect(probe.text('count')).to.equal('0');
  });

  it('already reads the new live in willUpdate after live-id changes', async () => {
    await live.apply('alice');
    const probe = await fixture<LiveProbe>(html`<live-probe .session=${live.host}></live-probe>`);
    expect(probe.countInWillUpdate).to.equal(0);
    probe.liveId = live.liveId;
    await settled(probe);
    expect(probe.countInWillUpdate).to.equal(1);
  });

  it('detaches its listeners while disconnected and attaches them again on reconnect', async () => {
    const probe = await fixture<LiveProbe>(
      html`<live-probe .session=${live.host} live-id=${live.liveId}></live-probe>`,
    );
    const parent = probe.parentElement!;
    probe.remove();
    expect(probe.attached).to.equal(0);
    await live.apply('alice');
    expect(probe.received).to.deep.equal([]);
    parent.append(probe);
    await settled(probe);
    expect(probe.attached).to.equal(1);
    expect(probe.text('count')).to.equal('1');
    await live.apply('bob');
    expect(probe.received).to.deep.equal(['bob']);
  });
});

describe('ClockController', () => {
  class ClockProbe extends LitElement {
    now = 1_000;
    readonly clock = new ClockController(this, () => this.now);
    renders = 0;
    protected override render() {
      this.renders += 1;
      return html`${this.clock.now()}`;
    }
  }
  customElements.define('clock-probe', ClockProbe);

  it('reads the given clock', async () => {
    const probe = await fixture<ClockProbe>(html`<clock-probe></clock-probe>`);
    expect(probe.clock.now()).to.equal(1_000);
    expect(probe.shadowRoot!.textContent).to.contain('1000');
  });

  it('updates its host every second only while running and connected', async () => {
    const probe = await fixture<ClockProbe>(html`<clock-probe></clock-probe>`);
    const before = probe.renders;
    probe.clock.running = true;
    probe.now = 1_500;
    // The next tick is a real timer: wait for the render it causes, not for a fixed time.
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (probe.renders > before) resolve();
        else requestAnimationFrame(check);
      };
      check();
    });
    expect(probe.shadowRoot!.textContent).to.contain('1500');
    probe.clock.running = false;
    expect(probe.clock.running).to.equal(false);
  });
});

describe('countdown helpers', () => {
  it('secondsLeft rounds up and stops at zero', () => {
    const table: [number | null, number, number | null][] = [
      [null, 0, null],
      [10_000, 0, 10],
      [10_000, 9_001, 1],
      [10_000, 9_000, 1],
      [10_000, 10_000, 0],
      [10_000, 12_000, 0],
      [10_500, 0, 11],
    ];
    for (const [deadline, now, expected] of table) expect(secondsLeft(deadline, now)).to.equal(expected);
  });

  it('formatDuration reads m:ss and h:mm:ss', () => {
    const table: [number, string][] = [
      [0, '0:00'],
      [-5, '0:00'],
      [7_999, '0:07'],
      [750_000, '12:30'],
      [3_723_000, '1:02:03'],
    ];
    for (const [ms, expected] of table) expect(formatDuration(ms)).to.equal(expected);
  });
});

declare global {
  interface HTMLElementTagNameMap {
    'live-probe': LiveProbe;
    'live-source': LiveSource;
  }
}
