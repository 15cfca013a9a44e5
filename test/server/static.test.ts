import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { pagePolicy } from '../../src/server/headers.js';
import { chooseEncoding, isHashedName, pathSegments } from '../../src/server/static.js';
import { Resources, within } from './helpers.js';

const SECRET_TEXT = 'TOP-SECRET-OUTSIDE-THE-FOLDER';

interface RawResponse {
  /** `null` when the server closed the connection without an answer. */
  readonly status: number | null;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The body's bytes. */
  readonly bytes: Buffer;
  /** Everything received, head and body. */
  readonly raw: string;
}

/** Sends one request with `target` exactly as written (no client-side normalization). */
function rawRequest(
  port: number,
  target: string,
  { method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return within(
    new Promise<RawResponse>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const all = Buffer.concat(chunks);
        const raw = all.toString('latin1');
        const [head = '', ...rest] = raw.split('\r\n\r\n');
        const bodyStart = all.indexOf('\r\n\r\n');
        const [statusLine = '', ...lines] = head.split('\r\n');
        const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine);
        const parsed: Record<string, string> = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          if (colon > 0) parsed[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        resolve({
          status: status ? Number(status[1]) : null,
          headers: parsed,
          body: rest.join('\r\n\r\n'),
          bytes: bodyStart < 0 ? Buffer.alloc(0) : all.subarray(bodyStart + 4),
          raw,
        });
      });
      const extra = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(
        Buffer.from(
          `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}Connection: close\r\n\r\n`,
          'latin1',
        ),
      );
    }),
    `answer to ${method} ${target}`,
  );
}

describe('server static files', () => {
  const res = new Resources();
  // Made now, since the hostile targets below name its absolute path.
  const base = mkdtempSync(join(tmpdir(), 'co-guest-static-'));
  const dir = join(base, 'public');
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3]);
  /** Script text that compresses well, as bundles do. */
  const BIG_JS = Array.from(
    { length: 400 },
    (_, i) => `export function part${i}(value) { return value * ${i} + ${i % 7}; }\n`,
  ).join('');
  /** An image large enough to compress, were it text: it must go as it is. */
  const PHOTO = Buffer.concat([PNG, Buffer.alloc(20_000, 'x')]);

  before(async () => {
    await mkdir(join(dir, 'sub'), { recursive: true });
    await mkdir(join(dir, 'empty'));
    await mkdir(join(base, 'public-evil'));
    await writeFile(join(base, 'secret.txt'), SECRET_TEXT);
    await writeFile(join(base, 'public-evil', 'x.txt'), SECRET_TEXT);
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>home</title>');
    await writeFile(join(dir, 'app.js'), 'export const answer = 42;\n');
    await writeFile(join(dir, 'style.css'), 'body { color: red; }\n');
    await writeFile(join(dir, 'data.json'), '{"a":1}');
    await writeFile(join(dir, 'pic.png'), PNG);
    await writeFile(join(dir, 'blob.xyz'), 'opaque');
    await writeFile(join(dir, '.env'), SECRET_TEXT);
    await writeFile(join(dir, 'sub', 'index.html'), '<!doctype html><title>sub</title>');
    await writeFile(join(dir, 'sub', 'page one.html'), '<p>one</p>');
    await writeFile(join(dir, 'big.js'), BIG_JS);
    await writeFile(join(dir, 'big.css'), BIG_JS.replace(/export function part(\d+)/g, '.part$1 {}'));
    await writeFile(
      join(dir, 'big.svg'),
      `<svg xmlns="http://www.w3.org/2000/svg">${'<g/>'.repeat(2_000)}</svg>`,
    );
    await writeFile(join(dir, 'photo.png'), PHOTO);
    await writeFile(join(dir, 'font.woff2'), Buffer.alloc(20_000, 'f'));
    await mkdir(join(dir, 'chunks'));
    await writeFile(join(dir, 'chunks', 'part-AB2CD3EF.js'), BIG_JS);
    await writeFile(join(dir, 'chunks', 'part-AB2CD3EF.js.map'), '{"version":3}');
    await symlink(join(dir, 'app.js'), join(dir, 'link-in.js'));
    await symlink(join(base, 'secret.txt'), join(dir, 'link-out.txt'));
    await symlink(base, join(dir, 'dir-out'));
  });
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });
  afterEach(() => res.dispose());

  describe('serving', () => {
    it('answers / with index.html, its type and the safety and cache headers', async () => {
      const server = await res.server({ staticDir: dir });
      const response = await fetch(`${server.httpUrl}/`);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), '<!doctype html><title>home</title>');
      assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      assert.match(response.headers.get('etag') ?? '', /^W\/"[0-9a-f]+-[0-9a-f]+"$/);
      assert.ok(Date.parse(response.headers.get('last-modified') ?? '') > 0);
    });

    for (const [path, type, body] of [
      ['/app.js', 'text/javascript; charset=utf-8', 'export const answer = 42;\n'],
      ['/style.css', 'text/css; charset=utf-8', 'body { color: red; }\n'],
      ['/data.json', 'application/json; charset=utf-8', '{"a":1}'],
      ['/blob.xyz', 'application/octet-stream', 'opaque'],
      ['/sub/page%20one.html', 'text/html; charset=utf-8', '<p>one</p>'],
      ['/link-in.js', 'text/javascript; charset=utf-8', 'export const answer = 42;\n'],
      ['/app.js?v=2#x', 'text/javascript; charset=utf-8', 'export const answer = 42;\n'],
    ] as const) {
      it(`serves ${path} as ${type}`, async () => {
        const server = await res.server({ staticDir: dir });
        const response = await fetch(`${server.httpUrl}${path}`);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('content-type'), type);
        assert.equal(await response.text(), body);
      });
    }

    it('serves binary files byte for byte', async () => {
      const server = await res.server({ staticDir: dir });
      const response = await fetch(`${server.httpUrl}/pic.png`);
      assert.equal(response.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), PNG);
    });

    it('redirects a folder without its slash, keeping the query, and serves its index.html', async () => {
      const server = await res.server({ staticDir: dir });
      const redirect = await fetch(`${server.httpUrl}/sub?x=1`, { redirect: 'manual' });
      assert.equal(redirect.status, 301);
      assert.equal(redirect.headers.get('location'), '/sub/?x=1');
      await redirect.body?.cancel();
      const page = await fetch(`${server.httpUrl}/sub/`);
      assert.equal(page.status, 200);
      assert.equal(await page.text(), '<!doctype html><title>sub</title>');
    });

    it('answers 404 to a folder without index.html and to missing files', async () => {
      const server = await res.server({ staticDir: dir });
      for (const path of ['/empty/', '/missing.js', '/sub/missing/']) {
        const response = await fetch(`${server.httpUrl}${path}`);
        assert.equal(response.status, 404, path);
        await response.body?.cancel();
      }
    });

    it('answers HEAD with the headers and no body', async () => {
      const server = await res.server({ staticDir: dir });
      const response = await rawRequest(server.port, '/app.js', { method: 'HEAD' });
      assert.equal(response.status, 200);
      assert.equal(response.headers['content-length'], String('export const answer = 42;\n'.length));
      assert.equal(response.headers['content-type'], 'text/javascript; charset=utf-8');
      assert.equal(response.body, '');
    });

    it('answers 405 to other methods', async () => {
      const server = await res.server({ staticDir: dir });
      const response = await fetch(`${server.httpUrl}/app.js`, { method: 'POST', body: 'x' });
      assert.equal(response.status, 405);
      assert.equal(response.headers.get('allow'), 'GET, HEAD');
      await response.body?.cancel();
    });

    it('keeps /healthz, /dev/token and /ws its own', async () => {
      const server = await res.server({ staticDir: dir, dev: true });
      const health = await fetch(`${server.httpUrl}/healthz`);
      assert.equal(((await health.json()) as { status: string }).status, 'ok');
      const token = await fetch(`${server.httpUrl}/dev/token?userId=alice`);
      assert.equal(typeof ((await token.json()) as { token: unknown }).token, 'string');
      const ws = await fetch(`${server.httpUrl}/ws`);
      assert.equal(ws.status, 404);
      await ws.body?.cancel();
    });

    it('reports the real path of its folder; none without staticDir, where / is 404', async () => {
      const server = await res.server({ staticDir: join(dir, 'sub', '..') });
      assert.equal(server.staticDir, dir);
      const plain = await res.server();
      assert.equal(plain.staticDir, null);
      const response = await fetch(`${plain.httpUrl}/`);
      assert.equal(response.status, 404);
      await response.body?.cancel();
    });

    it('refuses to start with a folder that does not exist or is a file', async () => {
      await assert.rejects(res.server({ staticDir: join(base, 'nope') }), /staticDir .* does not exist/);
      await assert.rejects(res.server({ staticDir: join(dir, 'app.js') }), /staticDir .* is not a folder/);
    });
  });

  describe('caching', () => {
    it('answers 304 to a matching If-None-Match, and 200 once the file changed', async () => {
      await writeFile(join(dir, 'changing.js'), 'one');
      const server = await res.server({ staticDir: dir });
      const first = await fetch(`${server.httpUrl}/changing.js`);
      const etag = first.headers.get('etag') ?? '';
      await first.body?.cancel();
      const again = await rawRequest(server.port, '/changing.js', { headers: { 'If-None-Match': etag } });
      assert.equal(again.status, 304);
      assert.equal(again.body, '');
      assert.equal(again.headers.etag, etag);
      await writeFile(join(dir, 'changing.js'), 'two, longer');
      const changed = await fetch(`${server.httpUrl}/changing.js`, { headers: { 'if-none-match': etag } });
      assert.equal(changed.status, 200);
      assert.equal(await changed.text(), 'two, longer');
    });

    it('answers 304 to If-Modified-Since at or after the file time, else 200', async () => {
      const file = join(dir, 'dated.js');
      await writeFile(file, 'dated');
      const time = new Date('2024-05-01T10:00:00Z');
      await utimes(file, time, time);
      const server = await res.server({ staticDir: dir });
      const same = await rawRequest(server.port, '/dated.js', {
        headers: { 'If-Modified-Since': time.toUTCString() },
      });
      assert.equal(same.status, 304);
      const older = await rawRequest(server.port, '/dated.js', {
        headers: { 'If-Modified-Since': new Date('2024-04-30T10:00:00Z').toUTCString() },
      });
      assert.equal(older.status, 200);
      assert.equal(older.body, 'dated');
    });
  });

  describe('compression', () => {
    it('sends br for "br, gzip", gzip for "gzip", and the file as it is without Accept-Encoding; all vary', async () => {
      const server = await res.server({ staticDir: dir });
      const br = await rawRequest(server.port, '/big.js', { headers: { 'Accept-Encoding': 'br, gzip' } });
      assert.equal(br.status, 200);
      assert.equal(br.headers['content-encoding'], 'br');
      assert.equal(br.headers['content-type'], 'text/javascript; charset=utf-8');
      assert.equal(br.headers['content-length'], String(br.bytes.length));
      assert.ok(br.bytes.length < BIG_JS.length / 4, `${br.bytes.length} bytes for ${BIG_JS.length}`);
      assert.equal(brotliDecompressSync(br.bytes).toString('utf8'), BIG_JS);
      const gzip = await rawRequest(server.port, '/big.js', { headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(gzip.headers['content-encoding'], 'gzip');
      assert.equal(gzip.headers['content-length'], String(gzip.bytes.length));
      assert.equal(gunzipSync(gzip.bytes).toString('utf8'), BIG_JS);
      const plain = await rawRequest(server.port, '/big.js');
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.bytes.toString('utf8'), BIG_JS);
      for (const response of [br, gzip, plain]) assert.equal(response.headers.vary, 'Accept-Encoding');
      // The same validators whatever the encoding: a revalidation works across them.
      assert.equal(br.headers.etag, plain.headers.etag);
    });

    for (const [path, type] of [
      ['/big.css', 'text/css; charset=utf-8'],
      ['/big.svg', 'image/svg+xml'],
      ['/chunks/part-AB2CD3EF.js', 'text/javascript; charset=utf-8'],
    ] as const) {
      it(`compresses ${path}`, async () => {
        const server = await res.server({ staticDir: dir });
        const response = await rawRequest(server.port, path, { headers: { 'Accept-Encoding': 'gzip, br' } });
        assert.equal(response.headers['content-type'], type);
        assert.equal(response.headers['content-encoding'], 'br');
        const original = await readFile(join(dir, ...path.split('/')));
        assert.deepEqual(brotliDecompressSync(response.bytes), original);
      });
    }

    for (const [header, expected] of [
      ['gzip;q=1, br;q=0.5', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['*;q=0.1', 'br'],
      ['deflate, *;q=0', undefined],
      ['identity', undefined],
      ['br;q=0.5, identity;q=1', undefined],
      ['', undefined],
    ] as const) {
      it(`answers Accept-Encoding ${JSON.stringify(header)} with ${expected ?? 'the file as it is'}`, async () => {
        const server = await res.server({ staticDir: dir });
        const response = await rawRequest(server.port, '/big.js', { headers: { 'Accept-Encoding': header } });
        assert.equal(response.status, 200);
        assert.equal(response.headers['content-encoding'], expected);
        const body =
          expected === 'br'
            ? brotliDecompressSync(response.bytes)
            : expected === 'gzip'
              ? gunzipSync(response.bytes)
              : response.bytes;
        assert.equal(body.toString('utf8'), BIG_JS);
      });
    }

    it('never compresses images, fonts and other compressed types', async () => {
      const server = await res.server({ staticDir: dir });
      for (const [path, original] of [
        ['/photo.png', PHOTO],
        ['/font.woff2', Buffer.alloc(20_000, 'f')],
      ] as const) {
        const response = await rawRequest(server.port, path, { headers: { 'Accept-Encoding': 'br, gzip' } });
        assert.equal(response.headers['content-encoding'], undefined, path);
        assert.equal(response.headers.vary, undefined, path);
        assert.deepEqual(response.bytes, original);
      }
    });

    it('sends a file too small to gain as it is', async () => {
      const server = await res.server({ staticDir: dir });
      const response = await rawRequest(server.port, '/app.js', {
        headers: { 'Accept-Encoding': 'br, gzip' },
      });
      assert.equal(response.headers['content-encoding'], undefined);
      assert.equal(response.headers.vary, 'Accept-Encoding');
      assert.equal(response.body, 'export const answer = 42;\n');
    });

    it('answers HEAD with the length of the compressed body', async () => {
      const server = await res.server({ staticDir: dir });
      const get = await rawRequest(server.port, '/big.js', { headers: { 'Accept-Encoding': 'br' } });
      const head = await rawRequest(server.port, '/big.js', {
        method: 'HEAD',
        headers: { 'Accept-Encoding': 'br' },
      });
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-encoding'], 'br');
      assert.equal(head.headers['content-length'], String(get.bytes.length));
      assert.equal(head.body, '');
    });

    it('compresses a changed file anew', async () => {
      const file = join(dir, 'edited.js');
      await writeFile(file, BIG_JS);
      const server = await res.server({ staticDir: dir });
      const first = await rawRequest(server.port, '/edited.js', { headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(gunzipSync(first.bytes).toString('utf8'), BIG_JS);
      const edited = `${BIG_JS}// edited\n`;
      await writeFile(file, edited);
      const second = await rawRequest(server.port, '/edited.js', { headers: { 'Accept-Encoding': 'gzip' } });
      assert.equal(gunzipSync(second.bytes).toString('utf8'), edited);
      assert.notEqual(second.headers.etag, first.headers.etag);
    });

    it('answers 304 to a compressed revalidation, with Vary and the validators', async () => {
      const server = await res.server({ staticDir: dir });
      const first = await rawRequest(server.port, '/big.js', { headers: { 'Accept-Encoding': 'br' } });
      const again = await rawRequest(server.port, '/big.js', {
        headers: { 'Accept-Encoding': 'br', 'If-None-Match': first.headers.etag ?? '' },
      });
      assert.equal(again.status, 304);
      assert.equal(again.body, '');
      assert.equal(again.headers.etag, first.headers.etag);
      assert.equal(again.headers.vary, 'Accept-Encoding');
      assert.equal(again.headers['cache-control'], 'no-cache');
    });
  });

  describe('cache lifetimes', () => {
    it('lets browsers keep hashed chunks for a year, immutable, and revalidate everything else', async () => {
      const server = await res.server({ staticDir: dir });
      const chunk = await rawRequest(server.port, '/chunks/part-AB2CD3EF.js');
      assert.equal(chunk.headers['cache-control'], 'public, max-age=31536000, immutable');
      const revalidated = await rawRequest(server.port, '/chunks/part-AB2CD3EF.js', {
        headers: { 'If-None-Match': chunk.headers.etag ?? '' },
      });
      assert.equal(revalidated.status, 304);
      assert.equal(revalidated.headers['cache-control'], 'public, max-age=31536000, immutable');
      for (const path of ['/chunks/part-AB2CD3EF.js.map', '/big.js', '/', '/photo.png']) {
        const response = await rawRequest(server.port, path);
        assert.equal(response.headers['cache-control'], 'no-cache', path);
        assert.ok(response.headers.etag && response.headers['last-modified'], path);
      }
    });

    for (const [name, expected] of [
      ['chunk-3HWC4GO7.js', true],
      ['device-store-runtime-T7VQKRPC.js', true],
      ['name-AB12CD34.js', true],
      ['style-ZZZZ2222.css', true],
      ['main.js', false],
      ['co-guest-kit.js', false],
      ['chunk-3HWC4GO7.js.map', false],
      ['peer-VTKN6DKM.js.LEGAL.txt', false],
      ['name-ab12cd34.js', false],
      ['name-AB12CD3.js', false],
      ['name-AB12CD345.js', false],
      ['-AB12CD34.js', false],
      ['AB12CD34.js', false],
    ] as const) {
      it(`${name} is ${expected ? '' : 'not '}a hashed name`, () => {
        assert.equal(isHashedName(name), expected);
      });
    }
  });

  describe('security headers', () => {
    it('sends the page policy, nosniff, no framing and the referrer policy with every static answer', async () => {
      const server = await res.server({ staticDir: dir });
      const host = `127.0.0.1:${server.port}`;
      const page = await rawRequest(server.port, '/');
      const answers = [
        page,
        await rawRequest(server.port, '/big.js', { headers: { 'Accept-Encoding': 'br' } }),
        await rawRequest(server.port, '/photo.png'),
        await rawRequest(server.port, '/', { headers: { 'If-None-Match': page.headers.etag ?? '' } }),
        await rawRequest(server.port, '/sub'),
        await rawRequest(server.port, '/app.js', { method: 'HEAD' }),
      ];
      assert.deepEqual(
        answers.map((answer) => answer.status),
        [200, 200, 200, 304, 301, 200],
      );
      for (const answer of answers) {
        const policy = answer.headers['content-security-policy'] ?? '';
        assert.match(policy, /(^|; )script-src 'self'(;|$)/);
        assert.match(policy, new RegExp(`(^|; )connect-src 'self' ws://${host} wss://${host}(;|$)`));
        assert.match(policy, /(^|; )img-src 'self' data: blob: https:(;|$)/);
        assert.match(policy, /(^|; )object-src 'none'(;|$)/);
        assert.match(policy, /(^|; )frame-ancestors 'none'(;|$)/);
        assert.equal(answer.headers['x-content-type-options'], 'nosniff');
        assert.equal(answer.headers['x-frame-options'], 'DENY');
        assert.equal(answer.headers['referrer-policy'], 'strict-origin-when-cross-origin');
      }
    });

    it('writes only a plain host name into the policy', () => {
      assert.match(
        pagePolicy('live.example.com'),
        /connect-src 'self' ws:\/\/live\.example\.com wss:\/\/live\.example\.com;/,
      );
      assert.match(pagePolicy('[::1]:8787'), /connect-src 'self' ws:\/\/\[::1\]:8787 wss:\/\/\[::1\]:8787;/);
      for (const host of [undefined, "evil;script-src 'unsafe-inline'", 'a b', 'x"y']) {
        assert.match(pagePolicy(host), /connect-src 'self';/, String(host));
      }
    });
  });

  describe('chooseEncoding', () => {
    for (const [header, expected] of [
      [undefined, null],
      ['', null],
      ['br', 'br'],
      ['gzip', 'gzip'],
      ['gzip, deflate, br', 'br'],
      ['GZIP;Q=0.9, BR;Q=0.8', 'gzip'],
      ['br;q=0.8, gzip;q=0.8', 'br'],
      ['x-gzip', 'gzip'],
      ['br;q=0, gzip;q=0', null],
      ['*', 'br'],
      ['*;q=0.5, br;q=0.2', 'gzip'],
      ['*;q=0', null],
      ['identity;q=1, gzip;q=0.5', null],
      ['identity;q=0.1, gzip;q=0.5', 'gzip'],
      ['gzip;q=abc', null],
      ['gzip;q=1.5', null],
      ['deflate', null],
      ['br ; q=0.9 , gzip ; q=1', 'gzip'],
    ] as const) {
      it(`${JSON.stringify(header)} → ${JSON.stringify(expected)}`, () => {
        assert.equal(chooseEncoding(header), expected);
      });
    }
  });

  describe('never leaves the folder', () => {
    const hostile = [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/.%2e/secret.txt',
      '/sub/../../secret.txt',
      '/sub/%2e%2e/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%2F..%2Fsecret.txt',
      '/..\\secret.txt',
      '/..%5csecret.txt',
      '/sub\\..\\..\\secret.txt',
      '/%00',
      '/app.js%00.html',
      '/secret.txt%00',
      '//secret.txt',
      `/${encodeURIComponent(join('..', 'secret.txt'))}`,
      `/${encodeURIComponent(join('..', '..', 'secret.txt'))}`,
      `/%2f${encodeURIComponent(join(base, 'secret.txt').slice(1))}`,
      `http://127.0.0.1/../secret.txt`,
      '/..%c0%afsecret.txt',
      '/%c0%ae%c0%ae/secret.txt',
      '/../public-evil/x.txt',
      '/%2e%2e/public-evil/x.txt',
      '/link-out.txt',
      '/dir-out/secret.txt',
      '/dir-out/public-evil/x.txt',
      '/.env',
      '/%2eenv',
      '/sub/%2e%2e/.env',
    ];
    for (const target of hostile) {
      it(`refuses ${JSON.stringify(target)}`, async () => {
        const server = await res.server({ staticDir: dir });
        const response = await rawRequest(server.port, target);
        assert.ok(!response.raw.includes(SECRET_TEXT), 'the secret must not be served');
        assert.equal(response.status, 404);
      });
    }
  });

  describe('pathSegments', () => {
    for (const [target, expected] of [
      ['/', []],
      ['/a/b.js', ['a', 'b.js']],
      ['/a//b/', ['a', 'b']],
      ['/a%20b', ['a b']],
      ['/caf%C3%A9', ['café']],
      ['/a?x=../..', ['a']],
      ['/..', null],
      ['/.', null],
      ['/%2e', null],
      ['/a%2fb', null],
      ['/a%5cb', null],
      ['/a\\b', null],
      ['/a%00', null],
      ['/a%0d%0a', null],
      ['/c:', null],
      ['/%E0%A4%A', null],
      ['a', null],
      ['//host/a', null],
      ['*', null],
    ] as const) {
      it(`${JSON.stringify(target)} → ${JSON.stringify(expected)}`, () => {
        assert.deepEqual(pathSegments(target), expected);
      });
    }
  });
});
