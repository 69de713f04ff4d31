/**
 * Does bcrypt stay off the event loop? Starts a real server at BCRYPT_COST 12, runs 20 logins at
 * once over real HTTP and prints the event-loop delay p99 (perf_hooks.monitorEventLoopDelay)
 * measured while they run, with the login latencies. Target: p99 under 20 ms. It prints figures;
 * it does not assert timing (machines differ).
 *
 *   npm run bench:auth            (from the repository root: builds, then runs this)
 *   LOGINS=40 ROUNDS=5 npm run bench:auth
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { startServer } from '../start-server.js';

const COST = 12;
const LOGINS = Number(process.env.LOGINS ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const PASSWORD = 'Bench-Password-2024';

type Reply = { status: number; body: string };

/** POST a tRPC mutation from a chosen loopback address (each user is its own client IP). */
function post(url: string, input: unknown, localAddress: string): Promise<Reply> {
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether this machine lets a client socket leave from `address` (all of 127/8 on Linux). */
const canBind = (address: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: address }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-bench-auth-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl: null,
    jwtSecret: null,
    bcryptCost: COST,
    loginMaxFailures: 5, // the default: the limit is part of what a login costs
    signupsPerIpPerHour: 1_000_000,
    requestsPerMinute: 1_000_000,
    webRoot: join(dataDir, 'no-web-client'),
    logger: pino({ level: 'silent' }),
  });
  try {
    // 20 people on 20 addresses: the failed-login limit lets one address run at most 5 password
    // checks at once, and this bench is about 20 at once. Linux routes all of 127/8 to loopback;
    // where only 127.0.0.1 exists (macOS), every login shares it and runs 5 at a time.
    const manyAddresses = await canBind('127.0.0.10', server.port);
    const users = Array.from({ length: LOGINS }, (_, i) => ({
      username: `bench-${i}`,
      address: manyAddresses ? `127.0.0.${10 + (i % 240)}` : '127.0.0.1',
    }));
    if (!manyAddresses)
      console.log('note: cannot bind 127.0.0.10; all logins come from 127.0.0.1 (5 at a time)');
    await Promise.all(
      users.map(async (user) => {
        const reply = await post(
          `${server.url}/trpc/auth.register`,
          { username: user.username, password: PASSWORD },
          user.address,
        );
        if (reply.status !== 200) throw new Error(`register failed: ${reply.status} ${reply.body}`);
      }),
    );

    const loginAll = async () => {
      const latencies: number[] = [];
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      const started = performance.now();
      await Promise.all(
        users.map(async (user) => {
          const begin = performance.now();
          const reply = await post(
            `${server.url}/trpc/auth.login`,
            { username: user.username, password: PASSWORD },
            user.address,
          );
          latencies.push(performance.now() - begin);
          if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${reply.body}`);
        }),
      );
      const wall = performance.now() - started;
      histogram.disable();
      latencies.sort((a, b) => a - b);
      return {
        p99: histogram.percentile(99) / 1e6,
        max: histogram.max / 1e6,
        mean: histogram.mean / 1e6,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        wall,
      };
    };

    console.log(
      `login-event-loop: ${LOGINS} logins at once, bcrypt cost ${COST}, ` +
        `${availableParallelism()} CPUs (password worker pool up to that many threads), Node ${process.version}`,
    );
    // The same measurement with nothing to do: what the machine itself adds (other processes).
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    idle.disable();
    console.log(
      `idle baseline (2 s, no logins): event-loop delay p99 ${ms(idle.percentile(99) / 1e6)}, ` +
        `max ${ms(idle.max / 1e6)}; load average ${loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')}`,
    );
    await loginAll(); // warm-up: starts the worker threads and the JIT
    const rounds = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const r = await loginAll();
      rounds.push(r);
      console.log(
        `round ${round}: event-loop delay p99 ${ms(r.p99)} (mean ${ms(r.mean)}, max ${ms(r.max)}); ` +
          `login latency p50 ${ms(r.p50)}, p95 ${ms(r.p95)}; all ${LOGINS} done in ${ms(r.wall)}`,
      );
    }
    const worst = Math.max(...rounds.map((r) => r.p99));
    console.log(
      `event-loop delay p99 (worst of ${ROUNDS} rounds): ${ms(worst)} — target < 20 ms: ` +
        (worst < 20 ? 'met' : 'NOT met'),
    );
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
