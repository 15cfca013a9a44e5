/**
 * B7: gzip sizes of the browser bundles, measured by size-limit (`@size-limit/file`) on the files
 * of each budget of scripts/size-checks.mjs (what `npm run size` checks), against a same-run floor:
 * lit + nanostores alone, bundled and minified the same way. The figures: an audience page and a
 * host page through the autoloader (the autoloader and the files their tags load, before any
 * media), all elements in the drop-in file, the autoloader alone, every element through the
 * autoloader, then the WebRTC chunk, the headless core and the lazy media chunks. "Met" compares
 * with the targets (each budget's `target`), not with the limits: a limit may be a
 * regression ceiling above its target (docs/decisions/0025, 0032).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
// @ts-expect-error -- @size-limit/file ships no type declarations
import filePlugin from '@size-limit/file';
import sizeLimit from 'size-limit';
import type { BenchContext, BenchResult } from './lib.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A budget of scripts/size-checks.mjs. */
interface SizeBudget {
  readonly id: string;
  readonly target: number | null;
  readonly check: { readonly name: string; readonly path: readonly string[]; readonly limit: string };
}

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
    // @ts-expect-error -- a plain .mjs module without type declarations
    const { sizeBudgets } = (await import('../scripts/size-checks.mjs')) as {
      sizeBudgets: (dir: string) => SizeBudget[];
    };
    const dir = join(out, 'dist/browser');
    await bundle({ outDir: dir });
    const figures: Record<string, number> = {};
    let met = true;
    for (const { id, target, check } of sizeBudgets(dir)) {
      const size = await gzipOf(check.path);
      const limit = bytes(check.limit);
      figures[`${id}Bytes`] = size;
      figures[`${id}Limit`] = limit;
      if (size > (target ?? limit)) met = false;
      ctx.log(`B7: ${check.name}: ${size} B gzip (limit ${check.limit}, target ${target ?? 'the limit'})`);
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
    const audience = figures.audienceBytes ?? Number.NaN;
    return {
      id: 'B7',
      what: 'bundle sizes, gzip (size-limit): an audience page and a host page through the autoloader, all elements in the drop-in file, the autoloader alone (what is left, module by module: docs/decisions/0037)',
      figures,
      baseline: { what: 'lit + nanostores alone, minified, gzip', value: floor },
      ratio: audience / floor,
      target:
        'audience page ≤ 30 KB, host page ≤ 45 KB, all elements (drop-in) ≤ 54 KB, WebRTC chunk ≤ 25 KB, core ≤ 10 KB',
      met,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
