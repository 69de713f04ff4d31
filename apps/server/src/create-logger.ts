import { pino, type Logger } from 'pino';

/**
 * JSON lines on stdout. Credentials never reach a log line: these paths are redacted wherever a
 * caller might pass them by mistake.
 */
export function createLogger(level: string): Logger {
  return pino({
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
  });
}
