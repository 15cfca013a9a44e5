/**
 * B6 (media on loopback: host accepts → first remote frame at the host and at a viewer; camera off
 * → background layer at a viewer) is not built yet. The WebRTC path is exercised end to end by
 * test/e2e (real server, two Chromium contexts, fake devices, in a loopback-only namespace), but
 * nothing times it. This module keeps B6's place in the runner and says so plainly.
 */
import type { BenchContext, BenchResult } from './lib.js';

export function b6(ctx: BenchContext): Promise<BenchResult> {
  ctx.log('B6: not built yet (see bench/media-bench.ts)');
  return Promise.reject(
    new Error(
      'B6 is not built yet: no timing of the media path exists; test/e2e/media-resume.test.ts covers it functionally',
    ),
  );
}
