import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { eventually, password, username } from './test-clients.js';
import { testEnvironment } from './test-environment.js';
import { runCli, startCli } from './run-cli.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const env = testEnvironment();

describe('the parley CLI against a real server', () => {
  it('logs in once, sends, tails as JSON lines, and keeps the session in a private file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
    const sessionFile = join(dir, 'config', 'session.json');
    const cliEnv = { PARLEY_SESSION_FILE: sessionFile };
    const bob = env.client(env.server.url);
    const bobName = username('bob');
    await bob.client.register(bobName, password);
    const alice = env.client(env.server.url);
    const aliceName = username('alice');
    await alice.client.register(aliceName, password);
    await alice.client.logout(); // from here on, alice is the CLI

    expect((await runCli(['whoami'], cliEnv)).code).toBe(3);
    const wrong = await runCli(['login', '--server', env.server.url, '--username', aliceName], {
      ...cliEnv,
      PARLEY_PASSWORD: 'Wrong-password-1',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^parley: .+/);

    // The password from standard input (a script), not from the environment.
    const login = await runCli(
      ['login', '--server', `${env.server.url}/`, '--username', aliceName, '--json'],
      cliEnv,
      `${password}\n`,
    );
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({
      user: { username: aliceName },
      server: env.server.url,
    });
    expect(statSync(sessionFile).mode & 0o777).toBe(0o600);

    const who = await runCli(['whoami', '--json'], cliEnv);
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ user: { username: aliceName } });

    // Bob writes first: `send` must not consume it; `tail` prints it.
    const conversation = await bob.client.api.conversations.open.mutate({
      userId: JSON.parse(who.stdout).user.id as string,
    });
    bob.client.send(conversation.id, 'waiting for you');
    await eventually(() => expect(bob.client.outbox()[0]?.status).toBe('pending')); // stored

    const sent = await runCli(['send', bobName, 'hello', 'from', 'the', 'CLI', '--json'], cliEnv);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({
      conversationId: conversation.id,
      status: expect.stringMatching(/^(sent|delivered)$/),
    });
    await eventually(() =>
      expect(bob.messages().map((m) => m.body)).toContain('hello from the CLI'),
    );
    expect(bob.client.outbox()[0]?.status).not.toBe('delivered'); // not acknowledged by `send`

    const tail = startCli(['tail'], cliEnv);
    await eventually(() =>
      expect(tail.lines().map((l) => (JSON.parse(l) as Message).body)).toEqual(['waiting for you']),
    );
    bob.client.send(conversation.id, 'live one');
    await eventually(() => expect(tail.lines()).toHaveLength(2));
    const live = JSON.parse(tail.lines()[1]!) as Message;
    expect(live).toMatchObject({ body: 'live one', senderName: bobName });
    await eventually(() =>
      expect(bob.client.outbox().map((e) => e.status)).toEqual(['delivered', 'delivered']),
    );
    tail.child.kill('SIGTERM');
    expect(await tail.exited).toBe(0);

    // Every command resumed the one session of `parley login`: alice has that one and this check's.
    const check = env.client(env.server.url);
    await check.client.login(aliceName, password);
    expect(await check.client.api.auth.sessions.query()).toHaveLength(2);
    check.client.close();

    const unknown = await runCli(['send', 'nobody_by_that_name', 'hi'], cliEnv);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('there is no user named nobody_by_that_name');
    expect((await runCli(['send', bobName], cliEnv)).code).toBe(2);
    expect((await runCli(['frobnicate'], cliEnv)).code).toBe(2);
    expect((await runCli(['--bogus'], cliEnv)).code).toBe(2);

    const logout = await runCli(['logout'], cliEnv);
    expect(logout.code).toBe(0);
    expect((await runCli(['whoami'], cliEnv)).code).toBe(3);
  }, 60_000);
});
