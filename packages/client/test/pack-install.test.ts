import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, password, username } from './test-clients.js';
import { testEnvironment } from './test-environment.js';

// What a developer outside this repository does: install the packed tarball into an empty project, compile
// a bot against its types (skipLibCheck, strict) and run it against a server.

const run = promisify(execFile);
const packageDir = resolve(import.meta.dirname, '..');
const tsc = createRequire(join(packageDir, 'package.json')).resolve('typescript/bin/tsc');
const env = testEnvironment();

let project: string;
let tarball: string;
let manifest: Record<string, unknown>;

const bot = `
import { createParleyClient, type Message } from '@parley/client';
import { fileStorage } from '@parley/client/node';
import WebSocket from 'ws';

const [url, name, secret, storagePath] = process.argv.slice(2) as [string, string, string, string];
const log = (line: object) => console.log(JSON.stringify(line));
const client = createParleyClient({
  url,
  WebSocket,
  storage: fileStorage(storagePath),
  onError: (error) => log({ type: 'listener-failed', error: (error as Error).message }),
});
const restored = await client.restore();
const me = restored ?? (await client.login(name, secret));
client.onEvent(async (event) => {
  if (event.type !== 'message' || client.isOwn(event)) return;
  const message: Message = event.message;
  if (message.body === 'explode') throw new Error('the handler blew up');
  await new Promise((resolve) => setTimeout(resolve, 5));
  client.send(message.conversationId, 'echo: ' + message.body);
});
const profile = await client.api.auth.me.query();
const createdAt: number = profile.createdAt;
process.once('SIGTERM', () => {
  // Acks and the cursor are written behind: flush them, or the last messages come again after a restart.
  void client.flush().then(() => {
    client.close();
    process.exit(0);
  });
});
log({ type: 'ready', restored: restored !== null, user: me.username, createdAt });
`;

const misspelled = `
import { createParleyClient } from '@parley/client';
const client = createParleyClient({ url: 'http://localhost:3000' });
await client.api.nope.query();
await client.api.messages.send.mutate({ conversationId: 42, clientId: 'c', body: 'hi' });
`;

async function compile(file: string): Promise<{ ok: boolean; output: string }> {
  const args = [tsc, '-p', join(project, 'tsconfig.json')];
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        outDir: 'out',
        types: ['node'],
      },
      files: [file],
    }),
  );
  try {
    const { stdout } = await run(process.execPath, args, { cwd: project });
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'parley-consumer-'));
  // Nothing above the project may hold packages: it must get everything from its own install.
  for (let dir = dirname(project); ; dir = dirname(dir)) {
    expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);
    if (dirname(dir) === dir) break;
  }
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', project], {
    cwd: packageDir,
    maxBuffer: 10 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
    filename: string;
    files: { path: string }[];
  }>;
  tarball = join(project, packed!.filename);
  manifest = { files: packed!.files.map((f) => f.path) };
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'my-parley-bot',
      private: true,
      type: 'module',
      dependencies: { '@parley/client': `file:${tarball}`, ws: '^8.18.0' },
      devDependencies: { '@types/node': '^20.19.0', '@types/ws': '^8.18.0' },
    }),
  );
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], {
    cwd: project,
    maxBuffer: 10 * 1024 * 1024,
  });
}, 300_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed @parley/client', () => {
  it('ships built files only, and depends on registry packages only', async () => {
    const files = manifest.files as string[];
    expect(files.sort()).toEqual(
      [
        'CHANGELOG.md',
        'LICENSE',
        'README.md',
        'dist/cli.js',
        'dist/index.d.ts',
        'dist/index.js',
        'dist/node.d.ts',
        'dist/node.js',
        'package.json',
      ].sort(),
    );
    const installed = (await import(
      join(project, 'node_modules', '@parley', 'client', 'package.json'),
      { with: { type: 'json' } }
    )) as { default: Record<string, Record<string, string> | undefined> };
    const pkg = installed.default;
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      for (const [name, range] of Object.entries(pkg[field] ?? {})) {
        expect(name).not.toMatch(/^@parley\//);
        expect(range).not.toBe('*');
      }
    }
    // The workspace packages it is built from stay in devDependencies (never installed by users), pinned.
    for (const [name, range] of Object.entries(pkg.devDependencies ?? {})) {
      if (name.startsWith('@parley/')) expect(range).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(pkg).toMatchObject({
      license: 'Apache-2.0',
      sideEffects: false,
      engines: { node: expect.any(String) },
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './node': { types: './dist/node.d.ts', default: './dist/node.js' },
      },
    });
    // Only the client itself is there: no other workspace package leaked into the install.
    expect(readdirSync(join(project, 'node_modules', '@parley'))).toEqual(['client']);
  });

  it('gives compile errors for a misspelled procedure and a wrong input, with skipLibCheck', async () => {
    writeFileSync(join(project, 'wrong.ts'), misspelled);
    const wrong = await compile('wrong.ts');
    expect(wrong.ok).toBe(false);
    expect(wrong.output).toMatch(/Property 'nope' does not exist/);
    expect(wrong.output).toMatch(/Type 'number' is not assignable to type 'string'/);

    writeFileSync(join(project, 'bot.ts'), bot);
    const right = await compile('bot.ts');
    expect(right.output).toBe('');
    expect(right.ok).toBe(true);
  }, 120_000);

  it('runs a bot: answers, survives a throwing handler, and resumes its session after a restart', async () => {
    const botName = username('echobot');
    const human = env.client(env.server.url);
    await human.client.register(username('human'), password);
    const setup = env.client(env.server.url);
    await setup.client.register(botName, password);
    const botId = setup.user().id;
    await setup.client.logout();
    const storagePath = join(project, 'bot-session.json');

    const started: ChildProcess[] = [];
    const startBot = async () => {
      const child = spawn(
        process.execPath,
        [join(project, 'out', 'bot.js'), env.server.url, botName, password, storagePath],
        { cwd: project },
      );
      started.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const lines = () =>
        stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      const ready = await eventually(() => {
        expect(stderr).toBe('');
        const line = lines().find((l) => l.type === 'ready');
        expect(line).toBeDefined();
        return line!;
      }, 20_000);
      return { child, ready, lines, stderr: () => stderr };
    };

    try {
      const first = await startBot();
      expect(first.ready).toMatchObject({ restored: false, user: botName });
      expect(typeof first.ready.createdAt).toBe('number');
      const conversation = await human.client.api.conversations.open.mutate({ userId: botId });
      const replies = () =>
        human
          .messages()
          .filter((m) => m.senderId === botId)
          .map((m) => m.body);

      human.client.send(conversation.id, 'hello');
      await eventually(() => expect(replies()).toEqual(['echo: hello']));

      human.client.send(conversation.id, 'explode');
      await eventually(() =>
        expect(first.lines()).toContainEqual({
          type: 'listener-failed',
          error: 'the handler blew up',
        }),
      );
      human.client.send(conversation.id, 'still there?');
      await eventually(() => expect(replies()).toEqual(['echo: hello', 'echo: still there?']));
      expect(first.child.exitCode).toBeNull();
      expect(first.stderr()).toBe('');

      const exited = new Promise((resolve) => first.child.once('close', resolve));
      first.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const second = await startBot();
      expect(second.ready).toMatchObject({ restored: true, user: botName });
      human.client.send(conversation.id, 'after the restart');
      await eventually(() =>
        expect(replies()).toEqual(['echo: hello', 'echo: still there?', 'echo: after the restart']),
      );

      // The bot logged in once: its account has that session and this check's, no more.
      const check = env.client(env.server.url);
      await check.client.login(botName, password);
      expect(await check.client.api.auth.sessions.query()).toHaveLength(2);
    } finally {
      for (const child of started) child.kill('SIGKILL');
    }
  }, 90_000);
});
