/**
 * The command line shared by the seeded stress scripts (`npm run fuzz`, `npm run chaos`): a seed
 * (`--seed`, random when absent, printed so a run can be repeated), a count, the report as JSON, and
 * exit code 1 when the run found failures.
 */

/** The value after `name` on the command line, if any. */
export function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

export interface SeededRun<Report extends { readonly failures: readonly unknown[] }> {
  /** The script's name in its output (`fuzz`, `chaos`). */
  readonly name: string;
  /** The flag of the count (`--messages`) and what it counts (`messages`). */
  readonly countFlag: string;
  readonly countNoun: string;
  readonly defaultCount: number;
  /** The run itself. */
  readonly run: (count: number, seed: number, log: (line: string) => void) => Promise<Report>;
  /** The last line of a run without failures. */
  readonly passed: string;
}

/** Runs a seeded script from the command line and sets the exit code from its failures. */
export async function seededRun<Report extends { readonly failures: readonly unknown[] }>(
  options: SeededRun<Report>,
): Promise<void> {
  const seed = Number(argument('--seed') ?? Math.floor(Math.random() * 2 ** 31));
  const count = Number(argument(options.countFlag) ?? options.defaultCount);
  console.log(`${options.name}: ${count} ${options.countNoun}, seed ${seed} (repeat with --seed ${seed})`);
  const report = await options.run(count, seed, (line) => console.log(`  ${line}`));
  console.log(JSON.stringify(report, null, 2));
  if (report.failures.length > 0) {
    console.error(`${options.name}: ${report.failures.length} failures`);
    process.exit(1);
  }
  console.log(`${options.name}: ${options.passed}`);
}
