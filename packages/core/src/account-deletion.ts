import type { Store } from '@parley/db';
import type { ClientMeta } from './account-service.js';
import type { DeliveryTelemetry } from './delivery-telemetry.js';
import { DomainError, unauthorized } from './domain-error.js';
import { wakeUp } from './event-wakeups.js';
import type { Logger } from './logger.js';
import type { PasswordHasher } from './password-hasher.js';
import type { RateLimits } from './rate-limits.js';
import type { RevocationList } from './revocation-list.js';

/** Rows per anonymization transaction: short enough that other traffic never waits long. */
const ANONYMIZE_BATCH = 2000;

/** `account.delete`: the user leaves for good; their peers keep the history, anonymized. */
export class AccountDeletion {
  constructor(
    private readonly store: Store,
    private readonly hasher: PasswordHasher,
    private readonly rateLimits: RateLimits,
    private readonly revocations: RevocationList,
    private readonly telemetry: DeliveryTelemetry,
    private readonly log: Logger,
  ) {}

  async delete(userId: string, password: string, meta: ClientMeta): Promise<void> {
    await this.rateLimits.assertLoginAllowed(meta.ip);
    const user = await this.store.users.findById(userId);
    if (!user || user.deletedAt !== null) throw unauthorized();
    if (!(await this.hasher.verify(password, user.passwordHash))) {
      await this.rateLimits.recordLoginFailure(meta.ip);
      // Not UNAUTHORIZED: the caller's session is fine, only the confirmation is wrong.
      throw new DomainError('BAD_REQUEST', 'Wrong password.', {
        fieldErrors: { password: ['Wrong password.'] },
      });
    }

    const at = Date.now();
    const deletion = await this.store.users.deleteAccount(userId, at);
    if (!deletion) throw unauthorized();
    for (const sessionId of deletion.endedSessionIds) this.revocations.add(sessionId, at);
    for (const change of deletion.failed) {
      this.telemetry.messageFailed();
      this.log.info(
        {
          event: 'delivery',
          transition: 'failed',
          messageId: change.message.id,
          conversationId: change.message.conversationId,
          reason: 'recipient-deleted',
        },
        'message failed: its recipient deleted their account',
      );
    }
    wakeUp(this.store.notifier, [
      ...deletion.appended,
      ...deletion.failed.flatMap((change) => change.appended),
    ]);

    let anonymized = 0;
    for (;;) {
      const count = await this.store.users.anonymizeSentBatch(userId, at, ANONYMIZE_BATCH);
      anonymized += count;
      if (count < ANONYMIZE_BATCH) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.log.info(
      {
        event: 'account-deleted',
        userId,
        sessionsEnded: deletion.endedSessionIds.length,
        messagesAnonymized: anonymized,
        messagesFailed: deletion.failed.length,
      },
      'account deleted',
    );
  }
}
