/**
 * Helpers of the story tests: the stories modules (found by the `story-files` server command of
 * scripts/story-tests.mjs), and waiting until a rendered story has settled.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { setLocale } from '../../../src/i18n/index.js';
import { closeDemoLives } from '../../../stories/support/live.js';
import { annotations } from '../../../.storybook/annotations.js';
import { composeStories, type ComposedStory, type StoryModule } from './compose.js';

/** A stories module of the project, loaded (or the error that loading it raised). */
export interface LoadedStories {
  /** Path from the project root, e.g. `stories/guest-seat-tile.stories.ts`. */
  readonly file: string;
  readonly stories: readonly ComposedStory[];
  /** Why the module could not be loaded or composed. */
  readonly error: Error | undefined;
}

/** Every stories module on disk, imported and composed with the project annotations. */
export async function loadStories(): Promise<LoadedStories[]> {
  const files = await executeServerCommand<string[], undefined>('story-files');
  return Promise.all(
    files.map(async (file): Promise<LoadedStories> => {
      try {
        const module = (await import(/* @vite-ignore */ `/${file}`)) as StoryModule;
        return { file, stories: composeStories(module, annotations), error: undefined };
      } catch (error) {
        return { file, stories: [], error: error instanceof Error ? error : new Error(String(error)) };
      }
    }),
  );
}

/** Every element in `root` and in the shadow trees below it, `root` included. */
export function deepElements(root: Element): Element[] {
  const found: Element[] = [root];
  const visit = (scope: Element | ShadowRoot): void => {
    for (const child of Array.from(scope.children)) {
      found.push(child);
      if (child.shadowRoot !== null) visit(child.shadowRoot);
      visit(child);
    }
  };
  if (root.shadowRoot !== null) visit(root.shadowRoot);
  visit(root);
  return found;
}

function isUndefinedCustomElement(element: Element): boolean {
  return (
    element.namespaceURI === 'http://www.w3.org/1999/xhtml' &&
    element.localName.includes('-') &&
    customElements.get(element.localName) === undefined
  );
}

/**
 * Resolves once every Lit element in `root` (shadow trees included) has finished updating, and no
 * update started another; throws when a custom element in it is not defined (a story that forgot
 * to import its element) or when updates do not stop.
 */
export async function settle(root: Element): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const elements = deepElements(root);
    const missing = elements.find(isUndefinedCustomElement);
    if (missing !== undefined) {
      throw new Error(`<${missing.localName}> is not defined: does the stories file import its element?`);
    }
    const pending = elements
      .map((element) => (element as Partial<{ updateComplete: Promise<boolean> }>).updateComplete)
      .filter((update): update is Promise<boolean> => update instanceof Promise);
    const done = await Promise.all(pending);
    if (done.every(Boolean) && deepElements(root).length === elements.length) return;
  }
  throw new Error('the story keeps updating: its elements did not settle after 20 rounds of updates');
}

/**
 * Resolves once every finite animation and transition in `root` (shadow trees included) has
 * finished, e.g. colours moving to a new theme; endless ones (spinners) are left running.
 */
export async function animationsSettled(root: Element): Promise<void> {
  // getAnimations() flushes pending style changes, so transitions just triggered are included.
  const running = deepElements(root)
    .flatMap((element) => element.getAnimations())
    .filter((animation) => animation.effect?.getComputedTiming().endTime !== Infinity);
  await Promise.all(running.map((animation) => animation.finished.catch(() => undefined)));
}

/** Resolves once every image in `root` (shadow trees included) has loaded or failed. */
export async function imagesLoaded(root: Element): Promise<void> {
  const images = deepElements(root).filter((element) => element instanceof HTMLImageElement);
  await Promise.all(images.map((image) => image.decode().catch(() => undefined)));
}

/** A canvas for one story, in the document. */
export function storyCanvas(attributes: Readonly<Record<string, string>> = {}): HTMLElement {
  const canvas = document.createElement('div');
  for (const [name, value] of Object.entries(attributes)) canvas.setAttribute(name, value);
  document.body.append(canvas);
  return canvas;
}

/** Undoes what the global decorators set on the page (theme, locale) and closes demo lives. */
export function resetPage(): void {
  closeDemoLives();
  setLocale('en');
  const root = document.documentElement;
  delete root.dataset.cgTheme;
  for (const property of ['color-scheme', 'background-color', 'color']) root.style.removeProperty(property);
}
