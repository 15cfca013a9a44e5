/**
 * Hostile user data that every element must render inert: names and extra info shown as text,
 * avatar URLs that are not http(s), blob or data images never loaded. Shared by the tests of every
 * element, so one list grows for all of them.
 */

/** Strings that would run script or inject markup if an element rendered them as HTML. */
export const HOSTILE_STRINGS: readonly string[] = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=1</script>',
  '"><svg onload="window.__pwned=1">',
  "'><iframe srcdoc='<script>parent.__pwned=1</script>'>",
  '<a href="javascript:window.__pwned=1">click</a>',
  '{{constructor.constructor("window.__pwned=1")()}}',
  '${window.__pwned=1}',
  '\u202Egnp.exe\u202C',
  '<style>*{display:none}</style>',
  '&lt;b&gt;escaped&lt;/b&gt;',
];

/**
 * Avatar URLs that must never be loaded. (An `<img>` never runs script, so `data:image/svg+xml`
 * and protocol-relative `//host/x.png` URLs are images like any other, and are allowed.)
 */
export const HOSTILE_URLS: readonly string[] = [
  'javascript:window.__pwned=1',
  'JaVaScRiPt:window.__pwned=1',
  ' javascript:window.__pwned=1',
  'data:text/html,<script>window.__pwned=1</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'about:blank',
];

declare global {
  interface Window {
    __pwned?: number;
  }
}

/**
 * Checks that `root` (an element and its shadow trees, recursively) holds none of the markup the
 * hostile strings carry, that no script ran, and that no image loads a hostile URL.
 */
export function inertIn(root: Element): { readonly ok: boolean; readonly problem: string } {
  if (window.__pwned !== undefined) return { ok: false, problem: 'a hostile script ran' };
  const stack: (Element | ShadowRoot)[] = root.shadowRoot ? [root, root.shadowRoot] : [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const el of Array.from(node.querySelectorAll('*'))) {
      const tag = el.localName;
      if (tag === 'script' || tag === 'iframe' || tag === 'object' || tag === 'embed') {
        return { ok: false, problem: `a <${tag}> was injected` };
      }
      if (tag === 'img') {
        const src = el.getAttribute('src') ?? '';
        if (src !== '' && !/^(https?:|blob:.|data:image\/)/i.test(src)) {
          return { ok: false, problem: `an <img> loads ${src}` };
        }
        if (src === 'x') return { ok: false, problem: 'an injected <img> exists' };
      }
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) return { ok: false, problem: `<${tag}> has ${attr.name}` };
        if (/^\s*javascript:/i.test(attr.value))
          return { ok: false, problem: `<${tag}> has a javascript: URL` };
      }
      if (el.shadowRoot) stack.push(el.shadowRoot);
    }
  }
  return { ok: true, problem: '' };
}
