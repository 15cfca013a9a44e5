// @ts-check
/**
 * Pictures of the stories, for looking at them.
 *
 *   npm run screenshots          every story of the static Storybook (storybook-static/, built
 *                                first by the npm script), in the light and the dark theme, into
 *                                screenshots/ (gitignored), with screenshots/index.html to browse
 *                                them side by side
 *   npm run screenshots:update   rewrites the committed baselines of the key stories
 *                                (test/visual/baselines/, test/visual/key-stories.ts) by running
 *                                test/browser/visual.test.ts with UPDATE_VISUAL_BASELINES=1
 *
 * The static build is served by a tiny server on 127.0.0.1 (a free port) and captured with
 * playwright-core in the system Chromium (CHROME_PATH, default /usr/bin/chromium); nothing is
 * downloaded. A story that fails to render, or logs a console error, is reported and makes the
 * command exit with 1 once every picture is taken.
 */
import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..');
const STATIC_DIR = join(ROOT, 'storybook-static');
const OUT_DIR = join(ROOT, 'screenshots');
const THEMES = ['light', 'dark'];
/** Pages working at once (the machine has 2 cores). */
const PARALLEL = 2;
const VIEWPORT = { width: 1024, height: 768 };
/** Longest wait for one story to load, render and play. */
const STORY_TIMEOUT_MS = 15_000;

const CONTENT_TYPES = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
});

if (process.argv.includes('--update-baselines')) {
  const result = spawnSync('npx', ['web-test-runner', 'test/browser/visual.test.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, UPDATE_VISUAL_BASELINES: '1' },
  });
  process.exit(result.status ?? 1);
}

/**
 * Serves `dir` on 127.0.0.1 (GET and HEAD only, no listing, nothing outside `dir`).
 * @param {string} dir
 * @returns {Promise<{ origin: string; close: () => Promise<void> }>}
 */
function serveStatic(dir) {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    let path = resolve(dir, `.${decodeURIComponent(url.pathname)}`);
    if (path !== dir && !path.startsWith(dir + sep)) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    if (!existsSync(path)) {
      // The browser asks for a favicon that the build does not have (it links an SVG one).
      if (url.pathname === '/favicon.ico') {
        response.writeHead(204).end();
        return;
      }
      console.error(`static server: 404 ${url.pathname}`);
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(path).pipe(response);
  });
  return new Promise((resolveServer) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolveServer({
        origin: `http://127.0.0.1:${port}`,
        close: () => new Promise((done) => server.close(() => done(undefined))),
      });
    });
  });
}

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * @typedef {{ id: string; title: string; name: string; type: string }} IndexEntry
 * @typedef {{ id: string; title: string; name: string; theme: string; file: string; problems: string[] }} Shot
 */

async function main() {
  const indexPath = join(STATIC_DIR, 'index.json');
  if (!existsSync(indexPath)) {
    console.error('No static Storybook in storybook-static/: run `npm run build-storybook` first.');
    process.exit(1);
  }
  const index = /** @type {{ entries: Record<string, IndexEntry> }} */ (
    JSON.parse(readFileSync(indexPath, 'utf8'))
  );
  const stories = Object.values(index.entries).filter((entry) => entry.type === 'story');

  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });

  const server = await serveStatic(STATIC_DIR);
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({
    viewport: VIEWPORT,
    reducedMotion: 'reduce',
    colorScheme: 'light',
  });

  /** @type {Shot[]} */
  const shots = [];
  const jobs = stories.flatMap((story) => THEMES.map((theme) => ({ story, theme })));
  let next = 0;

  const worker = async () => {
    const page = await context.newPage();
    /** @type {string[]} */
    let problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        problems.push(`console.${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    while (next < jobs.length) {
      const job = jobs[next++];
      if (job === undefined) break;
      const { story, theme } = job;
      problems = [];
      const file = `${story.id}--${theme}.png`;
      const url = `${server.origin}/iframe.html?id=${encodeURIComponent(story.id)}&viewMode=story&globals=theme:${theme}`;
      await page.goto(url);
      try {
        const phase = await page.waitForFunction(
          (id) => {
            const preview = /** @type {any} */ (globalThis).__STORYBOOK_PREVIEW__;
            const render = preview?.currentRender;
            if (render?.id !== id) return false;
            return ['completed', 'finished', 'errored', 'aborted'].includes(render.phase)
              ? render.phase
              : false;
          },
          story.id,
          { timeout: STORY_TIMEOUT_MS },
        );
        const value = await phase.jsonValue();
        if (value !== 'completed' && value !== 'finished') problems.push(`the story ${value}`);
      } catch {
        problems.push(`the story did not finish within ${STORY_TIMEOUT_MS / 1000} s`);
      }
      try {
        // Down to the lowest box the story draws (shadow trees and popovers included, plus the
        // canvas padding); the whole viewport when it draws nothing (an error display).
        const bottom = await page.evaluate(() => {
          // Runs in the page.
          const { document, scrollY } = /** @type {any} */ (globalThis);
          let lowest = 0;
          /** @param {Element | ShadowRoot} scope */
          const visit = (scope) => {
            for (const element of Array.from(scope.children)) {
              const rect = element.getBoundingClientRect();
              if (rect.width > 0 && rect.height > 0) lowest = Math.max(lowest, rect.bottom + scrollY);
              if (element.shadowRoot !== null) visit(element.shadowRoot);
              visit(element);
            }
          };
          const root = document.querySelector('#storybook-root');
          if (root !== null) visit(root);
          return lowest;
        });
        const height = Math.ceil(bottom + 16);
        await page.screenshot({
          path: join(OUT_DIR, file),
          animations: 'disabled',
          caret: 'hide',
          // Popovers in the top layer do not make the page longer: within the viewport, clip the
          // viewport; past it, clip the full page.
          fullPage: height > VIEWPORT.height,
          ...(bottom > 0 ? { clip: { x: 0, y: 0, width: VIEWPORT.width, height } } : {}),
        });
      } catch (error) {
        problems.push(`no screenshot: ${error instanceof Error ? error.message : String(error)}`);
      }
      shots.push({ id: story.id, title: story.title, name: story.name, theme, file, problems });
      const mark = problems.length === 0 ? 'ok  ' : 'FAIL';
      console.log(`${mark} ${story.id} (${theme})${problems.map((problem) => `\n     ${problem}`).join('')}`);
    }
    await page.close();
  };

  try {
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  } finally {
    await browser.close();
    await server.close();
  }

  shots.sort((a, b) =>
    a.id === b.id ? THEMES.indexOf(a.theme) - THEMES.indexOf(b.theme) : a.id < b.id ? -1 : 1,
  );
  const rows = [...new Set(shots.map((shot) => shot.id))].map((id) => {
    const pair = shots.filter((shot) => shot.id === id);
    const first = pair[0];
    const cells = pair
      .map(
        (shot) =>
          `<td><img src="${escapeHtml(shot.file)}" alt="${escapeHtml(`${shot.title} / ${shot.name}, ${shot.theme}`)}">` +
          shot.problems.map((problem) => `<p class="problem">${escapeHtml(problem)}</p>`).join('') +
          '</td>',
      )
      .join('');
    return `<tr><th>${escapeHtml(first?.title ?? '')}<br>${escapeHtml(first?.name ?? '')}</th>${cells}</tr>`;
  });
  writeFileSync(
    join(OUT_DIR, 'index.html'),
    `<!doctype html><html lang="en"><meta charset="utf-8"><title>Story screenshots</title>
<style>body{font:14px system-ui;margin:16px}th{text-align:left;vertical-align:top;padding:8px}td{vertical-align:top;padding:8px}img{max-width:520px;border:1px solid #ccc}.problem{color:#b91c1c}</style>
<h1>Story screenshots</h1><table><tr><th>Story</th>${THEMES.map((theme) => `<th>${theme}</th>`).join('')}</tr>${rows.join('\n')}</table></html>\n`,
  );

  const failed = shots.filter((shot) => shot.problems.length > 0);
  console.log(
    `\n${shots.length} screenshots of ${stories.length} stories in screenshots/ (open screenshots/index.html); ` +
      `${failed.length} with problems.`,
  );
  if (failed.length > 0) process.exitCode = 1;
}

await main();
