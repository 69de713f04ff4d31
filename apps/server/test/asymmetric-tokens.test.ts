import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  STRONG_PASSWORD,
  decodeJwt,
  errorOf,
  httpClient,
  newUsername,
  rawRequest,
  signJwt,
  wsClient,
} from './clients.js';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from './start-test-server.js';

// Access tokens signed with an Ed25519 key: another service verifies them with nothing but the
// server's JWKS; keys rotate without anyone having to log in again.
const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.dispose();
});

const ed25519 = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

async function start(options: Parameters<typeof startTestServer>[0]) {
  const test = await startTestServer(options);
  servers.push(test);
  return test;
}

async function registerAndLogIn(test: TestServer) {
  const username = newUsername('keys');
  await httpClient(test).auth.register.mutate({ username, password: STRONG_PASSWORD });
  return httpClient(test).auth.login.mutate({ username, password: STRONG_PASSWORD });
}

describe('asymmetric access tokens', () => {
  it('signs with the Ed25519 key; the JWKS alone verifies the token; authenticated calls work', async () => {
    const key = ed25519();
    const test = await start({
      jwtSecret: null,
      jwtPrivateKey: key.privateKeyPem,
      jwtPublicKeys: [{ kid: 'parley-1', pem: key.publicKeyPem }],
    });
    const login = await registerAndLogIn(test);
    expect(decodeProtectedHeader(login.accessToken)).toEqual({
      alg: 'EdDSA',
      kid: 'parley-1',
      typ: 'JWT',
    });

    const jwks = createRemoteJWKSet(new URL(`${test.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(login.accessToken, jwks, {
      issuer: 'parley',
      audience: 'parley-clients',
      algorithms: ['EdDSA'],
    });
    expect(payload.sub).toBe(login.user.id);

    const raw = await rawRequest(`${test.url}/.well-known/jwks.json`);
    expect(raw.status).toBe(200);
    expect(raw.headers['access-control-allow-origin']).toBe('*');
    const published = JSON.parse(raw.text) as { keys: Record<string, unknown>[] };
    expect(published.keys).toHaveLength(1);
    expect(published.keys[0]).toMatchObject({ kid: 'parley-1', alg: 'EdDSA', crv: 'Ed25519' });
    expect(published.keys[0]).not.toHaveProperty('d');

    const me = await httpClient(test, { token: login.accessToken }).auth.me.query();
    expect(me.id).toBe(login.user.id);
    const socket = wsClient(test, login.accessToken);
    try {
      expect((await socket.client.auth.me.query()).id).toBe(login.user.id);
    } finally {
      await socket.close();
    }

    const refreshed = await httpClient(test).auth.refresh.mutate({
      refreshToken: login.refreshToken,
    });
    expect(decodeProtectedHeader(refreshed.accessToken).kid).toBe('parley-1');
  });

  it('refuses an HS256 token made with the public key as secret, and HS256 without JWT_SECRET', async () => {
    const key = ed25519();
    const test = await start({ jwtSecret: null, jwtPrivateKey: key.privateKeyPem });
    const login = await registerAndLogIn(test);
    const claims = decodeJwt(login.accessToken);
    const { kid } = decodeProtectedHeader(login.accessToken);
    expect(kid).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const confused = signJwt({ alg: 'HS256', typ: 'JWT', kid }, claims, key.publicKeyPem);
    const unsigned = signJwt({ alg: 'none', kid }, claims, '');
    // The generated secret of the data directory keeps refresh tokens; it signs no access token.
    const dataDirSecret = Buffer.from(
      (await readFile(join(test.dataDir, 'jwt-secret'), 'utf8')).trim(),
      'base64',
    );
    const hs256 = signJwt({ alg: 'HS256', typ: 'JWT' }, claims, dataDirSecret);
    for (const token of [confused, unsigned, hs256]) {
      const error = await errorOf(httpClient(test, { token }).auth.me.query());
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }
  });

  it('rotates: old tokens work while the old public key is listed, and a plain login is never needed', async () => {
    const first = ed25519();
    const second = ed25519();
    const test = await start({
      jwtPrivateKey: first.privateKeyPem,
      jwtPublicKeys: [{ kid: 'k1', pem: first.publicKeyPem }],
    });
    const login = await registerAndLogIn(test);

    // Step 2 of a rotation: sign with the new key, keep the old public key listed.
    await test.restart({
      jwtPrivateKey: second.privateKeyPem,
      jwtPublicKeys: [
        { kid: 'k1', pem: first.publicKeyPem },
        { kid: 'k2', pem: second.publicKeyPem },
      ],
    });
    expect((await httpClient(test, { token: login.accessToken }).auth.me.query()).id).toBe(
      login.user.id,
    );
    const jwks = (await rawRequest(`${test.url}/.well-known/jwks.json`)).text;
    expect((JSON.parse(jwks) as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toEqual([
      'k1',
      'k2',
    ]);

    // Step 3: the old key is gone; its tokens are refused, the refresh token still works.
    await test.restart({
      jwtPrivateKey: second.privateKeyPem,
      jwtPublicKeys: [{ kid: 'k2', pem: second.publicKeyPem }],
    });
    const refused = await errorOf(httpClient(test, { token: login.accessToken }).auth.me.query());
    expect(refused.data?.code).toBe('UNAUTHORIZED');
    const refreshed = await httpClient(test).auth.refresh.mutate({
      refreshToken: login.refreshToken,
    });
    expect(decodeProtectedHeader(refreshed.accessToken).kid).toBe('k2');
    expect((await httpClient(test, { token: refreshed.accessToken }).auth.me.query()).id).toBe(
      login.user.id,
    );
  });

  it('keeps HS256 tokens of JWT_SECRET valid while it is set (moving from HS256 to keys)', async () => {
    const test = await start({});
    const login = await registerAndLogIn(test);
    expect(decodeProtectedHeader(login.accessToken).alg).toBe('HS256');
    const hs256Jwks = await rawRequest(`${test.url}/.well-known/jwks.json`);
    expect(hs256Jwks.status).toBe(404);

    const key = ed25519();
    await test.restart({ jwtSecret: TEST_JWT_SECRET, jwtPrivateKey: key.privateKeyPem });
    expect((await httpClient(test, { token: login.accessToken }).auth.me.query()).id).toBe(
      login.user.id,
    );
  });

  it('refuses to start with a key it cannot use, naming the variables', async () => {
    const key = ed25519();
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-keys-'));
    try {
      await expect(
        startTestServer({
          dataDir,
          jwtPrivateKey: key.privateKeyPem,
          jwtPublicKeys: [{ kid: 'other', pem: ed25519().publicKeyPem }],
        }),
      ).rejects.toThrow(/JWT_PRIVATE_KEY \/ JWT_PUBLIC_KEYS: .*do not include/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
