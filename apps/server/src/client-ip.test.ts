import { describe, expect, it } from 'vitest';
import { clientIp } from './client-ip.js';

describe('clientIp', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientIp('127.0.0.1', undefined, 0)).toBe('127.0.0.1');
    expect(clientIp('127.0.0.1', '203.0.113.9', 0)).toBe('127.0.0.1');
    expect(clientIp('127.0.0.1', ['203.0.113.9', '198.51.100.1'], 0)).toBe('127.0.0.1');
  });

  it('unwraps IPv4 addresses of a dual-stack socket', () => {
    expect(clientIp('::ffff:192.0.2.5', undefined, 0)).toBe('192.0.2.5');
    expect(clientIp('::1', undefined, 0)).toBe('::1');
  });

  it('with one trusted hop takes the right-most entry (the one our proxy added)', () => {
    expect(clientIp('10.0.0.1', '192.0.2.10', 1)).toBe('192.0.2.10');
    // The client forged entries to the left: they change nothing.
    expect(clientIp('10.0.0.1', 'evil, 1.2.3.4, 192.0.2.10', 1)).toBe('192.0.2.10');
    expect(clientIp('10.0.0.1', '  1.2.3.4 ,192.0.2.10  ', 1)).toBe('192.0.2.10');
    expect(clientIp('10.0.0.1', '::ffff:192.0.2.10', 1)).toBe('192.0.2.10');
  });

  it('joins repeated X-Forwarded-For headers in order', () => {
    expect(clientIp('10.0.0.1', ['1.2.3.4', '192.0.2.10'], 1)).toBe('192.0.2.10');
    expect(clientIp('10.0.0.1', ['1.2.3.4, 5.6.7.8', '192.0.2.10'], 2)).toBe('5.6.7.8');
  });

  it('with two trusted hops skips the entry the second proxy added', () => {
    expect(clientIp('10.0.0.1', 'forged, 192.0.2.10, 10.0.0.2', 2)).toBe('192.0.2.10');
  });

  it('falls back to the socket address when the header is missing or empty', () => {
    expect(clientIp('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
    expect(clientIp('10.0.0.1', '', 1)).toBe('10.0.0.1');
    expect(clientIp('10.0.0.1', ' , ', 1)).toBe('10.0.0.1');
  });

  it('never goes further left than the header reaches (more hops trusted than present)', () => {
    expect(clientIp('10.0.0.1', '192.0.2.10', 3)).toBe('192.0.2.10');
  });

  it('names an unknown socket address', () => {
    expect(clientIp(undefined, undefined, 0)).toBe('unknown');
  });
});
