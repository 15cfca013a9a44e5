// @ts-check
/**
 * The size budgets of the browser bundles (`scripts/bundle.mjs` output), checked by size-limit in
 * `npm run size` (`.size-limit.mjs` hands it these checks) and reported by B7 (bench/size-bench.ts).
 *
 * The files an autoloader page loads depend on the tags it holds, and the chunks' names on their
 * content, so these lists are read from `elements/manifest.json`, which the bundle script writes:
 * a page loads the autoloader, then, for each tag, the files the manifest lists for it (each file
 * counted once). The pages are the issue's: an audience member's page and a host's page, with the
 * tags as the examples use them (docs/decisions/0032).
 *
 * Limits are size-limit's (1 KB = 1,000 bytes, gzip). A limit above its target is a regression
 * ceiling at the measured size (docs/decisions/0025): lower it when the files shrink.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Tags a page holds, or that the kit renders in it and the autoloader then registers. */
export const PAGES = {
  /** `<live-session>` joins, `<live-core-view>` shows the stage, the guest's own controls. */
  audience: ['live-session', 'live-core-view', 'apply-button', 'invitation-prompt', 'connection-status'],
  /**
   * The host's: their lists, devices and notifications; `<seat-menu>` is rendered by
   * `<live-core-view>` for a host, and `<guest-seat-tile>` comes with `<live-core-view>`.
   */
  host: [
    'live-session',
    'live-core-view',
    'connection-status',
    'applicant-list',
    'audience-list',
    'device-toggle',
    'camera-switch',
    'live-notifications',
    'seat-menu',
  ],
};

/**
 * @typedef {object} SizeBudget
 * @property {string} id B7's label of the figure.
 * @property {number | null} target The issue's target in bytes, or `null` when the limit is all there is.
 * @property {{ name: string, path: string[], gzip: true, limit: string }} check The size-limit check.
 */

/**
 * Every budget, with the files of `dir` (the bundle script's output folder) it counts.
 * @param {string} [dir] default `dist/browser`, from the working directory
 * @returns {SizeBudget[]}
 */
export function sizeBudgets(dir = 'dist/browser') {
  /** @type {{ autoloader: string, tags: Record<string, string[]> }} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'elements/manifest.json'), 'utf8'));
  } catch (error) {
    throw new Error(`size budgets: no ${join(dir, 'elements/manifest.json')}; run scripts/bundle.mjs first`, {
      cause: error,
    });
  }
  /** @param {string[]} tags */
  const page = (tags) => {
    const files = new Set([manifest.autoloader]);
    for (const tag of tags) {
      const own = manifest.tags[tag];
      if (own === undefined) throw new Error(`size budgets: the manifest has no <${tag}>`);
      for (const file of own) files.add(file);
    }
    return [...files].map((file) => join(dir, file));
  };
  /**
   * @param {string} pattern a file name under `dir` with one `*`
   * @param {boolean} [none] whether finding nothing is fine
   */
  const glob = (pattern, none = false) => {
    const slash = pattern.lastIndexOf('/');
    const folder = join(dir, pattern.slice(0, slash));
    const [before = '', after = ''] = pattern.slice(slash + 1).split('*');
    const found = readdirSync(folder)
      .filter((name) => name.startsWith(before) && name.endsWith(after))
      .map((name) => join(folder, name));
    if (found.length === 0 && !none) throw new Error(`size budgets: nothing matches ${join(dir, pattern)}`);
    return found;
  };
  /** @param {string} file */
  const at = (file) => relative('.', file);
  return [
    {
      id: 'audience',
      target: 30_000,
      check: {
        name: `an audience page through the autoloader (${PAGES.audience.join(', ')}; before any media): a regression ceiling, target 30 KB, see docs/decisions/0032 and 0037`,
        path: page(PAGES.audience).map(at),
        gzip: true,
        limit: '54 KB',
      },
    },
    {
      id: 'host',
      target: 45_000,
      check: {
        name: `a host page through the autoloader (${PAGES.host.join(', ')}; before any media): a regression ceiling, target 45 KB, see docs/decisions/0032 and 0037`,
        path: page(PAGES.host).map(at),
        gzip: true,
        limit: '69 KB',
      },
    },
    {
      id: 'kit',
      target: 54_000,
      check: {
        name: 'all elements and the core with lit and nanostores, the drop-in file (co-guest-kit.js and every file it loads at once; WebRTC excluded): a regression ceiling, target under 54 KB, see docs/decisions/0025, 0032 and 0037',
        path: [join(dir, 'co-guest-kit.js'), ...glob('chunks/chunk-*.js')].map(at),
        gzip: true,
        limit: '64 KB',
      },
    },
    {
      id: 'autoloader',
      target: null,
      check: {
        name: 'the autoloader alone (what a page loads before any tag of the kit appears)',
        path: [at(join(dir, manifest.autoloader))],
        gzip: true,
        limit: '2 KB',
      },
    },
    {
      id: 'everyElement',
      target: null,
      check: {
        name: 'every element through the autoloader (every tag): a regression ceiling, see docs/decisions/0032 and 0037',
        path: page(Object.keys(manifest.tags)).map(at),
        gzip: true,
        limit: '79 KB',
      },
    },
    {
      id: 'peer',
      target: 25_000,
      check: {
        name: 'the lazy WebRTC part',
        path: glob('chunks/peer-*.js').map(at),
        gzip: true,
        limit: '25 KB',
      },
    },
    {
      id: 'core',
      target: 10_000,
      check: {
        name: 'the headless core (co-guest-kit-core.js and any chunk it loads at once; the checks of what a server sends load on the first login)',
        path: [join(dir, 'co-guest-kit-core.js'), ...glob('chunks/core-chunk-*.js', true)].map(at),
        gzip: true,
        limit: '10 KB',
      },
    },
    {
      id: 'media',
      target: null,
      check: {
        name: "the lazy media layer (device capture and a live's media, loaded on first use; WebRTC excluded): a regression ceiling, see docs/decisions/0024 and 0037",
        path: [...glob('chunks/device-store-runtime-*.js'), ...glob('chunks/live-media-runtime-*.js')].map(
          at,
        ),
        gzip: true,
        limit: '12 KB',
      },
    },
  ];
}
