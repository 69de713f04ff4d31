import type { PhaseCpu } from './phase-figures.js';

export type CpuPhaseRow = { phase: string; rate: number; scheduled: number } & PhaseCpu;
export type IdleCpu = { connections: number } & PhaseCpu;

const dash = (value: number | null | undefined, suffix = '') =>
  value === null || value === undefined ? '–' : `${value}${suffix}`;
const percent = (share: number | null) =>
  share === null ? '–' : `${Math.round(share * 1000) / 10} %`;

/**
 * The per-phase cost table: server CPU (% of one core, µs per delivered message), PostgreSQL's
 * and the sum when it ran, event-loop utilization, GC share and WebSocket frames and bytes the
 * server wrote (and read) per delivered message. The idle row is CPU % only.
 */
export function renderCpuTable(phases: CpuPhaseRow[], idle: IdleCpu | null): string {
  const withPostgres = phases.some((row) => row.postgres !== null) || idle?.postgres != null;
  const header = [
    'phase',
    'msg/s',
    'delivered',
    'server CPU',
    'server µs/msg',
    ...(withPostgres ? ['PostgreSQL CPU', 'PostgreSQL µs/msg', 'total µs/msg'] : []),
    'ELU',
    'GC',
    'frames out / in per msg',
    'bytes out per msg',
  ];
  const rows: string[][] = [];
  if (idle) {
    rows.push([
      `idle (${idle.connections} connected, ${idle.wallSeconds} s)`,
      '0',
      '0',
      `${idle.server.cpuPercent} %`,
      '–',
      ...(withPostgres ? [`${dash(idle.postgres?.cpuPercent)} %`, '–', '–'] : []),
      dash(idle.eventLoopUtilization),
      percent(idle.gcShare),
      '–',
      '–',
    ]);
  }
  for (const row of phases) {
    rows.push([
      row.phase,
      String(row.rate),
      `${row.delivered} of ${row.scheduled}`,
      `${row.server.cpuPercent} %`,
      dash(row.server.usPerMessage),
      ...(withPostgres
        ? [
            row.postgres ? `${row.postgres.cpuPercent} %` : '–',
            dash(row.postgres?.usPerMessage),
            dash(row.totalUsPerMessage),
          ]
        : []),
      dash(row.eventLoopUtilization),
      percent(row.gcShare),
      `${dash(row.wire.framesOutPerMessage)} / ${dash(row.wire.framesInPerMessage)}`,
      dash(row.wire.bytesOutPerMessage),
    ]);
  }
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}
