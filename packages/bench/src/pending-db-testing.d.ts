// The signature of @parley/db/testing, which the PostgreSQL store brings to main: until it is
// merged this declaration lets the bench compile; delete it once the real module resolves.
declare module '@parley/db/testing' {
  export function createTemporaryPostgresDatabase(
    baseUrl: string,
  ): Promise<{ url: string; drop(): Promise<void> }>;
}
