#!/usr/bin/env node
// `parley`: sign in once, then send and tail messages from scripts. See the README's "Command line".
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { createParleyClient } from './create-parley-client.js';
import { describeError } from './describe-error.js';
import { fileStorage } from './file-storage.js';
import type { ParleyClient } from './parley-client.js';
import { readPassword } from './read-password.js';
import type { KeyValueStorage } from './storage.js';
import { version } from './version.js';

/** Exit codes, for scripts. */
const EXIT = { ok: 0, failed: 1, usage: 2, signedOut: 3 } as const;
const serverKey = 'parley-cli:server';

const usage = `Usage: parley <command> [options]

Commands:
  login --server URL --username NAME   sign in (password from PARLEY_PASSWORD, standard input or a prompt)
  whoami                               print the signed-in user
  send <username> <text>               send a message; waits until the server has stored it
  tail                                 print incoming messages as JSON lines until interrupted
  logout                               end the session on the server and forget it here

Options:
  --session FILE   session file (default: $PARLEY_SESSION_FILE or ~/.config/parley/session.json)
  --json           answer in JSON (tail always does)
  --help, --version

Exit codes: 0 done, 1 failed (server refused, unreachable, …), 2 bad usage, 3 not signed in.`;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function sessionPath(given: string | undefined): string {
  if (given) return given;
  if (process.env.PARLEY_SESSION_FILE) return process.env.PARLEY_SESSION_FILE;
  const config = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(config, 'parley', 'session.json');
}

function connect(storage: KeyValueStorage, url: string, tail: boolean): ParleyClient {
  return createParleyClient({
    url,
    storage,
    WebSocket,
    // Only `tail` shows messages: the other commands leave incoming ones unacknowledged for whoever reads them.
    ack: tail ? 'auto' : 'manual',
    onError: (error) => console.error('parley: a listener failed:', error),
  });
}

/** Resumes the stored session, or explains how to get one. */
async function signedIn(storage: KeyValueStorage, tail = false): Promise<ParleyClient> {
  const url = await storage.getItem(serverKey);
  if (!url)
    throw new CliError(
      'not signed in: run parley login --server URL --username NAME',
      EXIT.signedOut,
    );
  const client = connect(storage, url, tail);
  const user = await client.restore();
  if (!user) {
    client.close();
    throw new CliError('the session has ended: run parley login again', EXIT.signedOut);
  }
  return client;
}

function print(json: boolean, value: Record<string, unknown>, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

async function login(
  storage: KeyValueStorage,
  values: { server?: string; username?: string; json?: boolean },
): Promise<void> {
  if (!values.server || !values.username) {
    throw new CliError('login needs --server URL and --username NAME', EXIT.usage);
  }
  let url: URL;
  try {
    url = new URL(values.server);
  } catch {
    throw new CliError(`--server must be a URL like http://localhost:3000`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`--server must be an http:// or https:// URL`, EXIT.usage);
  }
  const password = process.env.PARLEY_PASSWORD ?? (await readPassword('Password: '));
  if (!password) throw new CliError('no password given', EXIT.usage);
  const server = url.origin + url.pathname.replace(/\/+$/, '');
  const client = connect(storage, server, false);
  try {
    const user = await client.login(values.username, password);
    await storage.setItem(serverKey, server);
    await client.flush();
    print(values.json === true, { user, server }, `Signed in to ${server} as ${user.username}.`);
  } finally {
    client.close();
  }
}

async function send(storage: KeyValueStorage, to: string, body: string, json: boolean) {
  const client = await signedIn(storage);
  try {
    const matches = await client.api.users.search.query({ query: to });
    const peer = matches.find((user) => user.username.toLowerCase() === to.toLowerCase());
    if (!peer) throw new CliError(`there is no user named ${to}`, EXIT.failed);
    const conversation = await client.api.conversations.open.mutate({ userId: peer.id });
    const queued = client.send(conversation.id, body);
    const entry = await new Promise<NonNullable<ReturnType<ParleyClient['outbox']>[number]>>(
      (resolve, reject) => {
        const timer = setTimeout(
          () => reject(new CliError('the server did not store the message in time', EXIT.failed)),
          30_000,
        );
        const check = () => {
          const current = client.outbox().find((e) => e.clientId === queued.clientId) ?? queued;
          if (current.status === 'sending' || current.status === 'pending') return;
          clearTimeout(timer);
          stop();
          resolve(current);
        };
        const stop = client.onOutboxChange(check);
        check();
      },
    );
    if (entry.status === 'failed') throw new CliError(entry.error ?? 'not sent', EXIT.failed);
    await client.flush();
    print(
      json,
      {
        messageId: entry.message?.id ?? null,
        clientId: entry.clientId,
        conversationId: conversation.id,
        status: entry.status,
      },
      `Sent to ${peer.username}.`,
    );
  } finally {
    client.close();
  }
}

async function tail(storage: KeyValueStorage): Promise<void> {
  const client = await signedIn(storage, true);
  client.onEvent((event) => {
    if (event.type === 'message') process.stdout.write(`${JSON.stringify(event.message)}\n`);
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await client.flush();
  client.close();
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      username: { type: 'string' },
      session: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  if (values.version) {
    process.stdout.write(`${version}\n`);
    return EXIT.ok;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return values.help || command === 'help' ? EXIT.ok : EXIT.usage;
  }
  const storage = fileStorage(sessionPath(values.session));
  const json = values.json === true;
  switch (command) {
    case 'login':
      await login(storage, values);
      return EXIT.ok;
    case 'whoami': {
      const client = await signedIn(storage);
      const user = client.user();
      client.close();
      print(json, { user }, user?.username ?? '');
      return EXIT.ok;
    }
    case 'send': {
      const [to, ...words] = rest;
      if (!to || words.length === 0)
        throw new CliError('usage: parley send <username> <text>', EXIT.usage);
      await send(storage, to, words.join(' '), json);
      return EXIT.ok;
    }
    case 'tail':
      await tail(storage);
      return EXIT.ok;
    case 'logout': {
      const client = await signedIn(storage).catch((error: unknown) => {
        if (error instanceof CliError && error.exitCode === EXIT.signedOut) return null;
        throw error;
      });
      await client?.logout();
      client?.close();
      await storage.removeItem(serverKey);
      print(json, { ok: true }, 'Signed out.');
      return EXIT.ok;
    }
    default:
      throw new CliError(`unknown command ${command}\n\n${usage}`, EXIT.usage);
  }
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`parley: ${error.message}\n`);
    return error.exitCode;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
    process.stderr.write(`parley: ${(error as Error).message}\n\n${usage}\n`);
    return EXIT.usage;
  }
  process.stderr.write(`parley: ${describeError(error).message}\n`);
  return EXIT.failed;
}

// Exit explicitly: a socket winding down must not keep a finished command alive (stdout is synchronous
// for files and pipes).
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(exitCodeOf(error)),
);
