#!/usr/bin/env node
/**
 * `npm run bench`: a fresh Parley server (child process, temp database; or N processes on one
 * fresh PostgreSQL database) under a connection ramp, an open-loop message schedule, a ceiling
 * search, a login storm and seeded-database queries; the same schedule against a raw WebSocket
 * relay for comparison. Every load phase also reports its CPU per delivered message. Prints
 * tables, writes JSON and an SVG chart to bench-results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { serverNodeFlags } from '@parley/server';
import { parseBenchOptions } from './bench-options.js';
import { Child } from './child-process.js';
import { CpuSampler } from './cpu-sampler.js';
import { FILE_BENCH_BYTES, transferThroughput } from './file-load.js';
import { startNicedUploads, UPLOADER_NICENESS } from './niced-uploads.js';
import type { ChildStats, SeedResult } from './ipc.js';
import { OpenLoopRun, type LoadTarget, type RunResult } from './open-loop.js';
import { ParleyLoad } from './parley-load.js';
import type { PhaseCpu } from './phase-figures.js';
import { PhaseMeter } from './phase-meter.js';
import { portOf } from './postgres-process.js';
import { clockTicksPerSecond, PostgresProcesses } from './process-cpu.js';
import { loginStorm, runQueries } from './query-bench.js';
import { RelayLoad } from './relay-load.js';
import { renderTable } from './render-table.js';
import { ServerGroup } from './server-group.js';
import { percentileChart } from './svg-chart.js';

const CEILING_P99_MS = 100;
const SEED_PASSWORD = 'Seeded-User-Pass-3';
const STORM_PASSWORD = 'Storm-User-Pass-5';

const repoRoot = resolve(process.env.INIT_CWD ?? resolve(import.meta.dirname, '../../..'));
const options = parseBenchOptions(
  process.argv.slice(2),
  resolve(repoRoot, 'bench-results'),
  process.env,
);
/** The options as logged and written: a password in the database URL is not. */
const shownOptions = {
  ...options,
  postgres: options.postgres?.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@') ?? null,
};
const startedAt = Date.now();
const log = (message: string) =>
  console.error(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)} s] ${message}`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const deadline = startedAt + options.budgetSeconds * 1000;
const remainingSeconds = () => (deadline - Date.now()) / 1000;
const notes: string[] = [];
/** True when `seconds` more fit in the budget; otherwise notes the skipped phase. */
const fits = (phase: string, seconds: number) => {
  if (remainingSeconds() >= seconds) return true;
  notes.push(
    `${phase} skipped: it needs ~${Math.round(seconds)} s and ${Math.max(0, Math.round(remainingSeconds()))} s of the ${options.budgetSeconds} s budget were left`,
  );
  log(notes[notes.length - 1]!);
  return false;
};

/** Waits (bounded) until the server's offline queue is empty: a backlog must not leak into the next run. */
async function drain(group: ServerGroup | null, maxMs: number): Promise<number> {
  if (!group) return 0;
  const until = Date.now() + maxMs;
  for (;;) {
    const { queueDepth } = await group.first.request<ChildStats>({ cmd: 'stats' });
    if (queueDepth === 0 || Date.now() >= until) return queueDepth;
    await sleep(250);
  }
}

/** Server processes' stats, summed (RSS, connections) where they add up. */
async function groupStats(group: ServerGroup, gc = false): Promise<ChildStats> {
  const all = await Promise.all(
    group.children.map((child) => child.request<ChildStats>({ cmd: 'stats', gc })),
  );
  return all.reduce((sum, stats) => ({
    rssBytes: sum.rssBytes + stats.rssBytes,
    heapUsedBytes: sum.heapUsedBytes + stats.heapUsedBytes,
    cpuUserMicros: sum.cpuUserMicros + stats.cpuUserMicros,
    cpuSystemMicros: sum.cpuSystemMicros + stats.cpuSystemMicros,
    connections: sum.connections + stats.connections,
    // One queue in the shared database: every process sees the same depth.
    queueDepth: Math.max(sum.queueDepth, stats.queueDepth),
  }));
}

const postgresProcesses = options.postgres
  ? new PostgresProcesses(new Set(), portOf(options.postgres))
  : null;
const meter = new PhaseMeter(new CpuSampler(postgresProcesses));
/** CPU per delivered message of every reported load phase, in order. */
const phases: Array<{ phase: string; rate: number; scheduled: number } & PhaseCpu> = [];

let nextK = 1;
/**
 * One open-loop run against `target`; `during` actions fire at their offsets. A named run's
 * cost (CPU per delivered message, event loop, GC, frames) is added to `phases`.
 */
async function runLoad(
  phase: string | null,
  target: LoadTarget & { run: OpenLoopRun | null },
  rate: number,
  seconds: number,
  actions: Array<{ atMs: number; action: () => void }> = [],
  drainMs = 5000,
): Promise<{ run: OpenLoopRun; result: RunResult; cost: PhaseCpu | null }> {
  const run = new OpenLoopRun({
    rate,
    durationMs: seconds * 1000,
    firstK: nextK,
    seed: nextK,
    drainMs,
  });
  nextK += run.total;
  target.run = run;
  const mark = phase === null ? null : await meter.begin();
  const result = await run.run(target, actions);
  target.run = null;
  const cost = mark === null ? null : await meter.end(mark, result.delivered);
  if (phase !== null && cost !== null) {
    phases.push({ phase, rate, scheduled: result.scheduled, ...cost });
    log(
      `${phase}: server ${cost.server.usPerMessage ?? '–'} µs/msg${cost.postgres ? `, PostgreSQL ${cost.postgres.usPerMessage ?? '–'} µs/msg` : ''}, ELU ${cost.eventLoopUtilization ?? '–'}, GC ${cost.gcShare === null ? '–' : `${Math.round(cost.gcShare * 1000) / 10} %`}`,
    );
  }
  return { run, result, cost };
}

const passes = (result: RunResult) =>
  result.lost === 0 && result.errors === 0 && result.latency.p99 <= CEILING_P99_MS;

type Step = Pick<RunResult, 'rate' | 'lost' | 'errors' | 'latency' | 'throughput' | 'generator'>;

/**
 * The highest rate that passes (p99 ≤ 100 ms, nothing lost, no error): ×2 while passing, ÷2
 * while failing, then bisection; bounded by the step count and the budget.
 */
async function ceiling(
  target: LoadTarget & { run: OpenLoopRun | null },
  group: ServerGroup | null,
  startRate: number,
  label: string,
  maxSteps = options.ceilingMaxSteps,
): Promise<{
  rate: number;
  /** No step failed: the real ceiling is higher. */
  lowerBound: boolean;
  steps: Step[];
  /** Latency percentiles of the highest passing step. */
  curve: RunResult['curve'];
}> {
  const steps: Step[] = [];
  let best = 0;
  let bestCurve: RunResult['curve'] = [];
  let failed = Number.POSITIVE_INFINITY;
  let rate = Math.max(1, Math.round(startRate));
  const drainMs = group ? (options.quick ? 4000 : 15_000) : 0;
  for (let step = 0; step < maxSteps; step += 1) {
    if (!fits(`${label} ceiling step ${step + 1}`, options.ceilingStepSeconds + 3 + drainMs / 1000))
      break;
    const { result } = await runLoad(
      `${label} ceiling ${rate}/s`,
      target,
      rate,
      options.ceilingStepSeconds,
      [],
      options.quick ? 2000 : 5000,
    );
    const { rate: r, lost, errors, latency, throughput, generator } = result;
    steps.push({ rate: r, lost, errors, latency, throughput, generator });
    log(
      `${label} ceiling step ${rate}/s: p99 ${latency.p99} ms, lost ${lost}, errors ${errors}, generator CPU ${generator.cpuPercent}%`,
    );
    if (passes(result) && rate > best) {
      best = rate;
      bestCurve = result.curve;
    } else failed = Math.min(failed, rate);
    await drain(group, drainMs);
    await sleep(500);
    if (failed === Number.POSITIVE_INFINITY) rate = Math.round(rate * 2);
    else if (best === 0) rate = Math.max(1, Math.round(rate / 2));
    else if (failed / best > 1.15) rate = Math.round((best + failed) / 2);
    else break;
  }
  return { rate: best, lowerBound: failed === Number.POSITIVE_INFINITY, steps, curve: bestCurve };
}

/** Starts the servers for one part of the bench and points the CPU meter at them. */
async function startServers(
  script: URL,
  execArgv: string[],
  processes: number,
): Promise<ServerGroup> {
  const group = await ServerGroup.start(script, execArgv, {
    processes,
    postgresBaseUrl: options.postgres,
  });
  if (group.databaseName !== null) postgresProcesses?.benchDatabases.add(group.databaseName);
  meter.measure(group.children, group.databaseName !== null);
  return group;
}

async function main() {
  mkdirSync(options.outDir, { recursive: true });
  log(`options: ${JSON.stringify(shownOptions)}`);
  if (postgresProcesses && !postgresProcesses.found) {
    notes.push(
      'no PostgreSQL server process found on this machine: PostgreSQL CPU is not measured',
    );
  }
  const serverScript = new URL('./server-child.js', import.meta.url);
  const relayScript = new URL('./relay-child.js', import.meta.url);
  // The server runs with the node flags it ships with (its start script passes the same), then
  // any given with --server-flags (later flags win).
  const serverArgs = [
    ...serverNodeFlags,
    ...options.serverFlags,
    ...(options.cpuProf
      ? ['--cpu-prof', `--cpu-prof-dir=${resolve(options.outDir, 'profiles')}`]
      : []),
  ];

  const parley = await startServers(serverScript, serverArgs, options.processes);
  const endpoints = parley.endpoints();
  const load = new ParleyLoad(endpoints);
  const results: Record<string, unknown> = {
    options: shownOptions,
    startedAt: new Date(startedAt).toISOString(),
    database: options.postgres
      ? `PostgreSQL, ${options.processes} server process${options.processes === 1 ? '' : 'es'}`
      : 'SQLite',
  };
  try {
    // 1. Users and the connection ramp.
    const tag = Date.now().toString(36);
    const registerSeconds = await load.register(options.users, tag);
    log(`registered ${options.users} users in ${registerSeconds.toFixed(1)} s`);
    results.registration = { users: options.users, seconds: registerSeconds };
    const idle = await groupStats(parley, true);
    const ramp = await load.connect(options.rampRate);
    const held = await groupStats(parley, true);
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

    // Idle: every user connected, no traffic (keep-alive pings, timers, the database's own work).
    if (options.idleSeconds > 0 && fits('idle measurement', options.idleSeconds + 1)) {
      await sleep(1000);
      const mark = await meter.begin();
      await sleep(options.idleSeconds * 1000);
      const cost = await meter.end(mark, 0);
      log(
        `idle with ${held.connections} connections: server ${cost.server.cpuPercent} %${cost.postgres ? `, PostgreSQL ${cost.postgres.cpuPercent} %` : ''} of a core`,
      );
      results.idle = { connections: held.connections, ...cost };
    }

    await runLoad(null, load, Math.min(options.rate, 200), 2); // warm-up, not reported
    await drain(parley, 5000);

    // 2. Ceiling first, from a rate every build should hold: an overloaded run leaves a backlog
    //    behind that would spoil every later measurement on this server.
    let parleyCeilingRate = 0;
    /** The lowest rate the ceiling search tried: the storm's rate when none passed. */
    let lowestTriedRate = options.rate;
    if (!options.skip.includes('ceiling')) {
      const found = await ceiling(load, parley, Math.min(options.rate, 400), 'parley');
      results.parleyCeiling = found;
      parleyCeilingRate = found.rate;
      lowestTriedRate = Math.min(lowestTriedRate, ...found.steps.map((step) => step.rate));
    }

    // 3. Login storm during steady load (at the steady rate, or the ceiling if that is lower;
    //    if no rate passed, the lowest tried — the full rate would bury everything after it in a
    //    backlog): p99 of the messages due before it and while it lasts.
    const stormSeconds = options.quick ? 14 : 30;
    const stormRate = Math.min(
      options.rate,
      parleyCeilingRate > 0 ? parleyCeilingRate : lowestTriedRate,
    );
    if (!options.skip.includes('storm') && fits('login storm', stormSeconds + 8)) {
      if (stormRate < options.rate) {
        notes.push(
          parleyCeilingRate > 0
            ? `login storm ran at ${stormRate} msg/s (the ceiling), below the ${options.rate} msg/s the server does not hold`
            : `login storm ran at ${stormRate} msg/s, the lowest rate the ceiling search tried (none passed)`,
        );
      }
      const stormUsers = await parley.first.request<string[]>({
        cmd: 'storm-users',
        count: options.stormLogins,
        password: STORM_PASSWORD,
        cost: options.stormCost,
      });
      const stormAtMs = 3000;
      let storm: ReturnType<typeof loginStorm> | null = null;
      const httpUrls = endpoints.map((endpoint) => endpoint.httpUrl);
      const stormRun = await runLoad('login storm', load, stormRate, stormSeconds, [
        {
          atMs: stormAtMs,
          action: () => {
            storm = loginStorm(httpUrls, stormUsers, STORM_PASSWORD);
          },
        },
      ]);
      const started = storm as ReturnType<typeof loginStorm> | null;
      // Logins still running after the run are not waited for long: the figures say how many finished.
      await Promise.race([started?.done, sleep(options.quick ? 2000 : 30_000)]);
      const progress = started?.progress;
      const allDone = progress !== undefined && progress.finished === stormUsers.length;
      const stormEndMs =
        allDone && progress ? progress.lastAt - stormRun.run.startTime : stormSeconds * 1000;
      const beforeStorm = stormRun.run.window(0, stormAtMs);
      const duringStorm = stormRun.run.window(stormAtMs, Math.min(stormSeconds * 1000, stormEndMs));
      log(
        `login storm at ${stormRate}/s: ${progress?.finished ?? 0} of ${options.stormLogins} logins at cost ${options.stormCost} done ${allDone ? `in ${Math.round(stormEndMs - stormAtMs)} ms` : 'by the end of the run'}, p99 before ${beforeStorm.p99} ms, during ${duringStorm.p99} ms`,
      );
      results.loginStorm = {
        rate: stormRate,
        logins: options.stormLogins,
        cost: options.stormCost,
        loginsFinished: progress?.finished ?? 0,
        loginLatency: progress?.histogram.summary() ?? null,
        loginFailures: progress?.failures ?? null,
        stormMs: allDone ? Math.round(stormEndMs - stormAtMs) : null,
        deliveryBefore: beforeStorm,
        deliveryDuring: duringStorm,
        addedP99Ms: Math.round((duringStorm.p99 - beforeStorm.p99) * 100) / 100,
        run: { ...stormRun.result, curve: undefined },
      };
      await drain(parley, options.quick ? 5000 : 30_000);
    }

    // Files (--files): 10 MiB transfer throughput, then delivery at filesRate without and with
    // fileUploaders users uploading 10 MiB files back to back the whole time.
    const filesPhaseSeconds = 2 * options.filesSeconds + 40;
    if (options.files && fits('files', filesPhaseSeconds)) {
      const uploaders = load.uploaders(options.fileUploaders + 1);
      const transfer = await transferThroughput(
        uploaders[0]!,
        FILE_BENCH_BYTES,
        options.quick ? 5 : 20,
      );
      log(
        `files: 10 MiB upload ${transfer.uploadMBps} MB/s (p50 ${transfer.uploadMs.p50} ms), download ${transfer.downloadMBps} MB/s (p50 ${transfer.downloadMs.p50} ms)`,
      );
      await drain(parley, 5000);
      const quiet = await runLoad(
        `files: ${options.filesRate}/s, no uploads`,
        load,
        options.filesRate,
        options.filesSeconds,
      );
      await drain(parley, 5000);
      const uploads = await startNicedUploads(uploaders.slice(1), FILE_BENCH_BYTES);
      await sleep(1000); // the uploads are under way before the first message is due
      const busy = await runLoad(
        `files: ${options.filesRate}/s, ${options.fileUploaders} uploads`,
        load,
        options.filesRate,
        options.filesSeconds,
      ).catch(async (error: unknown) => {
        await uploads.stop().catch(() => undefined);
        throw error;
      });
      const concurrent = await uploads.stop();
      log(
        `files: delivery p99 at ${options.filesRate}/s ${quiet.result.latency.p99} ms without uploads, ${busy.result.latency.p99} ms with ${options.fileUploaders} (${concurrent.completed} uploads, ${concurrent.aggregateMBps} MB/s, ${concurrent.failed} failed; uploaders ${concurrent.uploaderCpuPercent} % of a core at nice ${UPLOADER_NICENESS})`,
      );
      results.files = {
        transfer,
        rate: options.filesRate,
        withoutUploads: { ...quiet.result, curve: undefined },
        withUploads: { ...busy.result, curve: undefined },
        concurrentUploads: concurrent,
      };
      await drain(parley, options.quick ? 5000 : 30_000);
    }

    // 4. Steady load at the target rate, last on this server (if it does not hold, the backlog
    //    dies with the process).
    if (fits('steady load', options.durationSeconds + 6)) {
      const steady = await runLoad('steady', load, options.rate, options.durationSeconds);
      const after = await groupStats(parley);
      // CPU of the run and its stragglers' wait, over the scheduled seconds (as always reported).
      const steadyServerCpu =
        Math.round(
          ((steady.cost?.server.cpuMs ?? 0) / (steady.result.durationSeconds * 1000)) * 1000,
        ) / 10;
      log(
        `steady ${options.rate}/s: p50 ${steady.result.latency.p50} p99 ${steady.result.latency.p99} ms, not received ${steady.result.lost}, errors ${steady.result.errors}, server CPU ${steadyServerCpu}%`,
      );
      results.steady = {
        ...steady.result,
        serverCpuPercent: steadyServerCpu,
        serverQueueAfter: after.queueDepth,
        ackErrors: load.ackErrors,
      };
    }
  } finally {
    load.close();
    // A profiled server needs the time to write its profile.
    await parley.stop(options.cpuProf ? 15_000 : 3000);
  }

  // 5. Seeded queries on a fresh server and database.
  // Seeding writes ~8,000 messages/s into SQLite here, ~500/s into PostgreSQL.
  const seedEstimate =
    8 + options.seedMessages / (options.postgres ? 500 : 8000) + options.queries * 0.05;
  if (!options.skip.includes('seed') && fits('seeded queries', seedEstimate)) {
    const seeded = await startServers(serverScript, serverArgs, 1);
    try {
      log(`seeding ${options.seedUsers} users and ${options.seedMessages} messages…`);
      const seed = await seeded.first.request<SeedResult>({
        cmd: 'seed',
        users: options.seedUsers,
        messages: options.seedMessages,
        password: SEED_PASSWORD,
      });
      log(`seeded ${seed.users} users, ${seed.messages} messages in ${seed.seconds.toFixed(1)} s`);
      const queries = await runQueries(
        seeded.endpoints()[0]!.httpUrl,
        seeded.endpoints()[0]!.wsUrl,
        seed,
        SEED_PASSWORD,
        options.queries,
      );
      notes.push(...queries.notes);
      log(
        `history p95 ${queries.history.p95} ms, users.search p95 ${queries.usersSearch.p95} ms, messages.search p95 ${queries.messagesSearchCommon?.p95 ?? '-'} / ${queries.messagesSearchRare?.p95 ?? '-'} ms`,
      );
      results.seed = seed;
      results.queries = queries;
    } finally {
      await seeded.stop(5000);
    }
  }

  // 6. The raw relay: same users, pairs, schedule and generator.
  if (!options.skip.includes('relay') && fits('raw relay', options.durationSeconds + 8)) {
    const relayChild = await Child.start(relayScript);
    meter.measure([relayChild], false);
    const relay = new RelayLoad(`ws://127.0.0.1:${relayChild.port}`);
    try {
      const relayRamp = await relay.connect(options.users, options.rampRate);
      results.relayConnections = relayRamp;
      await runLoad(null, relay, Math.min(options.rate, 500), 2);
      const relaySteady = await runLoad(
        'relay steady',
        relay,
        options.rate,
        options.durationSeconds,
      );
      log(
        `relay ${options.rate}/s: p50 ${relaySteady.result.latency.p50} p99 ${relaySteady.result.latency.p99} ms`,
      );
      results.relaySteady = relaySteady.result;
      const parleyCeilingRate = (results.parleyCeiling as { rate: number } | undefined)?.rate ?? 0;
      results.relayCeiling = await ceiling(
        relay,
        null,
        2 * Math.max(options.rate, parleyCeilingRate),
        'relay',
        options.ceilingMaxSteps + 1,
      );
    } finally {
      relay.close();
      await relayChild.stop();
    }
  }

  const relayCeilingRate = (results.relayCeiling as { rate: number } | undefined)?.rate ?? 0;
  const parleyCeilingRate = (results.parleyCeiling as { rate: number } | undefined)?.rate ?? 0;
  results.ratio =
    relayCeilingRate > 0 ? Math.round((parleyCeilingRate / relayCeilingRate) * 1000) / 1000 : null;
  results.cpu = {
    source: `server: schedstat run time of every thread (ns), cross-checked with utime+stime of /proc/<pid>/stat (${clockTicksPerSecond()} ticks/s); PostgreSQL: the bench database's backends plus the cluster's shared processes, sampled every 250 ms`,
    phases,
  };
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
    `Delivery latency percentiles, ${options.users} connections`,
    [
      {
        name: `Parley at ${options.rate} messages/s`,
        color: '#2563eb',
        curve: (results.steady as RunResult | undefined)?.curve ?? [],
      },
      {
        name: `Parley at its ceiling, ${(results.parleyCeiling as { rate?: number } | undefined)?.rate ?? 0} messages/s`,
        color: '#16a34a',
        curve: (results.parleyCeiling as { curve?: RunResult['curve'] } | undefined)?.curve ?? [],
      },
      {
        name: `raw WebSocket relay at ${options.rate} messages/s`,
        color: '#dc2626',
        curve: (results.relaySteady as RunResult | undefined)?.curve ?? [],
      },
    ].filter((series) => series.curve.length > 0),
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
