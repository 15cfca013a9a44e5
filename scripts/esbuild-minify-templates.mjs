// @ts-check
/**
 * An esbuild plugin that minifies the static text of lit's tagged templates (`html`, `svg`, `css`)
 * in the kit's own sources, before esbuild compiles them. esbuild's own minifier leaves template
 * literals as written: their indentation, line breaks and CSS comments would otherwise ship.
 *
 * What it does, only in the literal parts between `${…}` expressions:
 * - `css`: drops comments, collapses whitespace, and drops it around `{ } ; , >`, after `:` and
 *   before `!` (never before a `:`, which would join a descendant selector to a pseudo-class);
 * - `html` / `svg`: drops `<!-- … -->` comments that hold no expression, and turns every run of
 *   whitespace that contains a line break into one line break (rendered the same under every
 *   `white-space`, `pre` aside: no template of the kit holds a `<pre>`).
 * Expressions are kept byte for byte (nested templates in them are minified too); strings, comments
 * and regular expressions of the code around are left as they are.
 *
 * Usage: `build({ plugins: [minifyTemplates()] })`. Options: `filter` (files to transform; default
 * every `.ts` file under `src/`).
 */
import { readFile } from 'node:fs/promises';

/**
 * @param {{ filter?: RegExp }} [options]
 * @returns {import('esbuild').Plugin}
 */
export function minifyTemplates(options = {}) {
  const filter = options.filter ?? /[\\/]src[\\/].*\.ts$/;
  return {
    name: 'co-guest-kit:minify-templates',
    setup(build) {
      build.onLoad({ filter }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        return { contents: minifyTemplateSource(source), loader: 'ts' };
      });
    },
  };
}

export default minifyTemplates;

/**
 * The source with the static parts of its `html`/`svg`/`css` templates minified.
 * @param {string} source
 * @returns {string}
 */
export function minifyTemplateSource(source) {
  return code(source, 0, false)[0];
}

const TAG = /\b(html|svg|css)\s*$/;
/** Characters after which a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = /(?:^|[=(,:;!&|?{}[+\-*%<>~^]|\breturn|\btypeof|\bcase|\bdo|\belse|\bin|\bof)\s*$/;

/**
 * Copies code from `start`, transforming the templates in it, until the end of the source or, when
 * `inExpression`, the `}` that closes a `${`.
 * @param {string} src
 * @param {number} start
 * @param {boolean} inExpression
 * @returns {[string, number]} the text and the index after it (after the closing `}`)
 */
function code(src, start, inExpression) {
  let out = '';
  let depth = 0;
  let i = start;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      out += src.slice(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop);
      i = stop;
    } else if (c === '/' && BEFORE_REGEX.test(out.slice(-12))) {
      const stop = skipRegex(src, i);
      out += src.slice(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      const stop = skipString(src, i, c);
      out += src.slice(i, stop);
      i = stop;
    } else if (c === '`') {
      const match = TAG.exec(out.slice(-12));
      const [text, stop] = template(src, i, match ? /** @type {'html'|'svg'|'css'} */ (match[1]) : null);
      out += text;
      i = stop;
    } else if (c === '{') {
      depth++;
      out += c;
      i++;
    } else if (c === '}') {
      if (inExpression && depth === 0) return [out, i + 1];
      depth--;
      out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return [out, i];
}

/**
 * @param {string} src
 * @param {number} start index of the opening backtick
 * @param {'html'|'svg'|'css'|null} tag
 * @returns {[string, number]}
 */
function template(src, start, tag) {
  /** @type {string[]} */
  const chunks = [];
  /** @type {string[]} */
  const expressions = [];
  let chunk = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      chunk += src.slice(i, i + 2);
      i += 2;
    } else if (c === '`') {
      chunks.push(chunk);
      return [join(chunks, expressions, tag), i + 1];
    } else if (c === '$' && src[i + 1] === '{') {
      chunks.push(chunk);
      chunk = '';
      const [expression, stop] = code(src, i + 2, true);
      expressions.push(expression);
      i = stop;
    } else {
      chunk += c;
      i++;
    }
  }
  throw new Error('minify-templates: unterminated template literal');
}

/**
 * @param {string[]} chunks
 * @param {string[]} expressions
 * @param {'html'|'svg'|'css'|null} tag
 */
function join(chunks, expressions, tag) {
  const minified =
    tag === null ? chunks : chunks.map((chunk) => (tag === 'css' ? minifyCss(chunk) : minifyHtml(chunk)));
  let out = '`';
  minified.forEach((chunk, index) => {
    out += chunk;
    if (index < expressions.length) out += '${' + expressions[index] + '}';
  });
  return out + '`';
}

/** @param {string} text */
function minifyCss(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/\s+!/g, '!')
    .replace(/;}/g, '}');
}

/** @param {string} text */
function minifyHtml(text) {
  return text.replace(/<!--[\s\S]*?-->/g, '').replace(/\s*\n\s*/g, '\n');
}

/**
 * @param {string} src
 * @param {number} start
 * @param {string} quote
 */
function skipString(src, start, quote) {
  let i = start + 1;
  while (i < src.length && src[i] !== quote && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
  return i + 1;
}

/**
 * @param {string} src
 * @param {number} start
 */
function skipRegex(src, start) {
  let i = start + 1;
  let inClass = false;
  while (i < src.length && src[i] !== '\n') {
    const c = src[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      i++;
      while (i < src.length && /[a-z]/i.test(src[i] ?? '')) i++;
      return i;
    }
    i++;
  }
  return i;
}
