// A Parley bot that answers every message with the same text. Settings come from the environment:
//   PARLEY_URL           the server (default http://127.0.0.1:3000)
//   PARLEY_USERNAME      the bot's account
//   PARLEY_PASSWORD      its password (needed only for the first start: the session is kept in a file)
//   PARLEY_SESSION_FILE  where the session is kept (default ./echo-bot-session.json)
//   PARLEY_REGISTER=1    create the account if it does not exist yet
import { createParleyClient, describeError, type Message } from '@parley/client';
import { fileStorage } from '@parley/client/node';
import WebSocket from 'ws';

const url = process.env.PARLEY_URL ?? 'http://127.0.0.1:3000';
const username = process.env.PARLEY_USERNAME;
const password = process.env.PARLEY_PASSWORD;
const sessionFile = process.env.PARLEY_SESSION_FILE ?? 'echo-bot-session.json';

const client = createParleyClient({
  url,
  WebSocket, // Node 20 has no global WebSocket
  storage: fileStorage(sessionFile),
  // Its own answers come back from the server too (other sessions of the same account): not an echo loop.
  skipOwnMessages: true,
  onError: (error) =>
    console.error('echo-bot: handling a message failed; it will come again:', error),
});

async function signIn() {
  const restored = await client.restore();
  if (restored) return restored;
  if (!username || !password) {
    console.error('echo-bot: no stored session: set PARLEY_USERNAME and PARLEY_PASSWORD.');
    process.exit(1);
  }
  try {
    return await client.login(username, password);
  } catch (error) {
    if (process.env.PARLEY_REGISTER !== '1' || describeError(error).code !== 'UNAUTHORIZED')
      throw error;
    return client.register(username, password);
  }
}

/** The answer to one message: the bot's whole logic. */
export function answer(message: Message): string {
  return message.body;
}

const me = await signIn().catch((error: unknown) => {
  console.error(`echo-bot: cannot sign in: ${describeError(error).message}`);
  process.exit(1);
});

client.onEvent((event) => {
  if (event.type !== 'message' || client.isOwn(event)) return;
  // send() returns at once; the outbox retries until the server has it, without ever sending it twice.
  client.send(event.message.conversationId, answer(event.message));
});

const stop = () => {
  // Acknowledgements and the event cursor are written behind: flush them before leaving.
  void client.flush().finally(() => {
    client.close();
    process.exit(0);
  });
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
console.log(`echo-bot: signed in to ${url} as ${me.username}; answering messages (Ctrl+C stops).`);
