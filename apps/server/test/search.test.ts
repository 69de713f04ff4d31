import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from './clients.js';
import { startTestServer, type TestServer } from './start-test-server.js';
import { registerUser, type TestUser } from './test-users.js';

let test: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let aliceBob: string;
let aliceCarol: string;
let bobCarol: string;

const send = (user: TestUser, conversationId: string, body: string) =>
  user.http.messages.send.mutate({ conversationId, clientId: randomUUID(), body });

beforeAll(async () => {
  test = await startTestServer({ requestsPerMinute: 100_000 });
  [alice, bob, carol] = await Promise.all([
    registerUser(test, 'alice'),
    registerUser(test, 'bob'),
    registerUser(test, 'carol'),
  ]);
  aliceBob = (await alice.http.conversations.open.mutate({ userId: bob.id })).id;
  aliceCarol = (await alice.http.conversations.open.mutate({ userId: carol.id })).id;
  bobCarol = (await bob.http.conversations.open.mutate({ userId: carol.id })).id;
  await send(alice, aliceBob, 'Meet me at the café at noon');
  await send(bob, aliceBob, 'Which cafe? The one near the station');
  await send(alice, aliceCarol, 'The quarterly report is ready');
  await send(carol, aliceCarol, 'Thanks, reading the report now');
  await send(bob, bobCarol, 'Secret plans for the report');
});
afterAll(() => test.dispose());

describe('messages.search', () => {
  it('finds words in the caller’s conversations, newest first, with the peer and highlights', async () => {
    const { results, nextBefore } = await alice.http.messages.search.query({ query: 'report' });
    expect(results.map((hit) => hit.message.body)).toEqual([
      'Thanks, reading the report now',
      'The quarterly report is ready',
    ]);
    expect(nextBefore).toBeNull();
    const [newest] = results;
    expect(newest!.conversation).toMatchObject({
      id: aliceCarol,
      peer: { id: carol.id, username: carol.username },
    });
    for (const hit of results) {
      expect(hit.highlights.length).toBeGreaterThan(0);
      for (const [start, end] of hit.highlights)
        expect(hit.snippet.slice(start, end).toLowerCase()).toBe('report');
    }
  });

  it('matches café and cafe both ways', async () => {
    for (const query of ['cafe', 'café', 'CAFÉ']) {
      const { results } = await alice.http.messages.search.query({ query });
      expect(results.map((hit) => hit.message.body).sort()).toEqual([
        'Meet me at the café at noon',
        'Which cafe? The one near the station',
      ]);
      const accented = results.find((hit) => hit.message.body.includes('café'))!;
      const [start, end] = accented.highlights[0]!;
      expect(accented.snippet.slice(start, end)).toBe('café');
    }
  });

  it('matches the last word as a prefix, every word required', async () => {
    expect((await alice.http.messages.search.query({ query: 'quart' })).results).toHaveLength(1);
    expect((await alice.http.messages.search.query({ query: 'meet noo' })).results).toHaveLength(1);
    // Only the last word is a prefix: "quart report" needs the whole word "quart".
    expect(
      (await alice.http.messages.search.query({ query: 'quart report' })).results,
    ).toHaveLength(0);
    expect((await alice.http.messages.search.query({ query: 'zebra' })).results).toEqual([]);
  });

  it('never returns another user’s messages, and filters by a conversation of the caller only', async () => {
    const carolHits = await carol.http.messages.search.query({ query: 'secret' });
    expect(carolHits.results.map((hit) => hit.message.body)).toEqual([
      'Secret plans for the report',
    ]);
    expect((await alice.http.messages.search.query({ query: 'secret' })).results).toEqual([]);

    const filtered = await alice.http.messages.search.query({
      query: 'the',
      conversationId: aliceBob,
    });
    expect(filtered.results.every((hit) => hit.conversation.id === aliceBob)).toBe(true);
    expect(filtered.results).toHaveLength(2);
    const foreign = await errorOf(
      alice.http.messages.search.query({ query: 'secret', conversationId: bobCarol }),
    );
    expect(foreign.data?.code).toBe('FORBIDDEN');
  });

  it('treats any text as words, never as query syntax', async () => {
    await send(alice, aliceBob, 'C++ and foo.bar are NEAR the -foo flag AND more');
    const queries = [
      '"',
      'AND',
      '*',
      '-foo',
      'NEAR(',
      'C++',
      'foo.bar',
      "'; DROP TABLE messages; --",
      'OR',
      '(',
      ')',
      '^',
      ':',
      'body:x',
      '""""',
      'ünïcödé',
      '   ',
    ];
    for (const query of queries) {
      const page = await alice.http.messages.search.query({ query });
      expect(Array.isArray(page.results)).toBe(true);
    }
    expect(
      (await alice.http.messages.search.query({ query: 'C++' })).results.length,
    ).toBeGreaterThan(0);
    const fooBar = await alice.http.messages.search.query({ query: 'foo.bar' });
    expect(fooBar.results.map((hit) => hit.message.body)).toEqual([
      'C++ and foo.bar are NEAR the -foo flag AND more',
    ]);
    // "NEAR(" is the word near, in any case: both messages that have it.
    const near = await alice.http.messages.search.query({ query: 'NEAR(' });
    expect(near.results.map((hit) => hit.message.body)).toEqual([
      'C++ and foo.bar are NEAR the -foo flag AND more',
      'Which cafe? The one near the station',
    ]);
    // The table is still there.
    expect(
      (await alice.http.messages.history.query({ conversationId: aliceBob })).messages.length,
    ).toBeGreaterThan(0);
  });

  it('pages with before/nextBefore without gaps or repeats', async () => {
    const [dave, erin] = await Promise.all([
      registerUser(test, 'dave'),
      registerUser(test, 'erin'),
    ]);
    const { id } = await dave.http.conversations.open.mutate({ userId: erin.id });
    for (let i = 0; i < 45; i++) await send(dave, id, `pagination sample ${i}`);
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await erin.http.messages.search.query({
        query: 'pagination',
        limit: 20,
        ...(before ? { before } : {}),
      });
      seen.push(...result.results.map((hit) => hit.message.body));
      if (result.nextBefore === null) break;
      before = result.nextBefore;
    }
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => `pagination sample ${44 - i}`));
  });
});
