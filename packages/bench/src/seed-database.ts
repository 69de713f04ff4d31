import { randomUUID } from 'node:crypto';
import type { RunningServer } from '@parley/server';
import type { SeedResult } from './ipc.js';

type Store = RunningServer['store'];

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'to',
  'vi',
  'be',
  'do',
  'fa',
  'gu',
  'ha',
  'jo',
];
const VOCABULARY = (() => {
  const words: string[] = [];
  for (const a of SYLLABLES)
    for (const b of SYLLABLES) for (const c of ['', 'n', 'r', 's']) words.push(`${a}${b}${c}`);
  return words;
})();
const COMMON_WORD = 'hello';
const RARE_WORD = 'zanzibar';

/** A small deterministic PRNG (mulberry32): the same seed gives the same database. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const usernameOf = (i: number): string =>
  `${SYLLABLES[i % SYLLABLES.length]}${SYLLABLES[Math.floor(i / SYLLABLES.length) % SYLLABLES.length]}_${i}`;

/**
 * Fills the database through the store's own repositories (the bench layer may not touch SQLite
 * directly): `users` accounts sharing one password hash, and `messages` messages, a fifth of them
 * in the conversations of one heavy user, a few hundred planned ones for the searcher (see
 * SeedResult), the rest spread over random pairs.
 */
export async function seedDatabase(
  store: Store,
  options: { users: number; messages: number; passwordHash: string; deadlineMs: number },
): Promise<SeedResult> {
  const started = performance.now();
  const random = prng(42);
  const now = Date.now();
  const ids: string[] = [];
  const names = new Map<string, string>();
  for (let first = 0; first < options.users; first += 500) {
    const batch = Array.from({ length: Math.min(500, options.users - first) }, (_, j) => first + j);
    await Promise.all(
      batch.map(async (i) => {
        const id = randomUUID();
        const created = await store.users.create({
          id,
          username: usernameOf(i),
          passwordHash: options.passwordHash,
          createdAt: now - options.users + i,
        });
        if (created) {
          ids.push(id);
          names.set(id, usernameOf(i));
        }
      }),
    );
  }

  if (ids.length < 4) throw new Error('seeding needs at least 4 users');

  const heavyId = ids[0]!;
  const heavyPeers = Math.min(100, ids.length - 1);
  const conversations: Array<{ id: string; a: string; b: string }> = [];
  const open = async (a: string, b: string) => {
    const { conversationId } = await store.conversations.open(
      { id: randomUUID(), userA: a, userB: b, createdAt: now },
      b,
    );
    conversations.push({ id: conversationId, a, b });
  };
  const openAll = async (pairs: Array<[string, string]>) => {
    for (let first = 0; first < pairs.length; first += 500) {
      await Promise.all(pairs.slice(first, first + 500).map(([a, b]) => open(a, b)));
    }
  };
  await openAll(
    Array.from({ length: heavyPeers }, (_, i): [string, string] => [heavyId, ids[i + 1]!]),
  );
  const lightPairs = Math.max(
    1,
    Math.min(Math.floor(options.messages / 20), Math.floor(ids.length / 2)),
  );
  const light: Array<[string, string]> = [];
  for (let i = 0; i < lightPairs; i += 1) {
    // Neither the heavy user (the first) nor the searcher (the last): their messages are planned.
    const a = ids[1 + Math.floor(random() * (ids.length - 2))]!;
    const b = ids[1 + Math.floor(random() * (ids.length - 2))]!;
    if (a !== b) light.push([a, b]);
  }
  await openAll(light);
  // The searcher's conversations, apart from the random ones: what they contain is planned.
  const searcherId = ids[ids.length - 1]!;
  const firstSearcherConversation = conversations.length;
  await openAll(
    Array.from({ length: Math.min(5, ids.length - 2) }, (_, i): [string, string] => [
      searcherId,
      ids[i + 1]!,
    ]),
  );
  const searcherConversations = conversations.splice(firstSearcherConversation);
  // Several random pairs may be the same pair: open() answers with the one conversation.
  const seen = new Set<string>();
  for (let i = conversations.length - 1; i >= 0; i -= 1) {
    if (seen.has(conversations[i]!.id)) conversations.splice(i, 1);
    else seen.add(conversations[i]!.id);
  }

  let stored = 0;
  const words = new Array<string>(12);
  const SEARCHER_MESSAGES = Math.min(300, Math.floor(options.messages / 10));
  const searcherEvery = Math.max(1, Math.floor(options.messages / SEARCHER_MESSAGES));
  let searcherSent = 0;
  // Up to BATCH sends in flight: the store groups concurrent writes into one transaction per tick.
  const BATCH = 500;
  let inFlight: Array<Promise<unknown>> = [];
  for (let m = 0; m < options.messages; m += 1) {
    if (inFlight.length >= BATCH) {
      await Promise.all(inFlight);
      inFlight = [];
      if (Date.now() > options.deadlineMs) break;
    }
    const forSearcher = m % searcherEvery === searcherEvery - 1 && searcherSent < SEARCHER_MESSAGES;
    const conversation = forSearcher
      ? searcherConversations[searcherSent % searcherConversations.length]!
      : random() < 0.2
        ? conversations[Math.floor(random() * heavyPeers)]!
        : conversations[heavyPeers + Math.floor(random() * (conversations.length - heavyPeers))]!;
    const length = 3 + Math.floor(random() * 10);
    for (let w = 0; w < length; w += 1) {
      // Zipf-like: low indexes are far more frequent.
      words[w] = VOCABULARY[Math.floor(VOCABULARY.length * random() ** 3)]!;
    }
    if (forSearcher) {
      // Common everywhere else, but in only 3 of the searcher's messages; the rare word in 1.
      const planned = Math.floor(SEARCHER_MESSAGES / 6);
      if ([planned, 3 * planned, 5 * planned].includes(searcherSent)) words[0] = COMMON_WORD;
      if (searcherSent === 2 * planned) words[length - 1] = RARE_WORD;
      searcherSent += 1;
    } else {
      if (random() < 0.1) words[0] = COMMON_WORD;
      if (random() < 0.0001) words[length - 1] = RARE_WORD;
    }
    const fromA = random() < 0.5;
    const senderId = fromA ? conversation.a : conversation.b;
    const message = {
      conversationId: conversation.id,
      clientId: randomUUID(),
      senderId,
      recipientId: fromA ? conversation.b : conversation.a,
      body: words.slice(0, length).join(' '),
      createdAt: now - options.messages + m,
      status: 'sent' as const,
    };
    inFlight.push(store.messages.send(message));
    stored += 1;
  }
  await Promise.all(inFlight);
  return {
    users: ids.length,
    messages: stored,
    seconds: (performance.now() - started) / 1000,
    heavyUsername: names.get(heavyId)!,
    heavyConversationIds: conversations.slice(0, heavyPeers).map((c) => c.id),
    searcherUsername: names.get(searcherId)!,
    commonWord: COMMON_WORD,
    rareWord: RARE_WORD,
    usernamePrefixes: SYLLABLES.slice(0, 8).flatMap((a) => [a, `${a}${SYLLABLES[3]}`]),
  };
}

export { usernameOf };
