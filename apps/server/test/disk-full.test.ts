import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, errorOf, httpClient, rawRequest } from './clients.js';
import { startChildServer, type ChildServer } from './child-server.js';
import type { TestServer } from './start-test-server.js';
import { registerUser } from './test-users.js';

// The data directory (database and logs) on a 20 MB filesystem that we fill up, as an operator's
// disk fills: the server must stay up, keep answering reads, refuse sends with a clear message,
// and recover on its own once space returns. Needs root to mount a tmpfs (CI and this machine run
// as root); skipped otherwise.

const mountPoint = await mkdtemp(join(tmpdir(), 'parley-full-disk-'));
let skipReason: string | null = null;
if (process.getuid?.() !== 0) {
  skipReason = 'not root: cannot mount a small tmpfs';
} else {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=20m', 'tmpfs', mountPoint]);
  } catch (error) {
    skipReason = `mount -t tmpfs failed: ${(error as Error).message.split('\n')[0]}`;
  }
}
if (skipReason) console.warn(`disk-full test skipped: ${skipReason}`);

let child: ChildServer | undefined;
afterAll(async () => {
  if (child) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  if (!skipReason) execFileSync('umount', [mountPoint]);
  await rm(mountPoint, { recursive: true, force: true });
});

/** Writes zeros into `file` until the filesystem refuses (ENOSPC). */
function fillDisk(file: string) {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(skipReason !== null)('a full disk under the data directory', () => {
  it('keeps the server up and reads working; sends say the server is out of space; it recovers by itself', async () => {
    const dataDir = join(mountPoint, 'data');
    child = await startChildServer({ dataDir, env: { LOG_LEVEL: 'info' } });
    const server = { url: child.url } as TestServer;
    const [alice, bob] = await Promise.all([
      registerUser(server, 'alice'),
      registerUser(server, 'bob'),
    ]);
    const { id: conversationId } = await alice.http.conversations.open.mutate({ userId: bob.id });
    const send = (body: string) =>
      alice.http.messages.send.mutate({ conversationId, clientId: randomUUID(), body });
    await send('a searchable pineapple');
    const searchFound = async () =>
      (await bob.http.messages.search.query({ query: 'pineapple' })).results.length;
    expect(await searchFound()).toBe(1);

    const filler = join(mountPoint, 'filler');
    fillDisk(filler);
    // SQLite may still have room in pages it already owns: send until the database is full too.
    let refusal: Awaited<ReturnType<typeof errorOf>> | undefined;
    for (let i = 0; i < 3000 && !refusal; i++) {
      refusal = await send(`filling ${i} ${'x'.repeat(4000)}`).then(
        () => undefined,
        (error: unknown) => error as Awaited<ReturnType<typeof errorOf>>,
      );
      if (i % 50 === 0) fillDisk(`${filler}-${i}`);
    }
    expect(refusal?.message).toBe(
      'The server is out of storage space; your message was not sent. Try again later.',
    );
    expect(refusal?.data?.code).toBe('SERVICE_UNAVAILABLE');

    // Everything that only reads still answers, again and again.
    for (let round = 0; round < 3; round++) {
      expect((await alice.http.auth.me.query()).id).toBe(alice.id);
      const history = await bob.http.messages.history.query({ conversationId, limit: 5 });
      expect(history.messages.map((m) => m.body)).toContain('a searchable pineapple');
      expect(await searchFound()).toBe(1);
      const login = await httpClient(server)
        .auth.login.mutate({ username: alice.username, password: STRONG_PASSWORD })
        .then(
          () => 'logged in',
          (error: Awaited<ReturnType<typeof errorOf>>) => error.message,
        );
      expect(login).toMatch(/^(logged in|The server is out of storage space.*)$/);
      expect((await rawRequest(`${child.url}/healthz`)).status).toBe(200);
      const again = await errorOf(send('still full'));
      expect(again.message).toMatch(/out of storage space/);
    }
    // Enough log lines to overflow the log file's last page: the log file fails too.
    for (let i = 0; i < 60; i++) {
      await httpClient(server)
        .auth.login.mutate({ username: bob.username, password: STRONG_PASSWORD })
        .catch(() => undefined);
    }
    expect(child.process.exitCode).toBeNull();
    expect((await alice.http.auth.me.query()).id).toBe(alice.id);
    const metrics = (await rawRequest(`${child.url}/metrics`)).text;
    const dropped = /^parley_log_lines_dropped_total (\d+)/m.exec(metrics);
    expect(Number(dropped?.[1])).toBeGreaterThan(0);
    expect(child.output().match(/cannot write log files/g)).toHaveLength(1);

    // Space returns: sends work again, on the same process.
    execFileSync('sh', ['-c', `rm -f ${filler}*`]);
    const pid = child.process.pid;
    let sent: unknown;
    for (let i = 0; i < 100 && !sent; i++) {
      sent = await send('space is back').catch(() => undefined);
      if (!sent) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sent).toBeDefined();
    expect(child.process.pid).toBe(pid);
    // The log file is opened again by itself, and says so once on stdout.
    for (let i = 0; i < 100 && !child.output().includes('log files are written again'); i++) {
      await httpClient(server)
        .auth.login.mutate({ username: bob.username, password: STRONG_PASSWORD })
        .catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(child.output().match(/log files are written again/g)).toHaveLength(1);
    expect(child.process.exitCode).toBeNull();
    expect((await alice.http.auth.me.query()).id).toBe(alice.id);
  }, 120_000);
});
