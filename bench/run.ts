/**
 * `npm run bench`: B1–B7 of the performance issue, each with its same-run baseline, and B9 (mesh
 * and SFU side by side, bench/sfu-bench.ts: it starts itself in a network namespace of its own).
 *
 *   node --import tsx bench/run.ts [--smoke] [--only B2[,B4]] [--write]
 *
 * `--smoke` runs each benchmark with a few members and samples (what `test/bench/smoke.test.ts`
 * runs); `--write` puts the results into BENCHMARKS.md (the default for a full run; with `--only`,
 * only those rows are replaced, with a line saying when and where they ran). Everything
 * binds and connects to 127.0.0.1 only. The runner re-executes itself once: under the hard limit of
 * open files (`ulimit -n`; a full run opens some 40,000 sockets across its processes) and, when B6
 * (WebRTC) is among the benchmarks, in a loopback-only network namespace through
 * scripts/loopback-only.mjs (`unshare -n` as root, `unshare -rn` otherwise), as the end-to-end
 * tests are run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { machine, type BenchContext, type BenchResult } from './lib.js';
import { readSection, writeSection } from './benchmarks-md.js';

export interface RunOptions {
  readonly smoke: boolean;
  readonly only: readonly string[] | null;
  readonly write: boolean;
}

export const BENCHMARKS = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B9'] as const;

type Bench = (ctx: BenchContext) => Promise<BenchResult>;

async function load(id: string): Promise<Bench> {
  switch (id) {
    case 'B1':
      return (await import('./node-benches.js')).b1;
    case 'B2':
      return (await import('./node-benches.js')).b2;
    case 'B3':
      return (await import('./node-benches.js')).b3;
    case 'B4':
      return (await import('./node-benches.js')).b4;
    case 'B5':
      return (await import('./browser-benches.js')).b5;
    case 'B6':
      return (await import('./media-bench.js')).b6;
    case 'B7':
      return (await import('./size-bench.js')).b7;
    case 'B9':
      return (await import('./sfu-bench.js')).b9;
    default:
      throw new Error(`unknown benchmark ${id}`);
  }
}

export function parseArgs(argv: readonly string[]): RunOptions {
  const smoke = argv.includes('--smoke');
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').toUpperCase().split(',').filter(Boolean) : null;
  return { smoke, only, write: argv.includes('--write') || (!smoke && only === null) };
}

/** Runs the benchmarks; a failing one is reported as such and the others still run. */
export async function run(
  options: RunOptions,
  log: (line: string) => void = console.log,
): Promise<BenchResult[]> {
  const ids = options.only ?? BENCHMARKS;
  const results: BenchResult[] = [];
  for (const id of ids) {
    const started = performance.now();
    log(`${id}: running${options.smoke ? ' (smoke)' : ''}`);
    try {
      const bench = await load(id);
      const result = await bench({ smoke: options.smoke, log });
      results.push(result);
      log(
        `${id}: ${result.met ? 'target met' : 'TARGET MISSED'} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`${id}: FAILED: ${message}`);
      results.push({
        id,
        what: 'failed to run',
        figures: {},
        baseline: null,
        ratio: null,
        target: '',
        met: false,
        notes: message,
      });
    }
  }
  return results;
}

function chromiumVersion(): string {
  const path = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  const out = spawnSync(path, ['--version'], { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : 'not found';
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 3).replace(/\.?0+$/, '');
}

/** One result's row of the results table. */
function row(r: BenchResult, smoke: boolean): string {
  const figures = Object.entries(r.figures)
    .map(([name, value]) => `${name} ${format(value)}`)
    .join(', ');
  const baseline = r.baseline ? `${r.baseline.what}: ${format(r.baseline.value)}` : '—';
  const ratio = r.ratio === null ? '—' : `${format(r.ratio)}×`;
  const command = `node --import tsx bench/run.ts --only ${r.id}${smoke ? ' --smoke' : ''}`;
  const notes = r.notes ? ` ${r.notes.replace(/\|/g, '\\|').replace(/\n/g, ' ')}` : '';
  return `| ${r.id} | ${r.what} | ${figures}${notes} | ${baseline} | ${ratio} | ${r.target} | ${r.met ? 'yes' : '**no**'} | \`${command}\` |`;
}

export function table(results: readonly BenchResult[], smoke: boolean): string {
  return [
    '| # | what | measured | same-run baseline | ratio | target | met | command |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((r) => row(r, smoke)),
  ].join('\n');
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/**
 * Writes these results between the markers of BENCHMARKS.md. A full run replaces the section; a
 * partial run (`--only`) replaces only its own rows of the table that is there (adding a row it
 * lacks), and says under the table when and where those rows ran, so the other rows keep their run.
 */
export async function writeResults(
  results: readonly BenchResult[],
  smoke: boolean,
  partial = false,
): Promise<void> {
  const run = `${new Date().toISOString()}; ${smoke ? 'smoke sizes' : 'full sizes'}`;
  const machineLine = `Machine: ${machine(chromiumVersion())}.`;
  const current = partial ? readSection(START, END) : null;
  const hasTable = current?.split('\n').some((line) => /^\|\s*#\s*\|/.test(line)) === true;
  await writeSection(
    START,
    END,
    current !== null && hasTable
      ? mergeRows(current, results, smoke, `${run}. ${machineLine}`)
      : [`Run: ${run}.`, '', machineLine, '', table(results, smoke)].join('\n'),
  );
}

/**
 * `section` (the text between the markers) with the rows of `results` in place of the rows of the
 * same benchmarks (or added after the last row), and, at its end, one line per benchmark saying
 * when it was run again on its own.
 */
export function mergeRows(
  section: string,
  results: readonly BenchResult[],
  smoke: boolean,
  when: string,
): string {
  const note = (id: string) => `${id} was run again on its own: `;
  const lines = section.split('\n').filter((line) => !results.some((r) => line.startsWith(note(r.id))));
  for (const r of results) {
    const at = lines.findIndex((line) => new RegExp(`^\\|\\s*${r.id}\\s*\\|`).test(line));
    const lastRow = lines.findLastIndex((line) => line.startsWith('|'));
    if (at >= 0) lines[at] = row(r, smoke);
    else lines.splice(lastRow + 1, 0, row(r, smoke));
  }
  const notes = results.map((r) => `${note(r.id)}${when}`);
  return [lines.join('\n').trimEnd(), ...notes].join('\n\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseArgs(argv);
  // Re-executed once: under the hard limit of open files (a full run needs more than the usual
  // 1,024), and, when B6 runs, in a loopback-only network namespace (scripts/loopback-only.mjs:
  // `unshare -n` as root, `unshare -rn` otherwise; as is when the process already sees only `lo`).
  if (process.env.BENCH_REEXEC !== '1') {
    const quote = (part: string) => `'${part.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...argv]
      .map(quote)
      .join(' ');
    const shell = ['bash', '-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${command}`];
    const media = (options.only ?? BENCHMARKS).includes('B6');
    const loopbackOnly = fileURLToPath(new URL('../scripts/loopback-only.mjs', import.meta.url));
    const [file, ...args] = media ? [process.execPath, loopbackOnly, ...shell] : shell;
    const child = spawnSync(file ?? 'bash', args, {
      stdio: 'inherit',
      env: { ...process.env, BENCH_REEXEC: '1' },
    });
    process.exit(child.status ?? 1);
  }
  const results = await run(options);
  console.log(`\n${table(results, options.smoke)}`);
  if (options.write) await writeResults(results, options.smoke, options.only !== null);
  process.exit(results.every((r) => r.notes === undefined || r.met) ? 0 : 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void main();
