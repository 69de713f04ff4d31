import { unauthorized } from './domain-error.js';
import type { RevocationList } from './revocation-list.js';
import type { AccessClaims, TokenService } from './token-service.js';

/** Checks an access token without a database round trip: signature, claims, then revocation. */
export class Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly revocations: RevocationList,
  ) {}

  async authenticate(token: string): Promise<AccessClaims> {
    const claims = await this.tokens.verifyAccessToken(token);
    if (this.revocations.has(claims.sessionId))
      throw unauthorized('Your session has ended. Please log in again.');
    return claims;
  }

  /** For long-lived connections: still valid now? */
  isRevoked(sessionId: string): boolean {
    return this.revocations.has(sessionId);
  }
}
