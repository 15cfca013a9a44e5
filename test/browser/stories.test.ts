/**
 * Every story of stories/ as a test, in Chromium: each story is loaded (loaders), rendered as
 * Storybook renders it (args, globals, decorators of .storybook/annotations.ts), must settle and
 * pass axe in the light and the dark theme, then plays (its `play` function) and must still pass axe; the page must stay free of
 * console warnings and errors (web-test-runner.config.mjs). Then the story is cleaned up (its
 * `beforeEach` cleanups close the demo lives) and removed.
 *
 * The stories modules come from disk at run time (scripts/story-tests.mjs, `story-files`): a new
 * stories file is tested without being registered anywhere. See stories/README.md.
 */
import { expect } from '@open-wc/testing';
import {
  animationsSettled,
  deepElements,
  loadStories,
  resetPage,
  settle,
  storyCanvas,
} from './stories/run.js';

/** Time for one story: loaders start lives on the in-page hub, axe runs twice. */
const STORY_TIMEOUT = 15_000;

const modules = await loadStories();

/**
 * Runs `check` on `canvas` with the page switched to `theme` as Storybook's toolbar does (the
 * theme decorator only sets the document's `data-cg-theme` and `color-scheme`), once the colour
 * transitions have finished; then switches back and waits for them again.
 */
async function inTheme(canvas: Element, theme: string, check: () => Promise<unknown>): Promise<void> {
  const root = document.documentElement;
  const before = { theme: root.dataset.cgTheme, scheme: root.style.colorScheme };
  root.dataset.cgTheme = theme;
  root.style.colorScheme = theme;
  try {
    await animationsSettled(canvas);
    await check();
  } finally {
    if (before.theme === undefined) delete root.dataset.cgTheme;
    else root.dataset.cgTheme = before.theme;
    root.style.colorScheme = before.scheme;
    await animationsSettled(canvas);
  }
}

describe('stories', () => {
  it('are found on disk, the seat tile stories among them', () => {
    expect(modules.map((module) => module.file)).to.include('stories/guest-seat-tile.stories.ts');
  });

  for (const { file, stories, error } of modules) {
    describe(file, () => {
      if (error !== undefined) {
        it('loads', () => {
          throw error;
        });
        return;
      }

      it('has unique story ids', () => {
        const ids = stories.map((story) => story.id);
        expect(new Set(ids).size).to.equal(ids.length);
      });

      it('runs every story as a test: none opts out with the `!test` tag', () => {
        expect(stories.filter((story) => story.skip).map((story) => story.id)).to.deep.equal([]);
      });

      for (const story of stories) {
        it(`${story.name} renders, passes axe in light and dark${story.hasPlay ? ', plays' : ''}`, async function () {
          this.timeout(STORY_TIMEOUT);
          const canvas = storyCanvas({ 'data-story': story.id });
          try {
            const mounted = await story.mount(canvas);
            try {
              await settle(canvas);
              await animationsSettled(canvas);
              expect(deepElements(canvas).length, 'the story renders something').to.be.greaterThan(1);
              await expect(canvas).to.be.accessible();
              await inTheme(canvas, 'dark', () => expect(canvas).to.be.accessible());
              if (story.hasPlay) {
                await mounted.play();
                await settle(canvas);
                await animationsSettled(canvas);
                await expect(canvas).to.be.accessible();
              }
            } finally {
              await mounted.cleanup();
            }
            expect(canvas.childElementCount, 'cleanup empties the canvas').to.equal(0);
          } finally {
            canvas.remove();
            resetPage();
          }
        });
      }
    });
  }
});
