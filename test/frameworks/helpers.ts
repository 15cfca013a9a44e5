/**
 * What the framework tests share: pack the kit as it is published, install the tarball offline into
 * a temporary copy of an example (as a user's app gets it), build, serve on 127.0.0.1, and open the
 * page in Chromium with every console warning and error collected.
 *
 * Nothing is downloaded: the example gets a lockfile cut from the repository's own
 * (scripts/offline-lock.mjs), so `npm install --offline` takes exactly the versions the repository
 * pins from the npm cache, which `npm ci` filled (scripts/warm-npm-cache.mjs checks it).
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeOfflineLock } from '../../scripts/offline-lock.mjs';

export const root = fileURLToPath(new URL('../../', import.meta.url));
const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** A finished command: its exit code and everything it printed. */
export interface Outcome {
  readonly code: number;
  readonly output: string;
}

/** Runs `command` in `cwd`; resolves with its exit code and output (never rejects on a failure). */
export function exec(command: string, args: readonly string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Runs `command` and throws with its output when it fails (a setup step that must pass). */
export async function must(command: string, args: readonly string[], cwd: string): Promise<string> {
  const { code, output } = await exec(command, args, cwd);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${code}:\n${output}`);
  return output;
}

/** Runs a package's binary from the app's own node_modules with the current Node. */
export function bin(app: string, script: string, args: readonly string[]): Promise<Outcome> {
  return exec(process.execPath, [join(app, 'node_modules', script), ...args], app);
}

/** Builds the kit and packs it into `work`; returns the tarball's path. */
export async function packKit(work: string): Promise<string> {
  await must('npm', ['run', 'build', '--silent'], root);
  // The framework typings are generated from the manifest into dist/frameworks.
  await must(process.execPath, [join(root, 'scripts/gen-framework-types.mjs')], root);
  const packed = await must('npm', ['pack', '--json', '--silent', '--pack-destination', work], root);
  const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
  return join(work, basename(filename));
}

/** A temporary copy of `examples/<name>` with the packed kit and its own dependencies installed. */
export async function installExample(name: string): Promise<{ readonly work: string; readonly app: string }> {
  const work = await mkdtemp(join(tmpdir(), `co-guest-kit-${name}-`));
  const tarball = await packKit(work);
  const app = join(work, name);
  const skip = new Set(['node_modules', 'dist', 'out']);
  await cp(join(root, 'examples', name), app, {
    recursive: true,
    filter: (source) => !skip.has(basename(source)),
  });
  await writeOfflineLock(app);
  await must('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], app);
  return { work, app };
}

/** Removes a temporary folder made by `installExample`. */
export async function removeWork(work: string): Promise<void> {
  if (work) await rm(work, { recursive: true, force: true });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

/** Serves `dir` on 127.0.0.1 (a random port); unknown paths get index.html (a single-page app). */
export async function serve(dir: string): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = join(dir, path === sep ? 'index.html' : path);
    readFile(file).then(
      (body) => {
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(body);
      },
      () => {
        response.writeHead(404);
        response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Chromium on loopback, fake devices; `errors` collects console warnings, errors and page errors. */
export async function openPage(url: string): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--allow-loopback-in-peer-connection',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  });
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return { browser, page, errors };
}

/** One type-checker error: the file, the line and the whole message (with its elaboration). */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** The errors in tsc / vue-tsc output (`file(line,column): error TS…`, then indented lines). */
export function diagnostics(output: string): Diagnostic[] {
  return output.split(/^(?=\S+\(\d+,\d+\): error )/m).flatMap((block) => {
    const match = /^(\S+)\((\d+),\d+\): error /.exec(block);
    return match?.[1] && match[2] ? [{ file: match[1], line: Number(match[2]), text: block }] : [];
  });
}

/** The message of the one error at `file:line` (fails when there is none or several). */
export function errorAt(output: string, file: string, line: number): string {
  const found = diagnostics(output).filter((item) => item.file === file && item.line === line);
  if (found.length !== 1)
    throw new Error(`expected one error at ${file}:${line}, got ${found.length}:\n${output}`);
  return found[0]?.text ?? '';
}

/** An example installed, built, served and open in Chromium (filled in by `useExample`'s `before`). */
export interface OpenExample {
  readonly app: string;
  readonly page: Page;
  readonly errors: string[];
}

/**
 * Registers, in the calling `describe`, the hooks that install `examples/<name>` from the packed
 * kit, build it with `build(app)`, serve its `dist` and open it in Chromium, and that close and
 * remove it all afterwards. The returned object's fields are set once `before` has run.
 */
export function useExample(name: string, build: (app: string) => Promise<unknown>): OpenExample {
  const example = { app: '', page: null as unknown as Page, errors: [] as string[] };
  let work = '';
  let server: { readonly url: string; close(): Promise<void> } | null = null;
  let browser: Browser | null = null;
  before(async () => {
    ({ work, app: example.app } = await installExample(name));
    await build(example.app);
    server = await serve(join(example.app, 'dist'));
    ({ browser, page: example.page, errors: example.errors } = await openPage(server.url));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await removeWork(work);
  });
  return example;
}
