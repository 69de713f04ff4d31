import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { KeyValueStorage } from '../src/storage.js';
import { testClient, type TestClient } from './test-clients.js';
import { startTestProxy, type TestProxy } from './test-proxy.js';
import { startTestServer, type TestServer } from './test-server.js';
import { fileStorage } from '../src/file-storage.js';

export interface TestEnvironmentOptions {
  /** Options of the server. @default startTestServer's */
  server?: Parameters<typeof startTestServer>[0];
  /** Also start a proxy in front of the server (to hold, drop or kill traffic). @default false */
  proxy?: boolean;
}

export interface TestEnvironment {
  /** The real server, started before the file's tests. */
  readonly server: TestServer;
  /** The proxy in front of it (only with `{ proxy: true }`). */
  readonly proxy: TestProxy;
  /** A recording client (as `testClient`), closed after the file's tests. */
  client(...args: Parameters<typeof testClient>): TestClient;
  /** A storage kept in the file `name` of a temp directory: what survives a client restart. */
  fileStorage(name: string): KeyValueStorage;
}

/**
 * What an integration test file sets up: call it at the top of the file. Starts a real server (and
 * a proxy) before the file's tests; afterwards closes every client it made, stops them and removes
 * their files.
 */
export function testEnvironment(options: TestEnvironmentOptions = {}): TestEnvironment {
  let server: TestServer | undefined;
  let proxy: TestProxy | undefined;
  let dir: string | undefined;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    server = await startTestServer(options.server);
    if (options.proxy) proxy = await startTestProxy(server);
  });
  afterAll(async () => {
    for (const c of clients) c.client.close();
    await proxy?.close();
    await server?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not running (inside a test or hook only)`);
    return value;
  };
  return {
    get server() {
      return started(server, 'The test server');
    },
    get proxy() {
      return started(proxy, 'The proxy (testEnvironment({ proxy: true }))');
    },
    client(...args) {
      const c = testClient(...args);
      clients.push(c);
      return c;
    },
    fileStorage(name) {
      dir ??= mkdtempSync(join(tmpdir(), 'parley-client-storage-'));
      return fileStorage(join(dir, name));
    },
  };
}
