/**
 * Pure helpers for showing user-supplied data (names, avatar URLs) in the UI. They run anywhere (no
 * DOM needed) and never throw.
 */

/** Schemes an `<img src>` may load from. Everything else (`javascript:`, `file:`, …) is refused. */
const SAFE_IMAGE_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'blob:']);

/** `data:` URLs are accepted only for images: `data:image/<subtype>[;params],…`. */
const DATA_IMAGE = /^data:image\/[a-z0-9][a-z0-9.+-]*[;,]/i;

/**
 * The URL to give an `<img src>` for a user-supplied avatar, or `''` when it must not be loaded.
 *
 * Accepted: `http:`, `https:`, `blob:` and `data:image/*`. Refused: every other scheme
 * (`javascript:`, `vbscript:`, `file:`, `data:text/html`, …), strings that do not parse as a URL,
 * and anything that is not a string. A relative URL is resolved against `base` (by default the
 * document's base URL, when there is a document; `null` for none) and accepted when it resolves to
 * http(s). Markup in a relative URL is harmless: it is percent-encoded into the path.
 *
 * The result is the parsed, normalised URL (`URL#href`), so what is checked is exactly what is
 * loaded: browsers strip tabs and newlines (`java\tscript:`) before parsing, and so does `URL`.
 *
 * @example safeImageUrl('https://cdn.example/a.png') // 'https://cdn.example/a.png'
 * @example safeImageUrl('javascript:alert(1)') // ''
 */
export function safeImageUrl(url: unknown, base: string | null = documentBase()): string {
  if (typeof url !== 'string') return '';
  const trimmed = url.trim();
  if (trimmed === '') return '';
  let parsed: URL;
  try {
    parsed = base === null ? new URL(trimmed) : new URL(trimmed, base);
  } catch {
    return '';
  }
  if (SAFE_IMAGE_PROTOCOLS.has(parsed.protocol)) return parsed.href;
  if (parsed.protocol === 'data:' && DATA_IMAGE.test(parsed.href)) return parsed.href;
  return '';
}

function documentBase(): string | null {
  return typeof document === 'undefined' ? null : document.baseURI;
}

/** A grapheme worth showing as an initial: a letter, a digit, an emoji or a flag. */
const INITIAL_WORTHY = /[\p{L}\p{N}\p{Extended_Pictographic}\p{Regional_Indicator}]/u;

/**
 * Word separators: any whitespace or Unicode space separator, plus punctuation that joins parts of a
 * name or handle (`Jean-Luc`, `ada_lovelace`, `a.b`). The apostrophe is not one (`O'Brien`).
 */
const WORD_SEPARATORS = /[\s\p{Z}_.,;:/|\\·・()[\]{}<>"`=+*&^%$#@!?~-]+/u;

let segmenter: Intl.Segmenter | undefined;

function graphemes(text: string): string[] {
  if (typeof Intl !== 'undefined' && typeof Intl.Segmenter === 'function') {
    segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    return Array.from(segmenter.segment(text), (part) => part.segment);
  }
  return Array.from(text);
}

function firstInitial(word: string): string {
  for (const grapheme of graphemes(word)) {
    if (INITIAL_WORTHY.test(grapheme)) return grapheme.toUpperCase();
  }
  return '';
}

/**
 * Up to two initials for an avatar placeholder: the first letter-like grapheme of the first word and
 * of the last word (`'Ada Lovelace'` → `'AL'`), or of the only word (`'ada'` → `'A'`, `'王小明'` →
 * `'王'`). Graphemes are kept whole (`'Émile'` with a combining accent, flags, emoji sequences) and
 * uppercased where the script has case. Punctuation, symbols and invisible characters are skipped;
 * a name with nothing to show gives `''`.
 */
export function initials(name: unknown): string {
  if (typeof name !== 'string') return '';
  const words = name
    .split(WORD_SEPARATORS)
    .map(firstInitial)
    .filter((initial) => initial !== '');
  const first = words[0];
  if (first === undefined) return '';
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  return last === undefined ? first : first + last;
}

/**
 * The name to show for a user: their `userName` without surrounding whitespace, or their `userId`
 * when the name is blank.
 */
export function displayName(user: { readonly userId: string; readonly userName: string }): string {
  // Defensive: a page may hand an element data that never went through the protocol's schemas.
  const name = typeof user.userName === 'string' ? user.userName.trim() : '';
  if (name !== '') return name;
  return typeof user.userId === 'string' ? user.userId : '';
}

/**
 * Wraps user-supplied text in Unicode isolation marks (FSI … PDI) so that right-to-left or
 * bidi-control characters in it cannot reorder the text around it (for `aria-label`s and other
 * strings that cannot use `<bdi>`).
 */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}
