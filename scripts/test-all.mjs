// @ts-check
/**
 * `npm test`: every suite, one after another, each run whatever happened to the ones before, then
 * a summary of all of them. The exit code is 1 when any suite failed, so one failure never hides
 * another suite's result.
 *
 * Usage: `node scripts/test-all.mjs [name…]` (names from the list below; none means all).
 */
import { spawn } from 'node:child_process';

/** The suites, in the order they run: `npm run <script>`. */
const SUITES = [
  'lint',
  'types',
  'test:node',
  'test:browser',
  'test:e2e',
  'test:frameworks',
  'manifest:check',
  'build-storybook',
  'size',
  'test:consumer',
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !SUITES.includes(name));
if (unknown.length > 0) {
  console.error(`test-all: unknown suite ${unknown.join(', ')}; known: ${SUITES.join(', ')}`);
  process.exit(2);
}
const suites = wanted.length > 0 ? SUITES.filter((name) => wanted.includes(name)) : SUITES;

/**
 * @param {string} script
 * @returns {Promise<number>} the exit code (1 when killed by a signal).
 */
function run(script) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', script], { stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** @type {Array<{ name: string, code: number, seconds: number }>} */
const results = [];
for (const name of suites) {
  console.log(`\n==> npm run ${name}`);
  const started = performance.now();
  const code = await run(name);
  results.push({ name, code, seconds: (performance.now() - started) / 1000 });
}

const width = Math.max(...results.map(({ name }) => name.length));
console.log('\n==> npm test: every suite');
for (const { name, code, seconds } of results) {
  const verdict = code === 0 ? 'passed' : `FAILED (exit ${code})`;
  console.log(`  ${name.padEnd(width)}  ${verdict.padEnd(16)} ${seconds.toFixed(0).padStart(5)} s`);
}
const failed = results.filter(({ code }) => code !== 0);
if (failed.length > 0) {
  console.log(
    `\n${failed.length} of ${results.length} suites failed: ${failed.map(({ name }) => name).join(', ')}`,
  );
  process.exit(1);
}
console.log(`\nall ${results.length} suites passed`);
