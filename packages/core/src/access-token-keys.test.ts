import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AccessTokenKeyError, loadAccessTokenKeys } from './access-token-keys.js';

const pemPair = (type: 'ed25519' | 'rsa' | 'ec', bits = 2048) => {
  const { privateKey, publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: bits })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error as Error,
  );

describe('loadAccessTokenKeys', () => {
  it('detects EdDSA from an Ed25519 key and names it by its thumbprint when no list is given', async () => {
    const { privateKeyPem } = pemPair('ed25519');
    const keys = await loadAccessTokenKeys({ privateKeyPem, publicKeys: null, acceptHs256: false });
    expect(keys.signing.alg).toBe('EdDSA');
    expect(keys.signing.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([...keys.verification.keys()]).toEqual([keys.signing.kid]);
    expect(keys.jwks.keys).toEqual([
      expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', kid: keys.signing.kid, alg: 'EdDSA' }),
    ]);
    expect(keys.jwks.keys[0]).not.toHaveProperty('d');
  });

  it('detects RS256 from an RSA key and signs under the kid its public key is listed with', async () => {
    const current = pemPair('rsa');
    const next = pemPair('ed25519');
    const keys = await loadAccessTokenKeys({
      privateKeyPem: current.privateKeyPem,
      publicKeys: [
        { kid: 'next', pem: next.publicKeyPem },
        { kid: 'current', pem: current.publicKeyPem },
      ],
      acceptHs256: true,
    });
    expect(keys.signing).toMatchObject({ kid: 'current', alg: 'RS256' });
    expect(keys.verification.get('next')?.alg).toBe('EdDSA');
    expect(keys.jwks.keys.map((key) => [key.kid, key.alg, key.kty])).toEqual([
      ['next', 'EdDSA', 'OKP'],
      ['current', 'RS256', 'RSA'],
    ]);
    for (const key of keys.jwks.keys) {
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi'])
        expect(key).not.toHaveProperty(secret);
    }
  });

  it('reads PEM written on one line with \\n escapes (an env file)', async () => {
    const { privateKeyPem, publicKeyPem } = pemPair('ed25519');
    const oneLine = (pem: string) => pem.trim().replace(/\n/g, '\\n');
    const keys = await loadAccessTokenKeys({
      privateKeyPem: oneLine(privateKeyPem),
      publicKeys: [{ kid: 'k1', pem: oneLine(publicKeyPem) }],
      acceptHs256: false,
    });
    expect(keys.signing.kid).toBe('k1');
  });

  it('refuses keys it cannot pin to one algorithm and lists that do not hold together', async () => {
    const ed = pemPair('ed25519');
    const other = pemPair('ed25519');
    const load = (privateKeyPem: string, publicKeys: { kid: string; pem: string }[] | null) =>
      failure(loadAccessTokenKeys({ privateKeyPem, publicKeys, acceptHs256: false }));
    const cases: [Promise<Error | null>, RegExp][] = [
      [load(pemPair('ec').privateKeyPem, null), /ec key; Ed25519 \(EdDSA\) and RSA/],
      [load(pemPair('rsa', 1024).privateKeyPem, null), /1024-bit RSA key/],
      [load('not a key', null), /PKCS#8/],
      [load(ed.publicKeyPem, null), /PKCS#8/],
      [load(ed.privateKeyPem, [{ kid: 'other', pem: other.publicKeyPem }]), /do not include/],
      [load(ed.privateKeyPem, []), /empty/],
      [load(ed.privateKeyPem, [{ kid: 'has space', pem: ed.publicKeyPem }]), /key id/],
      [
        load(ed.privateKeyPem, [
          { kid: 'a', pem: ed.publicKeyPem },
          { kid: 'a', pem: other.publicKeyPem },
        ]),
        /listed twice/,
      ],
      [
        load(ed.privateKeyPem, [
          { kid: 'a', pem: ed.publicKeyPem },
          { kid: 'b', pem: ed.publicKeyPem },
        ]),
        /same key/,
      ],
      // A private key in the public list would be copied to everyone who reads that list.
      [load(ed.privateKeyPem, [{ kid: 'a', pem: ed.privateKeyPem }]), /SPKI/],
    ];
    for (const [result, message] of cases) {
      const error = await result;
      expect(error).toBeInstanceOf(AccessTokenKeyError);
      expect(error?.message).toMatch(message);
    }
  });
});
