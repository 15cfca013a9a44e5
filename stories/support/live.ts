/**
 * Live data for stories: a live on an in-page hub (local mode) with a host and audience members,
 * each their own session, plus synthetic camera pictures (canvas streams labelled with the user's
 * name), so stories need no server and no camera.
 *
 * A story creates its live in a loader and renders from `loaded.live`:
 *
 * ```ts
 * export const Pending: Story = {
 *   loaders: [async () => ({ live: await demoLive({ audience: ['ada'], applying: ['ada'] }) })],
 *   render: (_args, { loaded }) => html`<apply-button .session=${live(loaded).session('ada')} live-id=${live(loaded).liveId}></apply-button>`,
 * };
 * ```
 *
 * Every live stays open until `closeDemoLives()` (the preview closes them before the next story).
 */
import { createSession, type Session, type UserInfo } from '../../src/core/index.js';
import { createLocalHub, type LocalHub, type LocalHubOptions } from '../../src/local/index.js';

/** People of the stories: ids, display names and avatar colours. */
export const PEOPLE: Readonly<Record<string, { readonly name: string; readonly color: string }>> = {
  host: { name: 'Hana Host', color: '#7c3aed' },
  ada: { name: 'Ada Lovelace', color: '#db2777' },
  grace: { name: 'Grace Hopper', color: '#0891b2' },
  linus: { name: 'Linus Park', color: '#ea580c' },
  mei: { name: '王美', color: '#16a34a' },
  jiho: { name: '김지호', color: '#2563eb' },
  alan: { name: 'Alan Turing', color: '#9333ea' },
  katherine: { name: 'Katherine Johnson', color: '#ca8a04' },
  tim: { name: 'Tim Berners-Lee', color: '#0d9488' },
  edsger: { name: 'Edsger Dijkstra', color: '#be123c' },
};

/** An avatar picture as a data URL: the person's initial on their colour. */
export function avatarOf(userId: string): string {
  const person = PEOPLE[userId] ?? { name: userId, color: '#475569' };
  const initial = Array.from(person.name)[0] ?? '?';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96" fill="${person.color}"/><text x="48" y="62" font-family="sans-serif" font-size="44" fill="#fff" text-anchor="middle">${initial}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** The story user `userId` (any id; known people get their name and avatar). */
export function demoUser(userId: string, extra: Partial<UserInfo> = {}): UserInfo {
  const person = PEOPLE[userId];
  return {
    userId,
    userName: person?.name ?? userId,
    avatarUrl: person === undefined ? '' : avatarOf(userId),
    ...extra,
  };
}

export interface DemoLiveOptions {
  /** Audience members who join (ids of `PEOPLE` or any id). */
  readonly audience?: readonly string[];
  /** Members who apply for a seat, in this order (they must be in `audience`). */
  readonly applying?: readonly string[];
  /** Members who are seated (they apply and the host accepts), in this order. */
  readonly seated?: readonly string[];
  /** Members the host invites. */
  readonly invited?: readonly string[];
  /** Seats of the live (default 9). */
  readonly maxSeatCount?: number;
  /** Application and invitation timeout in seconds (default 60; 0 for never). */
  readonly timeout?: number;
  /** Extra info of each application. */
  readonly extraInfo?: Readonly<Record<string, string>>;
  /** Options of the local hub. */
  readonly hub?: LocalHubOptions;
}

export interface DemoLive {
  readonly hub: LocalHub;
  readonly liveId: string;
  /** The host's session. */
  readonly host: Session;
  /** The session of `userId`. */
  session(userId: string): Session;
  /** Logs in one more member and joins the live. */
  join(userId: string, extra?: Partial<UserInfo>): Promise<Session>;
  /** A synthetic camera picture for `userId` (one per user, reused). */
  stream(userId: string): MediaStream;
  /** Synthetic pictures of every member, by user id (for `<live-core-view>.streams`). */
  streams(): ReadonlyMap<string, MediaStream>;
  /** Ends the sessions, the hub and the pictures. */
  close(): void;
}

const open = new Set<DemoLive>();
let counter = 0;

/** Throws when an action of the story's setup failed: a broken story must not look fine. */
function check(result: { readonly isSuccess: boolean; readonly errorMessage: string }, what: string): void {
  if (!result.isSuccess) throw new Error(`${what}: ${result.errorMessage}`);
}

/** Starts a live owned by `host` and brings it to the state the options describe. */
export async function demoLive(options: DemoLiveOptions = {}): Promise<DemoLive> {
  const hub = createLocalHub(options.hub);
  const liveId = `story-${++counter}`;
  const sessions = new Map<string, Session>();
  const pictures = new Map<string, SyntheticCamera>();
  const timeout = options.timeout ?? 60;

  async function enter(userId: string, extra?: Partial<UserInfo>): Promise<Session> {
    const session = createSession();
    sessions.set(userId, session);
    check(await session.loginStore.login({ hub, user: demoUser(userId, extra) }), `${userId} logs in`);
    return session;
  }

  const host = await enter('host');
  check(
    await host.liveListStore.createLive({
      liveId,
      liveName: 'Story live',
      maxSeatCount: options.maxSeatCount ?? 9,
    }),
    'the host creates the live',
  );

  const live: DemoLive = {
    hub,
    liveId,
    host,
    session(userId) {
      const session = sessions.get(userId);
      if (session === undefined) throw new Error(`no session for ${userId}`);
      return session;
    },
    async join(userId, extra) {
      const session = await enter(userId, extra);
      check(await session.liveListStore.joinLive(liveId), `${userId} joins`);
      return session;
    },
    stream(userId) {
      let picture = pictures.get(userId);
      if (picture === undefined) {
        picture = new SyntheticCamera(demoUser(userId).userName, PEOPLE[userId]?.color ?? '#475569');
        pictures.set(userId, picture);
      }
      return picture.stream;
    },
    streams() {
      const map = new Map<string, MediaStream>();
      for (const userId of sessions.keys()) map.set(userId, live.stream(userId));
      return map;
    },
    close() {
      open.delete(live);
      for (const session of sessions.values()) session.dispose();
      for (const picture of pictures.values()) picture.stop();
      hub.shutdown();
    },
  };
  open.add(live);

  for (const userId of options.audience ?? []) await live.join(userId);
  const coGuest = host.coGuestStore(liveId);
  for (const userId of options.seated ?? []) {
    check(
      await live.session(userId).coGuestStore(liveId).applyForSeat({ timeout }),
      `${userId} applies for a seat`,
    );
    check(await coGuest.acceptApplication(userId), `the host accepts ${userId}`);
    check(
      await live
        .session(userId)
        .liveSeatStore(liveId)
        .publishDeviceStatus({ camera: 'on', microphone: 'on' }),
      `${userId} opens the camera`,
    );
  }
  for (const userId of options.applying ?? []) {
    check(
      await live
        .session(userId)
        .coGuestStore(liveId)
        .applyForSeat({ timeout, extraInfo: options.extraInfo?.[userId] ?? '' }),
      `${userId} applies for a seat`,
    );
  }
  for (const userId of options.invited ?? []) {
    check(await coGuest.inviteToSeat({ inviteeId: userId, timeout }), `the host invites ${userId}`);
  }
  await settled(live, options);
  return live;
}

/** Resolves once the host's replica shows what the setup did (local delivery is asynchronous). */
async function settled(live: DemoLive, options: DemoLiveOptions): Promise<void> {
  const state = live.host.coGuestStore(live.liveId).coGuestState;
  const members = live.host.liveAudienceStore(live.liveId).audienceList;
  const done = (): boolean =>
    (options.audience ?? []).every((id) => members.get().some((member) => member.userId === id)) &&
    (options.applying ?? []).every((id) => state.applicants.get().some((item) => item.userId === id)) &&
    (options.seated ?? []).every((id) => state.connected.get().some((item) => item.userId === id)) &&
    (options.invited ?? []).every((id) =>
      live
        .session(id)
        .coGuestStore(live.liveId)
        .coGuestState.selfInvitation.get()
        ?.inviter.userId.startsWith('host'),
    );
  if (done()) return;
  await new Promise<void>((resolve, reject) => {
    const stops = [state.applicants, state.connected, members].map((store) =>
      store.listen(() => {
        if (!done()) return;
        stops.forEach((stop) => stop());
        clearTimeout(timer);
        resolve();
      }),
    );
    const timer = setTimeout(() => {
      stops.forEach((stop) => stop());
      reject(new Error('the story live did not settle'));
    }, 4000);
  });
}

/** Closes every open story live (sessions, hubs, pictures). */
export function closeDemoLives(): void {
  for (const live of [...open]) live.close();
}

/** The `live` a story's loader returned. */
export function liveOf(loaded: Record<string, unknown>): DemoLive {
  const live = loaded.live;
  if (live === undefined) throw new Error('the story has no `live` loader');
  return live as DemoLive;
}

/**
 * A camera stand-in: a canvas stream with the user's name on their colour, redrawn a few times a
 * second so it carries frames like a camera.
 */
export class SyntheticCamera {
  readonly stream: MediaStream;
  readonly #canvas = document.createElement('canvas');
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(name: string, color: string) {
    this.#canvas.width = 640;
    this.#canvas.height = 360;
    this.stream = this.#canvas.captureStream(10);
    let frame = 0;
    // A canvas stream carries a frame only once the canvas is drawn after capture starts.
    const draw = (): void => {
      this.#draw(name, color, frame++);
    };
    requestAnimationFrame(draw);
    this.#timer = setInterval(draw, 200);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const track of this.stream.getTracks()) track.stop();
  }

  #draw(name: string, color: string, frame: number): void {
    const context = this.#canvas.getContext('2d');
    if (context === null) return;
    const { width, height } = this.#canvas;
    const gradient = context.createLinearGradient(0, 0, width, height);
    gradient.addColorStop(0, color);
    gradient.addColorStop(1, '#0f172a');
    context.fillStyle = gradient;
    context.fillRect(0, 0, width, height);
    // A slow moving dot shows that frames arrive.
    context.fillStyle = 'rgba(255,255,255,0.35)';
    context.beginPath();
    context.arc(((frame * 8) % (width + 40)) - 20, height - 40, 14, 0, Math.PI * 2);
    context.fill();
    context.fillStyle = '#fff';
    context.font = '600 40px system-ui, sans-serif';
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    context.fillText(name, width / 2, height / 2);
  }
}
