/**
 * The autoloader (`dist/browser/autoloader.js`): a page loads it with one
 * `<script type="module" src=".../autoloader.js">` and each of the kit's tags is registered the first
 * time it appears, by importing that element's module, so a page fetches the code of the tags it
 * uses and no other (docs/decisions/0032). The drop-in file `co-guest-kit.js`, which registers every
 * tag at once and exports the kit's API, is unchanged; a page uses one or the other.
 *
 * - It looks for the kit's tags in the document when it runs, then watches it with a
 *   `MutationObserver`; every kit element it meets has its shadow root watched the same way, so a
 *   tag an element renders (the host's `<seat-menu>` in `<live-core-view>`) is registered too. It
 *   does not see into the shadow roots of the page's own elements.
 * - A tag that is already defined is left alone; other tags (`foo-bar`) are ignored.
 * - Elements find their live through `@lit/context` when they connect. Modules load in parallel,
 *   so an element inside `<live-session>` may be registered before it: the document keeps the
 *   requests no provider answered and replays them when a provider connects (see `replayContext`).
 * - A module that fails to load is reported on the console and tried again the next time its tag
 *   appears.
 *
 * It imports nothing at once and exports nothing (an export would make esbuild import its shared
 * helpers here): each element's module, and what the elements share, are chunks of
 * `dist/browser/elements/`, found relative to this file.
 */

/** The kit's tags and the module that registers each. */
const ELEMENTS: Readonly<Record<string, () => Promise<unknown>>> = {
  'live-session': () => import('./elements/live-session/live-session.js'),
  'live-core-view': () => import('./elements/live-core-view/live-core-view.js'),
  'guest-seat-tile': () => import('./elements/guest-seat-tile/guest-seat-tile.js'),
  'apply-button': () => import('./elements/apply-button/apply-button.js'),
  'invitation-prompt': () => import('./elements/invitation-prompt/invitation-prompt.js'),
  'applicant-list': () => import('./elements/applicant-list/applicant-list.js'),
  'audience-list': () => import('./elements/audience-list/audience-list.js'),
  'seat-menu': () => import('./elements/seat-menu/seat-menu.js'),
  'live-notifications': () => import('./elements/live-notifications/live-notifications.js'),
  'connection-status': () => import('./elements/connection-status/connection-status.js'),
  'connection-quality': () => import('./elements/connection-quality/connection-quality.js'),
  'device-toggle': () => import('./elements/device-toggle/device-toggle.js'),
  'camera-switch': () => import('./elements/camera-switch/camera-switch.js'),
  'pre-join-check': () => import('./elements/pre-join-check/pre-join-check.js'),
};

const SELECTOR = Object.keys(ELEMENTS).join(',');

/** The loads started, by tag; a failed one is removed so that the next sighting tries again. */
const loading = new Map<string, Promise<void>>();
/** The roots already watched. */
const watched = new WeakSet<Node>();

const observer = new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node instanceof Element) scan(node);
    }
  }
});

/** Registers the kit's tags found in `root`, and watches it for tags added later. */
function discover(root: Document | ShadowRoot): void {
  if (!watched.has(root)) {
    watched.add(root);
    observer.observe(root, { childList: true, subtree: true });
  }
  scan(root);
}

function scan(root: Document | ShadowRoot | Element): void {
  if (root instanceof Element && Object.hasOwn(ELEMENTS, root.localName)) found(root);
  for (const element of root.querySelectorAll(SELECTOR)) found(element);
}

/** A kit element: registers its tag if needed, then watches its shadow root. */
function found(element: Element): void {
  const tag = element.localName;
  if (customElements.get(tag) !== undefined) {
    watchShadow(element);
    return;
  }
  void load(tag).then(() => {
    watchShadow(element);
  });
}

function load(tag: string): Promise<void> {
  let pending = loading.get(tag);
  if (pending === undefined) {
    const importer = ELEMENTS[tag];
    if (importer === undefined) return Promise.resolve();
    pending = importer().then(
      () => undefined,
      (error: unknown) => {
        loading.delete(tag);
        console.error(`co-guest-kit: <${tag}> could not be loaded`, error);
      },
    );
    loading.set(tag, pending);
  }
  return pending;
}

/** Watches the shadow root of a kit element once it has one (an upgraded, connected element). */
function watchShadow(element: Element): void {
  const root = element.shadowRoot;
  if (root !== null) discover(root);
}

/** A `context-request` event of the context protocol that `@lit/context` implements. */
interface ContextRequest extends Event {
  readonly context: unknown;
  readonly contextTarget?: EventTarget;
  readonly callback: object;
  readonly subscribe?: boolean;
}

/**
 * What `@lit/context`'s `ContextRoot` does, without loading the package before a tag appears:
 * keeps each subscribing `context-request` that reached `root` unanswered, and dispatches it again
 * from its element when a provider of that context announces itself (`context-provider`, which
 * `ContextProvider` fires when it connects). Requests still unanswered come back here.
 */
function replayContext(root: EventTarget): void {
  const pending = new Map<unknown, { target: WeakRef<EventTarget>; callback: WeakRef<object> }[]>();
  const seen = new WeakMap<EventTarget, WeakSet<object>>();
  root.addEventListener('context-request', (event) => {
    const request = event as ContextRequest;
    if (request.subscribe !== true) return;
    const target = request.contextTarget ?? event.composedPath()[0];
    if (target === undefined) return;
    const callbacks = seen.get(target) ?? new WeakSet();
    seen.set(target, callbacks);
    if (callbacks.has(request.callback)) return;
    callbacks.add(request.callback);
    const list = pending.get(request.context) ?? [];
    list.push({ target: new WeakRef(target), callback: new WeakRef(request.callback) });
    pending.set(request.context, list);
  });
  root.addEventListener('context-provider', (event) => {
    const { context } = event as Event & { readonly context: unknown };
    const list = pending.get(context);
    if (list === undefined) return;
    pending.delete(context);
    for (const { target, callback } of list) {
      const element = target.deref();
      const answer = callback.deref();
      if (element === undefined || answer === undefined) continue;
      seen.get(element)?.delete(answer);
      const request = new Event('context-request', { bubbles: true, composed: true });
      element.dispatchEvent(
        Object.assign(request, { context, contextTarget: element, callback: answer, subscribe: true }),
      );
    }
  });
}

replayContext(document);
discover(document);
