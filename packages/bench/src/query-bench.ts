import { httpCall, inParallel } from './http-call.js';
import type { SeedResult } from './ipc.js';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';
import { TrpcCallError, TrpcSocket } from './trpc-socket.js';

export type QueryResults = {
  history: LatencySummary;
  usersSearch: LatencySummary;
  messagesSearchCommon: LatencySummary | null;
  messagesSearchRare: LatencySummary | null;
  notes: string[];
};

/**
 * Closed-loop query latency on the seeded database, one request at a time over one WebSocket (the
 * way a client asks): history pages of the heavy user's conversations, users.search by prefix,
 * messages.search by a user who has the common word (one message in ten overall) in only 3 of
 * their messages and the rare one in 1.
 */
export async function runQueries(
  httpUrl: string,
  wsUrl: string,
  seed: SeedResult,
  password: string,
  count: number,
): Promise<QueryResults> {
  const auth = await httpCall<{ accessToken: string }>(httpUrl, 'mutation', 'auth.login', {
    username: seed.heavyUsername,
    password,
  });
  const socket = await TrpcSocket.open(wsUrl, auth.accessToken);
  let searcherSocket: TrpcSocket | null = null;
  const notes: string[] = [];
  const timed = async (
    histogram: LatencyHistogram,
    type: 'query',
    path: string,
    input: unknown,
  ) => {
    const started = performance.now();
    const result = await socket.call(type, path, input);
    histogram.record(performance.now() - started);
    return result;
  };
  try {
    const history = new LatencyHistogram();
    for (let i = 0; i < count; i += 1) {
      const conversationId = seed.heavyConversationIds[i % seed.heavyConversationIds.length]!;
      const page = (await timed(history, 'query', 'messages.history', {
        conversationId,
        limit: 50,
      })) as {
        nextBefore: string | null;
      };
      if (page.nextBefore !== null && i % 2 === 0) {
        await timed(history, 'query', 'messages.history', {
          conversationId,
          before: page.nextBefore,
          limit: 50,
        });
      }
    }
    const usersSearch = new LatencyHistogram();
    for (let i = 0; i < count; i += 1) {
      const query = seed.usernamePrefixes[i % seed.usernamePrefixes.length]!;
      await timed(usersSearch, 'query', 'users.search', { query, limit: 20 });
    }
    let messagesSearchCommon: LatencySummary | null = null;
    let messagesSearchRare: LatencySummary | null = null;
    const searcher = await httpCall<{ accessToken: string }>(httpUrl, 'mutation', 'auth.login', {
      username: seed.searcherUsername,
      password,
    });
    searcherSocket = await TrpcSocket.open(wsUrl, searcher.accessToken);
    const search = async (histogram: LatencyHistogram, query: string, expected: number) => {
      const started = performance.now();
      const page = (await searcherSocket!.call('query', 'messages.search', {
        query,
        limit: 20,
      })) as {
        results: unknown[];
      };
      histogram.record(performance.now() - started);
      const note = `messages.search "${query}" found ${page.results.length}, planned ${expected} (seeding cut short?)`;
      if (page.results.length !== expected && !notes.includes(note)) notes.push(note);
    };
    try {
      const common = new LatencyHistogram();
      const rare = new LatencyHistogram();
      for (let i = 0; i < count; i += 1) {
        await search(common, seed.commonWord, 3);
        await search(rare, seed.rareWord, 1);
      }
      messagesSearchCommon = common.summary();
      messagesSearchRare = rare.summary();
    } catch (error) {
      if (error instanceof TrpcCallError && error.code === 'NOT_FOUND') {
        notes.push('messages.search is not in this server build: skipped');
      } else throw error;
    }
    return {
      history: history.summary(),
      usersSearch: usersSearch.summary(),
      messagesSearchCommon,
      messagesSearchRare,
      notes,
    };
  } finally {
    searcherSocket?.close();
    socket.close();
  }
}

export type StormProgress = {
  histogram: LatencyHistogram;
  finished: number;
  failures: number;
  /** performance.now() when the last login answered. */
  lastAt: number;
};

/**
 * All the logins at once (concurrent HTTP requests, login i through server i % N); `progress`
 * fills in as they answer.
 */
export function loginStorm(
  httpUrls: string[],
  usernames: string[],
  password: string,
): { progress: StormProgress; done: Promise<void> } {
  const progress: StormProgress = {
    histogram: new LatencyHistogram(),
    finished: 0,
    failures: 0,
    lastAt: 0,
  };
  const done = inParallel(usernames, usernames.length, async (username, index) => {
    const started = performance.now();
    try {
      await httpCall(httpUrls[index % httpUrls.length]!, 'mutation', 'auth.login', {
        username,
        password,
      });
      progress.histogram.record(performance.now() - started);
    } catch {
      progress.failures += 1;
    }
    progress.finished += 1;
    progress.lastAt = performance.now();
  }).then(() => undefined);
  return { progress, done };
}
