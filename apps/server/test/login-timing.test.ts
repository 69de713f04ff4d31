import { afterAll, beforeAll, expect, it } from 'vitest';
import { STRONG_PASSWORD, errorOf, httpClient, newUsername } from './clients.js';
import { startTestServer, type TestServer } from './start-test-server.js';

// No user enumeration by timing: an unknown username costs a bcrypt check like a wrong password.
let test: TestServer;

beforeAll(async () => {
  // A cost where bcrypt dominates a login (tens of ms), so that a skipped check would show.
  test = await startTestServer({ bcryptCost: 10, loginMaxFailures: 1000 });
});
afterAll(() => test.dispose());

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

it('answers an unknown username about as slowly as a wrong password', async () => {
  const username = newUsername('timing');
  const client = httpClient(test);
  await client.auth.register.mutate({ username, password: STRONG_PASSWORD });
  const timed = async (name: string) => {
    const started = performance.now();
    const error = await errorOf(
      client.auth.login.mutate({ username: name, password: 'Wrong-Pass-1' }),
    );
    expect(error.data?.code).toBe('UNAUTHORIZED');
    return performance.now() - started;
  };
  await timed(username); // warm-up
  await timed(newUsername('nobody'));
  const wrongPassword: number[] = [];
  const unknownUser: number[] = [];
  // Interleaved, so that load on the machine hits both alike.
  for (let round = 0; round < 8; round++) {
    wrongPassword.push(await timed(username));
    unknownUser.push(await timed(newUsername('nobody')));
  }
  const ratio = median(unknownUser) / median(wrongPassword);
  // A skipped bcrypt check would make the unknown user many times faster (ratio ≪ 0.5).
  expect(ratio).toBeGreaterThan(0.5);
  expect(ratio).toBeLessThan(2);
});
