/**
 * The story composer of the story tests (test/browser/stories/compose.ts) follows Storybook's CSF 3
 * semantics, and the shared project annotations (.storybook/annotations.ts) do what Storybook's
 * toolbar promises.
 */
import { expect } from '@open-wc/testing';
import { html } from 'lit';
import { annotations } from '../../.storybook/annotations.js';
import { getLocale } from '../../src/i18n/index.js';
import { demoLive } from '../../stories/support/live.js';
import {
  composeStories,
  mergeParameters,
  sanitize,
  storyNameFromExport,
  toId,
  type ComposedStory,
  type StoryContext,
  type StoryModule,
} from './stories/compose.js';
import { resetPage, storyCanvas } from './stories/run.js';

class ComposerProbe extends HTMLElement {
  label = '';
  count = 0;
}
customElements.define('composer-probe', ComposerProbe);

function only(stories: ComposedStory[], exportName: string): ComposedStory {
  const story = stories.find((item) => item.exportName === exportName);
  if (story === undefined) throw new Error(`no story ${exportName}`);
  return story;
}

/** Mounts `story` in a fresh canvas, runs `check`, then cleans up. */
async function mounted(
  story: ComposedStory,
  check: (canvas: HTMLElement, play: () => Promise<void>, context: StoryContext) => Promise<void> | void,
  globals?: Record<string, unknown>,
): Promise<void> {
  const canvas = storyCanvas();
  try {
    const mount = await story.mount(canvas, globals === undefined ? {} : { globals });
    try {
      await check(canvas, () => mount.play(), mount.context);
    } finally {
      await mount.cleanup();
    }
  } finally {
    canvas.remove();
    resetPage();
  }
}

describe('story composer', () => {
  describe('names and ids', () => {
    it('names stories like Storybook', () => {
      expect(storyNameFromExport('CameraOff')).to.equal('Camera Off');
      expect(storyNameFromExport('WithVideo')).to.equal('With Video');
      expect(storyNameFromExport('HTMLTile')).to.equal('HTML Tile');
      expect(storyNameFromExport('Seat2Locked')).to.equal('Seat 2 Locked');
      expect(storyNameFromExport('with_video')).to.equal('With Video');
    });

    it('builds ids like Storybook', () => {
      expect(sanitize('Elements/guest-seat-tile')).to.equal('elements-guest-seat-tile');
      expect(toId('Elements/guest-seat-tile', 'Camera Off')).to.equal('elements-guest-seat-tile--camera-off');
    });

    it('takes story exports in order, honours includeStories, excludeStories and display names', () => {
      const module: StoryModule = {
        default: { title: 'Kit/Probe', excludeStories: ['helper'] },
        helper: {},
        Second: { render: () => html`<p>2</p>` },
        First: { name: 'The first', render: () => html`<p>1</p>` },
      };
      const stories = composeStories(module);
      expect(stories.map((story) => story.exportName)).to.deep.equal(['Second', 'First']);
      expect(stories.map((story) => story.name)).to.deep.equal(['Second', 'The first']);
      // The id comes from the export name, as in Storybook.
      expect(stories.map((story) => story.id)).to.deep.equal(['kit-probe--second', 'kit-probe--first']);

      const included = composeStories({ ...module, default: { title: 'Kit/Probe', includeStories: /^F/ } });
      expect(included.map((story) => story.exportName)).to.deep.equal(['First']);
      const ordered = composeStories({ ...module, __namedExportsOrder: ['First', 'Second'] });
      expect(ordered.map((story) => story.exportName)).to.deep.equal(['First', 'Second']);
    });
  });

  describe('annotations', () => {
    it('merges args, parameters and globals project → meta → story, and a run can set globals', async () => {
      const project = {
        args: { a: 'project', b: 'project', c: 'project' },
        parameters: { layout: { padded: true, size: 's' }, kind: 'project' },
        initialGlobals: { theme: 'light', locale: 'en' },
      };
      const module: StoryModule = {
        default: {
          title: 'Kit/Probe',
          args: { b: 'meta', c: 'meta' },
          parameters: { layout: { size: 'm' } },
          globals: { locale: 'ko' },
        },
        Merged: {
          args: { c: 'story' },
          parameters: { kind: 'story' },
          render: (args: Record<string, unknown>) => html`<p>${JSON.stringify(args)}</p>`,
        },
      };
      const story = only(composeStories(module, project), 'Merged');
      await mounted(
        story,
        (canvas, _play, context) => {
          expect(canvas.textContent).to.equal('{"a":"project","b":"meta","c":"story"}');
          expect(context.parameters).to.deep.equal({ layout: { padded: true, size: 'm' }, kind: 'story' });
          expect(context.globals).to.deep.equal({ theme: 'dark', locale: 'ko' });
        },
        { theme: 'dark' },
      );
    });

    it('merges parameters deeply, replacing anything but plain objects', () => {
      expect(mergeParameters({ a: { b: 1, c: [1] } }, { a: { c: [2] }, d: 3 })).to.deep.equal({
        a: { b: 1, c: [2] },
        d: 3,
      });
    });

    it('runs loaders, then beforeEach hooks in order, and cleans up in reverse after afterEach', async () => {
      const calls: string[] = [];
      const hook = (level: string) => () => {
        calls.push(`before ${level}`);
        return () => calls.push(`cleanup ${level}`);
      };
      const project = {
        loaders: [() => Promise.resolve({ from: 'project', project: true })],
        beforeEach: hook('project'),
        afterEach: () => calls.push('after project'),
      };
      const module: StoryModule = {
        default: {
          title: 'Kit/Probe',
          loaders: () => Promise.resolve({ from: 'meta' }),
          beforeEach: [hook('meta')],
        },
        Hooked: {
          loaders: [
            () => {
              calls.push('load story');
              return Promise.resolve({ from: 'story' });
            },
          ],
          beforeEach: hook('story'),
          afterEach: () => calls.push('after story'),
          render: (_args: unknown, { loaded }: StoryContext) => html`<p>${JSON.stringify(loaded)}</p>`,
        },
      };
      const story = only(composeStories(module, project), 'Hooked');
      await mounted(story, (canvas) => {
        expect(canvas.textContent).to.equal('{"from":"story","project":true}');
        expect(calls).to.deep.equal(['load story', 'before project', 'before meta', 'before story']);
      });
      expect(calls.slice(4)).to.deep.equal([
        'after project',
        'after story',
        'cleanup story',
        'cleanup meta',
        'cleanup project',
      ]);
    });

    it('applies decorators with the story innermost and the project outermost; they may change args', async () => {
      const wrap =
        (name: string) =>
        (story: (update?: { args?: Record<string, unknown> }) => unknown, { args }: StoryContext) =>
          html`<div data-level=${name}>
            ${story(name === 'meta' ? { args: { ...args, label: 'from meta' } } : undefined)}
          </div>`;
      const module: StoryModule = {
        default: { title: 'Kit/Probe', decorators: [wrap('meta')] },
        Decorated: {
          args: { label: 'from story' },
          decorators: [wrap('story')],
          render: (args: Record<string, unknown>) => html`<p>${String(args.label)}</p>`,
        },
      };
      const story = only(composeStories(module, { decorators: [wrap('project')] }), 'Decorated');
      await mounted(story, (canvas) => {
        const levels = Array.from(canvas.querySelectorAll('[data-level]'), (el) =>
          el.getAttribute('data-level'),
        );
        expect(levels).to.deep.equal(['project', 'meta', 'story']);
        expect(canvas.querySelector('p')?.textContent).to.equal('from meta');
      });
    });

    it("falls back to the meta's render, then to the component with the args as properties", async () => {
      const module: StoryModule = {
        default: { title: 'Kit/Probe', component: 'composer-probe', args: { label: 'Ada' } },
        Plain: { args: { count: 2 } },
      };
      await mounted(only(composeStories(module), 'Plain'), (canvas) => {
        const probe = canvas.firstElementChild;
        expect(probe instanceof ComposerProbe).to.equal(true);
        expect((probe as ComposerProbe).label).to.equal('Ada');
        expect((probe as ComposerProbe).count).to.equal(2);
      });

      const withMetaRender = composeStories({
        default: { title: 'Kit/Probe', render: () => html`<p>meta render</p>` },
        Plain: {},
      });
      await mounted(only(withMetaRender, 'Plain'), (canvas) => {
        expect(canvas.textContent).to.equal('meta render');
      });
    });

    it('renders a DOM node and a CSF 2 function story', async () => {
      const module: StoryModule = {
        default: { title: 'Kit/Probe' },
        Node: { render: () => Object.assign(document.createElement('p'), { textContent: 'node' }) },
        Function: () => html`<p>function</p>`,
      };
      const [node, csf2] = composeStories(module);
      if (node === undefined || csf2 === undefined) throw new Error('two stories expected');
      await mounted(node, (canvas) => {
        expect(canvas.textContent).to.equal('node');
      });
      await mounted(csf2, (canvas) => {
        expect(canvas.textContent).to.equal('function');
      });
    });

    it('plays with the canvas, args, loaded data and steps', async () => {
      const seen: string[] = [];
      const module: StoryModule = {
        default: { title: 'Kit/Probe' },
        Played: {
          args: { label: 'Ada' },
          loaders: [() => Promise.resolve({ live: 'live-1' })],
          render: (args: Record<string, unknown>) => html`<button>${String(args.label)}</button>`,
          play: async ({ canvasElement, args, loaded, step }: StoryContext) => {
            await step('reads the canvas', () => {
              seen.push(canvasElement.querySelector('button')?.textContent ?? '');
            });
            seen.push(String(args.label), String(loaded.live));
          },
        },
      };
      const story = only(composeStories(module), 'Played');
      expect(story.hasPlay).to.equal(true);
      await mounted(story, async (_canvas, play) => {
        expect(seen).to.deep.equal([]);
        await play();
        expect(seen).to.deep.equal(['Ada', 'Ada', 'live-1']);
      });
    });

    it("skips stories tagged '!test' and keeps meta tags", () => {
      const stories = composeStories({
        default: { title: 'Kit/Probe', tags: ['element'] },
        Tested: { render: () => html`<p></p>` },
        Untested: { tags: ['!test'], render: () => html`<p></p>` },
      });
      expect(stories.map((story) => story.skip)).to.deep.equal([false, true]);
      expect(only(stories, 'Untested').tags).to.deep.equal(['dev', 'element']);
    });
  });

  describe('errors', () => {
    it('rejects a module without meta, title or stories', () => {
      expect(() => composeStories({ Story: {} })).to.throw('default export');
      expect(() => composeStories({ default: { component: 'composer-probe' }, Story: {} })).to.throw('title');
      expect(() => composeStories({ default: { title: 'Kit/Probe' } })).to.throw('no story');
      expect(() => composeStories({ default: { title: 'Kit/Probe' }, Bad: { loaders: ['x'] } })).to.throw(
        '`loaders[0]` must be a function',
      );
    });

    it('rejects what is neither a template nor a node, and cleans up what already ran', async () => {
      const calls: string[] = [];
      const stories = composeStories(
        {
          default: { title: 'Kit/Probe' },
          Text: { render: () => '<b>markup</b>' },
          Failing: {
            loaders: [() => Promise.reject(new Error('loader failed'))],
          },
        },
        { beforeEach: () => () => calls.push('cleanup') },
      );
      const canvas = storyCanvas();
      try {
        let message = '';
        await only(stories, 'Text')
          .mount(canvas)
          .catch((error: Error) => (message = error.message));
        expect(message).to.contain('a story must render a Lit template or a DOM node');
        expect(calls).to.deep.equal(['cleanup']);
        await only(stories, 'Failing')
          .mount(canvas)
          .catch((error: Error) => (message = error.message));
        expect(message).to.equal('loader failed');
        expect(canvas.childElementCount).to.equal(0);
      } finally {
        canvas.remove();
      }
    });
  });

  describe('project annotations (.storybook/annotations.ts)', () => {
    const module: StoryModule = {
      default: { title: 'Kit/Probe' },
      Live: {
        loaders: [async () => ({ live: await demoLive({ audience: ['ada'] }) })],
        render: () => html`<p>live</p>`,
      },
    };

    it('sets the theme on the document and the locale of the kit', async () => {
      const [story] = composeStories(module, annotations);
      if (story === undefined) throw new Error('one story expected');
      await mounted(
        story,
        () => {
          expect(document.documentElement.dataset.cgTheme).to.equal('dark');
          expect(document.documentElement.style.colorScheme).to.equal('dark');
          expect(getLocale()).to.equal('zh-CN');
        },
        { theme: 'dark', locale: 'zh-CN' },
      );
      await mounted(story, () => {
        expect(document.documentElement.dataset.cgTheme).to.equal('light');
        expect(getLocale()).to.equal('en');
      });
    });

    it('closes the demo lives when the story is cleaned up', async function () {
      this.timeout(10_000);
      const [story] = composeStories(module, annotations);
      if (story === undefined) throw new Error('one story expected');
      const canvas = storyCanvas();
      try {
        const mount = await story.mount(canvas);
        const live = mount.context.loaded.live as Awaited<ReturnType<typeof demoLive>>;
        expect(live.host.$connection.get()).to.equal('connected');
        await mount.cleanup();
        expect(live.host.$connection.get()).to.not.equal('connected');
        expect(live.session('ada').$connection.get()).to.not.equal('connected');
      } finally {
        canvas.remove();
        resetPage();
      }
    });
  });
});
