/**
 * Chaos run: the clients of a busy live are cut at random moments while commands are in flight.
 *
 *   node --import tsx scripts/chaos.ts [--cuts N] [--seed S]      (npm run chaos: 300 cuts)
 *
 * A server on 127.0.0.1 (a free port) holds a live with 4 seats. A host and several audience members
 * run as headless sessions (`src/core`) on `ws` sockets in this process; two more audience members
 * run in child processes. Everyone acts at a steady pace (apply, cancel, leave the seat, answer
 * invitations; the host accepts, rejects, invites, cancels and kicks). At random moments (after a
 * random number of the live's events) one client is cut: its socket destroyed (no close frame), or
 * its process killed with SIGKILL and started again for the same user. The grace period is longer
 * than any outage, so nobody may lose anything. A referee (an administrator on a raw socket that is
 * never cut) records every event. Afterwards:
 *
 * - no seat was doubled (no user on two seats in any `seats` event), none was lost
 *   (no `connectionLost`, no `hostLost`), and every seat was given to a user whose application or
 *   invitation was accepted, once per acceptance;
 * - every application and invitation has exactly one outcome (the host closes the pending ones);
 * - every client (in this process and in the children) reconnected, and its stores equal the
 *   server's snapshot.
 *
 * Seeded: the seed is printed; pass it back with `--seed` (timing still varies between runs).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { createSession, type Session } from '../src/core/index.js';
import type { WebSocketConstructor } from '../src/core/transport.js';
import type { ServerEvent, ServerMessage } from '../src/protocol/messages.js';
import type { LiveSnapshot, SeatInfo } from '../src/protocol/types.js';
import { PROTOCOL_VERSION } from '../src/protocol/version.js';
import { createServer } from '../src/server/server.js';
import { createToken } from '../src/server/token.js';
import { checkLiveEvents } from './live-invariants.js';
import { seededRun } from './seeded-run.js';

const SECRET = 'chaos-secret-0123456789abcdef0123456789abcdef';
const LIVE = 'chaos';
const WAIT_MS = 20_000;
const CHILD = fileURLToPath(new URL('./chaos-client.ts', import.meta.url));

export interface ChaosOptions {
  readonly cuts: number;
  readonly seed: number;
  /** Audience members in this process. Default 5. */
  readonly sessions?: number;
  /** Audience members in child processes. Default 2. */
  readonly processes?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosReport {
  readonly seed: number;
  readonly socketCuts: number;
  readonly processKills: number;
  readonly commands: number;
  readonly applications: number;
  readonly invitations: number;
  readonly seatsGiven: number;
  readonly events: number;
  readonly failures: string[];
  readonly seconds: number;
}

class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T | undefined {
    return items[this.int(items.length)];
  }
}

/** Load pacing (not synchronisation): how long a user waits between two actions. */
function pause(random: Random): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20 + random.int(80)));
}

/** Resolves once `check` holds, re-checked on every call of the returned `poke`; rejects after `ms`. */
function condition(
  check: () => boolean,
  what: string,
  ms = WAIT_MS,
): { done: Promise<void>; poke: () => void } {
  let poke = () => undefined as void;
  const done = new Promise<void>((resolve, reject) => {
    if (check()) {
      resolve();
      return;
    }
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    poke = () => {
      if (!check()) return;
      clearTimeout(timer);
      resolve();
    };
  });
  return { done, poke };
}

/** A headless session whose current socket can be destroyed. */
interface Member {
  readonly userId: string;
  readonly session: Session;
  socket: WebSocket | null;
}

function member(userId: string): Member {
  const holder: Member = { userId, session: null as unknown as Session, socket: null };
  class TrackedSocket extends WebSocket {
    constructor(url: string) {
      super(url, { perMessageDeflate: false });
      holder.socket = this;
    }
  }
  (holder as { session: Session }).session = createSession({
    WebSocket: TrackedSocket as unknown as WebSocketConstructor,
    reconnect: { baseDelayMs: 20, maxDelayMs: 200, jitter: 0.5 },
    requestTimeoutMs: 5_000,
  });
  return holder;
}

/** A child-process member. */
interface Child {
  readonly userId: string;
  process: ChildProcess;
  ready: Promise<void>;
  readonly messages: { type: string; [key: string]: unknown }[];
  waiters: Set<() => void>;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const random = new Random(options.seed);
  const started = performance.now();
  const failures: string[] = [];
  const warnings: string[] = [];
  const server = await createServer({
    port: 0,
    host: '127.0.0.1',
    secret: SECRET,
    // Longer than any outage of the run: nobody may lose a seat or a request.
    roomLimits: { graceMs: 120_000 },
    messagesPerSecond: 1_000,
    logger: { info: () => undefined, warn: (line) => warnings.push(line) },
  });
  const token = (userId: string) => createToken({ secret: SECRET, userId, userName: `User ${userId}` });
  const members: Member[] = [];
  const children: Child[] = [];
  let referee: WebSocket | null = null;
  let socketCuts = 0;
  let processKills = 0;
  let commands = 0;
  let acting = true;

  try {
    // ── the referee: an administrator that records every event ─────────────────────────────
    const host = member('host');
    members.push(host);
    const hostLogin = await host.session.loginStore.login({
      serverUrl: server.url,
      token: await token('host'),
    });
    if (!hostLogin.isSuccess) throw new Error(hostLogin.errorMessage);
    const created = await host.session.liveListStore.createLive({
      liveId: LIVE,
      seatMode: 'apply',
      maxSeatCount: 4,
    });
    if (!created.isSuccess) throw new Error(created.errorMessage);

    const events: ServerEvent[] = [];
    const replies = new Map<string, ServerMessage>();
    const eventWaiters = new Set<() => void>();
    referee = new WebSocket(server.url, { perMessageDeflate: false });
    const ws = referee;
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString('utf8')) as ServerMessage;
      if (message.type === 'event') events.push(message);
      if (message.type === 'reply') replies.set(message.id, message);
      for (const waiter of [...eventWaiters]) waiter();
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    let refereeId = 0;
    const refereeCommand = async (name: string, args: Record<string, unknown>): Promise<ServerMessage> => {
      const id = `ref${refereeId++}`;
      ws.send(JSON.stringify({ type: 'cmd', id, name, args }));
      const wait = condition(() => replies.has(id), `the referee's ${name}`);
      eventWaiters.add(wait.poke);
      await wait.done.finally(() => eventWaiters.delete(wait.poke));
      return replies.get(id)!;
    };
    ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: await token('referee') }));
    await refereeCommand('live.join', { liveId: LIVE });
    const made = await host.session.request('member.setAdmin', {
      liveId: LIVE,
      userId: 'referee',
      admin: true,
    });
    if (!made.isSuccess) throw new Error(made.errorMessage);

    // ── the audience ───────────────────────────────────────────────────────────────────────
    const audience: Member[] = [];
    for (let i = 0; i < (options.sessions ?? 5); i++) {
      const m = member(`viewer${i}`);
      const login = await m.session.loginStore.login({ serverUrl: server.url, token: await token(m.userId) });
      if (!login.isSuccess) throw new Error(login.errorMessage);
      const joined = await m.session.liveListStore.joinLive(LIVE);
      if (!joined.isSuccess) throw new Error(joined.errorMessage);
      audience.push(m);
      members.push(m);
    }

    const spawn = async (userId: string, previous?: Child): Promise<Child> => {
      const childProcess = fork(CHILD, [server.url, await token(userId), LIVE, String(random.int(2 ** 31))], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      const child: Child = previous ?? {
        userId,
        process: childProcess,
        ready: Promise.resolve(),
        messages: [],
        waiters: new Set(),
      };
      child.process = childProcess;
      child.messages.length = 0;
      child.ready = new Promise<void>((resolve, reject) => {
        childProcess.on('message', (message: { type: string }) => {
          if (child.process !== childProcess) return;
          child.messages.push(message);
          if (message.type === 'ready') resolve();
          if (message.type === 'failed') reject(new Error(`${userId}: ${JSON.stringify(message)}`));
          for (const waiter of [...child.waiters]) waiter();
        });
        childProcess.once('exit', () => reject(new Error(`${userId} exited before it was ready`)));
      });
      child.ready.catch(() => undefined);
      return child;
    };
    for (let i = 0; i < (options.processes ?? 2); i++) children.push(await spawn(`child${i}`));
    await Promise.all(children.map((child) => child.ready));

    // ── the workload ───────────────────────────────────────────────────────────────────────
    const audienceLoop = async (m: Member): Promise<void> => {
      const store = m.session.coGuestStore(LIVE);
      while (acting) {
        await pause(random);
        if (!acting) break;
        const self = store.coGuestState.selfStatus.get();
        const invitation = store.coGuestState.selfInvitation.get();
        const roll = random.next();
        if (invitation) {
          await (roll < 0.6
            ? store.acceptInvitation(invitation.inviter.userId)
            : store.rejectInvitation(invitation.inviter.userId));
        } else if (self === 'connected') {
          if (roll < 0.3) await store.disconnect();
          else continue;
        } else if (self === 'applying') {
          if (roll < 0.2) await store.cancelApplication();
          else continue;
        } else {
          await store.applyForSeat({ seatIndex: roll < 0.5 ? -1 : random.int(4), timeout: 0, extraInfo: '' });
        }
        commands++;
      }
    };
    const hostLoop = async (): Promise<void> => {
      const store = host.session.coGuestStore(LIVE);
      const seats = host.session.liveSeatStore(LIVE);
      while (acting) {
        await pause(random);
        if (!acting) break;
        const applicants = store.coGuestState.applicants.get();
        const invitees = store.coGuestState.invitees.get();
        const seated = store.coGuestState.connected.get().filter((user) => user.userId !== 'host');
        const candidates = store.coGuestState.candidates.get().filter((user) => user.userId !== 'referee');
        const roll = random.next();
        const applicant = random.pick(applicants);
        if (applicant && roll < 0.45) await store.acceptApplication(applicant.userId);
        else if (applicant && roll < 0.6) await store.rejectApplication(applicant.userId);
        else if (roll < 0.7 && seated.length > 0)
          await seats.kickUserOutOfSeat(random.pick(seated)?.userId ?? '');
        else if (roll < 0.85 && candidates.length > 0)
          await store.inviteToSeat({
            inviteeId: random.pick(candidates)?.userId ?? '',
            seatIndex: -1,
            timeout: 0,
          });
        else if (invitees.length > 0) await store.cancelInvitation(random.pick(invitees)?.userId ?? '');
        else continue;
        commands++;
      }
    };
    const loops = [hostLoop(), ...audience.map((m) => audienceLoop(m))];

    // ── the chaos ──────────────────────────────────────────────────────────────────────────
    const ended = () => events.some((envelope) => envelope.event.type === 'live.ended');
    for (let cut = 0; cut < options.cuts && !ended(); cut++) {
      const target = events.length + 1 + random.int(4);
      const wait = condition(() => events.length >= target, 'events between cuts', 5_000);
      eventWaiters.add(wait.poke);
      // A quiet live is cut too: the wait only spreads the cuts over the activity.
      await wait.done.catch(() => undefined).finally(() => eventWaiters.delete(wait.poke));
      const roll = random.next();
      // A child is killed once it is in the live (acting), not while it starts.
      const running = children.filter((child) => child.messages.some((m) => m.type === 'ready'));
      const child = random.pick(running);
      if (child && roll < 0.2) {
        child.process.kill('SIGKILL');
        processKills++;
        await spawn(child.userId, child);
      } else {
        const victim = roll < 0.35 ? host : (random.pick(audience) ?? host);
        if (victim.socket?.readyState === WebSocket.OPEN) {
          victim.socket.terminate();
          socketCuts++;
        }
      }
      if ((cut + 1) % 50 === 0) log(`${cut + 1} cuts, ${events.length} events, ${commands} commands`);
    }

    // ── settle ─────────────────────────────────────────────────────────────────────────────
    acting = false;
    await Promise.all(loops);
    if (ended()) {
      const end = events.find((envelope) => envelope.event.type === 'live.ended');
      throw new Error(`the live ended during the chaos: ${JSON.stringify(end?.event)}`);
    }
    for (const child of children) {
      await child.ready;
      const stopped = condition(
        () => child.messages.some((m) => m.type === 'stopped'),
        `${child.userId} to stop`,
      );
      child.waiters.add(stopped.poke);
      child.process.send({ type: 'stop' });
      await stopped.done.finally(() => child.waiters.delete(stopped.poke));
    }
    for (const m of members) {
      const connected = condition(
        () => m.session.$connection.get() === 'connected',
        `${m.userId} to reconnect`,
      );
      const stop = m.session.$connection.listen(connected.poke);
      await connected.done.finally(stop);
    }
    // Close every pending request, so each one has its outcome.
    const snapshotNow = async (): Promise<LiveSnapshot> => {
      const reply = await refereeCommand('live.join', { liveId: LIVE });
      if (reply.type !== 'reply' || !reply.result.isSuccess)
        throw new Error(`snapshot: ${JSON.stringify(reply)}`);
      const data = reply.result.data as { kind: string; snapshot?: LiveSnapshot };
      if (data.kind === 'snapshot' && data.snapshot) return data.snapshot;
      // A replay: ask for a snapshot with a sequence number from the future.
      const fresh = await refereeCommand('live.join', { liveId: LIVE, sinceSeq: Number.MAX_SAFE_INTEGER });
      return (fresh as { result: { data: { snapshot: LiveSnapshot } } }).result.data.snapshot;
    };
    let snapshot = await snapshotNow();
    for (const application of snapshot.applications) {
      const result = await host.session.coGuestStore(LIVE).rejectApplication(application.user.userId);
      if (!result.isSuccess) failures.push(`closing ${application.requestId}: ${result.errorMessage}`);
    }
    for (const invitation of snapshot.invitations) {
      const result = await host.session.coGuestStore(LIVE).cancelInvitation(invitation.invitee.userId);
      if (!result.isSuccess) failures.push(`closing ${invitation.requestId}: ${result.errorMessage}`);
    }
    snapshot = await snapshotNow();

    // ── the checks ─────────────────────────────────────────────────────────────────────────
    const seatsText = JSON.stringify(snapshot.seats);
    for (const m of members) {
      const seats = m.session.liveSeatStore(LIVE).seatList;
      const equal = condition(() => JSON.stringify(seats.get()) === seatsText, `${m.userId}'s seats`);
      const stop = seats.listen(equal.poke);
      await equal.done
        .catch(() => failures.push(`${m.userId}: seats ${JSON.stringify(seats.get())} ≠ server ${seatsText}`))
        .finally(stop);
      const own = m.session.coGuestStore(LIVE).coGuestState;
      if (m.userId === 'host') {
        if (own.applicants.get().length > 0 || own.invitees.get().length > 0)
          failures.push('host: requests left in the stores');
      } else if (own.selfApplication.get() !== null || own.selfInvitation.get() !== null) {
        failures.push(`${m.userId}: a request left in the stores`);
      }
    }
    for (const child of children) {
      const reported = condition(
        () => child.messages.some((m) => m.type === 'report'),
        `${child.userId}'s report`,
      );
      child.waiters.add(reported.poke);
      child.process.send({ type: 'report', seats: snapshot.seats });
      await reported.done
        .catch(() => failures.push(`${child.userId}: its seats never equalled the server's`))
        .finally(() => child.waiters.delete(reported.poke));
      const report = child.messages.find((m) => m.type === 'report');
      if (report && (report.connection !== 'connected' || report.application !== null)) {
        failures.push(`${child.userId}: ${JSON.stringify(report)}`);
      }
    }

    // The rules of the event stream: one outcome per request, no seat doubled or lost, one
    // seating per acceptance (shared with the hostile soak).
    const invariants = checkLiveEvents(events);
    failures.push(...invariants.failures);
    const seatedIn = (seats: readonly SeatInfo[]) =>
      seats.flatMap((seat) => (seat.userInfo ? [seat.userInfo.userId] : []));
    const finalSeated = seatedIn(snapshot.seats);
    if (new Set(finalSeated).size !== finalSeated.length) failures.push('a user on two seats at the end');
    for (const line of warnings)
      if (/hub error|failed:/.test(line)) failures.push(`server: ${line.split('\n')[0] ?? ''}`);

    return {
      seed: options.seed,
      socketCuts,
      processKills,
      commands,
      applications: invariants.applications,
      invitations: invariants.invitations,
      seatsGiven: invariants.seatsGiven,
      events: events.length,
      failures,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    acting = false;
    for (const child of children) child.process.kill('SIGKILL');
    for (const m of members) m.session.dispose();
    referee?.terminate();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  await seededRun({
    name: 'chaos',
    countFlag: '--cuts',
    countNoun: 'cuts',
    defaultCount: 300,
    run: (count, seed, log) => runChaos({ cuts: count, seed, log }),
    passed: 'no seat lost or doubled, one outcome per request, every store equals the server',
  });
}
