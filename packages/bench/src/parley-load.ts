import { randomUUID } from 'node:crypto';
import { httpCall, inParallel } from './http-call.js';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';
import type { LoadTarget, OpenLoopRun } from './open-loop.js';
import { TrpcSocket } from './trpc-socket.js';

type AuthResult = { user: { id: string }; accessToken: string };
type ChatEvent = { type: string; message?: { id: string; senderId: string | null; body: string } };

export const LOAD_PASSWORD = 'Bench-Load-Pass-7';
const BODY_PREFIX = 'load ';
const ACK_FLUSH_MS = 10;

/** One server process: where its users register (HTTP) and connect (WebSocket). */
export type ServerEndpoint = { httpUrl: string; wsUrl: string };

type LoadUser = {
  index: number;
  endpoint: ServerEndpoint;
  id: string;
  token: string;
  socket: TrpcSocket | null;
  acks: string[];
};

/**
 * Parley's side of the load: registered users, each holding one WebSocket with `messages.events`
 * open, acknowledging what it receives in small batches like the client library does. With
 * several server processes user i registers and connects through process i % N, so most
 * conversations cross processes.
 */
export class ParleyLoad implements LoadTarget {
  private users: LoadUser[] = [];
  private conversations: Array<{ id: string; a: LoadUser; b: LoadUser }> = [];
  private readonly wantAck = new Set<LoadUser>();
  private ackTimer: NodeJS.Timeout | null = null;
  run: OpenLoopRun | null = null;
  ackErrors = 0;

  constructor(private readonly endpoints: ServerEndpoint[]) {
    if (endpoints.length === 0) throw new Error('ParleyLoad needs at least one server');
  }

  get pairs(): number {
    return this.conversations.length;
  }

  /** The last `count` users as uploaders (their server process and access token). */
  uploaders(count: number): Array<{ httpUrl: string; token: string }> {
    return this.users
      .slice(-count)
      .map((user) => ({ httpUrl: user.endpoint.httpUrl, token: user.token }));
  }

  async register(count: number, tag: string): Promise<number> {
    const started = performance.now();
    const indexes = Array.from({ length: count }, (_, i) => i);
    this.users = await inParallel(indexes, 16, async (index) => {
      const endpoint = this.endpoints[index % this.endpoints.length]!;
      const result = await httpCall<AuthResult>(endpoint.httpUrl, 'mutation', 'auth.register', {
        username: `l${tag}_${index}`,
        password: LOAD_PASSWORD,
      });
      const { id } = result.user;
      return { index, endpoint, id, token: result.accessToken, socket: null, acks: [] };
    });
    return (performance.now() - started) / 1000;
  }

  /**
   * Connects every user at `ratePerSecond` (open loop, at most `maxInFlight` at once): a
   * handshake is TCP + upgrade + auth until `messages.events` answers `started`.
   */
  async connect(
    ratePerSecond: number,
    maxInFlight = 500,
  ): Promise<{ handshake: LatencySummary; failures: number; seconds: number }> {
    const histogram = new LatencyHistogram();
    const started = performance.now();
    let failures = 0;
    let inFlight = 0;
    const all: Array<Promise<void>> = [];
    for (let i = 0; i < this.users.length; i += 1) {
      const dueAt = started + (i * 1000) / ratePerSecond;
      while (performance.now() < dueAt || inFlight >= maxInFlight) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const user = this.users[i]!;
      inFlight += 1;
      // Measured from the due time: a generator that falls behind makes handshakes look slower, not faster.
      all.push(
        this.connectOne(user)
          .then(
            () => histogram.record(performance.now() - dueAt),
            () => {
              failures += 1;
            },
          )
          .finally(() => {
            inFlight -= 1;
          }),
      );
    }
    await Promise.all(all);
    this.ackTimer = setInterval(() => this.flushAcks(), ACK_FLUSH_MS);
    return {
      handshake: histogram.summary(),
      failures,
      seconds: (performance.now() - started) / 1000,
    };
  }

  private async connectOne(user: LoadUser): Promise<void> {
    const socket = await TrpcSocket.open(user.endpoint.wsUrl, user.token);
    user.socket = socket;
    await socket.subscribe('messages.events', {}, (data) => this.onEvent(user, data as ChatEvent));
  }

  /** Opens one conversation per disjoint random pair of users. */
  async openConversations(seed: number): Promise<void> {
    const order = [...this.users];
    let random = seed >>> 0 || 1;
    for (let i = order.length - 1; i > 0; i -= 1) {
      random = (Math.imul(random, 1664525) + 1013904223) >>> 0;
      const j = random % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const pairs: Array<[LoadUser, LoadUser]> = [];
    for (let i = 0; i + 1 < order.length; i += 2) pairs.push([order[i]!, order[i + 1]!]);
    this.conversations = await inParallel(pairs, 32, async ([a, b]) => {
      const conversation = (await a.socket!.call('mutation', 'conversations.open', {
        userId: b.id,
      })) as { id: string };
      return { id: conversation.id, a, b };
    });
  }

  send(k: number, pair: number, forward: boolean): void {
    const conversation = this.conversations[pair]!;
    const sender = forward ? conversation.a : conversation.b;
    sender
      .socket!.call('mutation', 'messages.send', {
        conversationId: conversation.id,
        clientId: randomUUID(),
        body: `${BODY_PREFIX}${k}`,
      })
      .catch(() => this.run?.onError());
  }

  private onEvent(user: LoadUser, event: ChatEvent): void {
    if (event.type !== 'message' || !event.message || event.message.senderId === user.id) return;
    const { body, id } = event.message;
    if (body.startsWith(BODY_PREFIX)) this.run?.onReceive(Number(body.slice(BODY_PREFIX.length)));
    user.acks.push(id);
    this.wantAck.add(user);
  }

  private flushAcks(): void {
    for (const user of this.wantAck) {
      const ids = user.acks.splice(0, 500);
      if (user.acks.length === 0) this.wantAck.delete(user);
      user.socket?.call('mutation', 'messages.ack', { messageIds: ids }).catch(() => {
        this.ackErrors += 1;
      });
    }
  }

  close(): void {
    if (this.ackTimer) clearInterval(this.ackTimer);
    for (const user of this.users) user.socket?.close();
  }
}
