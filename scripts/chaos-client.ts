/**
 * One chaos client in its own process (started by `scripts/chaos.ts`, which kills it with SIGKILL
 * at random moments and starts another for the same user). It logs in with a headless session,
 * joins the live and keeps acting like an audience member: apply, cancel, leave the seat, answer
 * invitations. On `{type:'report'}` it stops acting, waits until its stores equal the snapshot it is
 * given, and answers with what its stores hold.
 *
 *   node --import tsx scripts/chaos-client.ts <serverUrl> <token> <liveId> <seed>
 */
import { WebSocket } from 'ws';
import { createSession } from '../src/core/index.js';
import type { WebSocketConstructor } from '../src/core/transport.js';
import type { SeatInfo } from '../src/protocol/types.js';

const [serverUrl = '', token = '', liveId = '', seedText = '1'] = process.argv.slice(2);
let state = Number(seedText) >>> 0 || 1;
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

const session = createSession({
  WebSocket: WebSocket as unknown as WebSocketConstructor,
  reconnect: { baseDelayMs: 20, maxDelayMs: 200, jitter: 0.5 },
  requestTimeoutMs: 5_000,
});
const coGuest = session.coGuestStore(liveId);
const seats = session.liveSeatStore(liveId);
let acting = true;

function send(message: unknown): void {
  process.send?.(message);
}

async function act(): Promise<void> {
  while (acting) {
    const self = coGuest.coGuestState.selfStatus.get();
    const invitation = coGuest.coGuestState.selfInvitation.get();
    const roll = random();
    let result: { isSuccess: boolean };
    if (invitation && roll < 0.5) result = await coGuest.acceptInvitation(invitation.inviter.userId);
    else if (invitation) result = await coGuest.rejectInvitation(invitation.inviter.userId);
    else if (self === 'connected') result = roll < 0.3 ? await coGuest.disconnect() : { isSuccess: true };
    else if (self === 'applying')
      result = roll < 0.3 ? await coGuest.cancelApplication() : { isSuccess: true };
    else result = await coGuest.applyForSeat({ seatIndex: -1, timeout: 0, extraInfo: 'child' });
    send({ type: 'acted', ok: result.isSuccess });
    // Load pacing (not synchronisation): a user acts every 20–100 ms.
    await new Promise((resolve) => setTimeout(resolve, 20 + random() * 80));
    // Offline, calls fail at once: wait for the connection instead of spinning.
    if (acting && session.$connection.get() !== 'connected') {
      await new Promise<void>((resolve) => {
        const stop = session.$connection.listen((status) => {
          if (status !== 'connected') return;
          stop();
          resolve();
        });
      });
    }
  }
}

let acted: Promise<void> = Promise.resolve();

process.on('message', (message: { type: string; seats?: readonly SeatInfo[] }) => {
  if (message.type === 'stop') {
    acting = false;
    void acted.then(() => send({ type: 'stopped' }));
    return;
  }
  if (message.type !== 'report') return;
  acting = false;
  const expected = JSON.stringify(message.seats);
  const answer = () =>
    send({
      type: 'report',
      connection: session.$connection.get(),
      seats: seats.seatList.get(),
      application: coGuest.coGuestState.selfApplication.get()?.requestId ?? null,
    });
  if (JSON.stringify(seats.seatList.get()) === expected) {
    answer();
    return;
  }
  const stop = seats.seatList.listen((list) => {
    if (JSON.stringify(list) !== expected) return;
    stop();
    answer();
  });
});

const login = await session.loginStore.login({ serverUrl, token });
if (!login.isSuccess) {
  send({ type: 'failed', message: login.errorMessage });
  process.exit(1);
}
const joined = await session.liveListStore.joinLive(liveId);
if (!joined.isSuccess) {
  send({ type: 'failed', message: joined.errorMessage });
  process.exit(1);
}
send({ type: 'ready' });
acted = act();
await acted;
