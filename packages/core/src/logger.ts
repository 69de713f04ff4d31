import type { Logger as PinoLogger } from 'pino';

/** The structured logger services write to (pino in the server, silent in some tests). */
export type Logger = Pick<PinoLogger, 'info' | 'warn' | 'error' | 'debug' | 'child'>;
