#!/usr/bin/env node
/**
 * `npm run bench`: a fresh Parley server (child process, temp database) under a connection ramp,
 * an open-loop message schedule, a ceiling search, a login storm and seeded-database queries; the
 * same schedule against a raw WebSocket relay for comparison. Prints a table, writes JSON and an
 * SVG chart to bench-results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseBenchOptions } from './bench-options.js';
import { Child } from './child-process.js';
import type { ChildStats, SeedResult } from './ipc.js';
import { OpenLoopRun, type LoadTarget, type RunResult } from './open-loop.js';
import { ParleyLoad } from './parley-load.js';
import { loginStorm, runQueries } from './query-bench.js';
import { RelayLoad } from './relay-load.js';
import { renderTable } from './render-table.js';
import { percentileChart } from './svg-chart.js';

const CEILING_P99_MS = 100;
const SEED_PASSWORD = 'Seeded-User-Pass-3';
const STORM_PASSWORD = 'Storm-User-Pass-5';

const repoRoot = resolve(process.env.INIT_CWD ?? resolve(import.meta.dirname, '../../..'));
const options = parseBenchOptions(process.argv.slice(2), resolve(repoRoot, 'bench-results'));
const startedAt = Date.now();
const log = (message: string) =>
  console.error(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${message}`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

let nextK = 1;
/** One open-loop run against `target`; `during` actions fire at their offsets. */
async function runLoad(
  target: LoadTarget & { run: OpenLoopRun | null },
  rate: number,
  seconds: number,
  actions: Array<{ atMs: number; action: () => void }> = [],
): Promise<{ run: OpenLoopRun; result: RunResult }> {
  const run = new OpenLoopRun({ rate, durationMs: seconds * 1000, firstK: nextK, seed: nextK });
  nextK += run.total;
  target.run = run;
  const result = await run.run(target, actions);
  target.run = null;
  return { run, result };
}

const passes = (result: RunResult) =>
  result.lost === 0 && result.errors === 0 && result.latency.p99 <= CEILING_P99_MS;

/** Raise the rate ×1.5 while it passes, then one bisection step; bounded by maxSteps. */
async function ceiling(
  target: LoadTarget & { run: OpenLoopRun | null },
  startRate: number,
  label: string,
): Promise<{
  rate: number;
  steps: Array<
    Pick<RunResult, 'rate' | 'lost' | 'errors' | 'latency' | 'throughput' | 'generator'>
  >;
}> {
  const steps: Array<
    Pick<RunResult, 'rate' | 'lost' | 'errors' | 'latency' | 'throughput' | 'generator'>
  > = [];
  let best = 0;
  let failed = Number.POSITIVE_INFINITY;
  let rate = startRate;
  for (let step = 0; step < options.ceilingMaxSteps; step += 1) {
    const { result } = await runLoad(target, rate, options.ceilingStepSeconds);
    const { rate: r, lost, errors, latency, throughput, generator } = result;
    steps.push({ rate: r, lost, errors, latency, throughput, generator });
    log(
      `${label} ceiling step ${rate}/s: p99 ${latency.p99} ms, lost ${lost}, errors ${errors}, generator CPU ${generator.cpuPercent}%`,
    );
    if (passes(result)) best = Math.max(best, rate);
    else failed = Math.min(failed, rate);
    await sleep(1500);
    if (failed === Number.POSITIVE_INFINITY) rate = Math.round(rate * 1.5);
    else if (best === 0) rate = Math.max(1, Math.round(rate / 2));
    else if (failed / best > 1.15) rate = Math.round((best + failed) / 2);
    else break;
  }
  return { rate: best, steps };
}

const cpuPercent = (before: ChildStats, after: ChildStats, seconds: number) =>
  Math.round(
    ((after.cpuUserMicros + after.cpuSystemMicros - before.cpuUserMicros - before.cpuSystemMicros) /
      (seconds * 1e6)) *
      1000,
  ) / 10;

async function main() {
  mkdirSync(options.outDir, { recursive: true });
  log(`options: ${JSON.stringify(options)}`);
  const serverScript = new URL('./server-child.js', import.meta.url);
  const relayScript = new URL('./relay-child.js', import.meta.url);
  const profileArgs = options.cpuProf
    ? ['--cpu-prof', `--cpu-prof-dir=${resolve(options.outDir, 'profiles')}`]
    : [];

  const parley = await Child.start(serverScript, profileArgs);
  const httpUrl = `http://127.0.0.1:${parley.port}`;
  const wsUrl = `ws://127.0.0.1:${parley.port}/trpc`;
  const load = new ParleyLoad(httpUrl, wsUrl);
  const results: Record<string, unknown> = {
    options,
    startedAt: new Date(startedAt).toISOString(),
  };
  const notes: string[] = [];
  try {
    // 1. Users and the connection ramp.
    const tag = Date.now().toString(36);
    const registerSeconds = await load.register(options.users, tag);
    log(`registered ${options.users} users in ${registerSeconds.toFixed(1)} s`);
    const idle = await parley.request<ChildStats>({ cmd: 'stats' });
    const ramp = await load.connect(options.rampRate);
    const held = await parley.request<ChildStats>({ cmd: 'stats' });
    const rssPerConnection = (held.rssBytes - idle.rssBytes) / Math.max(1, held.connections);
    log(
      `ramp: ${held.connections} connections in ${ramp.seconds.toFixed(1)} s, handshake p95 ${ramp.handshake.p95} ms, ${(rssPerConnection / 1024).toFixed(1)} KB RSS each`,
    );
    results.connections = {
      target: options.users,
      held: held.connections,
      failures: ramp.failures,
      rampRate: options.rampRate,
      rampSeconds: ramp.seconds,
      handshake: ramp.handshake,
      serverRssIdleBytes: idle.rssBytes,
      serverRssHeldBytes: held.rssBytes,
      rssPerConnectionBytes: Math.round(rssPerConnection),
    };
    await load.openConversations(7);
    log(`opened ${load.pairs} conversations`);

    // 2. Steady load.
    await runLoad(load, Math.min(options.rate, 500), 2); // warm-up, not reported
    await sleep(1000);
    const before = await parley.request<ChildStats>({ cmd: 'stats' });
    const steady = await runLoad(load, options.rate, options.durationSeconds);
    const after = await parley.request<ChildStats>({ cmd: 'stats' });
    const steadyServerCpu = cpuPercent(before, after, steady.result.durationSeconds);
    log(
      `steady ${options.rate}/s: p50 ${steady.result.latency.p50} p99 ${steady.result.latency.p99} ms, lost ${steady.result.lost}, errors ${steady.result.errors}, server CPU ${steadyServerCpu}%`,
    );
    results.steady = {
      ...steady.result,
      serverCpuPercent: steadyServerCpu,
      ackErrors: load.ackErrors,
    };
    await sleep(1500);

    // 3. Login storm during steady load: p99 of the messages due before it and during it.
    const stormUsers = await parley.request<string[]>({
      cmd: 'storm-users',
      count: options.stormLogins,
      password: STORM_PASSWORD,
      cost: options.stormCost,
    });
    const stormSeconds = Math.max(6, Math.min(options.durationSeconds, 12));
    const stormAtMs = Math.floor((stormSeconds * 1000) / 2);
    let storm: { latency: RunResult['latency']; failures: number } | null = null;
    let stormEndMs = stormAtMs;
    let stormDone: Promise<void> = Promise.resolve();
    const stormStart = performance.now();
    const stormRun = await runLoad(load, options.rate, stormSeconds, [
      {
        atMs: stormAtMs,
        action: () => {
          stormDone = loginStorm(httpUrl, stormUsers, STORM_PASSWORD).then((outcome) => {
            storm = outcome;
            stormEndMs = performance.now() - stormStart;
          });
        },
      },
    ]);
    await stormDone;
    const stormResult = storm as { latency: RunResult['latency']; failures: number } | null;
    const beforeStorm = stormRun.run.window(0, stormAtMs);
    const duringStorm = stormRun.run.window(stormAtMs, Math.max(stormEndMs, stormAtMs + 100));
    log(
      `login storm: ${options.stormLogins} logins at cost ${options.stormCost}, p99 before ${beforeStorm.p99} ms, during ${duringStorm.p99} ms`,
    );
    results.loginStorm = {
      logins: options.stormLogins,
      cost: options.stormCost,
      loginLatency: stormResult?.latency ?? null,
      loginFailures: stormResult?.failures ?? null,
      stormMs: Math.round(stormEndMs - stormAtMs),
      deliveryBefore: beforeStorm,
      deliveryDuring: duringStorm,
      addedP99Ms: Math.round((duringStorm.p99 - beforeStorm.p99) * 100) / 100,
      run: { ...stormRun.result, curve: undefined },
    };
    await sleep(1500);

    // 4. Ceiling.
    const parleyCeiling = await ceiling(load, options.rate, 'parley');
    results.parleyCeiling = parleyCeiling;
    load.close();
    await sleep(1000);

    // 5. Seeded queries (same server, bigger database).
    log(`seeding ${options.seedUsers} users and ${options.seedMessages} messages…`);
    const seed = await parley.request<SeedResult>({
      cmd: 'seed',
      users: options.seedUsers,
      messages: options.seedMessages,
      password: SEED_PASSWORD,
    });
    log(`seeded ${seed.users} users, ${seed.messages} messages in ${seed.seconds.toFixed(1)} s`);
    const queries = await runQueries(httpUrl, wsUrl, seed, SEED_PASSWORD, options.queries);
    notes.push(...queries.notes);
    log(
      `history p95 ${queries.history.p95} ms, users.search p95 ${queries.usersSearch.p95} ms, messages.search p95 ${queries.messagesSearchCommon?.p95 ?? '-'} / ${queries.messagesSearchRare?.p95 ?? '-'} ms`,
    );
    results.seed = seed;
    results.queries = queries;
  } finally {
    load.close();
    await parley.stop();
  }

  // 6. The raw relay: same users, pairs, schedule and generator.
  const relayChild = await Child.start(relayScript);
  const relay = new RelayLoad(`ws://127.0.0.1:${relayChild.port}`);
  try {
    const relayRamp = await relay.connect(options.users, options.rampRate);
    results.relayConnections = relayRamp;
    await runLoad(relay, Math.min(options.rate, 500), 2);
    const relaySteady = await runLoad(relay, options.rate, options.durationSeconds);
    log(
      `relay ${options.rate}/s: p50 ${relaySteady.result.latency.p50} p99 ${relaySteady.result.latency.p99} ms`,
    );
    results.relaySteady = relaySteady.result;
    const parleyCeilingRate = (results.parleyCeiling as { rate: number }).rate;
    results.relayCeiling = await ceiling(relay, Math.max(options.rate, parleyCeilingRate), 'relay');
  } finally {
    relay.close();
    await relayChild.stop();
  }

  const relayCeilingRate = (results.relayCeiling as { rate: number }).rate;
  const parleyCeilingRate = (results.parleyCeiling as { rate: number }).rate;
  results.ratio =
    relayCeilingRate > 0 ? Math.round((parleyCeilingRate / relayCeilingRate) * 1000) / 1000 : null;
  results.notes = notes;
  results.totalSeconds = Math.round((Date.now() - startedAt) / 100) / 10;

  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, '-');
  const table = renderTable(results);
  console.log(table);
  writeFileSync(
    resolve(options.outDir, `bench-${stamp}.json`),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  writeFileSync(resolve(options.outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(resolve(options.outDir, 'latest.md'), `${table}\n`);
  const chart = percentileChart(
    `Delivery latency at ${options.rate} messages/s, ${options.users} connections`,
    [
      { name: 'Parley', color: '#2563eb', curve: (results.steady as RunResult).curve },
      {
        name: 'raw WebSocket relay',
        color: '#dc2626',
        curve: (results.relaySteady as RunResult).curve,
      },
    ],
  );
  writeFileSync(resolve(options.outDir, `latency-${stamp}.svg`), chart);
  writeFileSync(resolve(options.outDir, 'latency.svg'), chart);
  log(`wrote ${options.outDir}/bench-${stamp}.json, latest.json, latest.md and latency.svg`);
}

const hardLimit = setTimeout(
  () => {
    console.error('bench: hard time limit reached, aborting');
    process.exit(2);
  },
  (options.quick ? 5 : 60) * 60_000,
);
hardLimit.unref();
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
