import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadAccessTokenKeys, type PublicKeyPem } from './access-token-keys.js';
import { defaultCoreConfig, type CoreConfig } from './core-config.js';
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

const keyPair = (type: 'ed25519' | 'rsa') => {
  const { privateKey, publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ed25519');
  return {
    privateKey,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

const asymmetricConfig = async (
  privateKeyPem: string,
  publicKeys: PublicKeyPem[],
  options: { secret?: Uint8Array; acceptHs256?: boolean } = {},
): Promise<CoreConfig> => ({
  ...defaultCoreConfig(options.secret ?? randomBytes(32)),
  accessTokenKeys: await loadAccessTokenKeys({
    privateKeyPem,
    publicKeys,
    acceptHs256: options.acceptHs256 ?? false,
  }),
});

/** A token with these header fields and valid claims, signed with `key` as `alg`. */
const handMade = (
  config: CoreConfig,
  header: { alg: string; kid?: string },
  key: Parameters<SignJWT['sign']>[0],
) =>
  new SignJWT({ sid: 's' })
    .setProtectedHeader(header)
    .setSubject('u')
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);

describe('TokenService with asymmetric keys', () => {
  it('signs with the current key under its kid (EdDSA and RS256) and verifies its own tokens', async () => {
    for (const type of ['ed25519', 'rsa'] as const) {
      const pair = keyPair(type);
      const tokens = new TokenService(
        await asymmetricConfig(pair.privateKeyPem, [{ kid: `${type}-1`, pem: pair.publicKeyPem }]),
      );
      const { token, expiresAt } = await tokens.issueAccessToken('u', 's', nowSeconds());
      expect(decodeProtectedHeader(token)).toEqual({
        alg: type === 'rsa' ? 'RS256' : 'EdDSA',
        kid: `${type}-1`,
        typ: 'JWT',
      });
      expect(await tokens.verifyAccessToken(token)).toEqual({
        userId: 'u',
        sessionId: 's',
        expiresAt,
      });
    }
  });

  it('rotates: a token of the old key verifies while its public key is listed, not after', async () => {
    const old = keyPair('ed25519');
    const next = keyPair('rsa');
    const before = new TokenService(
      await asymmetricConfig(old.privateKeyPem, [{ kid: 'old', pem: old.publicKeyPem }]),
    );
    const { token: oldToken } = await before.issueAccessToken('u', 's', nowSeconds());

    const both = [
      { kid: 'old', pem: old.publicKeyPem },
      { kid: 'next', pem: next.publicKeyPem },
    ];
    const during = new TokenService(await asymmetricConfig(next.privateKeyPem, both));
    expect((await during.verifyAccessToken(oldToken)).userId).toBe('u');
    const { token: newToken } = await during.issueAccessToken('u', 's', nowSeconds());
    expect(decodeProtectedHeader(newToken).kid).toBe('next');
    // A process not yet restarted (still signing with the old key) accepts the new key's tokens.
    const lagging = new TokenService(await asymmetricConfig(old.privateKeyPem, both));
    expect((await lagging.verifyAccessToken(newToken)).userId).toBe('u');

    const after = new TokenService(
      await asymmetricConfig(next.privateKeyPem, [{ kid: 'next', pem: next.publicKeyPem }]),
    );
    expect((await after.verifyAccessToken(newToken)).userId).toBe('u');
    const error = await rejection(after.verifyAccessToken(oldToken));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('UNAUTHORIZED');
  });

  it('refuses an unknown kid, a known kid with another key, and a token without kid', async () => {
    const pair = keyPair('ed25519');
    const stranger = keyPair('ed25519');
    const config = await asymmetricConfig(pair.privateKeyPem, [
      { kid: 'k1', pem: pair.publicKeyPem },
    ]);
    const tokens = new TokenService(config);
    for (const token of [
      await handMade(config, { alg: 'EdDSA', kid: 'k2' }, stranger.privateKey),
      await handMade(config, { alg: 'EdDSA', kid: 'k1' }, stranger.privateKey),
      await handMade(config, { alg: 'EdDSA' }, pair.privateKey),
    ]) {
      expect(await rejection(tokens.verifyAccessToken(token))).toBeInstanceOf(DomainError);
    }
    expect(
      (
        await tokens.verifyAccessToken(
          await handMade(config, { alg: 'EdDSA', kid: 'k1' }, pair.privateKey),
        )
      ).userId,
    ).toBe('u');
  });

  it('pins each key to its algorithm: the public key as an HMAC secret, another alg and "none" fail', async () => {
    const rsa = keyPair('rsa');
    const secret = randomBytes(32);
    const config = await asymmetricConfig(
      rsa.privateKeyPem,
      [{ kid: 'r1', pem: rsa.publicKeyPem }],
      {
        secret,
        acceptHs256: true,
      },
    );
    const tokens = new TokenService(config);
    const publicBytes = new TextEncoder().encode(rsa.publicKeyPem);
    const confused = [
      await handMade(config, { alg: 'HS256', kid: 'r1' }, publicBytes),
      await handMade(config, { alg: 'HS256' }, publicBytes),
      await handMade(config, { alg: 'RS512', kid: 'r1' }, rsa.privateKey),
      await handMade(config, { alg: 'PS256', kid: 'r1' }, rsa.privateKey),
    ];
    const payload = confused[0]?.split('.')[1] ?? '';
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', kid: 'r1' })).toString(
      'base64url',
    );
    const unsigned = `${noneHeader}.${payload}.`;
    for (const token of [...confused, unsigned]) {
      expect(await rejection(tokens.verifyAccessToken(token))).toBeInstanceOf(DomainError);
    }
  });

  it('accepts HS256 tokens of the shared secret only while that is allowed (a migration)', async () => {
    const pair = keyPair('ed25519');
    const secret = randomBytes(32);
    const legacy = new TokenService(defaultCoreConfig(secret));
    const { token: hs256 } = await legacy.issueAccessToken('u', 's', nowSeconds());
    const publicKeys = [{ kid: 'k1', pem: pair.publicKeyPem }];

    const migrating = new TokenService(
      await asymmetricConfig(pair.privateKeyPem, publicKeys, { secret, acceptHs256: true }),
    );
    expect((await migrating.verifyAccessToken(hs256)).userId).toBe('u');

    const strict = new TokenService(
      await asymmetricConfig(pair.privateKeyPem, publicKeys, { secret, acceptHs256: false }),
    );
    expect(await rejection(strict.verifyAccessToken(hs256))).toBeInstanceOf(DomainError);
  });

  it('keeps refresh tokens on the shared secret: two processes with the same secret agree', async () => {
    const pair = keyPair('ed25519');
    const secret = randomBytes(32);
    const publicKeys = [{ kid: 'k1', pem: pair.publicKeyPem }];
    const one = new TokenService(
      await asymmetricConfig(pair.privateKeyPem, publicKeys, { secret }),
    );
    const two = new TokenService(
      await asymmetricConfig(pair.privateKeyPem, publicKeys, { secret }),
    );
    const other = new TokenService(await asymmetricConfig(pair.privateKeyPem, publicKeys));
    const refresh = one.newRefreshToken('session-1');
    expect(two.isIssued(refresh)).toBe(true);
    expect(two.replacementFor(refresh)).toBe(one.replacementFor(refresh));
    expect(other.isIssued(refresh)).toBe(false);
  });
});
