/**
 * B9's packet viewers (issue 14, "Benchmark B9": "lightweight subscribers that receive and count
 * packets without decoding"): SFU viewers in Node, many to a process, for the largest N.
 *
 * - **One viewer** (`PacketViewer`) is the kit's headless client (`createSession()` with the `ws`
 *   WebSocket) and a werift `RTCPeerConnection` (WebRTC in TypeScript, no media stack). It does
 *   what the browser's `SfuTransport` does for a viewer (src/media/sfu-transport.ts): it logs in,
 *   joins the live, asks for its viewing connection (`media.sfu.subscribe`), then for the low
 *   layer of the watched publisher (`media.sfu.quality`, as `LiveMedia.setWantedQuality` sends it
 *   once subscribed), and answers each `offer` the server pushes on the same connection
 *   (`media.sfu.answer`); a `restart` makes the connection again. Nothing is decoded: each RTP
 *   packet of the watched publisher's video (its media sections, as the offer's `streams` map
 *   them) is counted once (a repeated sequence number, a retransmission, is not), with its bytes,
 *   and a packet with the marker bit ends a frame: frames are counted per SSRC without a decoder
 *   and without waiting for a keyframe.
 * - **ICE** gathers on one address only, the network namespace's veth (`address`, 10.99.0.1 in
 *   B9): werift binds its sockets there (`iceInterfaceAddresses`), gathers no IPv6, has no ICE
 *   server, and pairs only with remote candidates on that address. An answer with a candidate on
 *   any other address is not sent.
 * - **A process of viewers**: this file run as a program (`node --import tsx
 *   bench/packet-viewer.ts`) holds viewers for its parent, driven by JSON lines on stdin
 *   (`add`, `counts`, `close`) and answering on stdout; `PacketCrowd` is the parent's side: it
 *   starts `processes` of them, spreads the viewers over them and reads their counts and their
 *   CPU time (`process.cpuUsage()`).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { RTCPeerConnection, type MediaStreamTrack, type RtpPacket } from 'werift';
import { WebSocket as NodeWebSocket } from 'ws';
import { createSession, type Session } from '../src/core/index.js';
import type { SfuPush, SfuStream } from '../src/protocol/messages.js';

/** What a viewer is, and whom it watches. */
export interface PacketViewerOptions {
  /** The kit server's WebSocket URL. */
  readonly serverUrl: string;
  readonly token: string;
  readonly liveId: string;
  /** The publisher whose video is counted. */
  readonly watch: string;
  /** The layer asked for (`media.sfu.quality`). */
  readonly quality: 'high' | 'low';
  /** The one IPv4 address ICE gathers on and pairs with (the namespace's veth address). */
  readonly address: string;
}

/** What a viewer received of the watched publisher's video so far. */
export interface PacketCount {
  /** RTP packets, each sequence number once per SSRC. */
  readonly packets: number;
  /** Packets with the marker bit: frames, counted without decoding. */
  readonly frames: number;
  /** Bytes of those packets (RTP header and payload, as werift parsed them). */
  readonly bytes: number;
  /** Packets received again (retransmissions and duplicates), not in `packets`. */
  readonly repeated: number;
  /** When the count was read, ms (`performance.timeOrigin + performance.now()` of its process). */
  readonly at: number;
}

/** The RTP sequence numbers seen of one SSRC, for telling repeats apart. */
class Seen {
  readonly #flags = new Uint8Array(65_536);
  /** The highest sequence number so far (in sequence order), `-1` before the first. */
  #highest = -1;

  /** Marks `sequence`; `false` if it was seen already (within half the sequence space behind). */
  add(sequence: number): boolean {
    if (this.#highest < 0) this.#highest = sequence;
    const ahead = (sequence - this.#highest) & 0xffff;
    if (ahead > 0 && ahead < 32_768) {
      // The flags half the space ahead of each new number are cleared as the sequence moves on
      // (past a gap too), so a number counts again once it has wrapped.
      for (let step = 1; step <= ahead; step++) this.#flags[(this.#highest + step + 32_768) & 0xffff] = 0;
      this.#highest = sequence;
    }
    if (this.#flags[sequence] === 1) return false;
    this.#flags[sequence] = 1;
    return true;
  }
}

const now = (): number => performance.timeOrigin + performance.now();

/** Whether `address` is one of this machine's IPv4 addresses. */
function isLocalAddress(address: string): boolean {
  return Object.values(networkInterfaces()).some((entries) =>
    (entries ?? []).some((entry) => entry.family === 'IPv4' && entry.address === address),
  );
}

/** The addresses of the candidates of an SDP (`a=candidate:` lines). */
function candidateAddresses(sdp: string): string[] {
  return [...sdp.matchAll(/^a=candidate:\S+ \d+ \S+ \d+ (\S+) \d+/gm)].map((match) => match[1] ?? '');
}

/** One SFU viewer in Node that counts the watched publisher's video packets and frames. */
export class PacketViewer {
  /** Logs in, joins the live and asks for the viewing connection; resolves once subscribed. */
  static async open(options: PacketViewerOptions): Promise<PacketViewer> {
    if (!isLocalAddress(options.address)) throw new Error(`no local interface has ${options.address}`);
    const session = createSession({ WebSocket: NodeWebSocket, reconnect: false });
    const viewer = new PacketViewer(session, options);
    try {
      const login = await session.loginStore.login({ serverUrl: options.serverUrl, token: options.token });
      if (!login.isSuccess) throw new Error(`login: ${login.errorCode} ${login.errorMessage}`);
      const joined = await session.liveListStore.joinLive(options.liveId);
      if (!joined.isSuccess) throw new Error(`join: ${joined.errorCode} ${joined.errorMessage}`);
      viewer.#offPush = session.onSfu(options.liveId, (push) => viewer.#onPush(push));
      await viewer.#subscribe();
    } catch (error) {
      viewer.close();
      throw error;
    }
    return viewer;
  }

  readonly #session: Session;
  readonly #options: PacketViewerOptions;
  #offPush: () => void = () => undefined;
  #pc: RTCPeerConnection | null = null;
  /** Offers are answered one at a time, in order. */
  #answering: Promise<void> = Promise.resolve();
  /** The mids of the watched publisher's video, as the last offer mapped them. */
  #watched = new Set<string>();
  readonly #seen = new Map<number, Seen>();
  #packets = 0;
  #frames = 0;
  #bytes = 0;
  #repeated = 0;
  #closed = false;
  /** Why the last offer could not be answered, if it could not. */
  error = '';

  private constructor(session: Session, options: PacketViewerOptions) {
    this.#session = session;
    this.#options = options;
  }

  /** What has arrived of the watched publisher's video so far. */
  count(): PacketCount {
    return {
      packets: this.#packets,
      frames: this.#frames,
      bytes: this.#bytes,
      repeated: this.#repeated,
      at: now(),
    };
  }

  /** Closes the connection and the session (which leaves the live). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#offPush();
    this.#closePc();
    this.#session.dispose();
  }

  async #subscribe(): Promise<void> {
    const { liveId, watch, quality } = this.#options;
    const subscribed = await this.#session.request('media.sfu.subscribe', { liveId });
    if (!subscribed.isSuccess)
      throw new Error(`subscribe: ${subscribed.errorCode} ${subscribed.errorMessage}`);
    const asked = await this.#session.request('media.sfu.quality', { liveId, publisherId: watch, quality });
    if (!asked.isSuccess) throw new Error(`quality: ${asked.errorCode} ${asked.errorMessage}`);
  }

  #onPush(push: SfuPush): void {
    if (this.#closed) return;
    switch (push.kind) {
      case 'offer':
        this.#answering = this.#answering.then(() => this.#answer(push.offerId, push.sdp, push.streams));
        return;
      case 'restart':
        // The live moved or the viewing connection broke at the server: a new connection.
        this.#closePc();
        this.#subscribe().catch((error: unknown) => {
          this.error = String(error);
        });
        return;
      case 'unpublished':
        return;
    }
  }

  async #answer(offerId: number, sdp: string, streams: readonly SfuStream[]): Promise<void> {
    if (this.#closed) return;
    const { address, liveId, watch } = this.#options;
    this.#watched = new Set(
      streams.filter((stream) => stream.publisherId === watch && stream.kind === 'video').map((s) => s.mid),
    );
    let pc = this.#pc;
    if (pc === null) {
      pc = new RTCPeerConnection({
        iceServers: [],
        iceTransportPolicy: 'all',
        bundlePolicy: 'max-bundle',
        iceUseIpv4: true,
        iceUseIpv6: false,
        iceUseLinkLocalAddress: false,
        iceInterfaceAddresses: { udp4: address },
        iceFilterCandidatePair: (pair) => pair.remoteCandidate.host === address,
      });
      this.#pc = pc;
      const current = pc;
      pc.onTrack.subscribe((track) => this.#follow(current, track));
    }
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      const local = pc.localDescription?.sdp ?? '';
      const elsewhere = candidateAddresses(local).filter((host) => host !== address);
      if (elsewhere.length > 0) throw new Error(`candidates off ${address}: ${elsewhere.join(' ')}`);
      const answered = await this.#session.request('media.sfu.answer', { liveId, offerId, sdp: local });
      if (!answered.isSuccess) throw new Error(`answer: ${answered.errorCode} ${answered.errorMessage}`);
      this.error = '';
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  /** Counts the packets of `track` while it belongs to the watched publisher's video. */
  #follow(pc: RTCPeerConnection, track: MediaStreamTrack): void {
    if (track.kind !== 'video') return;
    const transceiver = pc.getTransceivers().find((t) => t.receiver.tracks.includes(track));
    track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
      const mid = transceiver?.mid;
      if (mid === undefined || !this.#watched.has(mid)) return;
      const { ssrc, sequenceNumber, marker } = rtp.header;
      let seen = this.#seen.get(ssrc);
      if (seen === undefined) {
        seen = new Seen();
        this.#seen.set(ssrc, seen);
      }
      if (!seen.add(sequenceNumber)) {
        this.#repeated++;
        return;
      }
      this.#packets++;
      this.#bytes += rtp.serializeSize;
      if (marker) this.#frames++;
    });
  }

  #closePc(): void {
    this.#answering = Promise.resolve();
    const pc = this.#pc;
    this.#pc = null;
    if (pc !== null) void pc.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// A process of viewers

/** What the parent asks of a process of viewers. */
type Ask =
  | {
      readonly op: 'add';
      /** What every new viewer is (its token aside). */
      readonly viewer: Omit<PacketViewerOptions, 'token'>;
      /** One new viewer per token. */
      readonly tokens: readonly string[];
    }
  | { readonly op: 'counts' }
  | { readonly op: 'close' };

/** A request of the parent, one JSON line on stdin. */
type Request = Ask & { readonly id: number };

/** The answer to a request, one JSON line on stdout. */
type Reply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly counts?: readonly PacketCount[];
      readonly cpu?: number;
    }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** Viewers a process opens at once (the server takes 32 pending handshakes per address). */
const OPEN_AT_ONCE = 8;

function serve(): void {
  const viewers: PacketViewer[] = [];
  const reply = (line: Reply): void => {
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  const handle = async (request: Request): Promise<Reply> => {
    switch (request.op) {
      case 'add': {
        const options = request.viewer;
        const queue = [...request.tokens];
        const open = async (): Promise<void> => {
          for (let token = queue.shift(); token !== undefined; token = queue.shift()) {
            viewers.push(await PacketViewer.open({ ...options, token }));
          }
        };
        await Promise.all(Array.from({ length: Math.min(OPEN_AT_ONCE, queue.length) }, open));
        return { id: request.id, ok: true };
      }
      case 'counts': {
        const usage = process.cpuUsage();
        return {
          id: request.id,
          ok: true,
          counts: viewers.map((viewer) => viewer.count()),
          cpu: (usage.user + usage.system) / 1e6,
        };
      }
      case 'close':
        for (const viewer of viewers.splice(0)) viewer.close();
        return { id: request.id, ok: true };
    }
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (text) => {
    const request = JSON.parse(text) as Request;
    handle(request).then(
      (line) => {
        reply(line);
        if (request.op === 'close') process.exit(0);
      },
      (error: unknown) =>
        reply({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The parent gone, the viewers go too.
  lines.on('close', () => {
    for (const viewer of viewers.splice(0)) viewer.close();
    process.exit(0);
  });
}

type ViewerProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/** One process of viewers, seen from its parent. */
class Holder {
  readonly process: ViewerProcess;
  size = 0;
  readonly #pending = new Map<number, (reply: Reply) => void>();
  readonly #stderr: string[] = [];
  #next = 1;
  #exit: string | null = null;

  constructor() {
    this.process = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    createInterface({ input: this.process.stdout }).on('line', (text) => {
      let line: Reply;
      try {
        line = JSON.parse(text) as Reply;
      } catch {
        this.#note(`(stdout) ${text}`);
        return;
      }
      this.#pending.get(line.id)?.(line);
      this.#pending.delete(line.id);
    });
    createInterface({ input: this.process.stderr }).on('line', (line) => this.#note(line));
    this.process.on('exit', (code, signal) => {
      this.#exit = signal ?? `exit ${String(code)}`;
      const error = `the viewers' process ended (${this.#exit}): ${this.#stderr.join('\n')}`;
      for (const [id, settle] of this.#pending) settle({ id, ok: false, error });
      this.#pending.clear();
    });
  }

  async ask(request: Ask, timeoutMs: number): Promise<Reply & { ok: true }> {
    if (this.#exit !== null) throw new Error(`the viewers' process ended (${this.#exit})`);
    const id = this.#next++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reply = await new Promise<Reply>((resolve) => {
      this.#pending.set(id, resolve);
      timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve({ id, ok: false, error: `no answer to ${request.op} within ${timeoutMs} ms` });
      }, timeoutMs);
      this.process.stdin.write(`${JSON.stringify({ ...request, id })}\n`);
    });
    clearTimeout(timer);
    if (!reply.ok) throw new Error(reply.error);
    return reply;
  }

  /** Keeps the last lines the process wrote besides its replies, for an error. */
  #note(line: string): void {
    this.#stderr.push(line);
    if (this.#stderr.length > 20) this.#stderr.shift();
  }
}

/** What the crowd received, and what its processes cost. */
export interface CrowdCounts {
  /** One count per viewer, in the order they were added. */
  readonly viewers: readonly PacketCount[];
  /** Each process's CPU time so far (user + system), seconds. */
  readonly cpu: readonly number[];
  /** When the counts were asked for (this process's clock, ms). */
  readonly at: number;
}

/** The parent's side: packet viewers in `processes` child processes, spread evenly. */
export class PacketCrowd {
  readonly #holders: Holder[];
  readonly #options: Omit<PacketViewerOptions, 'token'>;
  /** Which holder each viewer is in, and its index there. */
  readonly #placed: { holder: number; index: number }[] = [];

  constructor(processes: number, options: Omit<PacketViewerOptions, 'token'>) {
    this.#options = options;
    this.#holders = Array.from({ length: Math.max(1, processes) }, () => new Holder());
  }

  get size(): number {
    return this.#placed.length;
  }

  /** The processes' ids (for their CPU in `/proc`). */
  get pids(): number[] {
    return this.#holders.map((holder) => holder.process.pid ?? 0);
  }

  /** Adds viewers until there are `size`, each with a token from `token(index)`. */
  async growTo(size: number, token: (index: number) => Promise<string>, timeoutMs: number): Promise<void> {
    const adds = this.#holders.map(() => [] as string[]);
    for (let index = this.size; index < size; index++) {
      const holder = index % this.#holders.length;
      const target = this.#holders[holder];
      const list = adds[holder];
      if (target === undefined || list === undefined) continue;
      this.#placed.push({ holder, index: target.size++ });
      list.push(await token(index));
    }
    await Promise.all(
      this.#holders.map(async (holder, index) => {
        const tokens = adds[index] ?? [];
        if (tokens.length > 0) await holder.ask({ op: 'add', viewer: this.#options, tokens }, timeoutMs);
      }),
    );
  }

  /** Every viewer's count, and every process's CPU time. */
  async counts(timeoutMs = 30_000): Promise<CrowdCounts> {
    const at = now();
    const replies = await Promise.all(this.#holders.map((holder) => holder.ask({ op: 'counts' }, timeoutMs)));
    return {
      viewers: this.#placed.map(({ holder, index }) => {
        const count = replies[holder]?.counts?.[index];
        return count ?? { packets: 0, frames: 0, bytes: 0, repeated: 0, at };
      }),
      cpu: replies.map((reply) => reply.cpu ?? 0),
      at,
    };
  }

  /** Closes every viewer and ends the processes. */
  async close(): Promise<void> {
    await Promise.all(
      this.#holders.map(async (holder) => {
        const exited = new Promise((resolve) => holder.process.once('exit', resolve));
        if (holder.process.exitCode !== null || holder.process.signalCode !== null) return;
        await holder.ask({ op: 'close' }, 10_000).catch(() => holder.process.kill('SIGTERM'));
        await exited;
      }),
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) serve();
