/**
 * B7: gzip sizes of the drop-in bundles, measured by size-limit (`@size-limit/file`) on the files
 * of each `.size-limit.json` entry, against a same-run floor: lit + nanostores alone, bundled and
 * minified the same way. "Met" compares with the targets (`TARGETS`), not with the limits
 * of `.size-limit.json`: a limit there may be a regression ceiling above the target (ADR 25).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
// @ts-expect-error -- @size-limit/file ships no type declarations
import filePlugin from '@size-limit/file';
import sizeLimit from 'size-limit';
import type { BenchContext, BenchResult } from './lib.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface Check {
  readonly name: string;
  readonly path: string | readonly string[];
  readonly limit: string;
}

/** Files of `pattern` (`dir/name-*.js`: one `*` in the file name) under `base`. */
async function glob(base: string, pattern: string): Promise<string[]> {
  const slash = pattern.lastIndexOf('/');
  const dir = join(base, pattern.slice(0, slash));
  const name = pattern.slice(slash + 1);
  const re = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.filter((entry) => re.test(entry)).map((entry) => join(dir, entry));
}

/** The targets, in bytes (size-limit's kB), by entry label; other entries use their limit. */
const TARGETS: Readonly<Record<string, number>> = { kit: 35_000, peer: 25_000, core: 10_000 };

function bytes(limit: string): number {
  const match = /^([\d.]+)\s*(B|KB|kB|MB)$/.exec(limit.trim());
  if (!match) throw new Error(`unknown limit ${limit}`);
  const unit = match[2] === 'MB' ? 1_000_000 : match[2] === 'B' ? 1 : 1_000;
  return Number(match[1]) * unit;
}

async function gzipOf(files: readonly string[]): Promise<number> {
  const results = (await sizeLimit([filePlugin as never], {
    checks: [{ files: [...files], gzip: true }],
  })) as unknown as readonly { readonly size: number }[];
  return results[0]?.size ?? Number.NaN;
}

export async function b7(ctx: BenchContext): Promise<BenchResult> {
  const out = await mkdtemp(join(tmpdir(), 'co-guest-kit-b7-'));
  try {
    // @ts-expect-error -- a plain .mjs build script without type declarations
    const { bundle } = (await import('../scripts/bundle.mjs')) as {
      bundle: (options: { outDir: string }) => Promise<unknown>;
    };
    await bundle({ outDir: join(out, 'dist/browser') });
    const checks = JSON.parse(await readFile(join(ROOT, '.size-limit.json'), 'utf8')) as Check[];
    const figures: Record<string, number> = {};
    let met = true;
    const labels = ['kit', 'peer', 'core', 'media'];
    for (const [index, check] of checks.entries()) {
      const patterns = typeof check.path === 'string' ? [check.path] : check.path;
      const files = (await Promise.all(patterns.map((pattern) => glob(out, pattern)))).flat();
      if (files.length === 0) throw new Error(`${check.name}: no file matches ${patterns.join(', ')}`);
      const size = await gzipOf(files);
      const label = labels[index] ?? `check${index}`;
      figures[`${label}Bytes`] = size;
      figures[`${label}Limit`] = bytes(check.limit);
      const target = TARGETS[label] ?? bytes(check.limit);
      if (size > target) met = false;
      ctx.log(`B7: ${check.name}: ${size} B gzip (size-limit limit ${check.limit}, target ${target} B)`);
    }
    const floorEntry = join(out, 'floor.js');
    await writeFile(floorEntry, "export * from 'lit';\nexport * from 'nanostores';\n");
    await build({
      entryPoints: [floorEntry],
      outfile: join(out, 'floor.min.js'),
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2022',
      nodePaths: [join(ROOT, 'node_modules')],
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    const floor = await gzipOf([join(out, 'floor.min.js')]);
    const kit = figures.kitBytes ?? Number.NaN;
    return {
      id: 'B7',
      what: 'bundle sizes, gzip (size-limit)',
      figures,
      baseline: { what: 'lit + nanostores alone, minified, gzip', value: floor },
      ratio: kit / floor,
      target: 'kit ≤ 35 KB, WebRTC chunk ≤ 25 KB, core ≤ 10 KB',
      met,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
