import type { Logger } from './logger.js';

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

/**
 * Runs `operation` until it succeeds, waiting 100 ms, 200 ms, … up to 5 s between attempts, for as
 * long as `signal` is not aborted: a long-lived stream outlives a database that fails for a while
 * (locked, disk full, a dropped connection) instead of ending for its client. One warning when a
 * run of failures starts, one line when it ends. Once aborted, the last error is thrown.
 */
export async function retryWhileOpen<T>(
  operation: () => Promise<T>,
  signal: AbortSignal,
  log: Logger,
  context: Record<string, unknown>,
): Promise<T> {
  let failures = 0;
  for (;;) {
    try {
      const result = await operation();
      if (failures > 0)
        log.info({ ...context, failures }, 'database reachable again; stream goes on');
      return result;
    } catch (error) {
      if (signal.aborted) throw error;
      if (failures === 0)
        log.warn({ ...context, err: error }, 'database call failed in a stream; retrying');
      failures++;
      await sleep(Math.min(FIRST_DELAY_MS * 2 ** (failures - 1), MAX_DELAY_MS), signal);
      if (signal.aborted) throw error;
    }
  }
}
