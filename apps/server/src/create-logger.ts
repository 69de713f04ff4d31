import { join } from 'node:path';
import { pino, type DestinationStream, type Logger } from 'pino';
import { LogFileStream } from './log-file-stream.js';

type Outputs = { stdout: ReturnType<typeof pino.destination>; file: LogFileStream };
const outputs = new WeakMap<object, Outputs>();

export type LoggerOptions = {
  /** Also write rotated log files here (pino-roll: daily or 50 MB, 14 kept). Null: stdout only. */
  logDir?: string | null;
  /** Sees every log call that passes the level (the error aggregation). */
  onEntry?: (
    level: number,
    object: Record<string, unknown> | null,
    message: string | undefined,
  ) => void;
};

/**
 * JSON lines on stdout, and in rotated files under `logDir`. Credentials never reach a log line:
 * these paths are redacted wherever a caller might pass them by mistake. Logging never takes the
 * server down: a log file that cannot be written (a full disk) drops lines and counts them
 * (`logLinesDropped`), and stdout write errors are ignored.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const { logDir = null, onEntry } = options;
  let destination: DestinationStream | undefined;
  let streams: Outputs | undefined;
  if (level !== 'silent' && logDir !== null) {
    const stdout = pino.destination({ dest: 1, sync: false });
    stdout.on('error', () => undefined);
    const file = new LogFileStream(
      {
        file: join(logDir, 'parley'),
        frequency: 'daily',
        size: '50m',
        mkdir: true,
        limit: { count: 14 },
      },
      // Said on stdout only: the file is what fails.
      (message, details) =>
        stdout.write(
          `${JSON.stringify({ level: 40, time: Date.now(), service: 'parley', event: 'log-file', ...details, msg: message })}\n`,
        ),
    );
    streams = { stdout, file };
    destination = pino.multistream([
      { level: level as pino.Level, stream: stdout },
      { level: level as pino.Level, stream: file },
    ]);
  }
  const logger = pino(
    {
      level,
      base: { service: 'parley' },
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'accessToken',
          'refreshToken',
          '*.refreshToken',
          'body',
          '*.body',
          'passwordHash',
        ],
        censor: '[redacted]',
      },
      ...(onEntry
        ? {
            hooks: {
              logMethod(args, method, levelValue) {
                const [first, second] = args as unknown[];
                const object =
                  typeof first === 'object' && first !== null
                    ? (first as Record<string, unknown>)
                    : null;
                const message = object ? second : first;
                onEntry(levelValue, object, typeof message === 'string' ? message : undefined);
                method.apply(this, args);
              },
            },
          }
        : {}),
    },
    destination,
  );
  if (streams) outputs.set(logger, streams);
  return logger;
}

/** Log lines the logger's file could not take (disk full); 0 for loggers without a file. */
export function logLinesDropped(log: object): number {
  return outputs.get(log)?.file.dropped ?? 0;
}

/** Flushes stdout and closes the logger's file, if it has one (graceful shutdown). */
export async function closeLogger(log: object): Promise<void> {
  const streams = outputs.get(log);
  if (!streams) return;
  outputs.delete(log);
  await streams.file.close();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    streams.stdout.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
