declare module 'pino-roll' {
  import type { EventEmitter } from 'node:events';

  export type PinoRollOptions = {
    file: string;
    frequency?: 'daily' | 'hourly' | number;
    size?: string | number;
    mkdir?: boolean;
    limit?: { count?: number };
  };

  /** The sonic-boom stream pino-roll writes through (the part of its API used here). */
  export interface RollingStream extends EventEmitter {
    write(data: string): boolean;
    end(): void;
    destroy(): void;
  }

  export default function pinoRoll(options: PinoRollOptions): Promise<RollingStream>;
}
