import cliProgress from 'cli-progress';
import type { CopyProgress } from '@parley/db';

export type CopyProgressDisplay = {
  update(progress: CopyProgress): void;
  stop(): void;
};

const plainLineEveryMs = 5000;

/** Rows per second since the copy began, and the seconds left at that rate (null: not known yet). */
function pace(
  progress: CopyProgress,
  startedAt: number,
): { rate: number; etaSeconds: number | null } {
  const seconds = (performance.now() - startedAt) / 1000;
  const rate = seconds > 0 ? progress.copied / seconds : 0;
  return {
    rate,
    etaSeconds: rate > 0 ? Math.ceil((progress.total - progress.copied) / rate) : null,
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * A progress bar (cli-progress) on a terminal; elsewhere (a log, CI) a plain line when a table is
 * done and every 5 seconds between, so the output stays readable.
 */
export function createCopyProgressDisplay(stream: NodeJS.WriteStream): CopyProgressDisplay {
  // Set by the first report, after the target's checks and migrations: the pace is the copy's.
  let startedAt = 0;
  const clock = () => (startedAt ||= performance.now());
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format:
          '{bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted} | {table}',
        etaBuffer: 50,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(progress) {
        const payload = {
          table: progress.table,
          rate: count(Math.round(pace(progress, clock()).rate)),
        };
        if (!started) {
          bar.start(progress.total, progress.copied, payload);
          started = true;
        } else {
          bar.update(progress.copied, payload);
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }

  let lastLineAt = 0;
  return {
    update(progress) {
      const tableDone = progress.tableCopied === progress.tableTotal;
      const now = performance.now();
      if (!tableDone && now - lastLineAt < plainLineEveryMs) return;
      lastLineAt = now;
      const { rate, etaSeconds } = pace(progress, clock());
      stream.write(
        `${progress.table}: ${count(progress.tableCopied)}/${count(progress.tableTotal)} rows; ` +
          `all tables ${count(progress.copied)}/${count(progress.total)}, ` +
          `${count(Math.round(rate))} rows/s, ETA ${etaSeconds === null ? '?' : `${etaSeconds} s`}\n`,
      );
    },
    stop() {},
  };
}
