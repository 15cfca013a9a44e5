/**
 * Stamps a page's `<template>` once per seat with the seat's data, safely: `{{field}}` placeholders
 * in text nodes and attribute values are replaced as text (never parsed as HTML), URL attributes go
 * through `safeImageUrl`, and stamps never run code.
 */
import { safeImageUrl } from '../../utils/safe-url.js';

/** The data a template stamp is bound to, as text. */
export interface SeatTemplateData {
  readonly userId: string;
  readonly userName: string;
  readonly avatarUrl: string;
  /** 0-based, as in `SeatInfo.index`. */
  readonly seatIndex: string;
  /** 1-based, as shown to people. */
  readonly seatNumber: string;
  /** `on` or `off`. */
  readonly microphoneStatus: string;
  /** `on` or `off`. */
  readonly cameraStatus: string;
  /** `owner`, `admin` or `audience`. */
  readonly role: string;
  /** `true` when the seat's user is the session's logged-in user, else `false`. */
  readonly isLocal: string;
}

/** The placeholders a template may use (`{{userName}}`, `{{ seatNumber }}`). */
export const TEMPLATE_FIELDS: readonly (keyof SeatTemplateData)[] = [
  'userId',
  'userName',
  'avatarUrl',
  'seatIndex',
  'seatNumber',
  'microphoneStatus',
  'cameraStatus',
  'role',
  'isLocal',
];

const FIELDS: ReadonlySet<string> = new Set(TEMPLATE_FIELDS);

/** `{{field}}`, spaces allowed inside the braces. */
const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Attributes that hold a URL: a placeholder in them goes through `safeImageUrl`. */
const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'src',
  'href',
  'srcset',
  'imagesrcset',
  'poster',
  'xlink:href',
  'action',
  'formaction',
  'data',
  'codebase',
  'cite',
  'background',
  'ping',
  'longdesc',
  'lowsrc',
  'dynsrc',
  'manifest',
  'icon',
  'archive',
  'classid',
  'usemap',
]);

/**
 * An SVG document. Elements that load a URL as an image (`<img>`, `<source>`, SVG `<image>`, a
 * `<video>` poster, `<input type="image">`) never run its script; anywhere else (`<iframe>`,
 * `<object>`, `<embed>`, links) it could, so it is refused there.
 */
const SVG_DATA = /^data:image\/svg\+xml[;,]/i;

/** Elements whose URL attributes load images only. */
const IMAGE_ELEMENTS: ReadonlySet<string> = new Set(['img', 'source', 'image', 'video', 'input']);

/** `url` when `safeImageUrl` accepts it (and, unless `image`, it is not an SVG document), else `''`. */
function safeStampUrl(url: string, image: boolean): string {
  const safe = safeImageUrl(url);
  return !image && SVG_DATA.test(safe) ? '' : safe;
}

/**
 * Attributes whose value is parsed as markup or style: a placeholder never goes into them (the
 * attribute is dropped from the stamp).
 */
const CODE_ATTRIBUTES: ReadonlySet<string> = new Set(['srcdoc', 'style']);

/**
 * SVG animation elements: they can set any attribute (an `href` too) from their `values`, `to`,
 * `from` and `by`, so none of their attributes takes a placeholder.
 */
const ANIMATION_ELEMENTS: ReadonlySet<string> = new Set([
  'animate',
  'animatemotion',
  'animatetransform',
  'set',
]);

/** URL schemes that run code when followed. */
const SCRIPT_URL = /^(?:javascript|vbscript):/i;

function hasPlaceholder(text: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  return PLACEHOLDER.test(text);
}

/** `text` with its known placeholders filled; `encode` transforms each value given its position. */
function fill(
  text: string,
  data: SeatTemplateData,
  encode: (value: string, leading: boolean) => string = (value) => value,
): string {
  return text.replace(PLACEHOLDER, (match, field: string, offset: number) => {
    if (!FIELDS.has(field)) return match;
    return encode(data[field as keyof SeatTemplateData], text.slice(0, offset).trim() === '');
  });
}

/**
 * One URL with the data filled in, or `''` when it must not be set. A placeholder that starts the
 * URL provides it (`src="{{avatarUrl}}"`) and must not be blank (`src="{{avatarUrl}}?s=2"` with
 * no avatar would load the page's own address); anywhere else a placeholder is percent-encoded
 * (`href="/profile?id={{userId}}"`). The result must be an http(s), blob or `data:image` URL
 * (`safeImageUrl`); an SVG document only where it is loaded as an image (`image`).
 */
function fillOneUrl(text: string, data: SeatTemplateData, image: boolean): string {
  let blank = false;
  const filled = fill(text, data, (value, leading) => {
    if (!leading) return encodeURIComponent(value);
    if (value.trim() === '') blank = true;
    return value;
  });
  return blank ? '' : safeStampUrl(filled, image);
}

/**
 * A URL attribute's value with the data filled in, or `''` when it must not be set (see
 * `fillOneUrl`). In a `srcset`, each candidate's URL is filled and checked on its own, must hold no
 * whitespace (it would split into more candidates), and one refused candidate drops the attribute.
 */
function fillUrl(name: string, text: string, data: SeatTemplateData, image: boolean): string {
  if (name !== 'srcset' && name !== 'imagesrcset') return fillOneUrl(text, data, image);
  const candidates: string[] = [];
  // Placeholders are written without inner spaces first, so that whitespace splits candidates.
  const compact = text.replace(PLACEHOLDER, (_match, field: string) => `{{${field}}}`).trim();
  for (const candidate of compact.split(/,\s+/)) {
    const [url = '', ...descriptors] = candidate.trim().split(/\s+/);
    const safe = fillOneUrl(url, data, image);
    if (safe === '' || /\s/.test(safe)) return '';
    candidates.push([safe, ...descriptors.map((descriptor) => fill(descriptor, data))].join(' '));
  }
  return candidates.join(', ');
}

/** Whether an attribute's page-authored value is a URL that runs script when followed. */
function isScriptUrl(value: string): boolean {
  // Browsers strip ASCII whitespace and control characters before reading the scheme.
  // eslint-disable-next-line no-control-regex
  return SCRIPT_URL.test(value.replace(/[\u0000-\u0020]/g, ''));
}

interface TextBinding {
  readonly node: Text;
  readonly text: string;
}

interface AttributeBinding {
  readonly element: Element;
  readonly namespace: string | null;
  /** The qualified name (`xlink:href`), for `setAttributeNS`. */
  readonly name: string;
  /** The local name (`href`), for `removeAttributeNS`. */
  readonly localName: string;
  readonly text: string;
  /** Which URL attribute this is (`src`, `srcset`…), or `null`. */
  readonly url: string | null;
}

/**
 * One stamp of a template: a `display: contents` wrapper around a copy of the template's content,
 * bound to one seat's data. `update()` rewrites only the bound text and attributes, so the stamp's
 * nodes (an `<img>` already loaded) stay in place while the data changes.
 *
 * Safety, whatever the data and the template hold:
 * - values are set as text (`Text.data`, `Attr.value`), never parsed as HTML;
 * - a URL attribute with a placeholder is set only when the filled URL passes `safeImageUrl` (and
 *   is not an SVG document, except on elements that load images only), and dropped otherwise (it
 *   comes back when the data makes it safe);
 * - `style` and `srcdoc` attributes with a placeholder are dropped, and so are the attributes with
 *   a placeholder of SVG animation elements; placeholders in the text of a `<style>` stay unfilled;
 * - `on*` attributes, `<script>` elements and `javascript:` / `vbscript:` URLs are removed from
 *   the stamp, whatever they contain.
 */
export class Stamp {
  /** The element to put in the page: `<div style="display: contents">` holding the stamp. */
  readonly root: HTMLDivElement;

  readonly #texts: TextBinding[] = [];
  readonly #attributes: AttributeBinding[] = [];

  constructor(template: HTMLTemplateElement) {
    const document = template.ownerDocument;
    this.root = document.createElement('div');
    this.root.style.display = 'contents';
    // Cloned in the template's inert document, where nothing loads or runs, and cleaned there:
    // an `<img src="{{avatarUrl}}">` imported as is would request "{{avatarUrl}}".
    const content = template.content.cloneNode(true) as DocumentFragment;
    this.#prepare(content);
    this.root.append(document.adoptNode(content));
  }

  /** Binds the stamp to `data`. */
  update(data: SeatTemplateData): void {
    for (const { node, text } of this.#texts) {
      const value = fill(text, data);
      if (node.data !== value) node.data = value;
    }
    for (const { element, namespace, name, localName, text, url } of this.#attributes) {
      const value =
        url === null ? fill(text, data) : fillUrl(url, text, data, IMAGE_ELEMENTS.has(element.localName));
      if (url !== null && value === '') element.removeAttributeNS(namespace, localName);
      else if (element.getAttributeNS(namespace, localName) !== value) {
        element.setAttributeNS(namespace, name, value);
      }
    }
  }

  /** Removes what must never run and records the bindings of `content`. */
  #prepare(content: DocumentFragment): void {
    for (const script of Array.from(content.querySelectorAll('script'))) script.remove();
    const walker = content.ownerDocument.createTreeWalker(
      content,
      NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT,
    );
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      if (node instanceof Text) {
        // The text of a <style> is CSS: data never goes into it.
        if (hasPlaceholder(node.data) && node.parentElement?.localName !== 'style') {
          this.#texts.push({ node, text: node.data });
        }
      } else if (node instanceof Element) {
        this.#prepareAttributes(node);
      }
    }
  }

  #prepareAttributes(element: Element): void {
    const animation = ANIMATION_ELEMENTS.has(element.localName.toLowerCase());
    for (const attr of Array.from(element.attributes)) {
      const name = attr.name.toLowerCase();
      const bound = hasPlaceholder(attr.value);
      const url = URL_ATTRIBUTES.has(name) ? name : null;
      if (
        name.startsWith('on') ||
        (bound && (animation || CODE_ATTRIBUTES.has(name))) ||
        (url !== null && !bound && isScriptUrl(attr.value))
      ) {
        element.removeAttributeNode(attr);
      } else if (bound) {
        this.#attributes.push({
          element,
          namespace: attr.namespaceURI,
          name: attr.name,
          localName: attr.localName,
          text: attr.value,
          url,
        });
        // Nothing unfilled reaches the page: the attribute is set by the first `update()`.
        element.removeAttributeNode(attr);
      }
    }
  }
}
