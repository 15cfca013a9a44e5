/** Elements that handle their own activation (click, Enter, Space). */
const INTERACTIVE = [
  'a[href]',
  'area[href]',
  'button',
  'input',
  'select',
  'textarea',
  'summary',
  'label',
  '[contenteditable]:not([contenteditable="false"])',
  '[role="button"]',
  '[role="link"]',
  '[role="checkbox"]',
  '[role="switch"]',
  '[role="menuitem"]',
  '[role="tab"]',
].join(',');

/**
 * Whether `event` started on an interactive element (a button, a link, a form control…) inside
 * `container`, e.g. a button slotted into a tile. A container that is itself activatable ignores
 * such events, so that the inner control's action does not also activate the container.
 */
export function isFromInteractiveDescendant(event: Event, container: Element): boolean {
  for (const target of event.composedPath()) {
    if (target === container) return false;
    if (target instanceof Element && target.matches(INTERACTIVE)) return true;
  }
  return false;
}
