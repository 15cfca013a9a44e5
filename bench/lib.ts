/** Shared pieces of the benchmarks: the server process, groups of member workers, statistics. */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type WebSocket from 'ws';
import type { FromMembers, MembersConfig, ToMembers } from './members.worker.js';
import type { FromServer, ToServer } from './server-proc.js';

export const SECRET = randomBytes(32).toString('hex');

/** Every wait of a benchmark is bounded: past this, the benchmark fails instead of hanging. */
export const WAIT_MS = 120_000;

export function now(): number {
  return performance.timeOrigin + performance.now();
}

/** Resolves with the first message `accept` takes, rejects after `ms`. */
function nextMessage<T, R>(
  on: (listener: (message: T) => void) => () => void,
  accept: (message: T) => R | undefined,
  what: string,
  ms = WAIT_MS,
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    const off = on((message) => {
      let value: R | undefined;
      try {
        value = accept(message);
      } catch (error) {
        clearTimeout(timer);
        off();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (value === undefined) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

/** A server (`kit` or `bare`) in a child process of its own. */
export class ServerProcess {
  readonly child: ChildProcess;
  url = '';

  private constructor(child: ChildProcess) {
    this.child = child;
  }

  static async start(mode: 'kit' | 'bare' | 'replay'): Promise<ServerProcess> {
    const child = fork(fileURLToPath(new URL('./server-proc.ts', import.meta.url)), [mode], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      env: { ...process.env, BENCH_SECRET: SECRET },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const server = new ServerProcess(child);
    server.url = await server.#next((m) => (m.kind === 'ready' ? m.url : undefined), `${mode} server`);
    return server;
  }

  #next<R>(accept: (message: FromServer) => R | undefined, what: string): Promise<R> {
    return nextMessage<FromServer, R>(
      (listener) => {
        this.child.on('message', listener);
        return () => this.child.off('message', listener);
      },
      accept,
      what,
    );
  }

  #send(message: ToServer): void {
    this.child.send(message);
  }

  async memory(): Promise<{ rss: number; heapUsed: number; external: number }> {
    const reply = this.#next((m) => (m.kind === 'mem' ? m : undefined), 'memory');
    this.#send({ cmd: 'mem' });
    return reply;
  }

  /** `replay` mode: the kit server's answers to a `hello` and to a `live.join` (`handshake` of the members). */
  async script(welcome: string, join: string): Promise<void> {
    const reply = this.#next((m) => (m.kind === 'scripted' ? true : undefined), 'script');
    this.#send({ cmd: 'script', welcome, join });
    await reply;
  }

  async broadcast(text: string): Promise<{ startedAt: number; sockets: number }> {
    const reply = this.#next((m) => (m.kind === 'broadcast' ? m : undefined), 'broadcast');
    this.#send({ cmd: 'broadcast', text });
    return reply;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.#send({ cmd: 'close' });
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

let addressCounter = 0;

/** Members spread over worker threads, each thread with its own loopback source address. */
export class Members {
  readonly workers: Worker[];

  private constructor(workers: Worker[]) {
    this.workers = workers;
  }

  static async connect(options: {
    url: string;
    mode: 'kit' | 'bare';
    count: number;
    liveId: string;
    prefix: string;
    threads?: number;
  }): Promise<Members> {
    const threads = Math.max(1, Math.min(options.threads ?? 2, options.count));
    const workers: Worker[] = [];
    const ready: Promise<number>[] = [];
    for (let t = 0; t < threads; t++) {
      const count = Math.floor(options.count / threads) + (t < options.count % threads ? 1 : 0);
      addressCounter = (addressCounter % 200) + 1;
      const config: MembersConfig = {
        url: options.url,
        mode: options.mode,
        secret: SECRET,
        prefix: `${options.prefix}${t}-`,
        count,
        liveId: options.liveId,
        localAddress: `127.0.0.${addressCounter + 1}`,
      };
      const worker = new Worker(new URL('./members.worker.mjs', import.meta.url), { workerData: config });
      workers.push(worker);
      worker.on('error', (error) => worker.emit('message', { kind: 'failed', message: String(error) }));
      ready.push(
        nextMessage<FromMembers, number>(
          (listener) => {
            worker.on('message', listener);
            return () => worker.off('message', listener);
          },
          (m) => {
            if (m.kind === 'failed') throw new Error(m.message);
            return m.kind === 'ready' ? m.count : undefined;
          },
          'members to connect',
          WAIT_MS * 3,
        ),
      );
    }
    const members = new Members(workers);
    try {
      await Promise.all(ready);
    } catch (error) {
      await members.close();
      throw error;
    }
    return members;
  }

  /** Sends `message` to every worker and collects one reply of `kind` from each. */
  async ask<K extends FromMembers['kind']>(
    message: ToMembers,
    kind: K,
    ms = WAIT_MS,
  ): Promise<Extract<FromMembers, { kind: K }>[]> {
    const replies = this.workers.map((worker) =>
      nextMessage<FromMembers, Extract<FromMembers, { kind: K }>>(
        (listener) => {
          worker.on('message', listener);
          return () => worker.off('message', listener);
        },
        (m) => (m.kind === kind ? (m as Extract<FromMembers, { kind: K }>) : undefined),
        kind,
        ms,
      ),
    );
    for (const worker of this.workers) worker.postMessage(message);
    return Promise.all(replies);
  }

  tell(message: ToMembers): void {
    for (const worker of this.workers) worker.postMessage(message);
  }

  async close(): Promise<void> {
    await this.ask({ cmd: 'close' }, 'closed', 30_000).catch(() => undefined);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** The `p`-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Resolves once `check` holds, polling every `everyMs`; rejects after `ms`. */
export async function until(check: () => boolean, what: string, ms = WAIT_MS, everyMs = 5): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** What the machine is, for BENCHMARKS.md. */
export function machine(chromium: string): string {
  const cpus = os.cpus();
  return [
    `CPU: ${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length}`,
    `RAM: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `Node: ${process.version}`,
    `Chromium: ${chromium}`,
  ].join('; ');
}

/** One line of results. */
export interface BenchResult {
  readonly id: string;
  readonly what: string;
  /** The figures measured, as `name: value` pairs (ms, bytes, counts). */
  readonly figures: Readonly<Record<string, number>>;
  /** The same-run baseline and what it is. */
  readonly baseline: { readonly what: string; readonly value: number } | null;
  /** The figure compared with the baseline, divided by it. */
  readonly ratio: number | null;
  readonly target: string;
  readonly met: boolean;
  readonly notes?: string;
}

export interface BenchContext {
  readonly smoke: boolean;
  readonly log: (line: string) => void;
}

/** The text of a `ws` message. */
export function textOf(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
