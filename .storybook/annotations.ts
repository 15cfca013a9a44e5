/**
 * The project annotations that both Storybook (.storybook/preview.ts) and the story tests
 * (test/browser/stories.test.ts) apply to every story: the theme and locale globals and the cleanup
 * of demo lives. No Storybook runtime import here: the story tests run it without Storybook.
 */
import type { Decorator, Preview } from '@storybook/web-components';
import { setLocale } from '../src/i18n/index.js';
import { closeDemoLives } from '../stories/support/live.js';

export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export const LOCALES = ['en', 'zh-CN', 'ko'] as const;
export type Locale = (typeof LOCALES)[number];

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.find((item) => item === value) ?? fallback;
}

/**
 * `theme`: `data-cg-theme` on the document (every element below follows it) and the matching
 * `color-scheme`, with the page painted in the scheme's `Canvas` colour, so the page behind the
 * story turns dark too (and axe sees the colour that text is drawn over).
 */
const withTheme: Decorator = (story, { globals }) => {
  const theme = pick(globals.theme, THEMES, 'light');
  const root = document.documentElement;
  root.dataset.cgTheme = theme;
  root.style.colorScheme = theme;
  root.style.backgroundColor = 'Canvas';
  root.style.color = 'CanvasText';
  return story();
};

/** `locale`: the kit's page-wide language (`setLocale`). */
const withLocale: Decorator = (story, { globals }) => {
  setLocale(pick(globals.locale, LOCALES, 'en'));
  return story();
};

export const annotations = {
  globalTypes: {
    theme: {
      description: 'Colour scheme of the kit (data-cg-theme on the document)',
      toolbar: { title: 'Theme', icon: 'mirror', items: [...THEMES], dynamicTitle: true },
    },
    locale: {
      description: 'Language of the kit (setLocale)',
      toolbar: {
        title: 'Locale',
        icon: 'globe',
        items: [
          { value: 'en', title: 'English' },
          { value: 'zh-CN', title: '简体中文' },
          { value: 'ko', title: '한국어' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', locale: 'en' },
  decorators: [withTheme, withLocale],
  // Demo lives (stories/support/live.ts) live until the story is left: close them then.
  beforeEach: () => closeDemoLives,
} satisfies Preview;
