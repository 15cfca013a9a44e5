/**
 * Signed user tokens: HS256 JWTs carrying the user id (`sub`), name (`name`), avatar (`picture`) and
 * expiry (`exp`). The server verifies them in the handshake; an application backend mints them.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import { ErrorCode } from '../protocol/errors.js';
import { ID_PATTERN } from '../protocol/messages.js';
import { fail, ok, type Failure, type Success } from '../protocol/result.js';
import type { UserInfo } from '../protocol/types.js';

/** Max characters of a user name in a token. */
export const MAX_USER_NAME_LENGTH = 64;
/** Max characters of an avatar URL in a token. */
export const MAX_AVATAR_URL_LENGTH = 1024;
/** Default lifetime of a token. */
export const DEFAULT_TOKEN_EXPIRES_IN = '12h';

const ALGORITHM = 'HS256';

export interface CreateTokenOptions {
  /** The shared secret of the server (`CO_GUEST_SECRET`). Required, non-empty. */
  secret: string;
  /** 1..64 characters of `A-Z a-z 0-9 _ . @ -`. */
  userId: string;
  /** Up to 64 characters. */
  userName: string;
  /** `''` (default) or an `http:`/`https:` URL of up to 1024 characters. */
  avatarUrl?: string;
  /**
   * Lifetime: seconds from now (a number; a negative one mints an already expired token, for
   * tests) or a jose time span such as `'12h'`, `'30m'`, `'7d'`. Default `'12h'`.
   */
  expiresIn?: number | string;
}

/** What a valid token says. */
export interface VerifiedToken {
  readonly user: UserInfo;
  /** Epoch ms after which the token is no longer valid. */
  readonly expiresAt: number;
}

/** Why a token was refused. */
export type TokenFailureReason = 'missing' | 'malformed' | 'signature' | 'expired' | 'claims';

/** A refused token: `errorCode` is `NOT_LOGGED_IN`; `reason` says why. */
export interface TokenFailure extends Failure {
  readonly reason: TokenFailureReason;
}

export type TokenResult = Success<VerifiedToken> | TokenFailure;

/** Why a user name or avatar URL cannot go in a token, or `null` when it can. */
export function checkProfile(userName: unknown, avatarUrl: unknown): string | null {
  if (typeof userName !== 'string') return 'userName must be a string';
  if (userName.length > MAX_USER_NAME_LENGTH)
    return `userName must be at most ${MAX_USER_NAME_LENGTH} characters`;
  if (typeof avatarUrl !== 'string') return 'avatarUrl must be a string';
  if (avatarUrl === '') return null;
  if (avatarUrl.length > MAX_AVATAR_URL_LENGTH) {
    return `avatarUrl must be at most ${MAX_AVATAR_URL_LENGTH} characters`;
  }
  let url: URL;
  try {
    url = new URL(avatarUrl);
  } catch {
    return 'avatarUrl must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'avatarUrl must be an http(s) URL';
  return null;
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/**
 * Mints a token. Rejects (with a `TypeError` or `RangeError` saying which field) when the secret is
 * empty, the user id does not match `ID_PATTERN`, the name is too long or the avatar is not
 * `''` or an http(s) URL.
 */
export async function createToken(options: CreateTokenOptions): Promise<string> {
  const { secret, userId, userName, avatarUrl = '', expiresIn = DEFAULT_TOKEN_EXPIRES_IN } = options;
  if (typeof secret !== 'string' || secret === '') throw new TypeError('createToken: secret is required');
  if (typeof userId !== 'string' || !ID_PATTERN.test(userId)) {
    throw new RangeError('createToken: userId must be 1..64 characters of A-Z a-z 0-9 _ . @ -');
  }
  const problem = checkProfile(userName, avatarUrl);
  if (problem) throw new RangeError(`createToken: ${problem}`);
  let expiration: number | string;
  if (typeof expiresIn === 'number') {
    if (!Number.isFinite(expiresIn)) throw new RangeError('createToken: expiresIn must be a finite number');
    expiration = Math.floor(Date.now() / 1000) + Math.trunc(expiresIn);
  } else {
    expiration = expiresIn;
  }
  try {
    return await new SignJWT({ name: userName, picture: avatarUrl })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(userId)
      .setIssuedAt()
      .setExpirationTime(expiration)
      .sign(key(secret));
  } catch (error) {
    throw new RangeError(`createToken: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function refuse(reason: TokenFailureReason, message: string): TokenFailure {
  return { ...fail(ErrorCode.NOT_LOGGED_IN, message), reason };
}

/**
 * The HMAC key of the last secret that verified a token, imported once: with the secret's bytes,
 * jose would import a key for every token, one more trip through the crypto thread pool per
 * handshake, and garbage that outlives the young generation while thousands of members connect.
 */
let verification: { readonly secret: string; readonly key: Promise<CryptoKey> } | null = null;

function verificationKey(secret: string): Promise<CryptoKey> {
  if (verification?.secret === secret) return verification.key;
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const entry = { secret, key };
  verification = entry;
  // A failed import is not kept: the next token tries again.
  key.catch(() => {
    if (verification === entry) verification = null;
  });
  return key;
}

/** Checks a token's signature, expiry and claims. Never throws. */
export async function verifyToken(token: unknown, secret: string): Promise<TokenResult> {
  if (typeof token !== 'string' || token === '') return refuse('missing', 'token missing');
  if (token.length > 4096) return refuse('malformed', 'token too long');
  if (typeof secret !== 'string' || secret === '') return refuse('signature', 'server has no secret');
  let payload: Record<string, unknown>;
  try {
    const verified = await jwtVerify(token, await verificationKey(secret), {
      algorithms: [ALGORITHM],
      requiredClaims: ['sub', 'exp'],
    });
    payload = verified.payload;
  } catch (error) {
    if (error instanceof errors.JWTExpired) return refuse('expired', 'token expired');
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return refuse('signature', 'token signature invalid');
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      return refuse('claims', `token claims invalid: ${error.message}`.slice(0, 100));
    }
    return refuse('malformed', 'token malformed');
  }
  const { sub, name, picture, exp } = payload;
  if (typeof sub !== 'string' || !ID_PATTERN.test(sub))
    return refuse('claims', 'token subject is not a valid user id');
  // A name equal to the id is the id's string: one string per member instead of two equal ones.
  const userName = name === undefined || name === sub ? sub : name;
  const avatarUrl = picture === undefined ? '' : picture;
  const problem = checkProfile(userName, avatarUrl);
  if (problem) return refuse('claims', `token ${problem}`);
  if (typeof exp !== 'number') return refuse('claims', 'token has no expiry');
  return ok({
    user: { userId: sub, userName: userName as string, avatarUrl: avatarUrl as string },
    expiresAt: exp * 1000,
  });
}
