import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InMemoryPresenceLeases,
  openSqliteStore,
  type Notifier,
  type PresenceLeases,
  type Store,
} from '@parley/db';
import type { PeerPresence } from '@parley/protocol';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultCoreConfig, type CoreConfig } from './core-config.js';
import { createServices, type Services } from './create-services.js';
import type { TrackedChatEvent } from './event-stream.js';

/**
 * Cross-process notifications as the PostgreSQL notifier gives them: a process's own subscribers
 * hear its publishes at once, the other processes a moment later (after the "commit"); the bus
 * can lose them (a dropped listening connection) and tell a process to resync.
 */
class SharedBus {
  dropping = false;
  readonly published: Array<{ from: string; topic: string; message: string }> = [];
  private readonly processes = new Map<
    string,
    { local: EventEmitter; resync: Set<() => void>; crashed: boolean }
  >();

  notifierFor(name: string): Notifier {
    const me = { local: new EventEmitter(), resync: new Set<() => void>(), crashed: false };
    me.local.setMaxListeners(0);
    this.processes.set(name, me);
    return {
      publish: (topic, message) => {
        if (me.crashed) return;
        this.published.push({ from: name, topic, message });
        me.local.emit(topic, message);
        if (this.dropping) return;
        for (const [other, process] of this.processes) {
          if (other === name) continue;
          setImmediate(() => {
            if (!process.crashed) process.local.emit(topic, message);
          });
        }
      },
      subscribe: (topic, listener) => {
        me.local.on(topic, listener);
        return () => me.local.off(topic, listener);
      },
      onResync: (listener) => {
        me.resync.add(listener);
        return () => me.resync.delete(listener);
      },
    };
  }

  resync(name: string): void {
    for (const listener of this.processes.get(name)?.resync ?? []) listener();
  }

  /** The process stops sending and receiving, as if killed. */
  crash(name: string): void {
    this.processes.get(name)!.crashed = true;
  }

  isCrashed(name: string): boolean {
    return this.processes.get(name)?.crashed ?? false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Processes whose lease renewals fail (their database connection is down). */
const failingHolds = new Set<string>();
/** Processes whose releases take a while (a busy pool): a hold issued later would finish first. */
const slowReleases = new Set<string>();

let leaseWritesInFlight = 0;
const counted = async (write: () => Promise<void>) => {
  leaseWritesInFlight += 1;
  try {
    await write();
  } finally {
    leaseWritesInFlight -= 1;
  }
};

/** One table of leases for all processes; a crashed process's calls no longer reach it. */
const leasesFor = (bus: SharedBus, name: string, shared: PresenceLeases): PresenceLeases => ({
  hold: (processId, userIds, expiresAt) =>
    counted(async () => {
      if (failingHolds.has(name)) throw new Error('connection lost');
      if (!bus.isCrashed(name)) await shared.hold(processId, userIds, expiresAt);
    }),
  release: (processId, userIds) =>
    counted(async () => {
      if (slowReleases.has(name)) await sleep(20);
      if (!bus.isCrashed(name)) await shared.release(processId, userIds);
    }),
  onlineAmong: (userIds, now) => shared.onlineAmong(userIds, now),
  sweepExpired: (now) => (bus.isCrashed(name) ? Promise.resolve([]) : shared.sweepExpired(now)),
});

const LEASE_MS = 400;
const HEARTBEAT_MS = 50;

const config: CoreConfig = {
  ...defaultCoreConfig(randomBytes(32)),
  bcryptCost: 4,
  // No re-push of unacknowledged messages during a test: every event seen is a new one.
  redeliveryInitialMs: 600_000,
  presenceLeaseMs: LEASE_MS,
  presenceHeartbeatMs: HEARTBEAT_MS,
};
const log = pino({ level: 'silent' });

let dir: string;
let database: Store;
let bus: SharedBus;
let leases: InMemoryPresenceLeases;
let processes: Services[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-processes-test-'));
  database = openSqliteStore({ file: join(dir, 'parley.db') });
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  failingHolds.clear();
  slowReleases.clear();
  await Promise.all(processes.map((services) => services.close()));
  processes = [];
});

/** One more server process over the database and bus of the current test. */
async function startProcess(name: string): Promise<Services> {
  const store: Store = {
    ...database,
    notifier: bus.notifierFor(name),
    presenceLeases: leasesFor(bus, name, leases),
  };
  const services = createServices({ store, config, log });
  processes.push(services);
  await services.start();
  return services;
}

/** Two server processes over one database: `a` and `b`. */
async function startTwoProcesses(): Promise<{ a: Services; b: Services }> {
  bus = new SharedBus();
  leases = new InMemoryPresenceLeases();
  return { a: await startProcess('a'), b: await startProcess('b') };
}

async function createUser(): Promise<string> {
  const id = randomUUID();
  await database.users.create({
    id,
    username: `u${id.slice(0, 8)}`,
    passwordHash: 'not-used',
    createdAt: Date.now(),
  });
  return id;
}

async function createSession(userId: string): Promise<string> {
  const id = randomUUID();
  await database.sessions.create({
    id,
    userId,
    refreshTokenHash: randomUUID(),
    createdAt: Date.now(),
    userAgent: null,
    ip: '127.0.0.1',
  });
  return id;
}

/** Waits for `check` to hold, polling every few ms, for at most `timeoutMs`. */
async function until(check: () => boolean, timeoutMs = 2000): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(5);
  }
  return performance.now() - started;
}

/** Lets queued lease writes, then the notifications and lookups they cause, run to the end. */
async function settle(): Promise<void> {
  await until(() => leaseWritesInFlight === 0);
  await sleep(30);
  await until(() => leaseWritesInFlight === 0);
}

function recordChanges(services: Services): PeerPresence[] {
  const changes: PeerPresence[] = [];
  services.presence.onChange((change) => changes.push(change));
  return changes;
}

const transitions = (changes: PeerPresence[], userId: string) =>
  changes.filter((change) => change.userId === userId).map((change) => change.online);

describe('presence across processes', () => {
  it('is online from the first connection anywhere to the last anywhere', async () => {
    const { a, b } = await startTwoProcesses();
    const alice = await createUser();
    const seenByA = recordChanges(a);
    const seenByB = recordChanges(b);

    a.presence.connected(alice);
    // The process that has the connection knows at once.
    expect(transitions(seenByA, alice)).toEqual([true]);
    await until(() => b.presence.isOnline(alice));
    expect(transitions(seenByB, alice)).toEqual([true]);

    b.presence.connected(alice);
    a.presence.disconnected(alice);
    await settle();
    expect(a.presence.isOnline(alice)).toBe(true);
    expect(b.presence.isOnline(alice)).toBe(true);
    expect(transitions(seenByA, alice)).toEqual([true]);
    expect(transitions(seenByB, alice)).toEqual([true]);

    b.presence.disconnected(alice);
    await until(() => !a.presence.isOnline(alice) && !b.presence.isOnline(alice));
    expect(transitions(seenByA, alice)).toEqual([true, false]);
    expect(transitions(seenByB, alice)).toEqual([true, false]);
    const offline = seenByA.at(-1)!;
    expect(offline.lastSeenAt).toBeGreaterThan(Date.now() - 2000);
    expect((await leases.onlineAmong([alice], Date.now())).size).toBe(0);
  });

  it('stays online through a quick disconnect and reconnect, however the lease writes interleave', async () => {
    const { a, b } = await startTwoProcesses();
    slowReleases.add('a');
    const pauses: Array<() => Promise<unknown>> = [
      () => Promise.resolve(),
      () => new Promise((resolve) => setImmediate(resolve)),
      () => sleep(1),
    ];
    for (const pause of pauses) {
      const alice = await createUser();
      const seenByB = recordChanges(b);
      a.presence.connected(alice);
      await until(() => b.presence.isOnline(alice));
      a.presence.disconnected(alice);
      await pause();
      a.presence.connected(alice);
      await settle();
      expect(a.presence.isOnline(alice)).toBe(true);
      expect(b.presence.isOnline(alice)).toBe(true);
      expect(await leases.onlineAmong([alice], Date.now())).toEqual(new Set([alice]));
      // B may have seen a short offline, but the last word is online.
      expect(transitions(seenByB, alice).at(-1)).toBe(true);

      // And the same for a connection that comes and goes before its lease is even stored.
      const bob = await createUser();
      a.presence.connected(bob);
      a.presence.disconnected(bob);
      await settle();
      expect(a.presence.isOnline(bob)).toBe(false);
      expect(b.presence.isOnline(bob)).toBe(false);
      expect((await leases.onlineAmong([bob], Date.now())).size).toBe(0);
    }
    slowReleases.delete('a');
  });

  it('learns who was online before it started, with one lookup per user not followed yet', async () => {
    const { a } = await startTwoProcesses();
    const alice = await createUser();
    const bob = await createUser();
    a.presence.connected(alice);
    await settle();
    // A process that starts later missed the announcement.
    const late = await startProcess('late');
    expect(late.presence.isOnline(alice)).toBe(false);
    await late.presence.track([alice, bob]);
    expect(late.presence.isOnline(alice)).toBe(true);
    expect(late.presence.isOnline(bob)).toBe(false);

    // Conversations and search track the users they show.
    const conversation = await a.conversations.open(bob, alice);
    expect(conversation.peer.online).toBe(true);
    const [listed] = await late.conversations.list(bob);
    expect(listed?.peer.online).toBe(true);

    a.presence.disconnected(alice);
    await until(() => !late.presence.isOnline(alice));
  });

  it('keeps a connected user online past the lease time, by the heartbeat', async () => {
    const { a, b } = await startTwoProcesses();
    const alice = await createUser();
    const seenByB = recordChanges(b);
    a.presence.connected(alice);
    await until(() => b.presence.isOnline(alice));
    await sleep(LEASE_MS * 2);
    expect(b.presence.isOnline(alice)).toBe(true);
    expect(transitions(seenByB, alice)).toEqual([true]);
    expect(await leases.onlineAmong([alice], Date.now())).toEqual(new Set([alice]));
  });

  it("announces a dead process's users offline once their lease has expired", async () => {
    const { a, b } = await startTwoProcesses();
    const alice = await createUser();
    const seenByB = recordChanges(b);
    a.presence.connected(alice);
    await until(() => b.presence.isOnline(alice));
    // Let A renew at least once, so the lease is the heartbeat's, not the first connection's.
    await sleep(HEARTBEAT_MS * 2);

    const crashedAt = performance.now();
    bus.crash('a');
    await until(() => !b.presence.isOnline(alice), LEASE_MS + HEARTBEAT_MS * 4 + 500);
    const after = performance.now() - crashedAt;
    // Not before the lease could have run out: the last renewal was at most a heartbeat ago.
    expect(after).toBeGreaterThanOrEqual(LEASE_MS - HEARTBEAT_MS - 20);
    expect(transitions(seenByB, alice)).toEqual([true, false]);
  });

  it('announces its users again when a renewal comes after its leases were swept', async () => {
    const { a, b } = await startTwoProcesses();
    const alice = await createUser();
    const seenByB = recordChanges(b);
    a.presence.connected(alice);
    await until(() => b.presence.isOnline(alice));
    failingHolds.add('a');
    try {
      await until(() => !b.presence.isOnline(alice), LEASE_MS + HEARTBEAT_MS * 4 + 500);
    } finally {
      failingHolds.delete('a');
    }
    // A still has the connection: its next renewal brings the lease back and says so.
    expect(a.presence.isOnline(alice)).toBe(true);
    await until(() => b.presence.isOnline(alice), HEARTBEAT_MS * 4 + 500);
    expect(transitions(seenByB, alice)).toEqual([true, false, true]);
  });

  it("gives up its leases when it closes, so the others don't wait for expiry", async () => {
    const { a, b } = await startTwoProcesses();
    const alice = await createUser();
    a.presence.connected(alice);
    await until(() => b.presence.isOnline(alice));
    await a.close();
    processes = processes.filter((services) => services !== a);
    const waited = await until(() => !b.presence.isOnline(alice));
    expect(waited).toBeLessThan(LEASE_MS / 2);
  });

  it('reads every followed user again after a resync', async () => {
    const { a, b } = await startTwoProcesses();
    const alice = await createUser();
    a.presence.connected(alice);
    await until(() => b.presence.isOnline(alice));
    bus.dropping = true;
    a.presence.disconnected(alice);
    await settle();
    expect(b.presence.isOnline(alice)).toBe(true);
    bus.dropping = false;
    bus.resync('b');
    await until(() => !b.presence.isOnline(alice));
  });
});

describe('revocations across processes', () => {
  it('a session ended in one process is refused in the other, announced once', async () => {
    const { a, b } = await startTwoProcesses();
    const alice = await createUser();
    const sessionId = await createSession(alice);
    const closedByB: string[] = [];
    b.revocations.onRevoked((id) => closedByB.push(id));

    await a.accounts.revokeSession(alice, sessionId);
    expect(a.authenticator.isRevoked(sessionId)).toBe(true);
    await until(() => b.authenticator.isRevoked(sessionId), 1000);
    expect(closedByB).toEqual([sessionId]);
    await settle();
    expect(bus.published.filter((entry) => entry.topic === 'revocations')).toEqual([
      { from: 'a', topic: 'revocations', message: sessionId },
    ]);
  });

  it('a revocation whose announcement was lost is applied at the resync', async () => {
    const { a, b } = await startTwoProcesses();
    const alice = await createUser();
    const sessionId = await createSession(alice);
    const closedByB: string[] = [];
    b.revocations.onRevoked((id) => closedByB.push(id));

    bus.dropping = true;
    await a.accounts.logout(alice, sessionId);
    await settle();
    expect(b.authenticator.isRevoked(sessionId)).toBe(false);
    bus.dropping = false;
    bus.resync('b');
    await until(() => b.authenticator.isRevoked(sessionId), 1000);
    expect(closedByB).toEqual([sessionId]);
  });

  it('a process that starts later refuses sessions ended before', async () => {
    const { a } = await startTwoProcesses();
    const alice = await createUser();
    const sessionId = await createSession(alice);
    await a.accounts.logout(alice, sessionId);
    const late = await startProcess('late');
    expect(late.authenticator.isRevoked(sessionId)).toBe(true);
  });
});

describe('event streams across processes', () => {
  it('a stream in one process gets a message sent through the other, even when the wake-up was lost', async () => {
    const { a, b } = await startTwoProcesses();
    const alice = await createUser();
    const bob = await createUser();
    const conversation = await a.conversations.open(alice, bob);
    const head = await database.events.head(bob);

    const received: TrackedChatEvent[] = [];
    const abort = new AbortController();
    const reading = (async () => {
      for await (const event of b.events.stream(bob, String(head), abort.signal)) {
        received.push(event);
      }
    })();
    const bodies = () =>
      received.flatMap((tracked) =>
        tracked.event.type === 'message' ? [tracked.event.message.body] : [],
      );
    try {
      // The stream is subscribed before its first read: give it that turn.
      await settle();
      await a.messages.send(alice, conversation.id, randomUUID(), 'first');
      await until(() => bodies().includes('first'), 1000);

      bus.dropping = true;
      await a.messages.send(alice, conversation.id, randomUUID(), 'second');
      await sleep(150);
      // The stream idles (for tens of seconds) until something wakes it.
      expect(bodies()).toEqual(['first']);
      bus.dropping = false;
      bus.resync('b');
      await until(() => bodies().includes('second'), 1000);
      expect(bodies()).toEqual(['first', 'second']);
      const ids = received.map((tracked) => Number(tracked.id));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(ids.length);
    } finally {
      abort.abort();
      await reading;
    }
  });
});
