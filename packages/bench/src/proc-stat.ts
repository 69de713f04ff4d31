/**
 * Parsers for the Linux /proc files the bench reads CPU time from. Pure: the reading is in
 * process-cpu.ts.
 */

export type ProcStat = {
  comm: string;
  state: string;
  ppid: number;
  /** Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (`getconf CLK_TCK`). */
  utimeTicks: number;
  stimeTicks: number;
  /** Field 22: when the process started, in clock ticks after boot. */
  startTicks: number;
};

/**
 * `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may itself contain spaces
 * and parentheses, so the fields are counted from the last `)`.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error('not a /proc/<pid>/stat line');
  // After ")": field 3 (state) is at index 0, so field n is at index n - 3.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const field = (n: number) => {
    const value = Number(fields[n - 3]);
    if (!Number.isFinite(value)) throw new Error(`/proc/<pid>/stat field ${n} is missing`);
    return value;
  };
  return {
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '?',
    ppid: field(4),
    utimeTicks: field(14),
    stimeTicks: field(15),
    startTicks: field(22),
  };
}

/** `/proc/<pid>/schedstat` or `/proc/<pid>/task/<tid>/schedstat`: nanoseconds spent on a CPU. */
export function parseSchedstat(text: string): number {
  const runNs = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(runNs) || text.trim() === '') throw new Error('not a schedstat line');
  return runNs;
}
