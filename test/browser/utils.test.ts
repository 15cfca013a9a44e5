/**
 * Table-driven tests of the UI's pure helpers (`src/utils`). They need no DOM but run in Chromium
 * with the elements, so that `Intl.Segmenter` and `URL` are the browser's.
 */
import { expect } from '@open-wc/testing';
import { displayName, initials, isolate, safeImageUrl } from '../../src/utils/safe-url.js';

const BASE = 'https://app.example/live/room';

describe('safeImageUrl', () => {
  const accepted: readonly (readonly [input: string, expected: string])[] = [
    ['https://cdn.example/a.png', 'https://cdn.example/a.png'],
    ['http://cdn.example/a.png?size=64#x', 'http://cdn.example/a.png?size=64#x'],
    ['  https://cdn.example/padded.png  ', 'https://cdn.example/padded.png'],
    ['HTTPS://CDN.EXAMPLE/upper.png', 'https://cdn.example/upper.png'],
    [
      'blob:https://app.example/5e7c0a3e-1f7b-4b8e-9d1a-2c3b4d5e6f70',
      'blob:https://app.example/5e7c0a3e-1f7b-4b8e-9d1a-2c3b4d5e6f70',
    ],
    ['data:image/png;base64,iVBORw0KGgo=', 'data:image/png;base64,iVBORw0KGgo='],
    ['data:image/svg+xml,%3Csvg%2F%3E', 'data:image/svg+xml,%3Csvg%2F%3E'],
    ['DATA:IMAGE/GIF;base64,R0lGOD==', 'data:IMAGE/GIF;base64,R0lGOD=='],
    ['/avatars/ada.png', 'https://app.example/avatars/ada.png'],
    ['ada.png', 'https://app.example/live/ada.png'],
    ['//cdn.example/a.png', 'https://cdn.example/a.png'],
    // Markup is only a (percent-encoded) path: at worst a 404 and the initials.
    ['"><img src=x onerror=alert(1)>', 'https://app.example/live/%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E'],
  ];
  for (const [input, expected] of accepted) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      expect(safeImageUrl(input, BASE)).to.equal(expected);
    });
  }

  const refused: readonly unknown[] = [
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    '  javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    '\u0000javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'data:,hello',
    'data:image,nope',
    'data:application/javascript,alert(1)',
    'file:///etc/passwd',
    'ftp://example.com/a.png',
    'about:blank',
    'chrome://settings',
    'ws://example.com/a.png',
    'http://',
    '',
    '   ',
    null,
    undefined,
    42,
    { toString: () => 'https://cdn.example/a.png' },
  ];
  for (const input of refused) {
    it(`refuses ${typeof input === 'string' ? JSON.stringify(input) : String(input)}`, () => {
      expect(safeImageUrl(input, BASE)).to.equal('');
    });
  }

  it('refuses a relative URL when there is no base', () => {
    expect(safeImageUrl('/avatars/ada.png', null)).to.equal('');
  });

  it("resolves a relative URL against the document's base by default", () => {
    expect(safeImageUrl('/avatars/ada.png')).to.equal(new URL('/avatars/ada.png', document.baseURI).href);
  });
});

describe('initials', () => {
  const table: readonly (readonly [input: unknown, expected: string])[] = [
    ['Ada Lovelace', 'AL'],
    ['ada lovelace', 'AL'],
    ['ada', 'A'],
    ['Ada Augusta King Lovelace', 'AL'],
    ['  Grace   Hopper  ', 'GH'],
    ['Jean-Luc Picard', 'JP'],
    ['ada_lovelace', 'AL'],
    ["Sean O'Brien", 'SO'],
    ['王小明', '王'],
    ['김민준', '김'],
    ['김 민준', '김민'],
    ['Émile Zola', 'ÉZ'],
    ['E\u0301mile Zola', 'E\u0301Z'],
    ['élodie', 'É'],
    ['Ωmega', 'Ω'],
    ['محمد علي', 'مع'],
    ['🎉 Party', '🎉P'],
    ['👩‍👩‍👧 Family', '👩‍👩‍👧F'],
    ['🇯🇵 Tokyo', '🇯🇵T'],
    ['"><img src=x onerror=alert(1)>', 'I1'],
    ['<script>', 'S'],
    ['\u202Eevil', 'E'],
    ['\u200B\u200Bzero', 'Z'],
    ['42', '4'],
    ['!!!', ''],
    ['   ', ''],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [7, ''],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input) ?? String(input)} → ${JSON.stringify(expected)}`, () => {
      expect(initials(input)).to.equal(expected);
    });
  }
});

describe('displayName', () => {
  const table: readonly (readonly [user: { userId: string; userName: string }, expected: string])[] = [
    [{ userId: 'u1', userName: 'Ada' }, 'Ada'],
    [{ userId: 'u1', userName: '  Ada  ' }, 'Ada'],
    [{ userId: 'u1', userName: '' }, 'u1'],
    [{ userId: 'u1', userName: '   ' }, 'u1'],
    [{ userId: 'u1', userName: 42 as unknown as string }, 'u1'],
  ];
  for (const [user, expected] of table) {
    it(`${JSON.stringify(user)} → ${JSON.stringify(expected)}`, () => {
      expect(displayName(user)).to.equal(expected);
    });
  }
});

describe('isolate', () => {
  it('wraps text in first-strong isolate marks', () => {
    expect(isolate('\u202Eevil')).to.equal('\u2068\u202Eevil\u2069');
  });
});
