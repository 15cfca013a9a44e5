/**
 * B5's page: bundled by `bench/browser-benches.ts` with esbuild (production lit) and run in
 * Chromium. Everything happens in the page on a local hub; the results go to `window.b5Results`.
 */
import { LitElement, html } from 'lit';
import { createSession, type Session } from '../src/index.js';
import { createLocalHub } from '../src/local/index.js';
import '../src/index.js';

export interface B5Page {
  run(options: { applicants: number; samples: number }): Promise<Record<string, number>>;
}

declare global {
  interface Window {
    b5: B5Page;
  }
}

/** The baseline: a bare Lit element rendering one div per seat from the same store. */
class BareSeats extends LitElement {
  static override properties = { seats: { attribute: false } };
  seats: readonly { index: number; isLocked: boolean }[] = [];
  protected override render() {
    return html`${this.seats.map((seat) => html`<div class=${seat.isLocked ? 'locked' : 'open'}>${seat.index}</div>`)}`;
  }
}
customElements.define('bare-seats', BareSeats);

/** The baseline: a bare Lit element rendering the first 100 applicants as rows. */
class BareList extends LitElement {
  static override properties = { items: { attribute: false } };
  items: readonly { userId: string; userName: string }[] = [];
  protected override render() {
    return html`<ul>
      ${this.items.slice(0, 100).map((item) => html`<li>${item.userName}</li>`)}
    </ul>`;
  }
}
customElements.define('bare-list', BareList);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

function frame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

async function settled(element: Element): Promise<void> {
  const pending: Promise<unknown>[] = [];
  const visit = (root: Element | ShadowRoot) => {
    for (const child of root.querySelectorAll('*')) {
      if (child instanceof LitElement) pending.push(child.updateComplete);
      if (child.shadowRoot) visit(child.shadowRoot);
    }
  };
  if (element instanceof LitElement) await element.updateComplete;
  visit(element.shadowRoot ?? element);
  await Promise.all(pending);
}

async function session(hub: ReturnType<typeof createLocalHub>, userId: string): Promise<Session> {
  const created = createSession();
  const login = await created.loginStore.login({ hub, user: { userId, userName: userId, avatarUrl: '' } });
  if (!login.isSuccess) throw new Error(login.errorMessage);
  return created;
}

async function run(options: { applicants: number; samples: number }): Promise<Record<string, number>> {
  const hub = createLocalHub({ roomLimits: { maxMembers: 50_000, maxPendingApplications: 50_000 } });
  const host = await session(hub, 'host');
  const created = await host.liveListStore.createLive({ liveId: 'b5', maxSeatCount: 9 });
  if (!created.isSuccess) throw new Error(created.errorMessage);
  const seatStore = host.liveSeatStore('b5');
  const $seats = seatStore.seatList;

  // Seat change on <live-core-view> with 9 seats, against a bare element.
  const view = document.createElement('live-core-view');
  view.session = host;
  view.liveId = 'b5';
  view.showEmptySeats = true;
  document.body.append(view);
  const bare = document.createElement('bare-seats') as BareSeats;
  document.body.append(bare);
  await settled(view);
  // Every call toggles the lock of seat 4: each is one seat change.
  let locked = false;
  const seatChange = async (element: Element, apply: () => void) => {
    locked = !locked;
    let started = 0;
    const changed = new Promise<void>((resolve) => {
      const off = $seats.listen((seats) => {
        if (seats[4]?.isLocked !== locked) return;
        off();
        started = performance.now();
        apply();
        resolve();
      });
    });
    const result = await (locked ? seatStore.lockSeat(4) : seatStore.unlockSeat(4));
    if (!result.isSuccess) throw new Error(result.errorMessage);
    await changed;
    await settled(element);
    return performance.now() - started;
  };
  const viewTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    viewTimes.push(await seatChange(view, () => undefined));
    bareTimes.push(
      await seatChange(bare, () => {
        bare.seats = $seats.get();
      }),
    );
  }
  view.remove();
  bare.remove();

  // <applicant-list> with many applicants, against a bare list of 100 rows.
  let id = 0;
  const peer = { send: () => undefined, close: () => undefined };
  const apply = (userId: string) => {
    const connection = hub.connect({ userId, userName: userId, avatarUrl: '' }, peer);
    connection.receive(
      JSON.stringify({ type: 'cmd', id: `j${++id}`, name: 'live.join', args: { liveId: 'b5' } }),
    );
    connection.receive(
      JSON.stringify({
        type: 'cmd',
        id: `a${++id}`,
        name: 'guest.apply',
        args: { liveId: 'b5', seatIndex: -1 },
      }),
    );
  };
  const $applicants = host.coGuestStore('b5').coGuestState.applicants;
  for (let i = 0; i < options.applicants; i++) apply(`a${i}`);
  await new Promise<void>((resolve) => {
    const check = () => ($applicants.get().length >= options.applicants ? resolve() : setTimeout(check, 10));
    check();
  });
  const list = document.createElement('applicant-list');
  list.session = host;
  list.liveId = 'b5';
  list.style.height = '600px';
  list.style.display = 'block';
  let start = performance.now();
  document.body.append(list);
  await settled(list);
  await frame();
  const renderMs = performance.now() - start;
  const rows = list.shadowRoot?.querySelectorAll('[part~="row"]').length ?? -1;
  const bareList = document.createElement('bare-list') as BareList;
  start = performance.now();
  bareList.items = $applicants.get();
  document.body.append(bareList);
  await bareList.updateComplete;
  await frame();
  const bareRenderMs = performance.now() - start;
  bareList.remove();

  const arrivals: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const before = $applicants.get().length;
    const arrived = new Promise<number>((resolve) => {
      const off = $applicants.listen((applicants) => {
        if (applicants.length <= before) return;
        off();
        resolve(performance.now());
      });
    });
    apply(`late${i}`);
    const at = await arrived;
    await settled(list);
    arrivals.push(performance.now() - at);
  }
  const rowsAfter = list.shadowRoot?.querySelectorAll('[part~="row"]').length ?? -1;
  list.remove();
  hub.shutdown();
  return {
    viewSeatChangeMedianMs: median(viewTimes),
    bareSeatChangeMedianMs: median(bareTimes),
    listRenderMs: renderMs,
    bareListRenderMs: bareRenderMs,
    listArrivalMedianMs: median(arrivals),
    rowsInDom: Math.max(rows, rowsAfter),
    applicants: $applicants.get().length,
  };
}

window.b5 = { run };
