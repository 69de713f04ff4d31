/** Browser origins that may call the API; requests without an Origin header are not from a browser. */
export class AllowedOrigins {
  private origins = new Set<string>();

  constructor(origins: string[]) {
    this.replace(origins);
  }

  /** Set once the port is known (port 0 picks one at listen time). */
  replace(origins: string[]): void {
    this.origins = new Set(origins.map((origin) => origin.replace(/\/+$/, '').toLowerCase()));
  }

  allows(origin: string | undefined): boolean {
    return origin === undefined || this.origins.has(origin.toLowerCase());
  }

  list(): string[] {
    return [...this.origins];
  }
}

/** The desktop app's renderer origin (its custom app:// scheme). */
export const DESKTOP_ORIGIN = 'app://parley';

/** Default: the server's own origin (by its host and by localhost) and the desktop app. */
export function defaultOrigins(host: string, port: number): string[] {
  const hosts = new Set([host, 'localhost', '127.0.0.1']);
  if (host === '0.0.0.0' || host === '::') hosts.delete(host);
  return [
    ...[...hosts].map((name) => `http://${name.includes(':') ? `[${name}]` : name}:${port}`),
    DESKTOP_ORIGIN,
  ];
}
