import { join } from 'node:path';
import { pino, type Logger, type TransportTargetOptions } from 'pino';

type Transport = ReturnType<typeof pino.transport>;
const transports = new WeakMap<object, Transport>();

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
 * these paths are redacted wherever a caller might pass them by mistake.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const { logDir = null, onEntry } = options;
  const targets: TransportTargetOptions[] = [
    { target: 'pino/file', level, options: { destination: 1 } },
    {
      target: 'pino-roll',
      level,
      options: {
        file: join(logDir ?? '.', 'parley'),
        frequency: 'daily',
        size: '50m',
        mkdir: true,
        limit: { count: 14 },
      },
    },
  ];
  // Silent loggers (tests) and stdout-only loggers need no worker thread.
  const transport = level === 'silent' || logDir === null ? undefined : pino.transport({ targets });
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
    transport,
  );
  if (transport) transports.set(logger, transport);
  return logger;
}

/** Flushes and closes the logger's file transport, if it has one (graceful shutdown). */
export async function closeLogger(log: object): Promise<void> {
  const transport = transports.get(log);
  if (!transport) return;
  transports.delete(log);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    transport.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    transport.end();
  });
}
