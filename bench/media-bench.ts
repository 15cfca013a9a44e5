import type { BenchContext, BenchResult } from './lib.js';
export function b6(ctx: BenchContext): Promise<BenchResult> {
  ctx.log('not built');
  return Promise.reject(new Error('not yet'));
}
