import type { AccessClaims, ClientMeta, Services } from '@parley/core';

/** What every procedure sees: the services, who is calling, and their verified token (if any). */
export type Context = {
  services: Services;
  client: ClientMeta;
  /** null when no token was sent or it failed verification (see authError). */
  auth: AccessClaims | null;
  authError: string | null;
};

export type CreateContextOptions = {
  services: Services;
  client: ClientMeta;
  /** The bearer token from the Authorization header or the WebSocket connectionParams. */
  token: string | null;
};

export async function createContext(options: CreateContextOptions): Promise<Context> {
  const { services, client, token } = options;
  if (!token) return { services, client, auth: null, authError: null };
  try {
    return {
      services,
      client,
      auth: await services.authenticator.authenticate(token),
      authError: null,
    };
  } catch (error) {
    return {
      services,
      client,
      auth: null,
      authError: error instanceof Error ? error.message : 'Invalid token.',
    };
  }
}
