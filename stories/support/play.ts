/**
 * Small helpers for play functions: they run in Storybook and in the story tests alike, with no
 * test library, and fail by throwing.
 */

/** Throws `message` unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`play: ${message}`);
}

/** The first element matching `selector` in `root` or any shadow tree below it, or `null`. */
export function deepQuery<E extends Element = HTMLElement>(
  root: Element | ShadowRoot,
  selector: string,
): E | null {
  const found = root.querySelector<E>(selector);
  if (found !== null) return found;
  for (const el of Array.from(root.querySelectorAll('*'))) {
    if (el.shadowRoot === null) continue;
    const inner = deepQuery<E>(el.shadowRoot, selector);
    if (inner !== null) return inner;
  }
  return null;
}

/**
 * Resolves once `check` returns a value other than `null`, `undefined` or `false` (checked after
 * every DOM change in `root` and every animation frame); throws `message` after `timeoutMs`.
 */
export function waitFor<T>(
  check: () => T | null | undefined | false,
  message: string,
  timeoutMs = 4000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const started = performance.now();
    const tick = (): void => {
      let value: T | null | undefined | false;
      try {
        value = check();
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (value !== null && value !== undefined && value !== false) resolve(value);
      else if (performance.now() - started > timeoutMs) reject(new Error(`play: timed out: ${message}`));
      else requestAnimationFrame(tick);
    };
    tick();
  });
}
