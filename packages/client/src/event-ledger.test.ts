import type { ChatEvent, Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { compareEventIds, EventLedger, parseLedgerSnapshot } from './event-ledger.js';

const message = (id: string, senderId: string | null = 'peer'): ChatEvent => ({
  type: 'message',
  message: {
    id,
    clientId: `c-${id}`,
    conversationId: 'conv',
    senderId,
    senderName: senderId ?? 'Deleted User',
    anonymized: senderId === null,
    body: `body ${id}`,
    createdAt: 1,
    status: 'sent',
    deliveredAt: null,
  } satisfies Message,
});
const status = (messageId: string): ChatEvent => ({
  type: 'status',
  conversationId: 'conv',
  messageId,
  clientId: `c-${messageId}`,
  status: 'delivered',
  at: 1,
});

describe('compareEventIds', () => {
  it('orders decimal ids numerically, beyond 2^53 too', () => {
    expect(compareEventIds('9', '10')).toBe(-1);
    expect(compareEventIds('10', '9')).toBe(1);
    expect(compareEventIds('42', '42')).toBe(0);
    expect(compareEventIds('9007199254740993', '9007199254740992')).toBe(1);
    expect(compareEventIds('007', '7')).toBe(0);
  });
});

describe('EventLedger', () => {
  it('surfaces new events, advances the cursor and acks incoming messages', () => {
    const ledger = new EventLedger('me');
    expect(ledger.accept('1', message('m1'))).toEqual({ surface: true, ack: 'm1', advanced: true });
    expect(ledger.accept('2', status('x'))).toEqual({ surface: true, ack: null, advanced: true });
    expect(ledger.cursor).toBe('2');
  });

  it('drops replayed events at or below the cursor', () => {
    const ledger = new EventLedger('me');
    ledger.accept('5', status('a'));
    ledger.accept('6', message('m6'));
    expect(ledger.accept('5', status('a')).surface).toBe(false);
    expect(ledger.accept('6', message('m6'))).toEqual({
      surface: false,
      ack: 'm6',
      advanced: false,
    });
    expect(ledger.cursor).toBe('6');
  });

  it('surfaces a re-pushed message once but acks every copy, keeping the cursor', () => {
    const ledger = new EventLedger('me');
    ledger.accept('10', message('m10'));
    ledger.accept('11', message('m11'));
    ledger.accept('12', status('s'));
    // The server pushes m10 again with its original, older event id: not acked yet.
    expect(ledger.accept('10', message('m10'))).toEqual({
      surface: false,
      ack: 'm10',
      advanced: false,
    });
    expect(ledger.cursor).toBe('12');
  });

  it('surfaces a message first seen through a re-push with an old id', () => {
    const ledger = new EventLedger('me', { cursor: '50', seen: [] });
    expect(ledger.accept('7', message('m7'))).toEqual({
      surface: true,
      ack: 'm7',
      advanced: false,
    });
    expect(ledger.accept('7', message('m7')).surface).toBe(false);
  });

  it('does not ack your own messages from another session; does ack a deleted sender’s', () => {
    const ledger = new EventLedger('me');
    expect(ledger.accept('1', message('m1', 'me')).ack).toBeNull();
    expect(ledger.accept('2', message('m2', null)).ack).toBe('m2');
  });

  it('restores cursor and dedupe memory from a snapshot (restart)', () => {
    const first = new EventLedger('me');
    for (let i = 1; i <= 5; i++) first.accept(String(i), message(`m${i}`));
    const snapshot = parseLedgerSnapshot(JSON.parse(JSON.stringify(first.snapshot())));
    const second = new EventLedger('me', snapshot);
    expect(second.cursor).toBe('5');
    expect(second.accept('3', message('m3'))).toEqual({
      surface: false,
      ack: 'm3',
      advanced: false,
    });
    expect(second.accept('6', message('m6')).surface).toBe(true);
  });

  it('bounds its dedupe memory, forgetting the oldest ids first', () => {
    const ledger = new EventLedger('me', null, 3);
    for (let i = 1; i <= 5; i++) ledger.accept(String(i), message(`m${i}`));
    expect(ledger.snapshot().seen).toEqual(['m3', 'm4', 'm5']);
  });

  it('rejects malformed snapshots', () => {
    expect(parseLedgerSnapshot(null)).toBeNull();
    expect(parseLedgerSnapshot({ cursor: 'abc', seen: [] })).toBeNull();
    expect(parseLedgerSnapshot({ cursor: null, seen: ['a', 3] })).toEqual({
      cursor: null,
      seen: ['a'],
    });
  });
});
