/**
 * Static files for `createServer({ staticDir })`: the pages of a demo or of an app, served from
 * one folder next to the WebSocket endpoint, so a page and its server share one origin.
 *
 * - `GET` and `HEAD` only; `/` and folders answer their `index.html` (a folder asked without its
 *   trailing slash is redirected to it, so the page's relative URLs resolve inside it).
 * - Nothing outside the folder is ever read: the path is taken from the raw request target, each
 *   segment percent-decoded once; `.` and `..` segments, dot-files, backslashes, NUL and other
 *   control characters answer 404, and the real path (symlinks resolved) must lie inside the
 *   folder's real path.
 * - `Content-Type` by extension (unknown: `application/octet-stream`), `ETag` and `Last-Modified`
 *   on every file; the browser revalidates and gets `304 Not Modified` while it is unchanged.
 * - Caching (docs/decisions/0031): a file whose name carries a content hash (`name-AB12CD34.js`,
 *   as the bundles name their chunks) is `public, max-age=31536000, immutable`, since its name
 *   changes with its content; every other file is `no-cache` (revalidated on each use).
 * - Compression: text types (HTML, scripts, styles, JSON, source maps, SVG, WebAssembly) go with
 *   brotli or gzip as `Accept-Encoding` prefers (q-values honoured, brotli on a tie), with `Vary:
 *   Accept-Encoding`; images, fonts, audio and video, already compressed, go as they are. Each
 *   file is compressed once per version (path, size and time) and kept in a bounded cache.
 * - Security headers on every answer (see headers.ts): the page policy, `nosniff`, no framing, and
 *   the referrer policy.
 */
import { createReadStream, type Stats } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { basename, extname, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { staticHeaders } from './headers.js';

/** Content types by extension (lower case, with the dot). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

const FALLBACK_TYPE = 'application/octet-stream';

/** Extensions whose files compress well (text); everything else is sent as it is. */
const COMPRESSIBLE = new Set([
  '.html',
  '.htm',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.map',
  '.webmanifest',
  '.txt',
  '.md',
  '.svg',
  '.wasm',
]);

/** Files smaller than this are sent as they are: the headers would eat the gain. */
export const MIN_COMPRESS_BYTES = 256;
/** Files larger than this are sent as they are (streamed), never read whole into memory. */
export const MAX_COMPRESS_BYTES = 8 * 1024 * 1024;
/** Compressed bodies kept in memory, all files together; the least recently used go first. */
export const COMPRESSED_CACHE_BYTES = 32 * 1024 * 1024;
/** Up to this size a file gets brotli's best quality (slow, once per version); larger ones less. */
const BEST_BROTLI_BYTES = 1024 * 1024;

/** `Cache-Control` of a file whose name carries its content's hash. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** `Cache-Control` of every other file: keep it, but ask before each use. */
export const REVALIDATE = 'no-cache';

/** A content coding the server produces. */
export type Encoding = 'br' | 'gzip';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * Whether a file name carries a content hash, as the bundles write their chunks
 * (`chunks/[name]-[hash]`: esbuild's eight characters of A-Z and digits): `chunk-3HWC4GO7.js`,
 * `peer-VTKN6DKM.js`. Source maps are not: a map may change while its script does not.
 */
export function isHashedName(name: string): boolean {
  return /^.+-[A-Z0-9]{8}\.(?!map$)[A-Za-z0-9]+$/.test(name);
}

/**
 * The content coding to answer `Accept-Encoding` with, or `null` for none (identity). Codings are
 * compared by their q-value (`br;q=0.8, gzip`); `*` stands for codings not listed; an entry with
 * an invalid q-value counts as not listed; brotli wins a tie. Identity is only preferred when
 * listed with a higher q-value than the best coding. No header (or an empty one): identity.
 */
export function chooseEncoding(header: string | undefined): Encoding | null {
  if (header === undefined) return null;
  const weights = new Map<string, number>();
  for (const entry of header.split(',')) {
    const [name = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    if (name === '') continue;
    let q = 1;
    for (const param of params) {
      const match = /^q\s*=\s*(.*)$/.exec(param);
      if (!match) continue;
      q = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(match[1] ?? '') ? Number(match[1]) : Number.NaN;
    }
    if (Number.isNaN(q)) continue;
    const coding = name === 'x-gzip' ? 'gzip' : name;
    weights.set(coding, Math.max(q, weights.get(coding) ?? 0));
  }
  const weight = (name: string) => weights.get(name) ?? weights.get('*') ?? 0;
  const br = weight('br');
  const gz = weight('gzip');
  const best: Encoding | null = br > 0 && br >= gz ? 'br' : gz > 0 ? 'gzip' : null;
  if (best === null) return null;
  const identity = weights.get('identity');
  return identity !== undefined && identity > Math.max(br, gz) ? null : best;
}

/** One compressed version of one file, in the cache. */
interface Compressed {
  /** Which version of the file (`size:mtimeMs`). */
  readonly version: string;
  /** The compressed body, or `null` when it would not be smaller than the file. */
  readonly body: Promise<Buffer | null>;
  bytes: number;
}

/**
 * Compressed bodies by file and coding, at most `budget` bytes in all, the least recently used
 * dropped first. A file compresses once per version; requests that arrive meanwhile share the work.
 */
function createCompressedCache(budget: number) {
  const entries = new Map<string, Compressed>();
  let total = 0;

  function drop(key: string, entry: Compressed): void {
    if (entries.get(key) !== entry) return;
    entries.delete(key);
    total -= entry.bytes;
  }

  async function compress(path: string, size: number, encoding: Encoding): Promise<Buffer | null> {
    const data = await readFile(path);
    const body =
      encoding === 'br'
        ? await brotli(data, {
            params: {
              [zlib.BROTLI_PARAM_QUALITY]: size <= BEST_BROTLI_BYTES ? zlib.BROTLI_MAX_QUALITY : 5,
              [zlib.BROTLI_PARAM_SIZE_HINT]: data.length,
              [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
            },
          })
        : await gzipAsync(data, { level: zlib.Z_BEST_COMPRESSION });
    return body.length < data.length ? body : null;
  }

  return {
    /** The compressed body of `path` at the version `stats` describe, or `null` to send it as it is. */
    async get(path: string, stats: Stats, encoding: Encoding): Promise<Buffer | null> {
      const key = `${encoding}:${path}`;
      const version = `${stats.size}:${stats.mtimeMs}`;
      let entry = entries.get(key);
      if (entry?.version === version) {
        // Most recently used: to the end of the map's order.
        entries.delete(key);
        entries.set(key, entry);
      } else {
        if (entry) drop(key, entry);
        const made: Compressed = { version, body: compress(path, stats.size, encoding), bytes: 0 };
        entry = made;
        entries.set(key, made);
        made.body.then(
          (body) => {
            if (entries.get(key) !== made) return;
            made.bytes = body?.length ?? 0;
            total += made.bytes;
            for (const [oldKey, old] of entries) {
              if (total <= budget) break;
              if (old !== made) drop(oldKey, old);
            }
            if (total > budget) drop(key, made);
          },
          () => drop(key, made),
        );
      }
      try {
        return await entry.body;
      } catch {
        return null;
      }
    },
  };
}

/** The files of one folder. */
export interface StaticFiles {
  /** The folder's real path. */
  readonly root: string;
  /** Serves one request; resolves `false` (and answers nothing) when it names no file there. */
  serve(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

/**
 * Resolves `dir` (must be an existing folder). Rejects when it is not a folder, so a wrong
 * `--static` fails at start rather than at the first request.
 */
export async function createStaticFiles(dir: string): Promise<StaticFiles> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch {
    throw new TypeError(`createServer: staticDir ${JSON.stringify(dir)} does not exist`);
  }
  if (!(await stat(root)).isDirectory()) {
    throw new TypeError(`createServer: staticDir ${JSON.stringify(dir)} is not a folder`);
  }
  const inside = (path: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
  const compressed = createCompressedCache(COMPRESSED_CACHE_BYTES);

  /** The real path of `path` when it exists inside the folder, else `null`. */
  async function resolveInside(path: string): Promise<{ path: string; stats: Stats } | null> {
    try {
      const real = await realpath(path);
      if (!inside(real)) return null;
      return { path: real, stats: await stat(real) };
    } catch {
      return null;
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const target = req.url ?? '/';
    const segments = pathSegments(target);
    if (segments === null) return false;
    let found = await resolveInside(join(root, ...segments));
    if (found === null) return false;
    if (found.stats.isDirectory()) {
      const path = target.split('?', 1)[0] ?? '/';
      if (!path.endsWith('/')) {
        redirect(req, res, `${path}/${target.slice(path.length)}`);
        return true;
      }
      found = await resolveInside(join(found.path, 'index.html'));
      if (found === null) return false;
    }
    if (!found.stats.isFile()) return false;
    await sendFile(req, res, found.path, found.stats);
    return true;
  }

  async function sendFile(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    stats: Stats,
  ): Promise<void> {
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const lastModified = new Date(Math.floor(stats.mtimeMs / 1000) * 1000);
    const extension = extname(path).toLowerCase();
    const compressible = COMPRESSIBLE.has(extension);
    const headers: OutgoingHttpHeaders = {
      ...staticHeaders(req.headers.host),
      'content-type': CONTENT_TYPES[extension] ?? FALLBACK_TYPE,
      'cache-control': isHashedName(basename(path)) ? IMMUTABLE : REVALIDATE,
      etag,
      'last-modified': lastModified.toUTCString(),
    };
    if (compressible) headers.vary = 'Accept-Encoding';
    if (notModified(req, etag, lastModified)) {
      delete headers['content-type'];
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const encoding =
      compressible && stats.size >= MIN_COMPRESS_BYTES && stats.size <= MAX_COMPRESS_BYTES
        ? chooseEncoding(req.headers['accept-encoding'])
        : null;
    const body = encoding === null ? null : await compressed.get(path, stats, encoding);
    if (encoding !== null && body !== null) {
      headers['content-encoding'] = encoding;
      headers['content-length'] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    headers['content-length'] = stats.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(path);
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  return { root, serve };
}

/**
 * The decoded segments of a request target's path, or `null` when the target is not a plain
 * origin-form path or names anything the folder must not serve.
 */
export function pathSegments(target: string): string[] | null {
  if (!target.startsWith('/') || target.startsWith('//')) return null;
  const path = target.replace(/[?#].*$/s, '');
  const segments: string[] = [];
  for (const raw of path.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '') continue;
    // Dot-files and `.`/`..`, separators smuggled in encoded, NUL and control characters.
    // eslint-disable-next-line no-control-regex
    if (segment.startsWith('.') || /[/\\:\u0000-\u001f\u007f]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

function redirect(req: IncomingMessage, res: ServerResponse, location: string): void {
  res.writeHead(301, {
    ...staticHeaders(req.headers.host),
    location,
    'content-length': 0,
    'cache-control': REVALIDATE,
  });
  res.end();
}

/** RFC 9110: `If-None-Match` wins over `If-Modified-Since`. */
function notModified(req: IncomingMessage, etag: string, lastModified: Date): boolean {
  const match = req.headers['if-none-match'];
  if (match !== undefined) {
    const weak = (tag: string) => tag.trim().replace(/^W\//, '');
    return match.trim() === '*' || match.split(',').some((tag) => weak(tag) === weak(etag));
  }
  const since = req.headers['if-modified-since'];
  if (since === undefined) return false;
  const time = Date.parse(since);
  return Number.isFinite(time) && lastModified.getTime() <= time;
}
