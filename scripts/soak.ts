/**
 * Soak run: a busy live for a bounded time, with the server's memory and handles sampled over it.
 *
 *   node --import tsx scripts/soak.ts [--minutes 10] [--sample-seconds 30] [--users 12]
 *   (npm run soak)
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
 */
import { fork } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { createSession, type Session } from '../src/core/index.js';
import type { WebSocketConstructor } from '../src/core/transport.js';
import { createServer } from '../src/server/server.js';
import { createToken } from '../src/server/token.js';

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

async function serverMain(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const server = await createServer({
    port: 0,
    host: '127.0.0.1',
    secret: SECRET,
    roomLimits: { graceMs: 10_000 },
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
        handles: process.getActiveResourcesInfo().length,
        lives: server.hub.liveCount,
        connections: server.hub.connectionCount,
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

if (process.argv.includes('--server')) await serverMain();
else await loadMain();
