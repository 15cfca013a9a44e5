/**
 * B5: the elements in Chromium (playwright-core, the system Chromium). The page is
 * `bench/b5-page.ts`, bundled with esbuild in production mode (lit without dev-mode checks) and
 * loaded into a blank page; it drives a local hub, so no server and no network are involved.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { B5Page } from './b5-page.js';
import type { BenchContext, BenchResult } from './lib.js';

export const CHROMIUM_ARGS = [
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
];

export async function b5(ctx: BenchContext): Promise<BenchResult> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('./b5-page.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    tsconfig: fileURLToPath(new URL('../tsconfig.build.json', import.meta.url)),
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const script = bundled.outputFiles[0]?.text ?? '';
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('crash', () => problems.push('the page crashed'));
    // No request leaves the page: everything is inline and the hub lives in the page.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body></body></html>',
    );
    await page.addScriptTag({ content: script, type: 'module' });
    await page.waitForFunction(() => 'b5' in window, undefined, { timeout: 30_000 });
    const options = ctx.smoke ? { applicants: 200, samples: 5 } : { applicants: 10_000, samples: 50 };
    const figures = await page.evaluate((o) => (window as unknown as { b5: B5Page }).b5.run(o), options);
    if (problems.length > 0) ctx.log(`B5: the page reported: ${problems.join(' | ')}`);
    ctx.log(
      `B5: seat change ${figures.viewSeatChangeMedianMs?.toFixed(3)} ms (bare ${figures.bareSeatChangeMedianMs?.toFixed(3)}); list of ${figures.applicants} renders ${figures.listRenderMs?.toFixed(1)} ms (bare 100 rows ${figures.bareListRenderMs?.toFixed(1)}), arrival ${figures.listArrivalMedianMs?.toFixed(3)} ms, ${figures.rowsInDom} rows in the DOM`,
    );
    const seat = figures.viewSeatChangeMedianMs ?? Number.NaN;
    const bareSeat = figures.bareSeatChangeMedianMs ?? Number.NaN;
    return {
      id: 'B5',
      what: `UI in Chromium: <live-core-view> 9 seats; <applicant-list> with ${options.applicants} applicants (${options.samples} samples)`,
      figures,
      baseline: { what: 'bare Lit element, same seat change, median ms', value: bareSeat },
      ratio: seat / bareSeat,
      target: 'seat change ≤ 1 ms median; list renders ≤ 50 ms, arrival ≤ 2 ms, ≤ 100 rows',
      met:
        seat <= 1 &&
        (figures.listRenderMs ?? Infinity) <= 50 &&
        (figures.listArrivalMedianMs ?? Infinity) <= 2 &&
        (figures.rowsInDom ?? Infinity) <= 100 &&
        problems.length === 0,
      ...(problems.length > 0 ? { notes: `the page reported: ${problems.join(' | ')}` } : {}),
    };
  } finally {
    await browser.close();
  }
}
