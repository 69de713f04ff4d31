import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';

/** The asymmetric algorithms access tokens may be signed with; each key is pinned to one. */
export type AsymmetricAlgorithm = 'EdDSA' | 'RS256';

/** A public key as configured: its key id and its SPKI PEM (`-----BEGIN PUBLIC KEY-----`). */
export type PublicKeyPem = { kid: string; pem: string };

export type AccessTokenKey = { kid: string; alg: AsymmetricAlgorithm; key: KeyObject };

/** Asymmetric access-token keys: one to sign with, any number to verify with, by kid. */
export type AccessTokenKeys = {
  /** New tokens carry this key's kid in their header. */
  signing: AccessTokenKey;
  verification: ReadonlyMap<string, AccessTokenKey>;
  /** Whether HS256 tokens signed with the shared secret are still accepted (a migration). */
  acceptHs256: boolean;
  /** The public keys as a JSON Web Key Set, for services that verify Parley's tokens. */
  jwks: { keys: JWK[] };
};

export type AccessTokenKeysOptions = {
  /** PEM, PKCS#8 (`-----BEGIN PRIVATE KEY-----`): Ed25519 (EdDSA) or RSA of 2048 bits or more (RS256). */
  privateKeyPem: string;
  /**
   * Every public key accepted, by kid; one of them must be the signing key's. Null: only the
   * signing key's, under its RFC 7638 thumbprint.
   */
  publicKeys: readonly PublicKeyPem[] | null;
  acceptHs256: boolean;
};

export class AccessTokenKeyError extends Error {}

const KID = /^[A-Za-z0-9._:-]{1,64}$/;
const MIN_RSA_BITS = 2048;

/** The algorithm a key is pinned to, from its type; other types are refused. */
function algorithmOf(key: KeyObject, what: string): AsymmetricAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw new AccessTokenKeyError(
        `${what} is a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are needed.`,
      );
    }
    return 'RS256';
  }
  throw new AccessTokenKeyError(
    `${what} is a ${key.asymmetricKeyType ?? 'unknown'} key; Ed25519 (EdDSA) and RSA (RS256) are supported.`,
  );
}

const spki = (key: KeyObject): string =>
  key.export({ type: 'spki', format: 'der' }).toString('base64');

/** PEM given on one line with `\n` escapes (an env file) reads as the PEM it stands for. */
const unescapePem = (pem: string): string => pem.trim().replace(/\\n/g, '\n');

function parsePrivateKey(pem: string): KeyObject {
  const text = unescapePem(pem);
  if (text.includes('ENCRYPTED PRIVATE KEY')) {
    throw new AccessTokenKeyError('The private key is encrypted; give it without a passphrase.');
  }
  if (!text.includes('PRIVATE KEY-----')) {
    throw new AccessTokenKeyError(
      'The private key must be PEM (PKCS#8, "-----BEGIN PRIVATE KEY-----").',
    );
  }
  try {
    return createPrivateKey({ key: text, format: 'pem' });
  } catch {
    throw new AccessTokenKeyError('The private key is not a readable PEM (PKCS#8) private key.');
  }
}

function parsePublicKey({ kid, pem }: PublicKeyPem): KeyObject {
  const text = unescapePem(pem);
  // createPublicKey would also derive a public key from a private one: a private key in the
  // public list would then be handed to everyone who copies that list.
  if (!text.startsWith('-----BEGIN PUBLIC KEY-----')) {
    throw new AccessTokenKeyError(
      `The public key "${kid}" must be PEM (SPKI, "-----BEGIN PUBLIC KEY-----"), nothing else.`,
    );
  }
  try {
    return createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw new AccessTokenKeyError(`The public key "${kid}" is not a readable PEM public key.`);
  }
}

/**
 * Reads and checks the key configuration: every key's algorithm is fixed by its type, kids are
 * unique, and the signing key's public half is among the verification keys (its kid is the one
 * new tokens carry), so a rotation is: add the next public key everywhere, switch the private
 * key, remove the old public key once the tokens it signed have expired.
 */
export async function loadAccessTokenKeys(
  options: AccessTokenKeysOptions,
): Promise<AccessTokenKeys> {
  const privateKey = parsePrivateKey(options.privateKeyPem);
  const signingAlg = algorithmOf(privateKey, 'The private key');
  const ownPublic = createPublicKey(privateKey);

  const configured: PublicKeyPem[] = options.publicKeys
    ? [...options.publicKeys]
    : [{ kid: await calculateJwkThumbprint(await exportJWK(ownPublic)), pem: '' }];
  if (configured.length === 0) {
    throw new AccessTokenKeyError('The list of public keys is empty.');
  }

  const verification = new Map<string, AccessTokenKey>();
  const seen = new Map<string, string>();
  let signingKid: string | null = null;
  for (const entry of configured) {
    if (!KID.test(entry.kid)) {
      throw new AccessTokenKeyError(
        `The key id "${entry.kid}" is not usable: 1 to 64 letters, digits, ".", "_", ":" or "-".`,
      );
    }
    if (verification.has(entry.kid)) {
      throw new AccessTokenKeyError(`The key id "${entry.kid}" is listed twice.`);
    }
    const key = options.publicKeys ? parsePublicKey(entry) : ownPublic;
    const alg = algorithmOf(key, `The public key "${entry.kid}"`);
    const der = spki(key);
    const twin = seen.get(der);
    if (twin !== undefined) {
      throw new AccessTokenKeyError(
        `The public keys "${twin}" and "${entry.kid}" are the same key.`,
      );
    }
    seen.set(der, entry.kid);
    if (der === spki(ownPublic)) signingKid = entry.kid;
    verification.set(entry.kid, { kid: entry.kid, alg, key });
  }
  if (signingKid === null) {
    throw new AccessTokenKeyError(
      "The public keys do not include the private key's public key: list it, under the kid new tokens are to carry.",
    );
  }

  const jwks = {
    keys: await Promise.all(
      [...verification.values()].map(async ({ kid, alg, key }) => ({
        ...(await exportJWK(key)),
        kid,
        alg,
        use: 'sig',
      })),
    ),
  };
  return {
    signing: { kid: signingKid, alg: signingAlg, key: privateKey },
    verification,
    acceptHs256: options.acceptHs256,
    jwks,
  };
}
