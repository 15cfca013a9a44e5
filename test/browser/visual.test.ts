/**
 * Visual regression of the key stories (test/visual/key-stories.ts): each one is rendered and
 * played in this page as in test/browser/stories.test.ts, in the light and the dark theme, inside a fixed frame
 * (DejaVu Sans, the page's Canvas colour, reduced motion, video frames replaced by grey), screenshotted by
 * Playwright and compared with test/visual/baselines/<id>--<theme>.png (scripts/story-tests.mjs).
 *
 * A mismatch fails with the share of differing pixels and writes the picture and a diff image to
 * test/visual/failed/. `npm run screenshots:update` rewrites the baselines.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { THEMES } from '../../.storybook/annotations.js';
import { KEY_STORIES, KEY_STORY_PARTS } from '../visual/key-stories.js';
import type { ComposedStory } from './stories/compose.js';
import { deepElements, imagesLoaded, loadStories, resetPage, settle, storyCanvas } from './stories/run.js';

interface Comparison {
  readonly ok: boolean;
  readonly updated: boolean;
  readonly message: string;
}

interface ComparePayload {
  readonly name: string;
  readonly selector: string;
  readonly baseline?: string;
  readonly record?: boolean;
}

/**
 * The frame around a story: a fixed font (Debian's DejaVu Sans, present wherever Chromium is) and
 * the page's own background colour, so the picture is the same on every machine.
 */
const FRAME_STYLE = [
  'display: inline-block',
  'padding: 8px',
  'background: Canvas',
  'color: CanvasText',
  'font-family: "DejaVu Sans", sans-serif',
  '--cg-font-family: "DejaVu Sans", sans-serif',
].join('; ');

const modules = await loadStories();
const storiesById = new Map<string, ComposedStory>(
  modules.flatMap((module) => module.stories.map((story) => [story.id, story] as const)),
);

/**
 * Video frames (synthetic cameras) are never the same twice: each video's picture is moved out of
 * its box, which shows a flat grey instead; everything drawn over the video stays in the picture.
 */
function stillVideos(root: Element): void {
  for (const video of deepElements(root)) {
    if (!(video instanceof HTMLVideoElement)) continue;
    video.style.setProperty('object-position', '-100000px -100000px', 'important');
    video.style.setProperty('background', '#808080', 'important');
  }
}

/** Renders `story` in `theme`, runs `check` on the frame's selector, then cleans up. */
async function withStory(
  story: ComposedStory,
  theme: string,
  check: (selector: string) => Promise<void>,
): Promise<void> {
  const name = `${story.id}--${theme}`;
  const frame = storyCanvas({ 'data-visual': name, style: FRAME_STYLE });
  try {
    const mounted = await story.mount(frame, { globals: { theme } });
    try {
      await settle(frame);
      // The picture is the story's state once played, as Storybook shows it.
      await mounted.play();
      await settle(frame);
      await imagesLoaded(frame);
      stillVideos(frame);
      await check(`[data-visual="${name}"]`);
    } finally {
      await mounted.cleanup();
    }
  } finally {
    frame.remove();
    resetPage();
  }
}

function compare(payload: ComparePayload): Promise<Comparison> {
  return executeServerCommand<Comparison, ComparePayload>('visual-compare', payload);
}

describe('visual regression of the key stories', () => {
  it('lists stories that exist, once each', () => {
    const unknown = KEY_STORIES.filter((id) => !storiesById.has(id));
    expect(unknown, 'key stories with no such story').to.deep.equal([]);
    expect(new Set(KEY_STORIES).size).to.equal(KEY_STORIES.length);
  });

  for (const id of KEY_STORIES) {
    for (const theme of THEMES) {
      it(`${id} (${theme}) matches its baseline`, async function () {
        this.timeout(15_000);
        const story = storiesById.get(id);
        if (story === undefined) throw new Error(`no story ${id}: fix test/visual/key-stories.ts`);
        await withStory(story, theme, async (selector) => {
          // Playwright's CSS selectors pierce open shadow roots.
          const part = KEY_STORY_PARTS[id];
          const target = part === undefined ? selector : `${selector} [part~="${part}"]`;
          const result = await compare({ name: `${id}--${theme}`, selector: target });
          expect(result.ok, result.message).to.equal(true);
        });
      });
    }
  }

  describe('the comparison', () => {
    const [first] = KEY_STORIES;

    it('fails, with the share of differing pixels, when the picture differs from the baseline', async function () {
      this.timeout(15_000);
      const story = first === undefined ? undefined : storiesById.get(first);
      if (first === undefined || story === undefined) throw new Error('the key story list is empty or stale');
      await withStory(story, 'dark', async (selector) => {
        const result = await compare({
          name: `${first}--dark`,
          selector,
          baseline: `${first}--light`,
          record: false,
        });
        expect(result.ok).to.equal(false);
        expect(result.updated).to.equal(false);
        expect(result.message).to.match(/pixels differ \(\d+\.\d+%, more than the allowed 0\.100%\)/);
      });
    });

    it('fails when there is no baseline', async function () {
      this.timeout(15_000);
      const story = first === undefined ? undefined : storiesById.get(first);
      if (first === undefined || story === undefined) throw new Error('the key story list is empty or stale');
      await withStory(story, 'light', async (selector) => {
        const result = await compare({ name: 'no-such-picture', selector, record: false });
        expect(result.ok).to.equal(false);
        expect(result.message).to.contain('no baseline test/visual/baselines/no-such-picture.png');
      });
    });
  });
});
