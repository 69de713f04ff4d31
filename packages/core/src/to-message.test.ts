import type { MessageRecord } from '@parley/db';
import { DELETED_USER_NAME } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { toMessage } from './to-message.js';

const record = (fields: Partial<MessageRecord> = {}): MessageRecord => ({
  id: '7',
  conversationId: 'c',
  clientId: 'k',
  senderId: 'u1',
  recipientId: 'u2',
  senderName: 'alice',
  anonymized: false,
  body: 'hello',
  createdAt: 1,
  status: 'delivered',
  deliveredAt: 2,
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  attachment: null,
  ...fields,
});

describe('toMessage', () => {
  it('carries editedAt and deletedAt, and a tombstone never carries text', () => {
    expect(toMessage(record({ editedAt: 5 }))).toMatchObject({ body: 'hello', editedAt: 5 });
    expect(toMessage(record({ deletedAt: 9, body: 'stale' }))).toMatchObject({
      body: '',
      deletedAt: 9,
      attachment: null,
    });
  });

  it('carries the attachment, except on a tombstone', () => {
    const attachment = { fileId: 'f1', name: 'a.pdf', size: 3, contentType: 'application/pdf' };
    expect(toMessage(record({ attachment })).attachment).toEqual(attachment);
    expect(toMessage(record({ attachment, deletedAt: 9 })).attachment).toBeNull();
  });

  it('quotes the first 100 code points of a reply’s original, never half an emoji', () => {
    const body = `${'a'.repeat(99)}😀😀 and more`;
    const message = toMessage(
      record({ replyTo: { id: '3', senderName: 'bob', body, deleted: false } }),
    );
    expect(message.replyTo).toEqual({
      id: '3',
      senderName: 'bob',
      excerpt: `${'a'.repeat(99)}😀`,
      deleted: false,
    });
    expect(
      toMessage(record({ replyTo: { id: '3', senderName: 'bob', body: 'short', deleted: false } }))
        .replyTo?.excerpt,
    ).toBe('short');
  });

  it('shows a deleted original with an empty excerpt, and a deleted account by the usual name', () => {
    expect(
      toMessage(record({ replyTo: { id: '3', senderName: null, body: 'gone', deleted: true } }))
        .replyTo,
    ).toEqual({ id: '3', senderName: DELETED_USER_NAME, excerpt: '', deleted: true });
  });
});
