import type { MessageRecord, PeerRecord, ReplyRecord } from '@parley/db';
import {
  DELETED_USER_NAME,
  limits,
  type Message,
  type Peer,
  type ReplyRef,
} from '@parley/protocol';

/** The first `count` code points (never half of a surrogate pair). */
const firstCodePoints = (text: string, count: number): string => {
  let end = 0;
  let seen = 0;
  for (const character of text) {
    if (seen === count) break;
    end += character.length;
    seen += 1;
  }
  return text.slice(0, end);
};

export const toReplyRef = (record: ReplyRecord): ReplyRef => ({
  id: record.id,
  senderName: record.senderName ?? DELETED_USER_NAME,
  excerpt: record.deleted ? '' : firstCodePoints(record.body, limits.replyExcerptCodePoints),
  deleted: record.deleted,
});

export const toMessage = (record: MessageRecord): Message => ({
  id: record.id,
  clientId: record.clientId,
  conversationId: record.conversationId,
  senderId: record.anonymized ? null : record.senderId,
  senderName:
    record.anonymized || record.senderName === null ? DELETED_USER_NAME : record.senderName,
  anonymized: record.anonymized,
  // A deleted message is a tombstone: its text is gone, whatever a stale record still holds.
  body: record.deletedAt === null ? record.body : '',
  createdAt: record.createdAt,
  status: record.status,
  deliveredAt: record.deliveredAt,
  editedAt: record.editedAt,
  deletedAt: record.deletedAt,
  replyTo: record.replyTo ? toReplyRef(record.replyTo) : null,
  // A tombstone has no file, even in a record read before the file was removed.
  attachment: record.deletedAt === null ? record.attachment : null,
});

export const toPeer = (record: PeerRecord, online: boolean): Peer =>
  record.deleted
    ? { id: null, username: DELETED_USER_NAME, online: false, lastSeenAt: null, deleted: true }
    : {
        id: record.id,
        username: record.username,
        online,
        lastSeenAt: record.lastSeenAt,
        deleted: false,
      };
