import type { MessageRecord, PeerRecord } from '@parley/db';
import { DELETED_USER_NAME, type Message, type Peer } from '@parley/protocol';

export const toMessage = (record: MessageRecord): Message => ({
  id: record.id,
  clientId: record.clientId,
  conversationId: record.conversationId,
  senderId: record.anonymized ? null : record.senderId,
  senderName:
    record.anonymized || record.senderName === null ? DELETED_USER_NAME : record.senderName,
  anonymized: record.anonymized,
  body: record.body,
  createdAt: record.createdAt,
  status: record.status,
  deliveredAt: record.deliveredAt,
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  attachment: null,
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
