import type { AccessClaims, ClientMeta, Services, StreamConnection } from '@parley/core';

/** What every procedure sees: the services, who is calling, and their verified token (if any). */
export type Context = {
  services: Services;
  client: ClientMeta;
  /** The WebSocket connection the call came over; null over HTTP. */
  connection: StreamConnection | null;
  /** null when no token was sent or it failed verification (see authError). */
  auth: AccessClaims | null;
  authError: string | null;
};

export type CreateContextOptions = {
  services: Services;
  client: ClientMeta;
  /** The WebSocket connection (one context serves every call on it). @default null: HTTP */
  connection?: StreamConnection | null;
  /** The bearer token from the Authorization header or the WebSocket connectionParams. */
  token: string | null;
};

export async function createContext(options: CreateContextOptions): Promise<Context> {
  const { services, client, token } = options;
  const connection = options.connection ?? null;
  if (!token) return { services, client, connection, auth: null, authError: null };
  try {
    return {
      services,
      client,
      connection,
      auth: await services.authenticator.authenticate(token),
      authError: null,
    };
  } catch (error) {
    return {
      services,
      client,
      connection,
      auth: null,
      authError: error instanceof Error ? error.message : 'Invalid token.',
    };
  }
}
