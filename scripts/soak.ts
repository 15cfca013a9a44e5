/**
 * Soak run: a busy live for a bounded time, with the server's memory and handles sampled over it.
 *
 *   node --import tsx scripts/soak.ts [--minutes 10] [--sample-seconds 30] [--users 12]
 *   (npm run soak)
 *   node --import tsx scripts/soak.ts --hostile [--minutes 10] [--sample-seconds 20] [--users 12]
 *   (npm run soak -- --hostile: the same live among hostile clients, below)
 *
 * The server runs in a child process (so that its figures are its own) on a free loopback port. In
 * this process a host and `--users` audience members (headless sessions on `ws`) keep a live busy
 * at a steady rate: applications, accepts, rejects, kicks, invitations, leaving seats, members
 * leaving and joining again, dropped connections that reconnect (within the grace period), and every
 * two minutes the live is ended and a new one created. Every `--sample-seconds` the server reports,
 * after a forced GC, its heap, RSS, active handles, open lives and connections.
 *
 * Verdict: once warm (after the first fifth of the run), the heap of the last third is compared
 * with the heap of the first warm third; growth above 20 % (and above 4 MB) fails the run, as does
 * any growth of handles, lives or connections between the first and last warm samples. Prints a
 * Markdown table of the samples.
 *
 * `--hostile` keeps the same busy live (its host and members acting as above, an administrator on a
 * raw socket recording every event) among clients that are not well behaved, all on loopback and
 * bounded in number:
 *
 * - slow readers: every 30 s three users from 127.0.0.200 join the live, stop reading their socket
 *   and keep asking for the live list (10 a second, for at most a minute); the server must cut them
 *   (4010 past `maxBufferedBytes`, or the heartbeat) and free what they held;
 * - pre-hello floods: every 15 s, 40 sockets from each of 127.0.0.2–9 that never say hello; past 32
 *   per address they are refused (HTTP 429), the others closed after the handshake timeout (4003);
 * - `live.list` pressure: 10 more users own 3 lives each (the cap), with the longest names and 1 KiB
 *   avatars, and members page through the whole list in pages of 10 while they act.
 *
 * Verdict: every command of the legitimate clients got its reply (none timed out); once the load
 * stops, their stores equal the server's snapshot; the event stream of every live keeps the rules
 * of `scripts/live-invariants.ts` (only slow readers may be lost to their connection); every page
 * of the list holds each live once, the owners' lives all there; no slow reader or flood socket
 * outlived its bound, no legitimate client was cut, no hub error; and the server's memory is flat
 * once warm: the maximum heap (after a forced GC) of the last third of the samples is within 15 %
 * or 3 MB of the middle third's, the maximum RSS within 25 % or 24 MB (the first third is the
 * warm-up). Prints the samples and the figures as Markdown and JSON.
 */
import { fork } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { createSession, ErrorCode, type Result, type Session } from '../src/core/index.js';
import type { WebSocketConstructor } from '../src/core/transport.js';
import type { ServerEvent, ServerMessage } from '../src/protocol/messages.js';
import type { LiveSnapshot } from '../src/protocol/types.js';
import { PROTOCOL_VERSION } from '../src/protocol/version.js';
import { createServer, type ServerLogger } from '../src/server/server.js';
import { createToken } from '../src/server/token.js';
import { checkLiveEvents } from './live-invariants.js';

const SECRET = 'soak-secret-0123456789abcdef0123456789abcdef';

interface Sample {
  readonly second: number;
  readonly heapMB: number;
  readonly rssMB: number;
  readonly handles: number;
  readonly lives: number;
  readonly connections: number;
  readonly commands: number;
}

// ── the server side (a child process) ──────────────────────────────────────────────────────

async function serverMain(hostile: boolean): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const watch = hostile ? watchServerLog() : null;
  const server = await createServer({
    port: 0,
    host: '127.0.0.1',
    secret: SECRET,
    roomLimits: { graceMs: 10_000 },
    ...(watch ? { logger: watch.logger } : {}),
  });
  process.send?.({ type: 'listening', url: server.url, httpUrl: server.httpUrl });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'sample') {
      gc();
      gc();
      const memory = process.memoryUsage();
      process.send?.({
        type: 'sample',
        heapMB: memory.heapUsed / 2 ** 20,
        rssMB: memory.rss / 2 ** 20,
        buffersMB: memory.arrayBuffers / 2 ** 20,
        handles: process.getActiveResourcesInfo().length,
        lives: server.hub.liveCount,
        connections: server.hub.connectionCount,
        ...(watch ? { log: watch.counts() } : {}),
      });
    } else if (message.type === 'stop') {
      void server.close().then(() => process.exit(0));
    }
  });
}

// ── the load (this process) ────────────────────────────────────────────────────────────────

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

interface Member {
  readonly userId: string;
  readonly session: Session;
  socket: WebSocket | null;
}

function member(userId: string): Member {
  const holder = { userId, session: null as unknown as Session, socket: null as WebSocket | null };
  class TrackedSocket extends WebSocket {
    constructor(url: string) {
      super(url, { perMessageDeflate: false });
      holder.socket = this;
    }
  }
  holder.session = createSession({
    WebSocket: TrackedSocket as unknown as WebSocketConstructor,
    reconnect: { baseDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 },
  });
  return holder;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const round = (n: number): number => Math.round(n * 10) / 10;

async function loadMain(): Promise<void> {
  const minutes = argument('--minutes', 10);
  const sampleSeconds = argument('--sample-seconds', 30);
  const users = argument('--users', 12);
  const child = fork(fileURLToPath(import.meta.url), ['--server'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: { type: string; [key: string]: unknown }[] = [];
  const waiters = new Set<() => void>();
  child.on('message', (message: { type: string }) => {
    replies.push(message);
    for (const waiter of [...waiters]) waiter();
  });
  const next = (type: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} from the server`)), 30_000);
      const check = () => {
        const index = replies.findIndex((message) => message.type === type);
        if (index < 0) return;
        const [found] = replies.splice(index, 1);
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found ?? {});
      };
      waiters.add(check);
      check();
    });
  const { url } = (await next('listening')) as { url: string };
  console.log(`soak: ${minutes} min, ${users} audience members, server ${url}`);

  const token = (userId: string) => createToken({ secret: SECRET, userId, userName: `User ${userId}` });
  const host = member('host');
  const audience = Array.from({ length: users }, (_, i) => member(`viewer${i}`));
  for (const m of [host, ...audience]) {
    const login = await m.session.loginStore.login({ serverUrl: url, token: await token(m.userId) });
    if (!login.isSuccess) throw new Error(login.errorMessage);
  }
  let liveNumber = 0;
  let liveId = '';
  let commands = 0;
  const failures: string[] = [];
  const newLive = async () => {
    if (liveId) await host.session.liveListStore.endLive();
    liveId = `soak-${liveNumber++}`;
    const created = await host.session.liveListStore.createLive({
      liveId,
      seatMode: 'apply',
      maxSeatCount: 6,
    });
    if (!created.isSuccess) failures.push(`create: ${created.errorMessage}`);
    for (const m of audience) await m.session.liveListStore.joinLive(liveId);
  };
  await newLive();

  const started = performance.now();
  const endAt = started + minutes * 60_000;
  let running = true;
  let step = 0;
  // One action every 50 ms across the live: about 20 commands a second.
  const load = (async () => {
    while (running) {
      await delay(50);
      step++;
      const m = audience[step % audience.length]!;
      const store = m.session.coGuestStore(liveId);
      const hostStore = host.session.coGuestStore(liveId);
      try {
        if (step % 2400 === 0) {
          await newLive();
        } else if (step % 97 === 0 && m.socket?.readyState === WebSocket.OPEN) {
          m.socket.terminate(); // a dropped connection; the session reconnects within the grace period
        } else if (step % 61 === 0) {
          await m.session.liveListStore.leaveLive();
          await m.session.liveListStore.joinLive(liveId);
        } else if (step % 3 === 0) {
          const applicant = hostStore.coGuestState.applicants.get()[0];
          const seated = hostStore.coGuestState.connected.get().filter((user) => user.userId !== 'host');
          if (applicant && step % 9 !== 0) await hostStore.acceptApplication(applicant.userId);
          else if (applicant) await hostStore.rejectApplication(applicant.userId);
          else if (seated.length > 2)
            await host.session.liveSeatStore(liveId).kickUserOutOfSeat(seated[0]?.userId ?? '');
          else {
            const candidate = hostStore.coGuestState.candidates.get()[0];
            if (candidate)
              await hostStore.inviteToSeat({ inviteeId: candidate.userId, seatIndex: -1, timeout: 5 });
          }
        } else {
          const invitation = store.coGuestState.selfInvitation.get();
          const status = store.coGuestState.selfStatus.get();
          if (invitation) await store.acceptInvitation(invitation.inviter.userId);
          else if (status === 'connected' && step % 4 === 0) await store.disconnect();
          else if (status === 'idle') await store.applyForSeat({ timeout: 30, extraInfo: 'soak' });
        }
        commands++;
      } catch (error) {
        failures.push(String(error));
      }
    }
  })();

  const samples: Sample[] = [];
  while (performance.now() < endAt) {
    const wait = Math.min(sampleSeconds * 1000, endAt - performance.now());
    await delay(wait);
    child.send({ type: 'sample' });
    const sample = (await next('sample')) as Omit<Sample, 'second' | 'commands'>;
    const row: Sample = {
      second: Math.round((performance.now() - started) / 1000),
      heapMB: round(sample.heapMB),
      rssMB: round(sample.rssMB),
      handles: sample.handles,
      lives: sample.lives,
      connections: sample.connections,
      commands,
    };
    samples.push(row);
    console.log(`  ${JSON.stringify(row)}`);
  }
  running = false;
  await load;
  for (const m of [host, ...audience]) m.session.dispose();
  child.send({ type: 'stop' });

  const warm = samples.filter((sample) => sample.second >= (minutes * 60) / 5);
  const third = Math.max(1, Math.floor(warm.length / 3));
  const mean = (list: readonly Sample[]) =>
    list.reduce((sum, s) => sum + s.heapMB, 0) / Math.max(1, list.length);
  const early = mean(warm.slice(0, third));
  const late = mean(warm.slice(-third));
  const last = warm[warm.length - 1];
  const growth = late - early;
  if (growth > 4 && growth / early > 0.2)
    failures.push(`heap grew from ${round(early)} MB to ${round(late)} MB once warm`);
  // Handles: one per socket and a few timers; a sample may catch a reconnect in progress.
  const earlyHandles = Math.max(...warm.slice(0, third).map((s) => s.handles));
  if (last && last.handles > earlyHandles + 2)
    failures.push(`handles grew from ${earlyHandles} to ${last.handles}`);
  for (const s of warm) {
    if (s.lives > 1) failures.push(`${s.lives} lives open at ${s.second} s (one expected)`);
    if (s.connections > users + 1) failures.push(`${s.connections} connections at ${s.second} s`);
  }
  console.log('\n| second | heap MB | RSS MB | handles | lives | connections | commands |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of samples) {
    console.log(
      `| ${s.second} | ${s.heapMB} | ${s.rssMB} | ${s.handles} | ${s.lives} | ${s.connections} | ${s.commands} |`,
    );
  }
  console.log(
    `\nwarm heap: first third ${round(early)} MB, last third ${round(late)} MB (${round(growth)} MB); ${commands} commands, ${liveNumber} lives`,
  );
  if (failures.length > 0) {
    console.error(`soak: ${failures.length} failures\n${failures.slice(0, 20).join('\n')}`);
    process.exit(1);
  }
  console.log('soak: no growth once warm');
}

// ── the hostile mode ─────────────────────────────────────────────────────────────────────────

/** Where the slow readers connect from; the legitimate clients use 127.0.0.1. */
const SLOW_ADDRESS = '127.0.0.200';
/** Where the pre-hello floods connect from, one address per group of sockets. */
const FLOOD_ADDRESSES = Array.from({ length: 8 }, (_, i) => `127.0.0.${2 + i}`);

/** What the server's log says, counted in the server process (`--hostile`). */
interface LogCounts {
  /** Slow readers by what cut them first: 4010 (too much unsent data) or the heartbeat. */
  readonly slowCut4010: number;
  readonly slowCutHeartbeat: number;
  /** Cuts of a legitimate client (127.0.0.1): must stay 0. */
  readonly legitimateCut: number;
  /** Upgrades refused, by reason. */
  readonly refusedPerAddress: number;
  readonly refusedServerWide: number;
  readonly hubErrors: readonly string[];
}

/** A logger that counts the lines the hostile soak checks. */
function watchServerLog(): { logger: ServerLogger; counts: () => LogCounts } {
  const firstCut = new Map<string, '4010' | 'heartbeat'>();
  let legitimateCut = 0;
  let refusedPerAddress = 0;
  let refusedServerWide = 0;
  const hubErrors: string[] = [];
  const line = (text: string): void => {
    const cut =
      /^closing (\S+): more than .* does not read/.exec(text) ??
      /^dropping (\S+): missed heartbeat/.exec(text);
    if (cut) {
      const remote = cut[1] ?? '';
      if (remote.startsWith(`${SLOW_ADDRESS}:`)) {
        if (!firstCut.has(remote)) firstCut.set(remote, text.startsWith('closing') ? '4010' : 'heartbeat');
      } else {
        legitimateCut++;
      }
    } else if (text.startsWith('refused upgrade from')) {
      if (/too many (handshakes in progress|connections) from/.test(text)) refusedPerAddress++;
      else refusedServerWide++;
    } else if (text.startsWith('hub error') && hubErrors.length < 5) {
      hubErrors.push(text.split('\n')[0] ?? text);
    }
  };
  return {
    logger: { info: line, warn: line },
    counts: () => ({
      slowCut4010: [...firstCut.values()].filter((why) => why === '4010').length,
      slowCutHeartbeat: [...firstCut.values()].filter((why) => why === 'heartbeat').length,
      legitimateCut,
      refusedPerAddress,
      refusedServerWide,
      hubErrors,
    }),
  };
}

interface HostileSample extends Sample {
  readonly buffersMB: number;
  readonly log: LogCounts;
}

/** The tally of the legitimate clients' commands. */
class Tally {
  ok = 0;
  refused = 0;
  disconnected = 0;
  readonly timedOut: string[] = [];
  readonly byCode = new Map<string, number>();

  /** Counts one result of `what`; a refusal is an answer too, only a missing reply is not. */
  count(what: string, result: Result<unknown>): void {
    if (result.isSuccess) {
      this.ok++;
    } else if (result.errorCode === ErrorCode.SERVER_TIMEOUT) {
      this.timedOut.push(`${what}: ${result.errorMessage}`);
    } else if (result.errorCode === ErrorCode.DISCONNECTED) {
      // The run drops connections on purpose; a command sent meanwhile is refused at once.
      this.disconnected++;
    } else {
      this.refused++;
      const code = String(result.errorCode);
      this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1);
    }
  }
}

/** The referee: an administrator on a raw socket that records every event of every live. */
async function referee(url: string, tokenText: string) {
  const events = new Map<string, ServerEvent[]>();
  const replies = new Map<string, ServerMessage>();
  const waiters = new Set<() => void>();
  const ws = new WebSocket(url, { perMessageDeflate: false });
  ws.on('error', () => undefined);
  ws.on('message', (data) => {
    const message = JSON.parse((data as Buffer).toString('utf8')) as ServerMessage;
    if (message.type === 'event') {
      let list = events.get(message.liveId);
      if (!list) events.set(message.liveId, (list = []));
      list.push(message);
    } else if (message.type === 'batch') {
      throw new Error('the soak expects no batch (a small live)');
    } else if (message.type === 'reply') {
      replies.set(message.id, message);
    }
    for (const waiter of [...waiters]) waiter();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: tokenText }));
  let nextId = 0;
  /** Resolves once `check` holds (re-checked on each message); rejects after 20 s. */
  const until = (check: () => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const poke = () => {
        if (!check()) return;
        waiters.delete(poke);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(poke);
        reject(new Error(`referee: timed out waiting for ${what}`));
      }, 20_000);
      waiters.add(poke);
      poke();
    });
  const command = async (name: string, args: Record<string, unknown>) => {
    const id = `ref${nextId++}`;
    ws.send(JSON.stringify({ type: 'cmd', id, name, args }));
    await until(() => replies.has(id), `the reply to ${name}`);
    const reply = replies.get(id);
    replies.delete(id);
    if (reply?.type !== 'reply' || !reply.result.isSuccess)
      throw new Error(`referee ${name}: ${JSON.stringify(reply)}`);
    return reply.result.data;
  };
  return {
    events,
    until,
    join: (liveId: string) => command('live.join', { liveId }),
    /** What the server holds of `liveId` now, as a manager sees it. */
    snapshot: async (liveId: string): Promise<LiveSnapshot> => {
      // A join from the future (`sinceSeq` past the live's seq) always answers with a snapshot.
      const data = (await command('live.join', { liveId, sinceSeq: Number.MAX_SAFE_INTEGER })) as {
        snapshot: LiveSnapshot;
      };
      return data.snapshot;
    },
    close: () => ws.terminate(),
  };
}

/**
 * One slow reader: joins `liveId` from `SLOW_ADDRESS`, stops reading its socket and asks for the
 * live list ten times a second, until the server cuts it or a minute has passed. Resolves with
 * whether its socket was still open at the end (the server never cut it).
 */
async function slowReader(url: string, tokenText: string, liveId: string): Promise<boolean> {
  const ws = new WebSocket(url, { perMessageDeflate: false, localAddress: SLOW_ADDRESS });
  ws.on('error', () => undefined);
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('close', () => resolve(false));
  });
  if (!opened) return false;
  ws.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token: tokenText }));
  ws.send(JSON.stringify({ type: 'cmd', id: 'join', name: 'live.join', args: { liveId } }));
  await new Promise<void>((resolve) => {
    const onMessage = (data: Buffer) => {
      if (!data.toString('utf8').includes('"id":"join"')) return;
      ws.off('message', onMessage);
      resolve();
    };
    ws.on('message', onMessage);
    setTimeout(resolve, 5_000);
  });
  // From now on the client reads nothing: what the server sends waits in its buffers.
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  let closed = false;
  const socket = (ws as unknown as { _socket: { once(event: string, listener: () => void): void } })._socket;
  socket.once('close', () => (closed = true));
  const stopAt = performance.now() + 60_000;
  for (let i = 0; !closed && performance.now() < stopAt; i++) {
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: 'cmd', id: `list${i}`, name: 'live.list', args: { count: 50 } }));
    }
    await delay(100);
  }
  const outlived = !closed;
  ws.terminate();
  return outlived;
}

/** One socket that never says hello: what became of it (`429`, `503`, a close code, `stuck`). */
function floodSocket(url: string, localAddress: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, localAddress });
    let done = false;
    const finish = (outcome: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.terminate();
      resolve(outcome);
    };
    // The server closes it after its handshake timeout (5 s); past 10 s it is stuck.
    const timer = setTimeout(() => finish('stuck'), 10_000);
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_request, response) => finish(String(response.statusCode)));
    ws.on('close', (code) => finish(String(code)));
  });
}

async function hostileMain(): Promise<void> {
  const minutes = argument('--minutes', 10);
  const sampleSeconds = argument('--sample-seconds', 20);
  const users = argument('--users', 12);
  const child = fork(fileURLToPath(import.meta.url), ['--server', '--hostile'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const fromServer: { type: string; [key: string]: unknown }[] = [];
  const serverWaiters = new Set<() => void>();
  child.on('message', (message: { type: string }) => {
    fromServer.push(message);
    for (const waiter of [...serverWaiters]) waiter();
  });
  const next = (type: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} from the server`)), 30_000);
      const check = () => {
        const index = fromServer.findIndex((message) => message.type === type);
        if (index < 0) return;
        const [found] = fromServer.splice(index, 1);
        serverWaiters.delete(check);
        clearTimeout(timer);
        resolve(found ?? {});
      };
      serverWaiters.add(check);
      check();
    });
  const { url } = (await next('listening')) as { url: string };
  console.log(`soak --hostile: ${minutes} min, ${users} audience members, server ${url}`);

  const failures: string[] = [];
  const tally = new Tally();
  const token = (userId: string, long = false) =>
    createToken({
      secret: SECRET,
      userId,
      userName: long ? `${userId} `.padEnd(64, 'N') : `User ${userId}`,
      avatarUrl: long ? `https://avatars.example/${'a'.repeat(1_000)}` : '',
    });
  const login = async (m: Member, long = false) => {
    const result = await m.session.loginStore.login({ serverUrl: url, token: await token(m.userId, long) });
    if (!result.isSuccess) throw new Error(`${m.userId}: ${result.errorMessage}`);
  };

  // The owners of the lives to list: 10 users, 3 lives each (the cap), the longest names.
  const owners = Array.from({ length: 10 }, (_, i) => member(`owner${i}`));
  const ownerLives = new Set<string>();
  for (const [i, m] of owners.entries()) {
    await login(m, true);
    for (let n = 0; n < 3; n++) {
      const liveId = `listed-${i}-${n}`;
      const created = await m.session.request('live.create', {
        liveId,
        liveName: `${liveId} `.padEnd(64, 'L'),
      });
      if (!created.isSuccess) throw new Error(`${liveId}: ${created.errorMessage}`);
      ownerLives.add(liveId);
    }
    const more = await m.session.request('live.create', { liveId: `listed-${i}-more` });
    if (more.errorCode !== ErrorCode.LIMIT_EXCEEDED)
      failures.push(`owner${i}: a fourth live was not refused`);
  }

  // The busy live: its host, its members and the referee.
  const judge = await referee(url, await token('referee'));
  const host = member('host');
  const audience = Array.from({ length: users }, (_, i) => member(`viewer${i}`));
  for (const m of [host, ...audience]) await login(m);
  let liveNumber = 0;
  let liveId = '';
  const lives: string[] = [];
  const newLive = async () => {
    if (liveId) tally.count('live.end', await host.session.liveListStore.endLive());
    liveId = `soak-${liveNumber++}`;
    lives.push(liveId);
    const created = await host.session.liveListStore.createLive({
      liveId,
      seatMode: 'apply',
      maxSeatCount: 6,
    });
    if (!created.isSuccess) failures.push(`create ${liveId}: ${created.errorMessage}`);
    await judge.join(liveId);
    tally.count(
      'member.setAdmin',
      await host.session.request('member.setAdmin', { liveId, userId: 'referee', admin: true }),
    );
    for (const m of audience) tally.count('joinLive', await m.session.liveListStore.joinLive(liveId));
  };
  await newLive();

  const started = performance.now();
  const endAt = started + minutes * 60_000;
  let running = true;
  let pages = 0;
  // The busy live, as in the plain soak (one action every 50 ms), with the live list paged through.
  const load = (async () => {
    for (let step = 1; running; step++) {
      await delay(50);
      const m = audience[step % audience.length]!;
      const store = m.session.coGuestStore(liveId);
      const hostStore = host.session.coGuestStore(liveId);
      if (step % 2400 === 0) {
        await newLive();
      } else if (step % 97 === 0 && m.socket?.readyState === WebSocket.OPEN) {
        m.socket.terminate(); // a dropped connection; the session reconnects within the grace period
      } else if (step % 61 === 0) {
        tally.count('leaveLive', await m.session.liveListStore.leaveLive());
        tally.count('joinLive', await m.session.liveListStore.joinLive(liveId));
      } else if (step % 23 === 0) {
        // The whole list, in pages of 10: each live once, every owner's live there.
        const seen: string[] = [];
        let cursor = '';
        do {
          const page = await m.session.liveListStore.fetchLiveList(cursor, 10);
          tally.count('fetchLiveList', page);
          if (!page.isSuccess) break;
          pages++;
          seen.push(...page.data.lives.map((live) => live.liveId));
          cursor = page.data.nextCursor;
        } while (cursor !== '');
        if (new Set(seen).size !== seen.length) failures.push(`a live listed twice: ${seen.join(',')}`);
        if (seen.length > 0 && [...ownerLives].some((id) => !seen.includes(id)))
          failures.push(`an owner's live missing from the list: ${seen.join(',')}`);
      } else if (step % 3 === 0) {
        const applicant = hostStore.coGuestState.applicants.get()[0];
        const seated = hostStore.coGuestState.connected.get().filter((user) => user.userId !== 'host');
        if (applicant && step % 9 !== 0)
          tally.count('accept', await hostStore.acceptApplication(applicant.userId));
        else if (applicant) tally.count('reject', await hostStore.rejectApplication(applicant.userId));
        else if (seated.length > 2)
          tally.count(
            'kick',
            await host.session.liveSeatStore(liveId).kickUserOutOfSeat(seated[0]?.userId ?? ''),
          );
        else {
          const candidate = hostStore.coGuestState.candidates
            .get()
            .find((user) => user.userId.startsWith('viewer'));
          if (candidate)
            tally.count(
              'invite',
              await hostStore.inviteToSeat({ inviteeId: candidate.userId, seatIndex: -1, timeout: 5 }),
            );
        }
      } else {
        const invitation = store.coGuestState.selfInvitation.get();
        const status = store.coGuestState.selfStatus.get();
        if (invitation)
          tally.count('acceptInvitation', await store.acceptInvitation(invitation.inviter.userId));
        else if (status === 'connected' && step % 4 === 0)
          tally.count('disconnect', await store.disconnect());
        else if (status === 'idle')
          tally.count('apply', await store.applyForSeat({ timeout: 30, extraInfo: 'soak' }));
      }
    }
  })();

  // Slow readers: three every 30 s, each for at most a minute.
  let slowStarted = 0;
  let slowOutlived = 0;
  const slowRuns: Promise<void>[] = [];
  const slow = (async () => {
    while (running) {
      for (let i = 0; i < 3; i++) {
        const userId = `slow${slowStarted++}`;
        const tokenText = await token(userId);
        slowRuns.push(
          slowReader(url, tokenText, liveId).then((outlived) => {
            if (outlived) slowOutlived++;
          }),
        );
      }
      await delay(30_000);
    }
  })();

  // Pre-hello floods: every 15 s, 40 sockets from each of 8 addresses.
  const floods = new Map<string, number>();
  const flood = (async () => {
    while (running) {
      const wave = FLOOD_ADDRESSES.flatMap((address) =>
        Array.from({ length: 40 }, () => floodSocket(url, address)),
      );
      for (const outcome of await Promise.all(wave)) floods.set(outcome, (floods.get(outcome) ?? 0) + 1);
      await delay(15_000);
    }
  })();

  const samples: HostileSample[] = [];
  while (performance.now() < endAt) {
    await delay(Math.min(sampleSeconds * 1000, endAt - performance.now()));
    child.send({ type: 'sample' });
    const sample = (await next('sample')) as unknown as Omit<HostileSample, 'second' | 'commands'>;
    const row: HostileSample = {
      second: Math.round((performance.now() - started) / 1000),
      heapMB: round(sample.heapMB),
      rssMB: round(sample.rssMB),
      buffersMB: round(sample.buffersMB),
      handles: sample.handles,
      lives: sample.lives,
      connections: sample.connections,
      commands: tally.ok + tally.refused,
      log: sample.log,
    };
    samples.push(row);
    console.log(`  ${JSON.stringify({ ...row, log: undefined, ...row.log })}`);
  }
  running = false;
  await Promise.all([load, slow, flood]);
  await Promise.all(slowRuns);

  // ── the legitimate clients end where the server is ───────────────────────────────────────
  for (const m of [host, ...audience, ...owners]) {
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${m.userId} did not reconnect`)), 20_000);
      const check = () => {
        if (m.session.$connection.get() !== 'connected') return;
        clearTimeout(timer);
        stop();
        resolve();
      };
      const stop = m.session.$connection.listen(check);
      check();
    });
    await connected.catch((error: unknown) => failures.push(String(error)));
  }
  const snapshot = await judge.snapshot(liveId);
  const seatsText = JSON.stringify(snapshot.seats);
  const applicants = new Set(snapshot.applications.map((application) => application.user.userId));
  const invitees = new Set(snapshot.invitations.map((invitation) => invitation.invitee.userId));
  for (const m of [host, ...audience]) {
    const seats = m.session.liveSeatStore(liveId).seatList;
    const own = m.session.coGuestStore(liveId).coGuestState;
    const matches = () => {
      if (JSON.stringify(seats.get()) !== seatsText) return false;
      if (m === host) {
        const hostApplicants = own.applicants.get().map((user) => user.userId);
        const hostInvitees = own.invitees.get().map((user) => user.userId);
        return (
          hostApplicants.length === applicants.size &&
          hostApplicants.every((id) => applicants.has(id)) &&
          hostInvitees.length === invitees.size &&
          hostInvitees.every((id) => invitees.has(id))
        );
      }
      return (
        (own.selfApplication.get() !== null) === applicants.has(m.userId) &&
        (own.selfInvitation.get() !== null) === invitees.has(m.userId)
      );
    };
    // Events may still be on their way: wait (bounded) for the stores to catch up.
    for (let i = 0; i < 100 && !matches(); i++) await delay(100);
    if (!matches()) failures.push(`${m.userId}: its stores differ from the server's snapshot`);
  }
  // The last live ends too: every request still pending gets its outcome.
  tally.count('live.end', await host.session.liveListStore.endLive());
  await judge
    .until(
      () => (judge.events.get(liveId) ?? []).some((envelope) => envelope.event.type === 'live.ended'),
      'the end of the last live',
    )
    .catch((error: unknown) => failures.push(String(error)));
  let applications = 0;
  let invitations = 0;
  let seatsGiven = 0;
  for (const id of lives) {
    const report = checkLiveEvents(judge.events.get(id) ?? [], {
      lostAllowed: (userId) => userId.startsWith('slow'),
      endAllowed: ['endedByHost'],
    });
    applications += report.applications;
    invitations += report.invitations;
    seatsGiven += report.seatsGiven;
    failures.push(...report.failures.map((failure) => `${id}: ${failure}`));
  }
  judge.close();
  for (const m of [host, ...audience, ...owners]) m.session.dispose();
  child.send({ type: 'stop' });

  // ── the verdict ────────────────────────────────────────────────────────────────────────────
  const last = samples[samples.length - 1];
  const log = last?.log;
  if (tally.timedOut.length > 0)
    failures.push(`${tally.timedOut.length} commands got no reply: ${tally.timedOut.slice(0, 3).join('; ')}`);
  if (log && log.legitimateCut > 0) failures.push(`${log.legitimateCut} legitimate clients were cut`);
  if (log && log.hubErrors.length > 0) failures.push(`hub errors: ${log.hubErrors.join(' | ')}`);
  if (slowOutlived > 0) failures.push(`${slowOutlived} slow readers were never cut`);
  if ((floods.get('stuck') ?? 0) > 0)
    failures.push(`${floods.get('stuck')} flood sockets outlived the handshake timeout`);
  for (const outcome of floods.keys())
    if (!['4003', '429', '503', 'stuck'].includes(outcome))
      failures.push(`flood sockets ended with ${outcome}`);
  const third = Math.max(1, Math.floor(samples.length / 3));
  const middle = samples.slice(third, 2 * third);
  const end = samples.slice(-third);
  const max = (list: readonly HostileSample[], key: 'heapMB' | 'rssMB') =>
    Math.max(...list.map((sample) => sample[key]));
  const flat = (key: 'heapMB' | 'rssMB', share: number, slackMB: number) => {
    const before = max(middle, key);
    const after = max(end, key);
    if (after > before * (1 + share) && after - before > slackMB)
      failures.push(`${key} grew once warm: ${before} → ${after} MB (middle third → last third)`);
    return { middleMax: before, lastMax: after };
  };
  const heap = flat('heapMB', 0.15, 3);
  const rss = flat('rssMB', 0.25, 24);

  console.log('\n| second | heap MB | RSS MB | buffers MB | handles | lives | connections | commands |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of samples) {
    console.log(
      `| ${s.second} | ${s.heapMB} | ${s.rssMB} | ${s.buffersMB} | ${s.handles} | ${s.lives} | ${s.connections} | ${s.commands} |`,
    );
  }
  const figures = {
    minutes,
    samples: samples.length,
    heapMB: { ...heap, min: Math.min(...samples.map((s) => s.heapMB)) },
    rssMB: { ...rss, min: Math.min(...samples.map((s) => s.rssMB)) },
    commands: {
      answered: tally.ok + tally.refused,
      ok: tally.ok,
      refused: tally.refused,
      refusedByCode: Object.fromEntries(tally.byCode),
      disconnected: tally.disconnected,
      timedOut: tally.timedOut.length,
    },
    livesListedPages: pages,
    lives: liveNumber,
    applications,
    invitations,
    seatsGiven,
    slowReaders: {
      started: slowStarted,
      cut4010: log?.slowCut4010 ?? 0,
      cutByHeartbeat: log?.slowCutHeartbeat ?? 0,
      outlived: slowOutlived,
    },
    floods: Object.fromEntries(floods),
    refusedUpgrades: { perAddress: log?.refusedPerAddress ?? 0, serverWide: log?.refusedServerWide ?? 0 },
    legitimateCut: log?.legitimateCut ?? 0,
  };
  console.log(`\n${JSON.stringify(figures, null, 2)}`);
  if (failures.length > 0) {
    console.error(`soak --hostile: ${failures.length} failures\n${failures.slice(0, 20).join('\n')}`);
    process.exit(1);
  }
  console.log('soak --hostile: every command answered, every store equal to the server, memory flat');
}

if (process.argv.includes('--server')) await serverMain(process.argv.includes('--hostile'));
else if (process.argv.includes('--hostile')) await hostileMain();
else await loadMain();
