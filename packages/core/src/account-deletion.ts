import type { Store } from '@parley/db';
import type { ClientMeta } from './account-service.js';
import type { DeliveryTelemetry } from './delivery-telemetry.js';
import { DomainError, unauthorized } from './domain-error.js';
import type { LiveEventFeed } from './live-event-feed.js';
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
    private readonly feed: LiveEventFeed,
    private readonly hasher: PasswordHasher,
    private readonly rateLimits: RateLimits,
    private readonly revocations: RevocationList,
    private readonly telemetry: DeliveryTelemetry,
    private readonly log: Logger,
  ) {}

  async delete(userId: string, password: string, meta: ClientMeta): Promise<void> {
    const user = await this.store.users.findById(userId);
    if (!user || user.deletedAt !== null) throw unauthorized();
    // The same failed-password limit as login, so parallel guesses cannot slip past it.
    const valid = await this.rateLimits.guardLogin(meta.ip, () =>
      this.hasher.verify(password, user.passwordHash),
    );
    if (!valid) {
      // Not UNAUTHORIZED: the caller's session is fine, only the confirmation is wrong.
      throw new DomainError('BAD_REQUEST', 'Wrong password.', {
        fieldErrors: { password: ['Wrong password.'] },
      });
    }

    const at = Date.now();
    const deletion = await this.store.users.deleteAccount(userId, at);
    if (!deletion) throw unauthorized();
    // Files already sent stay: they are part of the peers' history, like the messages.
    const uploadsRemoved = await this.store.files.removeUnsentOf(userId);
    for (const sessionId of deletion.endedSessionIds) this.revocations.revoke(sessionId, at);
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
    this.feed.publish([
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
        uploadsRemoved,
      },
      'account deleted',
    );
  }
}
