import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, password, sleep, username } from './test-clients.js';
import { testEnvironment } from './test-environment.js';

// examples/echo-bot, built as its README says and run against a real server.
const example = resolve(import.meta.dirname, '..', '..', '..', 'examples', 'echo-bot');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const env = testEnvironment();
const dir = mkdtempSync(join(tmpdir(), 'parley-echo-bot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startBot(extraEnv: Record<string, string>) {
  const child = spawn(process.execPath, [join(example, 'dist', 'echo-bot.js')], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PARLEY_URL: env.server.url, ...extraEnv },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', done));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

describe('examples/echo-bot', () => {
  it('registers, answers each message once, stops cleanly and resumes its session without a password', async () => {
    await promisify(execFile)(process.execPath, [tsc, '-p', join(example, 'tsconfig.json')]);
    const botName = username('echo');
    const first = startBot({
      PARLEY_USERNAME: botName,
      PARLEY_PASSWORD: password,
      PARLEY_REGISTER: '1',
    });
    await eventually(() => expect(first.stdout()).toContain(`as ${botName}`), 20_000);

    const human = env.client(env.server.url);
    await human.client.register(username('human'), password);
    const [bot] = await human.client.api.users.search.query({ query: botName });
    const conversation = await human.client.api.conversations.open.mutate({ userId: bot!.id });
    const replies = () =>
      human
        .messages()
        .filter((m) => m.senderId === bot!.id)
        .map((m) => m.body);
    human.client.send(conversation.id, 'Hello, bot!');
    await eventually(() => expect(replies()).toEqual(['Hello, bot!']));

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stderr()).toBe('');

    const second = startBot({}); // no username, no password: the session file is enough
    await eventually(() => expect(second.stdout()).toContain(`as ${botName}`), 20_000);
    human.client.send(conversation.id, 'Still you?');
    await eventually(() => expect(replies()).toEqual(['Hello, bot!', 'Still you?']));
    await sleep(500);
    expect(replies()).toHaveLength(2); // one answer each, no loop on its own answers
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toBe('');
  }, 60_000);

  it('explains what is missing on a first start without credentials', async () => {
    const bot = startBot({ PARLEY_SESSION_FILE: join(dir, 'empty.json') });
    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toContain('set PARLEY_USERNAME and PARLEY_PASSWORD');
  });
});
