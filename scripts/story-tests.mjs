// @ts-check
/**
 * The Node side of the story tests (test/browser/stories.test.ts, test/browser/visual.test.ts): a
 * web-test-runner plugin with two server commands the test page calls through
 * `executeServerCommand` (@web/test-runner-commands).
 *
 * - `story-files`: the stories modules, found on disk at the moment of the run (the one list of
 *   them, so a new stories file is tested without any registration). Storybook reads the same
 *   glob (.storybook/main.ts: `../stories/**\/*.stories.ts`). A stories file Storybook would not
 *   read (another extension, or outside stories/) fails the command, hence the run.
 * - `visual-compare`: screenshots one element of the test page with Playwright and compares it with
 *   its committed baseline, test/visual/baselines/<name>.png (pixelmatch, see `compareImages`).
 *   On a mismatch it writes <name>.actual.png and <name>.diff.png to test/visual/failed/.
 *   `UPDATE_VISUAL_BASELINES=1` (`npm run screenshots:update`) writes the baselines instead.
 *
 * See docs/decisions/0009-storybook-and-story-tests.md.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

/** Where stories live; Storybook's `stories` glob in .storybook/main.ts names the same folder. */
export const STORIES_DIR = 'stories';
export const BASELINES_DIR = 'test/visual/baselines';
export const FAILED_DIR = 'test/visual/failed';

/**
 * Tolerance of the visual comparison. `threshold` is pixelmatch's per-pixel colour distance
 * (0…1; anti-aliased pixels are ignored); `maxDiffRatio` is the share of differing pixels a
 * picture may have and still match (text rendering, sub-pixel layout).
 */
export const VISUAL_TOLERANCE = { threshold: 0.1, maxDiffRatio: 0.001 };

/** Folders never searched for stray stories files. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', 'storybook-static', 'screenshots']);

/**
 * Every file of `dir` (recursively) whose name matches `pattern`, as sorted POSIX paths relative
 * to `root`.
 * @param {string} root
 * @param {string} dir
 * @param {RegExp} pattern
 * @returns {string[]}
 */
function findFiles(root, dir, pattern) {
  /** @type {string[]} */
  const found = [];
  /** @param {string} folder */
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(path);
      } else if (pattern.test(entry.name) && !entry.name.startsWith('.')) {
        found.push(relative(root, path).split(sep).join('/'));
      }
    }
  };
  if (existsSync(join(root, dir))) walk(join(root, dir));
  return found.sort();
}

/**
 * The stories modules under `root` (`stories/**\/*.stories.ts`). Throws when a stories file exists
 * that neither Storybook nor the story tests would read.
 * @param {string} [root]
 * @returns {string[]}
 */
export function storyFiles(root = process.cwd()) {
  const files = findFiles(root, STORIES_DIR, /\.stories\.ts$/);
  const stray = [STORIES_DIR, 'src', 'test']
    .flatMap((dir) => findFiles(root, dir, /\.stories\.[a-z]+$/))
    .filter((file) => !files.includes(file));
  if (stray.length > 0) {
    throw new Error(
      `stories files that Storybook and the story tests do not read: ${stray.join(', ')}. ` +
        `Stories are TypeScript files in ${STORIES_DIR}/ named <tag>.stories.ts (stories/README.md).`,
    );
  }
  return files;
}

/**
 * @typedef {{ ok: boolean; message: string; diffPixels: number; diffRatio: number; diff?: PNG }} Comparison
 */

/**
 * Compares two PNG pictures with pixelmatch.
 * @param {Buffer} expectedPng
 * @param {Buffer} actualPng
 * @param {{ threshold: number; maxDiffRatio: number }} [tolerance]
 * @returns {Comparison}
 */
export function compareImages(expectedPng, actualPng, tolerance = VISUAL_TOLERANCE) {
  const expected = PNG.sync.read(expectedPng);
  const actual = PNG.sync.read(actualPng);
  if (expected.width !== actual.width || expected.height !== actual.height) {
    return {
      ok: false,
      message: `size ${actual.width}×${actual.height} differs from the baseline's ${expected.width}×${expected.height}`,
      diffPixels: Math.max(expected.width * expected.height, actual.width * actual.height),
      diffRatio: 1,
    };
  }
  const { width, height } = expected;
  const diff = new PNG({ width, height });
  const diffPixels = pixelmatch(expected.data, actual.data, diff.data, width, height, {
    threshold: tolerance.threshold,
  });
  const diffRatio = diffPixels / (width * height);
  const ok = diffRatio <= tolerance.maxDiffRatio;
  const percent = (diffRatio * 100).toFixed(3);
  const allowed = (tolerance.maxDiffRatio * 100).toFixed(3);
  return {
    ok,
    message: ok
      ? `${diffPixels} pixels differ (${percent}%, allowed ${allowed}%)`
      : `${diffPixels} pixels differ (${percent}%, more than the allowed ${allowed}%)`,
    diffPixels,
    diffRatio,
    diff,
  };
}

/**
 * @typedef {{ name: string; selector: string; baseline?: string; record?: boolean }} ComparePayload
 * `name`: the picture's name (file name without `.png`); `selector`: the element to capture (must
 * match exactly one element); `baseline`: compare against another picture's baseline (default
 * `name`); `record: false`: only report, write nothing (the comparator's own tests).
 */

/** @param {string} name */
function checkName(name) {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(name)) throw new Error(`visual-compare: bad picture name "${name}"`);
}

/**
 * @param {{ root?: string; update?: boolean }} [options]
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function storyTestsPlugin(options = {}) {
  const root = options.root ?? process.cwd();
  const update = options.update ?? process.env.UPDATE_VISUAL_BASELINES === '1';
  /** @type {WeakSet<object>} */
  const preparedPages = new WeakSet();

  return {
    name: 'co-guest-kit-story-tests',

    async executeCommand({ command, payload, session }) {
      if (command === 'story-files') return storyFiles(root);
      if (command !== 'visual-compare') return undefined;

      if (session.browser.type !== 'playwright') {
        throw new Error('visual-compare needs the Playwright launcher');
      }
      const { name, selector, baseline = name, record = true } = /** @type {ComparePayload} */ (payload);
      checkName(name);
      checkName(baseline);
      const launcher = /** @type {import('@web/test-runner-playwright').PlaywrightLauncher} */ (
        /** @type {unknown} */ (session.browser)
      );
      const page = launcher.getPage(session.id);
      if (!preparedPages.has(page)) {
        preparedPages.add(page);
        await page.emulateMedia({ reducedMotion: 'reduce' });
      }
      const target = page.locator(selector);
      const count = await target.count();
      if (count !== 1) throw new Error(`visual-compare: "${selector}" matches ${count} elements, not 1`);
      const actual = await target.screenshot({
        animations: 'disabled',
        caret: 'hide',
        scale: 'css',
      });

      const baselinePath = join(root, BASELINES_DIR, `${baseline}.png`);
      const actualPath = join(root, FAILED_DIR, `${name}.actual.png`);
      const diffPath = join(root, FAILED_DIR, `${name}.diff.png`);
      if (record) {
        rmSync(actualPath, { force: true });
        rmSync(diffPath, { force: true });
      }

      if (!existsSync(baselinePath)) {
        if (update && record) {
          mkdirSync(join(root, BASELINES_DIR), { recursive: true });
          writeFileSync(baselinePath, actual);
          return {
            ok: true,
            updated: true,
            message: `wrote the new baseline ${relative(root, baselinePath)}`,
          };
        }
        if (record) {
          mkdirSync(join(root, FAILED_DIR), { recursive: true });
          writeFileSync(actualPath, actual);
        }
        return {
          ok: false,
          updated: false,
          message:
            `no baseline ${relative(root, baselinePath)}; the picture is in ${relative(root, actualPath)}. ` +
            'Run `npm run screenshots:update`, look at the picture and commit it.',
        };
      }

      const result = compareImages(readFileSync(baselinePath), actual);
      if (update && record && result.diffPixels > 0) {
        writeFileSync(baselinePath, actual);
        return {
          ok: true,
          updated: true,
          message: `rewrote ${relative(root, baselinePath)}: ${result.message}`,
        };
      }
      if (!result.ok && record) {
        mkdirSync(join(root, FAILED_DIR), { recursive: true });
        writeFileSync(actualPath, actual);
        if (result.diff !== undefined) writeFileSync(diffPath, PNG.sync.write(result.diff));
      }
      return {
        ok: result.ok,
        updated: false,
        message: result.ok
          ? result.message
          : `${name} does not match ${relative(root, baselinePath)}: ${result.message}. ` +
            `See ${relative(root, actualPath)}${result.diff === undefined ? '' : ` and ${relative(root, diffPath)}`}; ` +
            'if the change is intended, run `npm run screenshots:update` and commit the baseline.',
      };
    },
  };
}
