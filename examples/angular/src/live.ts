/**
 * The live this example shows, in local mode: an in-page hub (`createLocalHub`) stands in for the
 * server, so the app runs with no backend. The host (Hana) creates the live and an audience member
 * (Ada) joins it, each with a session of their own; a real app has one session per page, logged in
 * to a server with a token.
 */
import { createSession, type Session } from 'co-guest-kit';
import { createLocalHub } from 'co-guest-kit/local';

export const LIVE_ID = 'live-1';

export interface Live {
  readonly host: Session;
  readonly guest: Session;
}

export async function startLive(): Promise<Live> {
  const hub = createLocalHub();
  const host = createSession();
  const guest = createSession();
  const steps = [
    () => host.loginStore.login({ hub, user: { userId: 'hana', userName: 'Hana', avatarUrl: '' } }),
    () => host.liveListStore.createLive({ liveId: LIVE_ID }),
    () => guest.loginStore.login({ hub, user: { userId: 'ada', userName: 'Ada', avatarUrl: '' } }),
    () => guest.liveListStore.joinLive(LIVE_ID),
  ];
  for (const step of steps) {
    const result = await step();
    if (!result.isSuccess) throw new Error(`${result.errorCode}: ${result.errorMessage}`);
  }
  return { host, guest };
}
