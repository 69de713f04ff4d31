import type { Store } from '@parley/db';
import { limits, passwordRuleMessages, type AuthResult } from '@parley/protocol';
import type { AccountService, ClientMeta } from './account-service.js';
import type { DeliveryTelemetry } from './delivery-telemetry.js';
import { DomainError, unauthorized } from './domain-error.js';
import type { Logger } from './logger.js';
import type { PasswordHasher } from './password-hasher.js';
import { brokenPasswordRules } from './password-policy.js';
import type { RateLimits } from './rate-limits.js';
import type { RevocationList } from './revocation-list.js';
import type { TokenService } from './token-service.js';

const newPasswordError = (message: string) =>
  new DomainError('BAD_REQUEST', message, { fieldErrors: { newPassword: [message] } });

/**
 * `account.changePassword`. "Password reuse" means the user's own earlier passwords (the current
 * one and the last `passwordHistoryDepth`), never other users': telling someone that their new
 * password is taken would tell them that some account uses it.
 */
export class PasswordChange {
  constructor(
    private readonly store: Store,
    private readonly accounts: AccountService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly rateLimits: RateLimits,
    private readonly revocations: RevocationList,
    private readonly telemetry: DeliveryTelemetry,
    private readonly log: Logger,
  ) {}

  /**
   * The calling session continues with new tokens (its refresh token is used up); every other
   * session of the user ends, on every process.
   */
  async change(
    userId: string,
    sessionId: string,
    currentPassword: string,
    newPassword: string,
    meta: ClientMeta,
  ): Promise<AuthResult> {
    const user = await this.store.users.findById(userId);
    if (!user || user.deletedAt !== null) throw unauthorized();
    // The failed-login limit of the caller's IP: a stolen access token cannot guess the password.
    const valid = await this.rateLimits.guardLogin(meta.ip, () =>
      this.hasher.verify(currentPassword, user.passwordHash),
    );
    if (!valid) {
      this.telemetry.loginFailed();
      this.log.warn(
        { event: 'password-change-failed', userId, ip: meta.ip },
        'wrong current password',
      );
      throw new DomainError('UNAUTHORIZED', 'Your current password is wrong.', {
        fieldErrors: { currentPassword: ['Your current password is wrong.'] },
      });
    }

    const failed = brokenPasswordRules(newPassword, user.username);
    if (failed.length > 0) {
      throw new DomainError('BAD_REQUEST', 'The new password does not meet the rules.', {
        fieldErrors: { newPassword: failed.map((rule) => passwordRuleMessages[rule]) },
        passwordRules: failed,
      });
    }
    const earlier = await this.store.users.passwordHistory(userId, limits.passwordHistoryDepth);
    const [isCurrent, ...matchesEarlier] = await Promise.all(
      [user.passwordHash, ...earlier].map((hash) => this.hasher.verify(newPassword, hash)),
    );
    if (isCurrent) throw newPasswordError('The new password must differ from the current one.');
    if (matchesEarlier.some(Boolean)) {
      throw newPasswordError(
        `You used this password before. Choose one that is not among your last ${limits.passwordHistoryDepth}.`,
      );
    }

    const at = Date.now();
    const changed = await this.store.users.changePassword({
      userId,
      expectedHash: user.passwordHash,
      newHash: await this.hasher.hash(newPassword),
      at,
      historyDepth: limits.passwordHistoryDepth,
      keepSessionId: sessionId,
    });
    // Another change won meanwhile: the current password given here is no longer the current one.
    if (!changed) throw unauthorized('Your password was changed meanwhile. Please log in again.');
    for (const ended of changed.endedSessionIds) this.revocations.revoke(ended, at);

    const session = await this.store.sessions.findById(sessionId);
    if (!session || session.revokedAt !== null) throw unauthorized();
    const refreshToken = this.tokens.newRefreshToken(sessionId);
    const rotated = await this.store.sessions.rotate(sessionId, session.refreshTokenHash, {
      refreshTokenHash: this.tokens.hashRefreshToken(refreshToken),
      rotatedAt: at,
    });
    if (!rotated) throw unauthorized('Your session was refreshed meanwhile. Please log in again.');
    this.log.info(
      {
        event: 'password-changed',
        userId,
        sessionId,
        ip: meta.ip,
        sessionsEnded: changed.endedSessionIds.length,
      },
      'password changed',
    );
    return this.accounts.authResult(user, rotated, refreshToken);
  }
}
