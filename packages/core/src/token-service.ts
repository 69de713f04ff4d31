import {
  createHash,
  createHmac,
  createSecretKey,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { SignJWT, errors, jwtVerify, type CompactJWSHeaderParameters } from 'jose';
import type { AccessTokenKeys } from './access-token-keys.js';
import type { CoreConfig } from './core-config.js';
import { unauthorized } from './domain-error.js';

export type AccessClaims = { userId: string; sessionId: string; expiresAt: number };

/** Verified access tokens remembered (one per live connection, plus headroom). */
const VERIFIED_CACHE_SIZE = 20_000;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');

/**
 * Access tokens (JWT) and opaque refresh tokens. Access tokens are HS256 with the shared secret,
 * or, when asymmetric keys are configured, EdDSA/RS256 with a `kid` in the header. Each key is
 * pinned to its one algorithm; refresh tokens are HMACs with the secret in both modes.
 */
export class TokenService {
  private readonly refreshKey: Buffer;
  private readonly tagKey: Buffer;
  private readonly secretKey: KeyObject;
  private readonly keys: AccessTokenKeys | null;
  private readonly algorithms: string[];
  /**
   * Tokens whose signature and claims were checked, oldest first. A token is presented again on
   * every HTTP call and reconnect; its claims cannot change, so only its expiry is checked again
   * (revocation is checked by the caller on every use).
   */
  private readonly verified = new Map<string, AccessClaims>();

  constructor(private readonly config: CoreConfig) {
    this.refreshKey = createHmac('sha256', config.jwtSecret).update('parley/refresh/v1').digest();
    this.tagKey = createHmac('sha256', config.jwtSecret).update('parley/refresh-tag/v1').digest();
    this.secretKey = createSecretKey(config.jwtSecret);
    this.keys = config.accessTokenKeys;
    const acceptsHs256 = this.keys === null || this.keys.acceptHs256;
    this.algorithms = [
      ...(acceptsHs256 ? ['HS256'] : []),
      ...new Set([...(this.keys?.verification.values() ?? [])].map((key) => key.alg)),
    ];
  }

  /** Deterministic in `issuedAtSeconds`, so an exact retry of a refresh can get the same token back. */
  async issueAccessToken(userId: string, sessionId: string, issuedAtSeconds: number) {
    const expiresAtSeconds = issuedAtSeconds + this.config.accessTokenTtlSeconds;
    const signing = this.keys?.signing;
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader(
        signing ? { alg: signing.alg, kid: signing.kid, typ: 'JWT' } : { alg: 'HS256', typ: 'JWT' },
      )
      .setSubject(userId)
      .setIssuer(this.config.issuer)
      .setAudience(this.config.audience)
      .setIssuedAt(issuedAtSeconds)
      .setExpirationTime(expiresAtSeconds)
      .sign(signing?.key ?? this.secretKey);
    return { token, expiresAt: expiresAtSeconds * 1000 };
  }

  async verifyAccessToken(token: string): Promise<AccessClaims> {
    const known = this.verified.get(token);
    if (known) {
      if (Date.now() < known.expiresAt) return known;
      this.verified.delete(token);
      throw unauthorized('Your session token has expired.');
    }
    const claims = await this.verifySignedToken(token);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, claims);
    return claims;
  }

  private async verifySignedToken(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        algorithms: this.algorithms,
        issuer: this.config.issuer,
        audience: this.config.audience,
        requiredClaims: ['exp', 'iat', 'iss', 'aud', 'sub', 'sid'],
      });
      if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string' || !payload.exp) {
        throw unauthorized();
      }
      return { userId: payload.sub, sessionId: payload.sid, expiresAt: payload.exp * 1000 };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthorized('Your session token has expired.');
      throw unauthorized('Invalid access token.');
    }
  }

  /**
   * The one key that may verify a token with this header: the secret only for HS256, a public
   * key only under its kid and for its own algorithm. A token that names RS256 but was made with
   * the public key's bytes as an HMAC secret, or names an unknown kid, finds no key.
   */
  private keyFor(header: CompactJWSHeaderParameters): KeyObject {
    if (header.alg === 'HS256' && this.algorithms.includes('HS256')) return this.secretKey;
    const key = header.kid === undefined ? undefined : this.keys?.verification.get(header.kid);
    if (key && key.alg === header.alg) return key.key;
    throw unauthorized('Invalid access token.');
  }

  /** A new session's first refresh token: `<sessionId>.<32 random bytes>.<tag>`. */
  newRefreshToken(sessionId: string): string {
    return this.withTag(sessionId, randomBytes(32).toString('base64url'));
  }

  /**
   * The token that replaces `token` on rotation. Derived, not random, so that the exact retry of a
   * refresh whose answer was lost can be answered with the same token without storing it.
   */
  replacementFor(token: string): string {
    const sessionId = token.slice(0, token.indexOf('.'));
    const secret = createHmac('sha256', this.refreshKey).update(token).digest('base64url');
    return this.withTag(sessionId, secret);
  }

  /**
   * Whether this server issued the token (its tag checks out). A used token of a session ends that
   * session; a made-up one naming the session must not, or knowing a session id would be enough.
   */
  isIssued(token: string): boolean {
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const [sessionId = '', secret = '', tag = ''] = parts;
    const expected = Buffer.from(this.tag(sessionId, secret));
    const given = Buffer.from(tag);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private tag(sessionId: string, secret: string): string {
    return createHmac('sha256', this.tagKey)
      .update(`${sessionId}.${secret}`)
      .digest('base64url')
      .slice(0, 22);
  }

  private withTag(sessionId: string, secret: string): string {
    return `${sessionId}.${secret}.${this.tag(sessionId, secret)}`;
  }

  sessionIdOf(refreshToken: string): string | null {
    const dot = refreshToken.indexOf('.');
    return dot > 0 ? refreshToken.slice(0, dot) : null;
  }

  hashRefreshToken(token: string): string {
    return sha256(token);
  }
}
