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
    editedAt: null,
    deletedAt: null,
    replyTo: null,
    attachment: null,
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

/** Accepts an incoming message and settles it at once, as a handler that succeeded. */
const handled = (ledger: EventLedger, eventId: string, id: string) => {
  const decision = ledger.accept(eventId, message(id));
  if (decision.pending) ledger.settle(decision.pending);
  return decision;
};

describe('EventLedger', () => {
  it('surfaces new events and advances the cursor; an incoming message is pending until settled', () => {
    const ledger = new EventLedger('me');
    expect(ledger.accept('1', message('m1'))).toEqual({
      surface: true,
      ack: null,
      advanced: true,
      pending: 'm1',
    });
    expect(ledger.accept('2', status('x'))).toEqual({
      surface: true,
      ack: null,
      advanced: true,
      pending: null,
    });
    expect(ledger.cursor).toBe('2');
    expect(ledger.settle('m1')).toBe(true);
    expect(ledger.settle('m1')).toBe(false);
  });

  it('drops replayed events at or below the cursor and re-acks handled messages', () => {
    const ledger = new EventLedger('me');
    ledger.accept('5', status('a'));
    handled(ledger, '6', 'm6');
    expect(ledger.accept('5', status('a')).surface).toBe(false);
    expect(ledger.accept('6', message('m6'))).toEqual({
      surface: false,
      ack: 'm6',
      advanced: false,
      pending: null,
    });
    expect(ledger.cursor).toBe('6');
  });

  it('surfaces a re-pushed message once but acks every copy, keeping the cursor', () => {
    const ledger = new EventLedger('me');
    handled(ledger, '10', 'm10');
    handled(ledger, '11', 'm11');
    ledger.accept('12', status('s'));
    // The server pushes m10 again with its original, older event id: not acked yet.
    expect(ledger.accept('10', message('m10'))).toEqual({
      surface: false,
      ack: 'm10',
      advanced: false,
      pending: null,
    });
    expect(ledger.cursor).toBe('12');
  });

  it('drops copies while a message is in hand, and surfaces it again once its handler failed', () => {
    const ledger = new EventLedger('me');
    expect(ledger.accept('3', message('m3')).pending).toBe('m3');
    expect(ledger.accept('3', message('m3'))).toMatchObject({ surface: false, ack: null });
    ledger.release('m3');
    expect(ledger.accept('3', message('m3'))).toMatchObject({ surface: true, pending: 'm3' });
    ledger.settle('m3');
    expect(ledger.accept('3', message('m3'))).toMatchObject({ surface: false, ack: 'm3' });
  });

  it('resumes from just before the oldest message not handled yet', () => {
    const ledger = new EventLedger('me');
    handled(ledger, '8', 'm8');
    ledger.accept('9', message('m9'));
    ledger.accept('10', message('m10'));
    ledger.accept('11', status('s'));
    expect(ledger.cursor).toBe('11');
    expect(ledger.resumeCursor).toBe('8');
    ledger.settle('m9');
    expect(ledger.resumeCursor).toBe('9');
    ledger.settle('m10');
    expect(ledger.resumeCursor).toBe('11');
  });

  it('after a restart, replays an unsettled message but not the events around it', () => {
    const first = new EventLedger('me');
    first.accept('20', message('m20')); // the process dies while its handler runs
    first.accept('21', status('s'));
    handled(first, '22', 'm22');
    const second = new EventLedger(
      'me',
      parseLedgerSnapshot(JSON.parse(JSON.stringify(first.snapshot()))),
    );
    expect(second.resumeCursor).toBe('19');
    expect(second.accept('20', message('m20'))).toMatchObject({ surface: true, pending: 'm20' });
    expect(second.accept('21', status('s')).surface).toBe(false);
    expect(second.accept('22', message('m22'))).toMatchObject({ surface: false, ack: 'm22' });
  });

  it('surfaces a message first seen through a re-push with an old id', () => {
    const ledger = new EventLedger('me', { cursor: '50', seen: [] });
    expect(ledger.accept('7', message('m7'))).toEqual({
      surface: true,
      ack: null,
      advanced: false,
      pending: 'm7',
    });
  });

  it('surfaces your own messages from another session once, without an ack; acks a deleted sender’s', () => {
    const ledger = new EventLedger('me');
    expect(ledger.accept('1', message('m1', 'me'))).toEqual({
      surface: true,
      ack: null,
      advanced: true,
      pending: null,
    });
    expect(ledger.accept('1', message('m1', 'me')).surface).toBe(false);
    expect(ledger.accept('2', message('m2', null)).pending).toBe('m2');
  });

  it('restores cursor and dedupe memory from a snapshot (restart)', () => {
    const first = new EventLedger('me');
    for (let i = 1; i <= 5; i++) handled(first, String(i), `m${i}`);
    const snapshot = parseLedgerSnapshot(JSON.parse(JSON.stringify(first.snapshot())));
    const second = new EventLedger('me', snapshot);
    expect(second.cursor).toBe('5');
    expect(second.resumeCursor).toBe('5');
    expect(second.accept('3', message('m3'))).toMatchObject({ surface: false, ack: 'm3' });
    expect(second.accept('6', message('m6')).surface).toBe(true);
  });

  it('bounds its dedupe memory, forgetting the oldest ids first', () => {
    const ledger = new EventLedger('me', null, 3);
    for (let i = 1; i <= 5; i++) handled(ledger, String(i), `m${i}`);
    expect(ledger.snapshot().seen).toEqual(['m3', 'm4', 'm5']);
  });

  it('bounds the unsettled messages, so one never acknowledged cannot hold the cursor back forever', () => {
    const ledger = new EventLedger('me', null, 2000, 2);
    for (let i = 1; i <= 4; i++) ledger.accept(String(i), message(`m${i}`));
    expect(ledger.resumeCursor).toBe('2');
  });

  it('rejects malformed snapshots', () => {
    expect(parseLedgerSnapshot(null)).toBeNull();
    expect(parseLedgerSnapshot({ cursor: 'abc', seen: [] })).toBeNull();
    expect(
      parseLedgerSnapshot({
        cursor: null,
        seen: ['a', 3],
        unsettled: [
          ['m', 'x'],
          ['n', '4'],
        ],
      }),
    ).toEqual({
      cursor: null,
      seen: ['a'],
      unsettled: [['n', '4']],
    });
  });
});
