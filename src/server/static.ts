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
 * - `Content-Type` by extension (unknown: `application/octet-stream`), `X-Content-Type-Options:
 *   nosniff`, `ETag` and `Last-Modified` with `Cache-Control: no-cache` (the browser revalidates
 *   and gets `304 Not Modified` while the file is unchanged).
 */
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';

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
        redirect(res, `${path}/${target.slice(path.length)}`);
        return true;
      }
      found = await resolveInside(join(found.path, 'index.html'));
      if (found === null) return false;
    }
    if (!found.stats.isFile()) return false;
    sendFile(req, res, found.path, found.stats);
    return true;
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

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(301, {
    location,
    'content-length': 0,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end();
}

function sendFile(req: IncomingMessage, res: ServerResponse, path: string, stats: Stats): void {
  const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
  const lastModified = new Date(Math.floor(stats.mtimeMs / 1000) * 1000);
  const headers: Record<string, string | number> = {
    'content-type': CONTENT_TYPES[extname(path).toLowerCase()] ?? FALLBACK_TYPE,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
    etag,
    'last-modified': lastModified.toUTCString(),
  };
  if (notModified(req, etag, lastModified)) {
    delete headers['content-type'];
    res.writeHead(304, headers);
    res.end();
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
