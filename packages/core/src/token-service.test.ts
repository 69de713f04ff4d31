import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { defaultCoreConfig } from './core-config.js';
import { DomainError } from './domain-error.js';
import { TokenService } from './token-service.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('TokenService access tokens', () => {
  it('verifies its own tokens, again and again (the second time from memory)', async () => {
    const tokens = new TokenService(defaultCoreConfig(randomBytes(32)));
    const { token, expiresAt } = await tokens.issueAccessToken('user-1', 'session-1', nowSeconds());
    const expected = { userId: 'user-1', sessionId: 'session-1', expiresAt };
    expect(await tokens.verifyAccessToken(token)).toEqual(expected);
    expect(await tokens.verifyAccessToken(token)).toEqual(expected);
  });

  it('refuses a token once it has expired, also after it was verified while valid', async () => {
    const tokens = new TokenService({
      ...defaultCoreConfig(randomBytes(32)),
      accessTokenTtlSeconds: 1,
    });
    const { token } = await tokens.issueAccessToken('user-1', 'session-1', nowSeconds());
    await tokens.verifyAccessToken(token);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const error = await rejection(tokens.verifyAccessToken(token));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toMatch(/expired/);
  });

  it('refuses another key, another algorithm, a missing session id and a tampered payload', async () => {
    const config = defaultCoreConfig(randomBytes(32));
    const tokens = new TokenService(config);
    const other = new TokenService(defaultCoreConfig(randomBytes(32)));
    const { token: foreign } = await other.issueAccessToken('u', 's', nowSeconds());
    expect(await rejection(tokens.verifyAccessToken(foreign))).toBeInstanceOf(DomainError);

    const claims = { sid: 's' };
    const base = new SignJWT(claims)
      .setSubject('u')
      .setIssuer(config.issuer)
      .setAudience(config.audience)
      .setIssuedAt()
      .setExpirationTime('1h');
    const hs512 = await base.setProtectedHeader({ alg: 'HS512' }).sign(config.jwtSecret);
    expect(await rejection(tokens.verifyAccessToken(hs512))).toBeInstanceOf(DomainError);

    const noSession = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuer(config.issuer)
      .setAudience(config.audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(config.jwtSecret);
    expect(await rejection(tokens.verifyAccessToken(noSession))).toBeInstanceOf(DomainError);

    const { token } = await tokens.issueAccessToken('user-1', 'session-1', nowSeconds());
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'admin' }),
    ).toString('base64url');
    expect(
      await rejection(tokens.verifyAccessToken(`${header}.${forged}.${signature}`)),
    ).toBeInstanceOf(DomainError);
  });
});
