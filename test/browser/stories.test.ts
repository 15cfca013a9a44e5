/**
 * Every story of stories/ as a test, in Chromium: each story is loaded (loaders), rendered as
 * Storybook renders it (args, globals, decorators of .storybook/annotations.ts), must settle and
 * pass axe, then plays (its `play` function) and must still pass axe; the page must stay free of
 * console warnings and errors (web-test-runner.config.mjs). Then the story is cleaned up (its
 * `beforeEach` cleanups close the demo lives) and removed.
 *
 * The stories modules come from disk at run time (scripts/story-tests.mjs, `story-files`): a new
 * stories file is tested without being registered anywhere. See stories/README.md.
 */
import { expect } from '@open-wc/testing';
import { deepElements, loadStories, resetPage, settle, storyCanvas } from './stories/run.js';

/** Time for one story: loaders start lives on the in-page hub, axe runs twice. */
const STORY_TIMEOUT = 15_000;

const modules = await loadStories();

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

      for (const story of stories) {
        const test = story.skip ? it.skip : it;
        test(`${story.name} renders, passes axe${story.hasPlay ? ' and plays' : ''}`, async function () {
          this.timeout(STORY_TIMEOUT);
          const canvas = storyCanvas({ 'data-story': story.id });
          try {
            const mounted = await story.mount(canvas);
            try {
              await settle(canvas);
              expect(deepElements(canvas).length, 'the story renders something').to.be.greaterThan(1);
              await expect(canvas).to.be.accessible();
              if (story.hasPlay) {
                await mounted.play();
                await settle(canvas);
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
