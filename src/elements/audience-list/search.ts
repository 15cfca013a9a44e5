/**
 * Name search for people lists: a query matches a name when it is found anywhere in it, ignoring
 * case, accents and character width, in any script (`ada` finds `Ádá`, `ｊｏｓé` finds `José`, `美`
 * finds `王美`, `ㄱ` finds `김지호`).
 */

const MARKS = /\p{M}+/gu;
const SPACES = /\s+/gu;

/**
 * `text` folded for searching: compatibility-decomposed (full-width letters become ASCII, Hangul
 * syllables become their letters), case-folded through upper then lower case (`ß` → `ss`, `ς` → `σ`),
 * without combining marks (accents), with runs of spaces made one space and trimmed.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKD')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKD')
    .replace(MARKS, '')
    .replace(SPACES, ' ')
    .trim();
}

/**
 * A matcher for `query`: `(name) => boolean`. An empty query (after folding) matches every name.
 * Folded names are cached per string, so filtering thousands of names again as the query changes
 * folds each one once.
 */
export function nameMatcher(query: string, cache: Map<string, string>): (name: string) => boolean {
  const needle = foldForSearch(query);
  if (needle === '') return () => true;
  return (name) => {
    let folded = cache.get(name);
    if (folded === undefined) {
      folded = foldForSearch(name);
      cache.set(name, folded);
    }
    return folded.includes(needle);
  };
}
