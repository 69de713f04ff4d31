export type HealthStatus = 'ok' | 'starting' | 'database-unavailable';

export type HealthCheckOptions = {
  isReady: () => boolean;
  /** Resolves when the database answers. */
  ping: () => Promise<void>;
  /** A ping slower than this counts as unreachable. @default 2000 */
  timeoutMs?: number;
};

/**
 * `GET /healthz`: ready, and the database answers now. Probes that arrive while one ping is out
 * share it, so a burst of health checks costs the database one query.
 */
export function createHealthCheck(options: HealthCheckOptions): () => Promise<HealthStatus> {
  const timeoutMs = options.timeoutMs ?? 2000;
  let inFlight: Promise<boolean> | null = null;
  const databaseAnswers = (): Promise<boolean> => {
    inFlight ??= new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const settle = (answered: boolean) => {
        clearTimeout(timer);
        resolve(answered);
      };
      options.ping().then(
        () => settle(true),
        () => settle(false),
      );
    }).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
  return async () => {
    if (!options.isReady()) return 'starting';
    return (await databaseAnswers()) ? 'ok' : 'database-unavailable';
  };
}
