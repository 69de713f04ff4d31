import { describe, expect, it } from 'vitest';
import {
  ackInput,
  eventsInput,
  historyInput,
  registerInput,
  sendMessageInput,
  userSearchInput,
} from './inputs.js';
import { limits } from './limits.js';

const clientId = '6f1b3c1e-2f4d-4f0a-9a43-7a1c2b3d4e5f';

describe('sendMessageInput', () => {
  const parse = (body: string) =>
    sendMessageInput.safeParse({ conversationId: 'c1', clientId, body });

  it('takes exactly 5000 emoji and refuses 5001', () => {
    expect(parse('😀'.repeat(limits.messageMaxCodePoints)).success).toBe(true);
    expect(parse('😀'.repeat(limits.messageMaxCodePoints + 1)).success).toBe(false);
  });

  it('refuses empty and whitespace-only bodies and keeps surrounding whitespace', () => {
    expect(parse('').success).toBe(false);
    expect(parse(' \n\t ').success).toBe(false);
    expect(parse('  hi  ').data?.body).toBe('  hi  ');
  });

  it('refuses the NUL character in a body or an id (PostgreSQL text cannot hold it)', () => {
    expect(parse('a\0b').success).toBe(false);
    expect(parse('a\0b').error?.issues[0]?.message).toMatch(/NUL/);
    const withNulId = sendMessageInput.safeParse({ conversationId: 'c\0', clientId, body: 'x' });
    expect(withNulId.success).toBe(false);
  });

  it('requires the client id to be a UUID', () => {
    const result = sendMessageInput.safeParse({
      conversationId: 'c1',
      clientId: 'nope',
      body: 'x',
    });
    expect(result.success).toBe(false);
  });
});

describe('registerInput', () => {
  it('checks the username shape', () => {
    expect(registerInput.safeParse({ username: 'ab', password: 'x' }).success).toBe(false);
    expect(registerInput.safeParse({ username: 'bad name', password: 'x' }).success).toBe(false);
    expect(registerInput.safeParse({ username: 'al.ice_-9', password: 'x' }).success).toBe(true);
    expect(registerInput.safeParse({ username: 'a'.repeat(33), password: 'x' }).success).toBe(
      false,
    );
  });

  it('leaves long passwords to the named maxLength rule', () => {
    const long = { username: 'alice', password: 'x'.repeat(5000) };
    expect(registerInput.safeParse(long).success).toBe(true);
  });
});

describe('paging limits', () => {
  it('defaults and bounds the page sizes of docs/api.md', () => {
    expect(historyInput.parse({ conversationId: 'c' }).limit).toBe(50);
    expect(historyInput.safeParse({ conversationId: 'c', limit: 101 }).success).toBe(false);
    expect(userSearchInput.parse({ query: 'a' }).limit).toBe(20);
    expect(userSearchInput.safeParse({ query: 'a', limit: 0 }).success).toBe(false);
    expect(ackInput.safeParse({ messageIds: [] }).success).toBe(false);
    expect(
      ackInput.safeParse({ messageIds: Array.from({ length: 501 }, (_, i) => String(i)) }).success,
    ).toBe(false);
  });
});

describe('eventsInput', () => {
  it('accepts no input, null, or a decimal event id, and nothing else', () => {
    expect(eventsInput.safeParse(undefined).success).toBe(true);
    expect(eventsInput.safeParse({ lastEventId: null }).success).toBe(true);
    expect(eventsInput.safeParse({ lastEventId: '42' }).success).toBe(true);
    expect(eventsInput.safeParse({ lastEventId: '4e2' }).success).toBe(false);
    expect(eventsInput.safeParse({ lastEventId: '1; DROP TABLE events' }).success).toBe(false);
  });
});
