import { randomUUID } from 'node:crypto';
import type { SessionRecord, Store, UserRecord } from '@parley/db';
import { passwordRuleMessages, type AuthResult, type Session, type User } from '@parley/protocol';
import { brokenPasswordRules } from './password-policy.js';
import type { CoreConfig } from './core-config.js';
import type { DeliveryTelemetry } from './delivery-telemetry.js';
import { DomainError, unauthorized } from './domain-error.js';
import type { Logger } from './logger.js';
import type { PasswordHasher } from './password-hasher.js';
import type { RateLimits } from './rate-limits.js';
import type { RevocationList } from './revocation-list.js';
import type { TokenService } from './token-service.js';

/** Who is calling, as the transport saw it. */
export type ClientMeta = { ip: string; userAgent: string | null };

const INVALID_CREDENTIALS = 'Wrong username or password.';

export const toUser = (record: UserRecord): User => ({
  id: record.id,
  username: record.username,
  createdAt: record.createdAt,
});

export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly config: CoreConfig,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly rateLimits: RateLimits,
    private readonly revocations: RevocationList,
    private readonly log: Logger,
    private readonly telemetry: DeliveryTelemetry,
  ) {}

  async register(username: string, password: string, meta: ClientMeta): Promise<AuthResult> {
    const failed = brokenPasswordRules(password, username);
    if (failed.length > 0) {
      throw new DomainError('BAD_REQUEST', 'The password does not meet the rules.', {
        fieldErrors: { password: failed.map((rule) => passwordRuleMessages[rule]) },
        passwordRules: failed,
      });
    }
    await this.rateLimits.consumeSignup(meta.ip);
    if (await this.store.users.findLiveByUsername(username)) throw usernameTaken();

    const user: UserRecord = {
      id: randomUUID(),
      username,
      passwordHash: await this.hasher.hash(password),
      createdAt: Date.now(),
      deletedAt: null,
      lastSeenAt: null,
    };
    if (!(await this.store.users.create(user))) throw usernameTaken();
    this.log.info({ event: 'signup', userId: user.id, ip: meta.ip }, 'account created');
    return this.startSession(user, meta);
  }

  async login(username: string, password: string, meta: ClientMeta): Promise<AuthResult> {
    const user = await this.store.users.findLiveByUsername(username);
    const valid = await this.rateLimits.guardLogin(meta.ip, () =>
      user ? this.hasher.verify(password, user.passwordHash) : this.hasher.verifyNothing(password),
    );
    if (!user || !valid) {
      this.telemetry.loginFailed();
      this.log.warn(
        { event: 'login-failed', ip: meta.ip, knownUser: Boolean(user) },
        'failed login',
      );
      throw unauthorized(INVALID_CREDENTIALS);
    }
    this.log.info({ event: 'login', userId: user.id, ip: meta.ip }, 'logged in');
    return this.startSession(user, meta);
  }

  async refresh(refreshToken: string, meta: ClientMeta): Promise<AuthResult> {
    if (!this.tokens.isIssued(refreshToken))
      throw unauthorized('Your session has ended. Please log in again.');
    const sessionId = this.tokens.sessionIdOf(refreshToken);
    const session = sessionId ? await this.store.sessions.findById(sessionId) : null;
    if (!session || session.revokedAt !== null)
      throw unauthorized('Your session has ended. Please log in again.');
    const user = await this.store.users.findById(session.userId);
    if (!user || user.deletedAt !== null)
      throw unauthorized('Your session has ended. Please log in again.');

    const now = Date.now();
    const presentedHash = this.tokens.hashRefreshToken(refreshToken);
    const replacement = this.tokens.replacementFor(refreshToken);
    const replacementHash = this.tokens.hashRefreshToken(replacement);

    if (session.refreshTokenHash === presentedHash) {
      if (now - session.lastUsedAt > this.config.sessionIdleSeconds * 1000) {
        await this.endSession(session, 'idle');
        throw unauthorized('Your session expired after a long inactivity. Please log in again.');
      }
      const rotated = await this.store.sessions.rotate(session.id, presentedHash, {
        refreshTokenHash: replacementHash,
        rotatedAt: now,
      });
      if (rotated) {
        this.log.info(
          { event: 'token-refresh', userId: user.id, sessionId: session.id, ip: meta.ip },
          'tokens refreshed',
        );
        return this.authResult(user, rotated, replacement);
      }
      // A concurrent refresh with the same token won the race: answer as its retry.
      const current = await this.store.sessions.findById(session.id);
      if (current)
        return this.answerRetryOrEnd(
          current,
          user,
          presentedHash,
          replacement,
          replacementHash,
          now,
        );
      throw unauthorized();
    }
    return this.answerRetryOrEnd(session, user, presentedHash, replacement, replacementHash, now);
  }

  async logout(userId: string, sessionId: string): Promise<void> {
    const session = await this.store.sessions.findById(sessionId);
    if (session && session.userId === userId) await this.endSession(session, 'logout');
    this.log.info({ event: 'logout', userId, sessionId }, 'logged out');
  }

  async me(userId: string): Promise<User> {
    const user = await this.store.users.findById(userId);
    if (!user || user.deletedAt !== null) throw unauthorized();
    return toUser(user);
  }

  async sessions(userId: string, currentSessionId: string): Promise<Session[]> {
    const now = Date.now();
    const live = await this.store.sessions.listLive(userId);
    return live
      .filter((session) => now - session.lastUsedAt <= this.config.sessionIdleSeconds * 1000)
      .map((session) => ({
        id: session.id,
        createdAt: session.createdAt,
        lastUsedAt: session.lastUsedAt,
        userAgent: session.userAgent,
        current: session.id === currentSessionId,
      }));
  }

  async revokeSession(userId: string, sessionId: string): Promise<void> {
    const session = await this.store.sessions.findById(sessionId);
    // Another user's session id answers like an unknown one: nothing to learn from it.
    if (!session || session.userId !== userId || session.revokedAt !== null) {
      throw new DomainError('NOT_FOUND', 'No such session.');
    }
    await this.endSession(session, 'revoked');
    this.log.info({ event: 'session-revoked', userId, sessionId }, 'session revoked');
  }

  /** Ends a session: its refresh token stops working and its access tokens are refused at once. */
  async endSession(session: SessionRecord, reason: string): Promise<void> {
    const now = Date.now();
    await this.store.sessions.revoke(session.id, session.userId, now, reason);
    this.revocations.revoke(session.id, now);
  }

  private async answerRetryOrEnd(
    session: SessionRecord,
    user: UserRecord,
    presentedHash: string,
    replacement: string,
    replacementHash: string,
    now: number,
  ): Promise<AuthResult> {
    const isExactRetry =
      session.previousTokenHash === presentedHash &&
      session.refreshTokenHash === replacementHash &&
      session.rotatedAt !== null &&
      now - session.rotatedAt <= this.config.refreshRetryWindowSeconds * 1000;
    if (isExactRetry) {
      this.log.info(
        { event: 'token-refresh-retry', userId: user.id, sessionId: session.id },
        'refresh retried',
      );
      return this.authResult(user, session, replacement);
    }
    await this.endSession(session, 'refresh-reuse');
    this.log.warn(
      { event: 'refresh-reuse', userId: user.id, sessionId: session.id },
      'a used refresh token was presented again: session ended',
    );
    throw unauthorized('Your session has ended for your safety. Please log in again.');
  }

  private async startSession(user: UserRecord, meta: ClientMeta): Promise<AuthResult> {
    const sessionId = randomUUID();
    const refreshToken = this.tokens.newRefreshToken(sessionId);
    const now = Date.now();
    await this.store.sessions.create({
      id: sessionId,
      userId: user.id,
      refreshTokenHash: this.tokens.hashRefreshToken(refreshToken),
      createdAt: now,
      userAgent: meta.userAgent?.slice(0, 256) ?? null,
      ip: meta.ip,
    });
    const session = await this.store.sessions.findById(sessionId);
    if (!session) throw new Error('session vanished after insert');
    return this.authResult(user, session, refreshToken);
  }

  /** Issued-at is the session's last rotation, so a retried refresh gets an identical access token. */
  async authResult(
    user: UserRecord,
    session: SessionRecord,
    refreshToken: string,
  ): Promise<AuthResult> {
    const issuedAt = Math.floor((session.rotatedAt ?? session.createdAt) / 1000);
    const access = await this.tokens.issueAccessToken(user.id, session.id, issuedAt);
    return {
      user: toUser(user),
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt: session.lastUsedAt + this.config.sessionIdleSeconds * 1000,
    };
  }
}

const usernameTaken = () =>
  new DomainError('CONFLICT', 'This username is taken.', {
    fieldErrors: { username: ['This username is taken.'] },
  });
