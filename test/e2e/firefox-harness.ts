/**
 * Firefox in the end-to-end tests (docs/decisions/0033-firefox-over-webdriver-bidi.md): Debian's
 * `firefox-esr` (`FIREFOX_PATH` overrides it) driven over WebDriver BiDi by puppeteer-core, beside
 * Chromium (Playwright, test/e2e/harness.ts), in a network namespace of the test's own.
 *
 * - Network: Firefox gathers no ICE candidate on a machine whose only interface is loopback, so
 *   the scenario runs in a namespace with `lo` and one veth pair, `ROUTED_NETWORK`: a private
 *   address and a default route on one end, nothing on the other. Nothing crosses the namespace's
 *   edge (a veth pair made in a namespace stays in it); what either browser sends through the
 *   interface is counted (`routedPackets`) and a run asserts it sent nothing. `spawnInRoutedNetwork`
 *   starts a command there; `assertRoutedNetwork` checks, from inside, that it is there.
 * - Browsers: `launchFirefox()` with `FIREFOX_PREFS` (fake devices, no traffic of its own);
 *   `newFirefoxUser(browser)` is a `UserPage` like the harness's Chromium `UserContext`: own
 *   storage (a BiDi user context), the harness's init scripts, console errors and warnings kept.
 *   Chromium runs with `CHROMIUM_ROUTED_ARGS` beside the harness's flags.
 */
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before } from 'node:test';
import { accessSync, constants } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { Readable } from 'node:stream';
import puppeteer, {
  type Browser as FirefoxBrowser,
  type ElementHandle,
  type Page as PuppeteerPage,
} from 'puppeteer-core';
import {
  instrument,
  NAME_HELPER,
  ROOT,
  steadyMicrophone,
  WAIT_MS,
  type ClickRole,
  type PageLike,
  type UserContextOptions,
  type UserPage,
} from './harness.js';

// ---------------------------------------------------------------------------------------------
// Network

/** The namespace's routed interface: a veth pair, so that no kernel module is needed but veth. */
export const ROUTED_NETWORK = {
  /** Has `address` and the default route. */
  device: 'e2e-route',
  /** Its other end: up, no address; whatever reaches it goes nowhere. */
  sink: 'e2e-sink',
  address: '10.99.0.1',
  prefix: 24,
  /** The default route's next hop, on the pair's subnet; nothing answers for it. */
  gateway: '10.99.0.254',
} as const;

/**
 * Sets the namespace up, then runs the command (`"$@"`). IPv6 makes no address on the pair (no
 * router solicitation); reports of link-local multicast groups (Chromium's mDNS responder joins
 * 224.0.0.251 on every interface) are not sent. Any other packet sent through `device` counts.
 */
const SETUP = [
  'set -e',
  'ip link set lo up',
  'echo 0 > /proc/sys/net/ipv4/igmp_link_local_mcast_reports',
  `ip link add ${ROUTED_NETWORK.device} type veth peer name ${ROUTED_NETWORK.sink}`,
  `ip link set ${ROUTED_NETWORK.device} addrgenmode none`,
  `ip link set ${ROUTED_NETWORK.sink} addrgenmode none`,
  `ip addr add ${ROUTED_NETWORK.address}/${ROUTED_NETWORK.prefix} dev ${ROUTED_NETWORK.device}`,
  `ip link set ${ROUTED_NETWORK.sink} up`,
  `ip link set ${ROUTED_NETWORK.device} up`,
  `ip route add default via ${ROUTED_NETWORK.gateway} dev ${ROUTED_NETWORK.device}`,
  'exec "$@"',
].join('\n');

/** The `unshare` flags that make a new network namespace here: `-n` as root, else `-rn`. */
function unshareFlags(): { flags: string[] } | { reasons: string[] } {
  if (process.platform !== 'linux')
    return { reasons: [`network namespaces need Linux (${process.platform})`] };
  const reasons: string[] = [];
  const candidates = process.getuid?.() === 0 ? [['-n'], ['-rn']] : [['-rn']];
  for (const flags of candidates) {
    const probe = spawnSync('unshare', [...flags, 'sh', '-c', SETUP, 'sh', 'true'], { encoding: 'utf8' });
    if (probe.status === 0) return { flags };
    const why = probe.error?.message ?? (probe.stderr.trim() || `exit ${String(probe.status)}`);
    reasons.push(`unshare ${flags.join(' ')}: ${why}`);
  }
  return { reasons };
}

/**
 * Starts `command` in a new network namespace set up as `ROUTED_NETWORK` says, its stdout and
 * stderr piped. Throws, saying why, when no namespace can be made here (no `unshare`, no `ip`, no
 * permission): the scenario never runs with the machine's own network.
 */
export function spawnInRoutedNetwork(
  command: readonly [string, ...string[]],
  env: NodeJS.ProcessEnv = process.env,
): ChildProcessByStdio<null, Readable, Readable> {
  const found = unshareFlags();
  if ('reasons' in found) {
    throw new Error(
      `cannot make the test's network namespace (lo and a veth pair with a default route): ${found.reasons.join('; ')}. ` +
        'It needs Linux, util-linux (unshare), iproute2 (ip), veth, and root or user namespaces.',
    );
  }
  return spawn('unshare', [...found.flags, 'sh', '-c', SETUP, 'sh', ...command], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that the test can end it and everything it started.
    detached: true,
  });
}

/** Throws unless this process runs in the namespace `spawnInRoutedNetwork` makes, and nothing else. */
export function assertRoutedNetwork(): void {
  const interfaces = networkInterfaces();
  const names = Object.keys(interfaces).sort();
  const device = interfaces[ROUTED_NETWORK.device] ?? [];
  const expected = ['lo', ROUTED_NETWORK.device].sort();
  const addresses = device.map((entry) => entry.address);
  if (names.join() !== expected.join() || addresses.join() !== ROUTED_NETWORK.address) {
    throw new Error(
      `not in the test's network namespace (interfaces: ${names.join(', ')}; addresses of ` +
        `${ROUTED_NETWORK.device}: ${addresses.join(', ') || 'none'}): expected lo, and ` +
        `${ROUTED_NETWORK.device} with ${ROUTED_NETWORK.address} only. test/e2e/firefox.test.ts starts it there.`,
    );
  }
}

/** How many packets were sent through the routed interface since the namespace was made. */
export function routedPackets(): number {
  const shown = spawnSync('ip', ['-j', '-s', 'link', 'show', ROUTED_NETWORK.device], { encoding: 'utf8' });
  if (shown.status !== 0) throw new Error(`ip -s link show ${ROUTED_NETWORK.device}: ${shown.stderr.trim()}`);
  const [link] = JSON.parse(shown.stdout) as [{ stats64?: { tx?: { packets?: number } } }?];
  const packets = link?.stats64?.tx?.packets;
  if (packets === undefined) throw new Error(`no counters for ${ROUTED_NETWORK.device}: ${shown.stdout}`);
  return packets;
}

// ---------------------------------------------------------------------------------------------
// Browsers

/** Where Firefox is: `FIREFOX_PATH`, else Debian's `firefox-esr`. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** Throws, saying how to get it, unless `FIREFOX_PATH` is an executable. */
export function assertFirefoxInstalled(): void {
  try {
    accessSync(FIREFOX_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `Firefox not found at ${FIREFOX_PATH}: install Debian's firefox-esr ` +
        '(apt-get install --no-install-recommends firefox-esr; .ci/run does) or set FIREFOX_PATH.',
    );
  }
}

/**
 * Chromium's flags beside the harness's where the namespace has a route: no host name is resolved
 * (a lookup would go to the resolver through the route; the tests use IP addresses only).
 */
export const CHROMIUM_ROUTED_ARGS: readonly string[] = [
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

/**
 * Firefox's preferences. Media: the fake camera and microphone without a prompt, real host
 * candidates (not mDNS names, which Chromium could resolve only by multicast), no ICE server, a
 * mock audio device.
 * Language: en-US, the tests' accessible names. The rest keeps Firefox's own services (updates,
 * telemetry, studies, captive portal and connectivity checks, Safe Browsing, remote settings,
 * push, region and geolocation lookups, DNS prefetch and speculative connections) from making any
 * connection: the scenario asserts that nothing was sent through the namespace's route.
 */
export const FIREFOX_PREFS: Readonly<Record<string, string | number | boolean>> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.peerconnection.default_iceservers': '[]',
  // The audio graph runs on Firefox's mock audio backend, as Chromium's headless runs on its fake
  // output: a container has no sound device, and an `AudioContext` without one never starts.
  'media.cubeb.force_mock_context': true,
  'intl.accept_languages': 'en-US',
  'intl.locale.requested': 'en-US',
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.normandy.enabled': false,
  'app.normandy.api_url': '',
  'app.shield.optoutstudies.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'captivedetect.canonicalURL': '',
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.server': '',
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'browser.ping-centre.telemetry': false,
  'browser.newtabpage.activity-stream.feeds.telemetry': false,
  'browser.newtabpage.activity-stream.telemetry': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.downloads.remote.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  // Honoured in release builds with MOZ_DISABLE_NONLOCAL_CONNECTIONS (below): a server that is
  // never asked.
  'services.settings.server': 'data:,#remote-settings-dummy/v1',
  'security.remote_settings.crlite_filters.enabled': false,
  'security.remote_settings.intermediates.enabled': false,
  'security.OCSP.enabled': 0,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.blocklist.enabled': false,
  'media.gmp-manager.url': '',
  'media.gmp-manager.updateEnabled': false,
  'media.gmp-gmpopenh264.autoupdate': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'geo.provider.network.url': '',
  'dom.push.connection.enabled': false,
  'dom.push.serverURL': '',
  'network.dns.disableIPv6': true,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.predictor.enabled': false,
  'network.http.speculative-parallel-limit': 0,
  'network.trr.mode': 5,
};

/**
 * Firefox, headless, over WebDriver BiDi. `MOZ_DISABLE_NONLOCAL_CONNECTIONS=1` (Firefox's own test
 * switch) refuses any connection to an address that is not local.
 */
export function launchFirefox(): Promise<FirefoxBrowser> {
  assertFirefoxInstalled();
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    protocol: 'webDriverBiDi',
    headless: true,
    defaultViewport: { width: 1024, height: 768 },
    extraPrefsFirefox: { ...FIREFOX_PREFS },
    env: { ...process.env, MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1' },
    timeout: WAIT_MS,
  });
}

/** `page.evaluate(fn, arg)` of Puppeteer, typed as the harness's helpers read a page. */
function pageLike(page: PuppeteerPage): PageLike {
  return {
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> =>
      page.evaluate(fn as (arg: unknown) => Awaited<R>, arg),
  };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Clicks the one visible `role` named `name` (as Playwright's `getByRole`: a string matches a part
 * of the name, case aside) with Puppeteer's real input, once the page's probe finds exactly one.
 */
async function clickByRole(page: PuppeteerPage, role: ClickRole, name: string | RegExp): Promise<void> {
  const { source, flags } = typeof name === 'string' ? new RegExp(escapeRegExp(name), 'i') : name;
  const handle = await page
    .waitForFunction(
      (role: ClickRole, source: string, flags: string) => {
        const matches = window.__e2e.byRole(role, source, flags);
        return matches.length === 1 ? matches[0] : null;
      },
      { timeout: WAIT_MS, polling: 50 },
      role,
      source,
      flags,
    )
    .catch(async (error: unknown) => {
      const found = await page.evaluate(
        (role: ClickRole, source: string, flags: string) => window.__e2e.byRole(role, source, flags).length,
        role,
        source,
        flags,
      );
      throw new Error(
        `no single ${role} named ${String(name)} (found ${found}): ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  const element = handle.asElement() as ElementHandle<Element> | null;
  try {
    if (element === null) throw new Error(`the ${role} named ${String(name)} is not an element`);
    await element.click();
  } finally {
    await handle.dispose();
  }
}

/** One user in Firefox: its own user context (storage) and page, instrumented as the harness's. */
export async function newFirefoxUser(
  browser: FirefoxBrowser,
  options: Pick<UserContextOptions, 'microphone'> = {},
): Promise<UserPage> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  await page.evaluateOnNewDocument(NAME_HELPER);
  if (options.microphone === 'tone') await page.evaluateOnNewDocument(steadyMicrophone);
  await page.evaluateOnNewDocument(instrument);
  const problems: string[] = [];
  page.on('console', (message) => {
    const type = message.type();
    if (type === 'error' || type === 'warn') problems.push(`${type}: ${message.text()}`);
  });
  page.on('pageerror', (error) => {
    problems.push(`pageerror: ${error instanceof Error ? error.message : String(error)}`);
  });
  return {
    browserName: 'firefox',
    page: pageLike(page),
    problems,
    goto: async (url) => {
      await page.goto(url);
    },
    click: (role, name) => clickByRole(page, role, name),
    close: () => context.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// The scenario's process and its reports

/** The bound of each step in the scenario, as in test/e2e/feature-demo.test.ts: a stuck step must not hold the others. */
export const SCENARIO_STEP_MS = 120_000;

/** Who runs in which browser, in each of the scenario's runs of the Feature Demo. */
export const LAYOUTS = {
  'firefox-guests': { title: 'a Chromium host, Firefox guests', host: 'chromium', guests: 'firefox' },
  'firefox-host': { title: 'a Firefox host, Chromium guests', host: 'firefox', guests: 'chromium' },
} as const;
export type LayoutName = keyof typeof LAYOUTS;

/** How much of the scenario's stderr a failure quotes. */
const STDERR_LINES = 40;

/** One line of the scenario's stdout (JSON). */
export type ScenarioReport =
  | { readonly type: 'step'; readonly layout: string; readonly index: number; readonly error?: string }
  | {
      readonly type: 'problems';
      readonly layout: string;
      readonly problems: Readonly<Record<string, readonly string[]>>;
    }
  /** Packets sent through the routed interface during the whole scenario. */
  | { readonly type: 'network'; readonly packets: number }
  /** The scenario could not run (outside its namespace, a browser that does not start…). */
  | { readonly type: 'fatal'; readonly error: string };

/** The key of a report: what a test waits for. */
export function reportKey(report: ScenarioReport): string {
  switch (report.type) {
    case 'step':
      return `step ${report.layout} ${report.index}`;
    case 'problems':
      return `problems ${report.layout}`;
    default:
      return report.type;
  }
}

/** The scenario's process, and its reports as they arrive. */
export class Scenario {
  readonly #child: ChildProcessByStdio<null, Readable, Readable>;
  readonly #reports = new Map<string, ScenarioReport>();
  readonly #waiting = new Map<string, (report: ScenarioReport) => void>();
  readonly #stderr: string[] = [];
  readonly #exited: Promise<void>;
  #ended: string | null = null;

  /** Starts `script` (a path from the repository's root) with `args` in the routed namespace. */
  constructor(script: string, args: readonly string[]) {
    this.#child = spawnInRoutedNetwork([process.execPath, '--import', 'tsx', `${ROOT}${script}`, ...args]);
    createInterface({ input: this.#child.stdout }).on('line', (line) => this.#receive(line));
    createInterface({ input: this.#child.stderr }).on('line', (line) => {
      this.#stderr.push(line);
      if (this.#stderr.length > STDERR_LINES) this.#stderr.shift();
    });
    this.#exited = new Promise((done) => {
      this.#child.on('exit', (code, signal) => {
        this.#ended = `the scenario ended (${signal ?? `exit ${String(code)}`})`;
        for (const resolve of this.#waiting.values()) resolve({ type: 'fatal', error: this.#ended });
        this.#waiting.clear();
        done();
      });
    });
  }

  /** The report with `key` (`reportKey`); a `fatal` report if the scenario failed or ended first. */
  async report(key: string): Promise<ScenarioReport> {
    const fatal = this.#reports.get('fatal');
    const found = this.#reports.get(key) ?? fatal;
    if (found !== undefined) return found;
    if (this.#ended !== null) return { type: 'fatal', error: this.#ended };
    return new Promise((resolve) => this.#waiting.set(key, resolve));
  }

  /** Throws with the scenario's error and the end of its stderr. */
  fail(error: string): never {
    throw new Error(`${error}\n--- the scenario's stderr (last lines) ---\n${this.#stderr.join('\n')}`);
  }

  /** Ends the scenario if it still runs (its process group: the browsers close with it). */
  async stop(): Promise<void> {
    if (this.#ended === null && this.#child.pid !== undefined) process.kill(-this.#child.pid, 'SIGTERM');
    await this.#exited;
  }

  #receive(line: string): void {
    let report: ScenarioReport;
    try {
      report = JSON.parse(line) as ScenarioReport;
    } catch {
      this.#stderr.push(`(stdout) ${line}`);
      return;
    }
    const key = reportKey(report);
    this.#reports.set(key, report);
    if (key === 'fatal') {
      for (const resolve of this.#waiting.values()) resolve(report);
      this.#waiting.clear();
    }
    this.#waiting.get(key)?.(report);
    this.#waiting.delete(key);
  }
}

// ---------------------------------------------------------------------------------------------
// Inside a scenario's process

/** Writes one report on stdout, the line the test's `Scenario` reads. */
export function report(line: ScenarioReport): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** An error as a report carries it: its stack, or its text. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

/** `work`, or a rejection naming `what` after `ms`. */
export async function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still running after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** One step of a scenario: what its test is called, and what it does. */
export interface ScenarioStep {
  readonly title: string;
  run(): Promise<void> | void;
}

/**
 * Runs `steps` in order, each bounded by `SCENARIO_STEP_MS`, and reports each under `layout`: done,
 * its error (with what `explain` adds, if given), or "not run" once one before it failed.
 */
export async function runReportedSteps(
  layout: string,
  steps: readonly ScenarioStep[],
  explain?: (error: unknown) => Promise<string>,
): Promise<void> {
  let failed: string | null = null;
  for (const [index, step] of steps.entries()) {
    if (failed !== null) {
      report({ type: 'step', layout, index, error: `not run: ${failed}` });
      continue;
    }
    try {
      await bounded(
        Promise.resolve().then(() => step.run()),
        SCENARIO_STEP_MS,
        step.title,
      );
      report({ type: 'step', layout, index });
    } catch (error) {
      failed = `step ${index + 1} failed`;
      const more = explain ? `\n${await explain(error)}` : '';
      report({ type: 'step', layout, index, error: `${describeError(error)}${more}` });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// In the test's process

/**
 * Starts `script` with `args` in the routed namespace before the tests of the calling `describe`
 * (once `check`, if given, has not thrown) and stops it after them; returns how a test waits for one
 * report (a `fatal` report, or a scenario that could not start, fails it with the scenario's error).
 */
export function followScenario(
  script: string,
  args: readonly string[],
  check?: () => void,
): <T extends ScenarioReport['type']>(key: string, type: T) => Promise<Extract<ScenarioReport, { type: T }>> {
  let scenario: Scenario | Error = new Error('the scenario did not start');
  before(() => {
    try {
      check?.();
      scenario = new Scenario(script, args);
    } catch (error) {
      scenario = error instanceof Error ? error : new Error(String(error));
    }
  });
  after(async () => {
    if (!(scenario instanceof Error)) await scenario.stop();
  });
  return async function expectReport<T extends ScenarioReport['type']>(
    key: string,
    type: T,
  ): Promise<Extract<ScenarioReport, { type: T }>> {
    const current = scenario;
    if (current instanceof Error) throw current;
    const found = await current.report(key);
    if (found.type === 'fatal') current.fail(found.error);
    if (found.type !== type) throw new Error(`expected a ${type} report for ${key}, got ${found.type}`);
    return found as Extract<ScenarioReport, { type: T }>;
  };
}
