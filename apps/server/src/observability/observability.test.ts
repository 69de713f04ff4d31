import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRouter } from '@parley/api';
import { createTRPCClient, createWSClient, httpLink, wsLink } from '@trpc/client';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer, type StartServerOptions } from '../start-server.js';

type Started = { server: RunningServer; dataDir: string };
const started: Started[] = [];
const closers: Array<() => void> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  for (const { server, dataDir } of started.splice(0)) {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

async function boot(options: StartServerOptions = {}): Promise<Started> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-observability-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    bcryptCost: 4,
    logLevel: 'info',
    signupsPerIpPerHour: 1000,
    webRoot: join(dataDir, 'no-web-build'),
    ...options,
  });
  const entry = { server, dataDir };
  started.push(entry);
  return entry;
}

const until = async <T>(what: string, probe: () => Promise<T | undefined>, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** Lines of the rotated log files under <dataDir>/logs, parsed. */
const logLines = async (dataDir: string): Promise<Array<Record<string, unknown>>> => {
  const dir = join(dataDir, 'logs');
  const files = await readdir(dir).catch(() => []);
  const lines: Array<Record<string, unknown>> = [];
  for (const file of files) {
    for (const line of (await readFile(join(dir, file), 'utf8')).split('\n')) {
      if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  }
  return lines;
};

const metricValue = (text: string, name: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

const wsClient = (url: string, token: string) => {
  const socket = createWSClient({
    url: `${url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
  });
  closers.push(() => void socket.close());
  return createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] });
};

describe('observability', () => {
  it('reports real traffic at /metrics and in the periodic metrics line', async () => {
    const { server, dataDir } = await boot({ metricsLogIntervalMs: 300 });
    const http = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${server.url}/trpc` })] });
    const alice = await http.auth.register.mutate({
      username: 'alice',
      password: 'Correct-Horse-7',
    });
    const bob = await http.auth.register.mutate({ username: 'bob', password: 'Battery-Staple-9' });
    await expect(
      http.auth.login.mutate({ username: 'alice', password: 'Wrong-Password-1' }),
    ).rejects.toThrow();

    const aliceWs = wsClient(server.url, alice.accessToken);
    const bobWs = wsClient(server.url, bob.accessToken);
    const conversation = await aliceWs.conversations.open.mutate({ userId: bob.user.id });

    // Bob acknowledges every message he receives, like a real client.
    const received = new Set<string>();
    const subscription = bobWs.messages.events.subscribe(
      {},
      {
        onData: ({ data }) => {
          if (data.type === 'message' && !received.has(data.message.id)) {
            received.add(data.message.id);
            void bobWs.messages.ack.mutate({ messageIds: [data.message.id] });
          }
        },
      },
    );
    closers.push(() => subscription.unsubscribe());

    const sent = 5;
    for (let i = 0; i < sent; i += 1) {
      await aliceWs.messages.send.mutate({
        conversationId: conversation.id,
        clientId: randomUUID(),
        body: `hello ${i}`,
      });
    }
    // One more to a recipient who is offline stays in the queue.
    const carol = await http.auth.register.mutate({
      username: 'carol',
      password: 'Purple-Monkey-3',
    });
    const toCarol = await aliceWs.conversations.open.mutate({ userId: carol.user.id });
    await aliceWs.messages.send.mutate({
      conversationId: toCarol.id,
      clientId: randomUUID(),
      body: 'are you there?',
    });

    const metrics = await until('all deliveries in /metrics', async () => {
      const res = await fetch(`${server.url}/metrics`);
      const text = await res.text();
      return metricValue(text, 'parley_messages_delivered_total') === sent ? text : undefined;
    });
    expect(metricValue(metrics, 'parley_messages_stored_total')).toBe(sent + 1);
    expect(metricValue(metrics, 'parley_delivery_latency_seconds_count')).toBe(sent);
    expect(metricValue(metrics, 'parley_messages_failed_total')).toBe(0);
    expect(metricValue(metrics, 'parley_login_failures_total')).toBe(1);
    expect(metricValue(metrics, 'parley_websocket_connections')).toBe(2);
    expect(metricValue(metrics, 'parley_offline_queue_depth')).toBe(1);
    expect(metricValue(metrics, 'parley_database_size_bytes')).toBeGreaterThan(0);
    expect(metricValue(metrics, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);

    // The periodic line lands in the rotated log file under <dataDir>/logs.
    const line = await until('a metrics line with the deliveries', async () => {
      const lines = (await logLines(dataDir)).filter((l) => l.event === 'metrics');
      const deliveries = lines.reduce(
        (sum, l) => sum + ((l.delivery as { count: number }).count ?? 0),
        0,
      );
      return deliveries === sent
        ? lines.find((l) => (l.delivery as { count: number }).count > 0)
        : undefined;
    });
    const delivery = line.delivery as Record<string, number>;
    expect(delivery.p50Ms).toBeGreaterThan(0);
    expect(delivery.p95Ms).toBeGreaterThanOrEqual(delivery.p50Ms!);
    expect(delivery.p99Ms).toBeGreaterThanOrEqual(delivery.p95Ms!);
    expect(line.messagesPerSecond).toBeGreaterThan(0);
    expect(line.messagesPerSecond5m).toBeGreaterThan(0);
    expect(line).toHaveProperty('errorRate');
    const lines = (await logLines(dataDir)).filter((l) => l.event === 'metrics');
    const latest = lines[lines.length - 1]!;
    expect(latest.activeConnections).toBe(2);
    expect(latest.queueDepth).toBe(1);
    expect((latest.totals as Record<string, number>).loginFailures).toBe(1);
    // Message bodies never reach the logs.
    expect(JSON.stringify(await logLines(dataDir))).not.toContain('hello 1');
  });

  it('serves /metrics off loopback only with METRICS_TOKEN as a Bearer token', async () => {
    // Behind one trusted proxy, X-Forwarded-For names the real client: a remote one.
    const remote = { 'X-Forwarded-For': '203.0.113.9' };
    const closed = await boot({ trustProxy: 1, logLevel: 'silent' });
    expect((await fetch(`${closed.server.url}/metrics`, { headers: remote })).status).toBe(404);
    expect((await fetch(`${closed.server.url}/metrics`)).status).toBe(200);

    const open = await boot({ trustProxy: 1, logLevel: 'silent', metricsToken: 's3cret-token' });
    const url = `${open.server.url}/metrics`;
    expect((await fetch(url, { headers: remote })).status).toBe(401);
    const wrong = { ...remote, Authorization: 'Bearer nope' };
    expect((await fetch(url, { headers: wrong })).status).toBe(401);
    const right = await fetch(url, {
      headers: { ...remote, Authorization: 'Bearer s3cret-token' },
    });
    expect(right.status).toBe(200);
    expect(right.headers.get('content-type')).toContain('text/plain');
    expect(await right.text()).toContain('parley_messages_stored_total');
  });

  it('warns and raises the metric when the data volume is 85 % full', async () => {
    let usedPercent = 85;
    const { server, dataDir } = await boot({
      diskCheckIntervalMs: 100,
      readFilesystem: () =>
        Promise.resolve({ blocks: 1000, bavail: 1000 - usedPercent * 10, bsize: 4096 }),
    });
    const warning = await until('the disk warning in the log', async () =>
      (await logLines(dataDir)).find((l) => l.event === 'disk-low'),
    );
    expect(warning.level).toBe(40);
    expect(warning.usedPercent).toBe(85);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(metricValue(text, 'parley_disk_used_ratio')).toBeCloseTo(0.85, 5);
    expect(metricValue(text, 'parley_disk_low_space')).toBe(1);

    usedPercent = 50;
    await until('the metric to clear', async () => {
      const body = await (await fetch(`${server.url}/metrics`)).text();
      return metricValue(body, 'parley_disk_low_space') === 0 ? true : undefined;
    });
  });

  it('reads the real filesystem by default and stays quiet below the threshold', async () => {
    const { server } = await boot({ logLevel: 'silent' });
    const status = await server.observability.disk.check();
    expect(status).not.toBeNull();
    expect(status!.totalBytes).toBeGreaterThan(0);
    expect(status!.usedRatio).toBeGreaterThanOrEqual(0);
    expect(status!.usedRatio).toBeLessThanOrEqual(1);
  });
});
