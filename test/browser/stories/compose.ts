/**
 * A small composer of Component Story Format 3 stories, for running every story as a test in the
 * web-test-runner page (test/browser/stories.test.ts) exactly as Storybook renders it, without
 * Storybook's runtime (its portable-stories API pulls CommonJS test libraries that the unbundled
 * test page cannot load; docs/decisions/0009).
 *
 * It follows Storybook's semantics for the annotations the kit uses:
 *
 * - `args`, `globals` and `parameters` merge project → meta → story (`parameters` deeply);
 *   `globals` start from the project's `initialGlobals`, and a run can override them;
 * - `loaders` (project, meta, story) run in parallel and their results merge, in that order, into
 *   `context.loaded`;
 * - `beforeEach` hooks run after the loaders, in that order; what they return is a cleanup, run in
 *   reverse order by `cleanup()`, after the `afterEach` hooks;
 * - `decorators` wrap the render, the story's innermost, the project's outermost; a decorator may
 *   call the story with a partial context (`story({ args })`);
 * - `render` is the story's, else the meta's, else the project's, else the Web Components
 *   renderer's default (an element of the meta's `component` with the args as properties);
 * - `play` is the story's, else the meta's; `step(label, fn)` runs `fn` with the context;
 * - the rendered result (a Lit template or a DOM node) goes into the canvas element.
 *
 * Stories tagged `!test` are marked `skip`; the story suite refuses them (every story is a test).
 */
import { render as litRender, nothing } from 'lit';

export type Args = Record<string, unknown>;
export type Cleanup = () => unknown;

/** What loaders, decorators, renders, hooks and play functions receive. */
export interface StoryContext {
  readonly id: string;
  readonly title: string;
  readonly name: string;
  readonly exportName: string;
  readonly component: string | undefined;
  readonly tags: readonly string[];
  readonly viewMode: 'story';
  readonly parameters: Record<string, unknown>;
  readonly initialArgs: Args;
  args: Args;
  globals: Record<string, unknown>;
  loaded: Record<string, unknown>;
  canvasElement: HTMLElement;
  step: (label: string, play: (context: StoryContext) => unknown) => Promise<void>;
}

/** The story function a decorator wraps: call it (optionally with a partial context) to render. */
export type PartialStoryFn = (update?: Partial<Pick<StoryContext, 'args' | 'globals'>>) => unknown;

type Render = (args: Args, context: StoryContext) => unknown;
type Decorator = (story: PartialStoryFn, context: StoryContext) => unknown;
type Hook = (context: StoryContext) => unknown;

interface Annotations {
  readonly args: Args;
  readonly globals: Record<string, unknown>;
  readonly parameters: Record<string, unknown>;
  readonly tags: readonly string[];
  readonly loaders: readonly Hook[];
  readonly beforeEach: readonly Hook[];
  readonly afterEach: readonly Hook[];
  readonly decorators: readonly Decorator[];
  readonly render: Render | undefined;
  readonly play: Hook | undefined;
}

/** A story, ready to run in a canvas element. */
export interface ComposedStory {
  /** Storybook's story id (`elements-guest-seat-tile--camera-off`). */
  readonly id: string;
  readonly title: string;
  /** The story's display name (`Camera Off`). */
  readonly name: string;
  readonly exportName: string;
  readonly tags: readonly string[];
  /** Whether test runners skip the story (tag `!test`). */
  readonly skip: boolean;
  /** Whether the story has a play function. */
  readonly hasPlay: boolean;
  /**
   * Loads, runs the `beforeEach` hooks and renders the story into `canvasElement` (which should be
   * in the document). On failure, what already ran is cleaned up before the error is thrown.
   */
  mount(canvasElement: HTMLElement, options?: { globals?: Record<string, unknown> }): Promise<MountedStory>;
}

/** A rendered story. */
export interface MountedStory {
  readonly context: StoryContext;
  /** Runs the story's play function, if any. */
  play(): Promise<void>;
  /** Runs `afterEach` hooks and the `beforeEach` cleanups, then empties the canvas. Idempotent. */
  cleanup(): Promise<void>;
}

/** A module of stories, as `import * as module from './x.stories.js'` gives it. */
export type StoryModule = Readonly<Record<string, unknown>>;

type Source = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Source {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Source {
  if (!isRecord(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function record(source: Source, key: string, where: string): Record<string, unknown> {
  const value = source[key];
  if (value === undefined) return {};
  if (!isRecord(value)) throw new TypeError(`${where}: \`${key}\` must be an object`);
  return value;
}

function fn<F>(source: Source, key: string, where: string): F | undefined {
  const value = source[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`${where}: \`${key}\` must be a function`);
  return value as F;
}

/** `loaders: fn` or `loaders: [fn, …]`, as Storybook accepts both. */
function fns<F>(source: Source, key: string, where: string): F[] {
  const value = source[key];
  if (value === undefined) return [];
  const list: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.map((item, index) => {
    if (typeof item !== 'function') throw new TypeError(`${where}: \`${key}[${index}]\` must be a function`);
    return item as F;
  });
}

function strings(source: Source, key: string, where: string): string[] {
  const value = source[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new TypeError(`${where}: \`${key}\` must be an array of strings`);
  }
  return value;
}

function annotationsOf(source: Source, where: string): Annotations {
  return {
    args: record(source, 'args', where),
    globals: record(source, 'globals', where),
    parameters: record(source, 'parameters', where),
    tags: strings(source, 'tags', where),
    loaders: fns<Hook>(source, 'loaders', where),
    beforeEach: fns<Hook>(source, 'beforeEach', where),
    afterEach: fns<Hook>(source, 'afterEach', where),
    decorators: fns<Decorator>(source, 'decorators', where),
    render: fn<Render>(source, 'render', where),
    play: fn<Hook>(source, 'play', where),
  };
}

/** Storybook's deep merge of parameters: plain objects merge, anything else replaces. */
export function mergeParameters(...layers: readonly Record<string, unknown>[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      const previous = result[key];
      result[key] =
        isPlainObject(previous) && isPlainObject(value) ? mergeParameters(previous, value) : value;
    }
  }
  return result;
}

/** Storybook's `storyNameFromExport`: `CameraOff` → `Camera Off`, `with_video` → `With Video`. */
export function storyNameFromExport(exportName: string): string {
  return exportName
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-zA-Z])(\d)/g, '$1 $2')
    .replace(/(\d)([a-zA-Z])/g, '$1 $2')
    .trim()
    .split(/\s+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** Storybook's id part: lower case, anything but letters and digits becomes one `-`. */
export function sanitize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[ ’–—―′¿'`~!@#$%^&*()_|+\-=?;:'",.<>{}[\]\\/]/gi, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .replace(/-+$/, '');
}

/** Storybook's story id: `toId('Elements/guest-seat-tile', 'Camera Off')` → `elements-guest-seat-tile--camera-off`. */
export function toId(title: string, name: string): string {
  return `${sanitize(title)}--${sanitize(name)}`;
}

function matches(exportName: string, pattern: unknown): boolean {
  if (pattern instanceof RegExp) return pattern.test(exportName);
  if (Array.isArray(pattern)) return pattern.includes(exportName);
  return false;
}

/** Whether export `exportName` of a module with meta `meta` is a story (CSF's `isExportStory`). */
function isStoryExport(exportName: string, meta: Source): boolean {
  if (exportName === 'default' || exportName === '__namedExportsOrder') return false;
  if (meta.includeStories !== undefined && !matches(exportName, meta.includeStories)) return false;
  if (meta.excludeStories !== undefined && matches(exportName, meta.excludeStories)) return false;
  return true;
}

/** Storybook's tag rule: `!tag` removes a tag added by an outer level. */
function combineTags(...layers: (readonly string[])[]): string[] {
  const tags = new Set<string>();
  for (const tag of layers.flat()) {
    if (tag.startsWith('!')) tags.delete(tag.slice(1));
    else tags.add(tag);
  }
  return [...tags];
}

/** The Web Components renderer's default render: the meta's element with the args as properties. */
function defaultRender(args: Args, context: StoryContext): HTMLElement {
  if (context.component === undefined) {
    throw new Error(`${context.id}: no render function and no \`component\` in the default export`);
  }
  const element = document.createElement(context.component);
  Object.assign(element, args);
  return element;
}

/** Puts a story's result into the canvas, as the Web Components renderer's `renderToCanvas` does. */
function renderToCanvas(result: unknown, canvasElement: HTMLElement, id: string): void {
  // Lit renders DOM nodes as well as templates; one renderer keeps the canvas reusable.
  if (result instanceof Node || (isRecord(result) && '_$litType$' in result)) {
    litRender(result, canvasElement);
  } else {
    throw new TypeError(`${id}: a story must render a Lit template or a DOM node, got ${typeof result}`);
  }
}

/**
 * Composes every story of `module` with the project annotations `project` (the object
 * .storybook/annotations.ts exports), in export order.
 */
export function composeStories(module: StoryModule, project: object = {}): ComposedStory[] {
  const meta = module.default;
  if (!isRecord(meta)) throw new TypeError('a stories module needs a default export (the meta)');
  const title = meta.title;
  if (typeof title !== 'string' || title === '') throw new TypeError('the meta needs a `title`');
  const component = meta.component;
  if (component !== undefined && typeof component !== 'string') {
    throw new TypeError(`${title}: \`component\` must be a tag name`);
  }
  const projectSource = project as Source;
  const projectAnnotations = annotationsOf(projectSource, 'project annotations');
  const initialGlobals = record(projectSource, 'initialGlobals', 'project annotations');
  const metaAnnotations = annotationsOf(meta, title);

  const order = Array.isArray(module.__namedExportsOrder)
    ? (module.__namedExportsOrder as string[])
    : Object.keys(module);
  const names = order.filter((name) => isStoryExport(name, meta));
  if (names.length === 0) throw new Error(`${title}: the module exports no story`);

  return names.map((exportName) => {
    const raw = module[exportName];
    // CSF 2: a function export is the story's render.
    const source: unknown = typeof raw === 'function' ? { render: raw } : raw;
    if (!isRecord(source)) throw new TypeError(`${title}/${exportName}: a story must be an object`);
    const explicitName = source.name ?? source.storyName;
    const name = typeof explicitName === 'string' ? explicitName : storyNameFromExport(exportName);
    const story = annotationsOf(source, `${title}/${exportName}`);
    const layers = [projectAnnotations, metaAnnotations, story];
    const tags = combineTags(['dev', 'test'], ...layers.map((layer) => layer.tags));
    // Storybook derives the id from the export name, whatever display name the story sets.
    const id = toId(typeof meta.id === 'string' ? meta.id : title, storyNameFromExport(exportName));

    const composed: ComposedStory = {
      id,
      title,
      name,
      exportName,
      tags,
      skip: !tags.includes('test'),
      hasPlay: (story.play ?? metaAnnotations.play) !== undefined,
      async mount(canvasElement, options = {}) {
        const initialArgs = Object.assign({}, ...layers.map((layer) => layer.args)) as Args;
        const context: StoryContext = {
          id,
          title,
          name,
          exportName,
          component,
          tags,
          viewMode: 'story',
          parameters: mergeParameters(...layers.map((layer) => layer.parameters)),
          initialArgs,
          args: { ...initialArgs },
          globals: Object.assign(
            {},
            initialGlobals,
            ...layers.map((layer) => layer.globals),
            options.globals,
          ) as Record<string, unknown>,
          loaded: {},
          canvasElement,
          step: async (_label, play) => {
            await play(context);
          },
        };

        const cleanups: Cleanup[] = [];
        let cleaned = false;
        const cleanup = async (): Promise<void> => {
          if (cleaned) return;
          cleaned = true;
          const errors: unknown[] = [];
          const attempt = async (run: () => unknown): Promise<void> => {
            try {
              await run();
            } catch (error) {
              errors.push(error);
            }
          };
          for (const hook of layers.flatMap((layer) => layer.afterEach)) await attempt(() => hook(context));
          for (const undo of cleanups.reverse()) await attempt(undo);
          litRender(nothing, canvasElement);
          if (errors.length > 0) throw errors[0];
        };

        try {
          const loaded = await Promise.all(
            layers.flatMap((layer) => layer.loaders).map((load) => load(context)),
          );
          for (const result of loaded) if (isRecord(result)) Object.assign(context.loaded, result);
          for (const hook of layers.flatMap((layer) => layer.beforeEach)) {
            const undo = await hook(context);
            if (typeof undo === 'function') cleanups.push(undo as Cleanup);
          }

          const render = story.render ?? metaAnnotations.render ?? projectAnnotations.render ?? defaultRender;
          const decorators = layers
            .slice()
            .reverse()
            .flatMap((layer) => layer.decorators);
          const decorated = decorators.reduce<(ctx: StoryContext) => unknown>(
            (inner, decorator) => (ctx) =>
              decorator((update = {}) => {
                Object.assign(ctx, update);
                return inner(ctx);
              }, ctx),
            (ctx) => render(ctx.args, ctx),
          );
          renderToCanvas(decorated(context), canvasElement, id);
        } catch (error) {
          await cleanup().catch(() => undefined);
          throw error;
        }

        return {
          context,
          async play() {
            const play = story.play ?? metaAnnotations.play;
            if (play !== undefined) await play(context);
          },
          cleanup,
        };
      },
    };
    return composed;
  });
}
