/** Writing a run's figures into BENCHMARKS.md, between a pair of HTML comment markers. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

const FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

/**
 * Replaces what is between `start` and `end` in BENCHMARKS.md with `body` (the markers are kept;
 * both are appended when missing), then formats the file as Prettier would, so `npm run lint`
 * passes after a run.
 */
export async function writeSection(start: string, end: string, body: string): Promise<void> {
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmarks\n';
  const section = `${start}\n\n${body}\n\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text}\n${section}\n`;
  const options = (await resolveConfig(FILE)) ?? {};
  writeFileSync(FILE, await format(next, { ...options, filepath: FILE }));
}

/** What is between `start` and `end` in BENCHMARKS.md (trimmed), or `null` without both markers. */
export function readSection(start: string, end: string): string | null {
  if (!existsSync(FILE)) return null;
  const text = readFileSync(FILE, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  return from >= 0 && to > from ? text.slice(from + start.length, to).trim() : null;
}
