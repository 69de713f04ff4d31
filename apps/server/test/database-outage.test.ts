import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './clients.js';
import { startCuttableProxy, type CuttableProxy } from './cuttable-proxy.js';
import {
  startTestServer,
  temporaryDatabase,
  testDialect,
  type TestServer,
} from './start-test-server.js';
import { registerUser, type TestUser } from './test-users.js';

// The database of a deployment can go away (a restart, a failover, the network): /healthz says so
// with 503 while it cannot be reached and 200 once it is back, and the server recovers by itself.
const onPostgres = testDialect === 'postgres';
if (!onPostgres)
  console.log('database outage test: PostgreSQL only (the postgres project runs it)');

const healthOf = async (test: TestServer) => {
  const response = await rawRequest(`${test.url}/healthz`);
  return { status: response.status, body: JSON.parse(response.text) as { status: string } };
};

const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe.skipIf(!onPostgres)('the PostgreSQL database goes away and comes back', () => {
  let database: { url: string; drop(): Promise<void> };
  let proxy: CuttableProxy;
  let test: TestServer;
  let user: TestUser;

  beforeAll(async () => {
    database = await temporaryDatabase();
    const direct = new URL(database.url);
    proxy = await startCuttableProxy(Number(direct.port || 5432));
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    test = await startTestServer({ databaseUrl: proxied.toString() });
    user = await registerUser(test, 'outage');
  });
  afterAll(async () => {
    await proxy?.restore();
    await test?.dispose();
    await proxy?.close();
    await database?.drop();
  });

  it('answers 503 while the database is unreachable and 200 again once it returns, with no restart', async () => {
    expect(await healthOf(test)).toEqual({ status: 200, body: { status: 'ok' } });

    await proxy.cut();
    const down = await eventually(
      () => healthOf(test),
      (health) => health.status === 503,
      10_000,
    );
    expect(down).toEqual({ status: 503, body: { status: 'database-unavailable' } });

    await proxy.restore();
    const up = await eventually(
      () => healthOf(test),
      (health) => health.status === 200,
      15_000,
    );
    expect(up).toEqual({ status: 200, body: { status: 'ok' } });
    // The pool reconnected: calls that need the database work again.
    const conversations = await eventually(
      () => user.http.conversations.list.query().catch(() => null),
      (list) => list !== null,
      10_000,
    );
    expect(conversations).toEqual([]);
  }, 60_000);
});
