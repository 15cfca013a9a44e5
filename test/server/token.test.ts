import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { ErrorCode } from '../../src/protocol/index.js';
import { createToken, verifyToken } from '../../src/server/token.js';

const SECRET = 'token-test-secret-0123456789abcdef';
const key = new TextEncoder().encode(SECRET);

describe('token', () => {
  describe('createToken / verifyToken', () => {
    it('round-trips the user and the expiry', async () => {
      const before = Date.now();
      const token = await createToken({
        secret: SECRET,
        userId: 'alice',
        userName: 'Alice',
        avatarUrl: 'https://example.com/a.png',
        expiresIn: 60,
      });
      const result = await verifyToken(token, SECRET);
      assert.ok(result.isSuccess);
      assert.deepEqual(result.data.user, {
        userId: 'alice',
        userName: 'Alice',
        avatarUrl: 'https://example.com/a.png',
      });
      assert.ok(result.data.expiresAt >= before + 59_000 && result.data.expiresAt <= Date.now() + 60_000);
    });

    it('defaults to a 12 hour lifetime and no avatar', async () => {
      const result = await verifyToken(
        await createToken({ secret: SECRET, userId: 'bob', userName: 'Bob' }),
        SECRET,
      );
      assert.ok(result.isSuccess);
      assert.equal(result.data.user.avatarUrl, '');
      const hours = (result.data.expiresAt - Date.now()) / 3_600_000;
      assert.ok(hours > 11.9 && hours <= 12);
    });

    it('accepts a jose time span', async () => {
      const result = await verifyToken(
        await createToken({ secret: SECRET, userId: 'bob', userName: 'Bob', expiresIn: '30m' }),
        SECRET,
      );
      assert.ok(result.isSuccess);
      const minutes = (result.data.expiresAt - Date.now()) / 60_000;
      assert.ok(minutes > 29 && minutes <= 30);
    });
  });

  describe('createToken refusals', () => {
    const cases: [string, Parameters<typeof createToken>[0]][] = [
      ['empty secret', { secret: '', userId: 'a', userName: 'A' }],
      ['bad user id', { secret: SECRET, userId: 'no spaces', userName: 'A' }],
      ['empty user id', { secret: SECRET, userId: '', userName: 'A' }],
      ['long user name', { secret: SECRET, userId: 'a', userName: 'x'.repeat(65) }],
      ['javascript avatar', { secret: SECRET, userId: 'a', userName: 'A', avatarUrl: 'javascript:alert(1)' }],
      ['relative avatar', { secret: SECRET, userId: 'a', userName: 'A', avatarUrl: '/me.png' }],
      [
        'long avatar',
        { secret: SECRET, userId: 'a', userName: 'A', avatarUrl: `https://x.test/${'a'.repeat(1024)}` },
      ],
      ['bad time span', { secret: SECRET, userId: 'a', userName: 'A', expiresIn: 'soon' }],
    ];
    for (const [name, options] of cases) {
      it(`refuses ${name}`, async () => {
        await assert.rejects(createToken(options), /createToken/);
      });
    }
  });

  describe('verifyToken refusals', () => {
    it('refuses a missing token', async () => {
      for (const token of [undefined, '', 42, null]) {
        const result = await verifyToken(token, SECRET);
        assert.ok(!result.isSuccess);
        assert.equal(result.reason, 'missing');
        assert.equal(result.errorCode, ErrorCode.NOT_LOGGED_IN);
      }
    });

    it('refuses garbage', async () => {
      for (const token of ['garbage', 'a.b.c', 'x'.repeat(5000), '....']) {
        const result = await verifyToken(token, SECRET);
        assert.ok(!result.isSuccess);
        assert.equal(result.reason, 'malformed');
      }
    });

    it('refuses a token signed with another secret', async () => {
      const token = await createToken({ secret: 'another-secret', userId: 'alice', userName: 'Alice' });
      const result = await verifyToken(token, SECRET);
      assert.ok(!result.isSuccess);
      assert.equal(result.reason, 'signature');
    });

    it('refuses a token whose payload was changed', async () => {
      const token = await createToken({ secret: SECRET, userId: 'alice', userName: 'Alice' });
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      claims.sub = 'mallory';
      const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      const result = await verifyToken(forged, SECRET);
      assert.ok(!result.isSuccess);
      assert.equal(result.reason, 'signature');
    });

    it('refuses an unsigned (alg none) token', async () => {
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const payload = Buffer.from(
        JSON.stringify({ sub: 'alice', name: 'A', exp: Math.floor(Date.now() / 1000) + 60 }),
      ).toString('base64url');
      const result = await verifyToken(`${header}.${payload}.`, SECRET);
      assert.ok(!result.isSuccess);
      assert.notEqual(result.reason, 'expired');
    });

    it('tells an expired token apart', async () => {
      const token = await createToken({ secret: SECRET, userId: 'alice', userName: 'Alice', expiresIn: -10 });
      const result = await verifyToken(token, SECRET);
      assert.ok(!result.isSuccess);
      assert.equal(result.reason, 'expired');
    });

    it('refuses signed tokens with bad claims', async () => {
      const exp = Math.floor(Date.now() / 1000) + 60;
      const sign = (claims: Record<string, unknown>) =>
        new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(key);
      const cases = [
        await sign({ sub: 'bad id!', exp }),
        await sign({ sub: 'alice', name: 'x'.repeat(65), exp }),
        await sign({ sub: 'alice', name: 'A', picture: 'javascript:alert(1)', exp }),
        await sign({ sub: 'alice', name: 42, exp }),
        await sign({ name: 'A', exp }),
        await sign({ sub: 'alice', name: 'A' }),
      ];
      for (const token of cases) {
        const result = await verifyToken(token, SECRET);
        assert.ok(!result.isSuccess, token);
        assert.equal(result.reason, 'claims', token);
      }
    });
  });
});
