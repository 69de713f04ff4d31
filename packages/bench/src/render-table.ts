import type { BenchOptions } from './bench-options.js';
import type { SeedResult } from './ipc.js';
import type { LatencySummary } from './latency-histogram.js';
import type { RunResult } from './open-loop.js';
import { renderCpuTable, type CpuPhaseRow, type IdleCpu } from './render-cpu-table.js';

/** The parts of the JSON result the table shows. */
export type BenchResults = {
  options: BenchOptions;
  connections?: {
    target: number;
    held: number;
    failures: number;
    rampRate: number;
    handshake: LatencySummary;
    rssPerConnectionBytes: number;
  };
  steady?: RunResult & { serverCpuPercent: number };
  registration?: { users: number; seconds: number };
  loginStorm?: {
    rate: number;
    stormMs: number | null;
    loginsFinished: number;
    logins: number;
    cost: number;
    loginLatency: LatencySummary | null;
    loginFailures: number | null;
    deliveryBefore: LatencySummary;
    deliveryDuring: LatencySummary;
    addedP99Ms: number;
  };
  parleyCeiling?: { rate: number; lowerBound: boolean };
  relaySteady?: RunResult;
  relayCeiling?: { rate: number; lowerBound: boolean };
  ratio?: number | null;
  seed?: SeedResult;
  queries?: {
    history: LatencySummary;
    usersSearch: LatencySummary;
    messagesSearchCommon: LatencySummary | null;
    messagesSearchRare: LatencySummary | null;
  };
  files?: {
    transfer: {
      fileBytes: number;
      repeats: number;
      uploadMBps: number;
      downloadMBps: number;
      uploadMs: LatencySummary;
      downloadMs: LatencySummary;
    };
    rate: number;
    withoutUploads: RunResult;
    withUploads: RunResult;
    concurrentUploads: {
      uploaders: number;
      completed: number;
      failed: number;
      aggregateMBps: number;
    };
  };
  database?: string;
  idle?: IdleCpu;
  cpu?: { source: string; phases: CpuPhaseRow[] };
  notes?: string[];
  totalSeconds?: number;
};

type Row = [string, string, string, string];

const ms = (value: number | undefined) => (value === undefined ? '–' : `${value} ms`);
const verdict = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? 'met' : 'MISSED');

/** A Markdown table: measure, result, target on this machine [spec], verdict. */
export function renderTable(input: Record<string, unknown>): string {
  const r = input as BenchResults;
  const o = r.options;
  const rows: Row[] = [];
  if (r.registration) {
    const { users, seconds } = r.registration;
    rows.push([
      `registration (auth.register, BCRYPT_COST=4, 16 in flight)`,
      `${users} in ${seconds.toFixed(1)} s (${Math.round(users / seconds)}/s)`,
      '',
      '',
    ]);
  }
  const c = r.connections;
  if (c) {
    rows.push(
      [
        `connections held (ramp ${c.rampRate}/s)`,
        `${c.held} of ${c.target}, ${c.failures} failed`,
        `${o.users} [10,000]`,
        verdict(c.held === c.target),
      ],
      [
        'handshake p50 / p95 / p99',
        `${c.handshake.p50} / ${c.handshake.p95} / ${c.handshake.p99} ms`,
        '≤ 20 ms p95 [100 ms]',
        verdict(c.handshake.p95 <= 20),
      ],
      [
        'server RSS per connection',
        `${(c.rssPerConnectionBytes / 1024).toFixed(1)} KB`,
        '≤ 40 KB',
        verdict(c.rssPerConnectionBytes <= 40 * 1024),
      ],
    );
  }
  const s = r.steady;
  if (s) {
    rows.push(
      [
        `steady ${s.rate} msg/s × ${s.durationSeconds} s: delivery p50 / p95 / p99 / max`,
        `${s.latency.p50} / ${s.latency.p95} / ${s.latency.p99} / ${s.latency.max} ms`,
        '≤ 50 ms p99 [p95 ≤ 1.5 s]',
        // Nothing delivered has no latency to speak of, not a good one.
        verdict(s.delivered > 0 && s.latency.p99 <= 50),
      ],
      [
        'steady: throughput, errors, not received 5 s after the run',
        `${s.throughput} msg/s, ${s.errors}, ${s.lost}`,
        `${s.rate} msg/s, 0, 0 [100/s]`,
        verdict(s.lost === 0 && s.errors === 0 && s.throughput >= 0.95 * s.rate),
      ],
      [
        'steady: server CPU / generator CPU, event-loop p99',
        `${s.serverCpuPercent} % / ${s.generator.cpuPercent} %, ${s.generator.eventLoopDelayP99Ms} ms`,
        '(of one core)',
        '',
      ],
    );
  }
  if (r.parleyCeiling && r.relayCeiling) {
    const ratio = r.ratio ?? 0;
    rows.push(
      [
        'ceiling: Parley (p99 ≤ 100 ms, no loss)',
        `${r.parleyCeiling.lowerBound ? '≥ ' : ''}${r.parleyCeiling.rate} msg/s`,
        '≥ 5,000 msg/s',
        verdict(r.parleyCeiling.rate >= 5000),
      ],
      [
        'ceiling: raw WebSocket relay',
        `${r.relayCeiling.lowerBound ? '≥ ' : ''}${r.relayCeiling.rate} msg/s`,
        '',
        '',
      ],
      [
        'Parley / relay',
        `${r.relayCeiling.lowerBound ? '≤ ' : ''}${(ratio * 100).toFixed(1)} %`,
        '≥ 40 %',
        verdict(ratio >= 0.4),
      ],
    );
  }
  if (r.relaySteady) {
    const l = r.relaySteady.latency;
    rows.push([
      `relay at ${r.relaySteady.rate} msg/s: p50 / p99 / max`,
      `${l.p50} / ${l.p99} / ${l.max} ms`,
      '',
      '',
    ]);
  }
  const storm = r.loginStorm;
  if (storm) {
    rows.push(
      [
        `login storm (${storm.logins} at cost ${storm.cost}) at ${storm.rate} msg/s: delivery p99 before → during`,
        `${storm.deliveryBefore.p99} → ${storm.deliveryDuring.p99} ms (+${storm.addedP99Ms})`,
        '≤ +10 ms',
        verdict(storm.loginsFinished === storm.logins && storm.addedP99Ms <= 10),
      ],
      [
        `login storm: ${storm.loginsFinished} of ${storm.logins} done ${storm.stormMs === null ? 'by the end' : `in ${storm.stormMs} ms`}; login p50 / max, failures`,
        `${ms(storm.loginLatency?.p50)} / ${ms(storm.loginLatency?.max)}, ${storm.loginFailures ?? '–'}`,
        '',
        '',
      ],
    );
  }
  const f = r.files;
  if (f) {
    const mib = Math.round(f.transfer.fileBytes / 1024 / 1024);
    const delivered = (run: RunResult) => run.delivered > 0 && run.lost === 0 && run.errors === 0;
    rows.push(
      [
        `${mib} MiB file, ${f.transfer.repeats}× one at a time: upload / download`,
        `${f.transfer.uploadMBps} / ${f.transfer.downloadMBps} MB/s (p50 ${f.transfer.uploadMs.p50} / ${f.transfer.downloadMs.p50} ms)`,
        '',
        '',
      ],
      [
        `delivery p99 at ${f.rate} msg/s: no uploads → ${f.concurrentUploads.uploaders} concurrent ${mib} MiB uploads`,
        `${f.withoutUploads.latency.p99} → ${f.withUploads.latency.p99} ms`,
        '≤ 100 ms p99',
        verdict(
          delivered(f.withoutUploads) &&
            delivered(f.withUploads) &&
            f.withUploads.latency.p99 <= 100,
        ),
      ],
      [
        'concurrent uploads: done, failed, aggregate',
        `${f.concurrentUploads.completed}, ${f.concurrentUploads.failed}, ${f.concurrentUploads.aggregateMBps} MB/s`,
        '',
        '',
      ],
    );
  }
  if (r.seed && r.queries) {
    const q = r.queries;
    rows.push(
      [
        'seeded database',
        `${r.seed.users} users, ${r.seed.messages} messages (${r.seed.seconds.toFixed(1)} s)`,
        `${o.seedUsers} / ${o.seedMessages}`,
        '',
      ],
      [
        'messages.history p50 / p95',
        `${q.history.p50} / ${q.history.p95} ms`,
        '≤ 5 ms p95 [100 ms]',
        verdict(q.history.p95 <= 5),
      ],
      [
        'users.search p50 / p95',
        `${q.usersSearch.p50} / ${q.usersSearch.p95} ms`,
        '≤ 10 ms p95 [200 ms]',
        verdict(q.usersSearch.p95 <= 10),
      ],
      q.messagesSearchCommon
        ? [
            'messages.search p95 common / rare word',
            `${q.messagesSearchCommon.p95} / ${q.messagesSearchRare?.p95 ?? '–'} ms`,
            '≤ 20 ms p95',
            verdict(q.messagesSearchCommon.p95 <= 20 && (q.messagesSearchRare?.p95 ?? 0) <= 20),
          ]
        : ['messages.search', 'not in this build (skipped)', '≤ 20 ms p95', ''],
    );
  }
  const header: Row = ['measure', 'result', 'target here [spec]', ''];
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
  const line = (row: Row) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [
    ...(r.database ? [`database: ${r.database}`, ''] : []),
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ];
  if (r.cpu && (r.cpu.phases.length > 0 || r.idle)) {
    out.push(
      '',
      'Cost per delivered message (CPU of all server threads; ELU and GC: share of the main thread):',
      '',
      renderCpuTable(r.cpu.phases, r.idle ?? null),
    );
  }
  if (r.notes?.length) out.push('', ...r.notes.map((note) => `note: ${note}`));
  if (r.totalSeconds !== undefined)
    out.push('', `total ${r.totalSeconds} s${o.quick ? ' (--quick)' : ''}`);
  return out.join('\n');
}
