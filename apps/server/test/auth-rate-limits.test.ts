import { afterEach, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, errorOf, httpClient, newUsername, wsClient } from './clients.js';
import { startTestServer, type TestServer } from './start-test-server.js';

// The limits of docs/api.md, over real sockets: failed logins per client IP (with a second client
// bound to 127.0.0.2), X-Forwarded-For handling, a restart, signups per IP, requests per user.
const servers: TestServer[] = [];
const start = async (options: Parameters<typeof startTestServer>[0] = {}) => {
  const test = await startTestServer(options);
  servers.push(test);
  return test;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((test) => test.dispose()));
});

const WRONG = 'Wrong-Password-1';

async function withAccount(test: TestServer) {
  const username = newUsername('rl');
  await httpClient(test).auth.register.mutate({ username, password: STRONG_PASSWORD });
  return username;
}

describe('failed logins per client IP', () => {
  it('refuses the 6th attempt even with the right password, while 127.0.0.2 still logs in', async () => {
    const test = await start();
    const username = await withAccount(test);
    const fromHere = httpClient(test, { localAddress: '127.0.0.1' });

    for (let attempt = 1; attempt <= 5; attempt++) {
      const error = await errorOf(fromHere.auth.login.mutate({ username, password: WRONG }));
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }
    const refused = await errorOf(
      fromHere.auth.login.mutate({ username, password: STRONG_PASSWORD }),
    );
    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.data?.httpStatus).toBe(429);
    expect(refused.data?.retryAfter).toBeGreaterThan(850);
    expect(refused.data?.retryAfter).toBeLessThanOrEqual(900);
    expect(refused.message).toContain(`${refused.data?.retryAfter} s`);

    // The same account from another client address is not locked out.
    const fromThere = httpClient(test, { localAddress: '127.0.0.2' });
    const ok = await fromThere.auth.login.mutate({ username, password: STRONG_PASSWORD });
    expect(ok.user.username).toBe(username);

    // The block is per IP, not per account: another account from the blocked IP is refused too,
    // over the WebSocket as well.
    const other = await withAccount(test);
    const again = await errorOf(
      fromHere.auth.login.mutate({ username: other, password: STRONG_PASSWORD }),
    );
    expect(again.data?.code).toBe('TOO_MANY_REQUESTS');
    const socket = wsClient(test);
    try {
      const viaWs = await errorOf(
        socket.client.auth.login.mutate({ username: other, password: STRONG_PASSWORD }),
      );
      expect(viaWs.data?.code).toBe('TOO_MANY_REQUESTS');
      expect(viaWs.data?.retryAfter).toBeGreaterThan(0);
    } finally {
      await socket.close();
    }
  });

  it('does not count successful logins, and a success does not forgive earlier failures', async () => {
    const test = await start();
    const username = await withAccount(test);
    const client = httpClient(test);
    for (let n = 0; n < 8; n++)
      await client.auth.login.mutate({ username, password: STRONG_PASSWORD });
    for (let attempt = 0; attempt < 4; attempt++)
      await errorOf(client.auth.login.mutate({ username, password: WRONG }));
    await client.auth.login.mutate({ username, password: STRONG_PASSWORD });
    const fifth = await errorOf(client.auth.login.mutate({ username, password: WRONG }));
    expect(fifth.data?.code).toBe('UNAUTHORIZED');
    const sixth = await errorOf(client.auth.login.mutate({ username, password: STRONG_PASSWORD }));
    expect(sixth.data?.code).toBe('TOO_MANY_REQUESTS');
  });

  it('counts parallel attempts: at most 5 password checks per window, however many race', async () => {
    // A real cost, so that the attempts overlap in the worker pool as an attacker's would.
    const test = await start({ bcryptCost: 10 });
    const username = await withAccount(test);
    const client = httpClient(test);
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        errorOf(client.auth.login.mutate({ username, password: WRONG })),
      ),
    );
    const codes = results.map((error) => error.data?.code);
    expect(codes.filter((code) => code === 'UNAUTHORIZED')).toHaveLength(5);
    expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS')).toHaveLength(15);
  });

  it('counts account.delete password confirmations with the failed logins, in parallel too', async () => {
    const test = await start({ bcryptCost: 10 });
    const { accessToken } = await httpClient(test).auth.register.mutate({
      username: newUsername('rl'),
      password: STRONG_PASSWORD,
    });
    const client = httpClient(test, { token: accessToken });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => errorOf(client.account.delete.mutate({ password: WRONG }))),
    );
    const codes = results.map((error) => error.data?.code);
    expect(codes.filter((code) => code === 'BAD_REQUEST')).toHaveLength(5);
    expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS')).toHaveLength(7);
    // The account is still there and the right password is refused too until the window passes.
    expect((await client.auth.me.query()).id).toBeTruthy();
    const refused = await errorOf(client.account.delete.mutate({ password: STRONG_PASSWORD }));
    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
  });

  it('lets many right-password logins from one IP through at once (they only queue)', async () => {
    // People behind one NAT logging in together must not be refused: only failures count.
    const test = await start({ bcryptCost: 8 });
    const username = await withAccount(test);
    const client = httpClient(test);
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        client.auth.login.mutate({ username, password: STRONG_PASSWORD }),
      ),
    );
    expect(results.map((r) => r.user.username)).toEqual(Array(12).fill(username));
    // And none of them used up the failure budget.
    for (let attempt = 1; attempt <= 5; attempt++)
      expect(
        (await errorOf(client.auth.login.mutate({ username, password: WRONG }))).data?.code,
      ).toBe('UNAUTHORIZED');
  });

  it('refuses parallel right-password logins only once real failures used up the budget', async () => {
    const test = await start({ bcryptCost: 8 });
    const username = await withAccount(test);
    const client = httpClient(test);
    const wrong = Array.from({ length: 5 }, () =>
      errorOf(client.auth.login.mutate({ username, password: WRONG })),
    );
    const right = Array.from({ length: 5 }, () =>
      client.auth.login.mutate({ username, password: STRONG_PASSWORD }).then(
        () => 'ok',
        (error: { data?: { code?: string } }) => error.data?.code,
      ),
    );
    const wrongCodes = (await Promise.all(wrong)).map((error) => error.data?.code);
    const rightCodes = await Promise.all(right);
    // Every wrong password was checked (5 is the budget), so no right one can be refused
    // because of them... unless it ran after all 5 had failed.
    expect(wrongCodes).toEqual(Array(5).fill('UNAUTHORIZED'));
    for (const code of rightCodes) expect(['ok', 'TOO_MANY_REQUESTS']).toContain(code);
    const after = await errorOf(client.auth.login.mutate({ username, password: STRONG_PASSWORD }));
    expect(after.data?.code).toBe('TOO_MANY_REQUESTS');
  });

  it('ignores a forged X-Forwarded-For when TRUST_PROXY is 0', async () => {
    const test = await start({ trustProxy: 0 });
    const username = await withAccount(test);
    // Five failures, each claiming another address: still one client.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const forged = httpClient(test, { headers: { 'x-forwarded-for': `203.0.113.${attempt}` } });
      await errorOf(forged.auth.login.mutate({ username, password: WRONG }));
    }
    const escape = httpClient(test, { headers: { 'x-forwarded-for': '198.51.100.7' } });
    const refused = await errorOf(
      escape.auth.login.mutate({ username, password: STRONG_PASSWORD }),
    );
    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    // A forged header on the WebSocket upgrade changes nothing either.
    const socket = wsClient(test);
    try {
      const viaWs = await errorOf(
        socket.client.auth.login.mutate({ username, password: STRONG_PASSWORD }),
      );
      expect(viaWs.data?.code).toBe('TOO_MANY_REQUESTS');
    } finally {
      await socket.close();
    }
  });

  it('with TRUST_PROXY=1 limits the address the proxy saw (the right-most entry)', async () => {
    const test = await start({ trustProxy: 1 });
    const username = await withAccount(test);
    // The client forged the left part; our proxy appended the address it saw: 192.0.2.10.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const client = httpClient(test, {
        headers: { 'x-forwarded-for': `10.9.9.${attempt}, 192.0.2.10` },
      });
      await errorOf(client.auth.login.mutate({ username, password: WRONG }));
    }
    const blocked = httpClient(test, { headers: { 'x-forwarded-for': '10.1.1.1, 192.0.2.10' } });
    expect(
      (await errorOf(blocked.auth.login.mutate({ username, password: STRONG_PASSWORD }))).data
        ?.code,
    ).toBe('TOO_MANY_REQUESTS');
    const otherClient = httpClient(test, { headers: { 'x-forwarded-for': '192.0.2.11' } });
    const ok = await otherClient.auth.login.mutate({ username, password: STRONG_PASSWORD });
    expect(ok.user.username).toBe(username);
  });

  it('survives a restart on the same data directory', async () => {
    const test = await start();
    const username = await withAccount(test);
    const client = httpClient(test);
    for (let attempt = 1; attempt <= 5; attempt++)
      await errorOf(client.auth.login.mutate({ username, password: WRONG }));
    await test.restart();
    const refused = await errorOf(
      client.auth.login.mutate({ username, password: STRONG_PASSWORD }),
    );
    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.data?.retryAfter).toBeGreaterThan(800);
  });

  it('lets the IP try again once the window has passed', async () => {
    const test = await start({ loginWindowSeconds: 2 });
    const username = await withAccount(test);
    const client = httpClient(test);
    for (let attempt = 1; attempt <= 5; attempt++)
      await errorOf(client.auth.login.mutate({ username, password: WRONG }));
    const refused = await errorOf(
      client.auth.login.mutate({ username, password: STRONG_PASSWORD }),
    );
    expect(refused.data?.retryAfter).toBeLessThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const ok = await client.auth.login.mutate({ username, password: STRONG_PASSWORD });
    expect(ok.user.username).toBe(username);
  });
});

describe('signups per IP per hour', () => {
  it('refuses the signup past the limit with retryAfter, per IP', async () => {
    const test = await start({ signupsPerIpPerHour: 3 });
    const client = httpClient(test);
    for (let n = 0; n < 3; n++)
      await client.auth.register.mutate({ username: newUsername('su'), password: STRONG_PASSWORD });
    const refused = await errorOf(
      client.auth.register.mutate({ username: newUsername('su'), password: STRONG_PASSWORD }),
    );
    expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.data?.retryAfter).toBeGreaterThan(3500);
    expect(refused.data?.retryAfter).toBeLessThanOrEqual(3600);
    const elsewhere = httpClient(test, { localAddress: '127.0.0.2' });
    await elsewhere.auth.register.mutate({
      username: newUsername('su'),
      password: STRONG_PASSWORD,
    });
  });
});

describe('requests per user per minute', () => {
  it('counts HTTP and WebSocket calls together', async () => {
    const test = await start({ requestsPerMinute: 10 });
    const result = await httpClient(test).auth.register.mutate({
      username: newUsername('rpm'),
      password: STRONG_PASSWORD,
    });
    const http = httpClient(test, { token: result.accessToken });
    const socket = wsClient(test, result.accessToken);
    try {
      for (let n = 0; n < 5; n++) await http.auth.me.query();
      for (let n = 0; n < 5; n++) await socket.client.auth.me.query();
      const viaHttp = await errorOf(http.auth.me.query());
      expect(viaHttp.data?.code).toBe('TOO_MANY_REQUESTS');
      expect(viaHttp.data?.retryAfter).toBeGreaterThan(0);
      expect(viaHttp.data?.retryAfter).toBeLessThanOrEqual(60);
      const viaWs = await errorOf(socket.client.auth.me.query());
      expect(viaWs.data?.code).toBe('TOO_MANY_REQUESTS');
    } finally {
      await socket.close();
    }
  });
});
