import { describe, expect, it } from 'vitest';
import { WireCounters, webSocketFrameBytes } from './wire-counters.js';

describe('webSocketFrameBytes', () => {
  it('adds the header, the extended length and the client mask (RFC 6455)', () => {
    expect(webSocketFrameBytes(4, false)).toBe(6);
    expect(webSocketFrameBytes(4, true)).toBe(10);
    expect(webSocketFrameBytes(125, false)).toBe(127);
    expect(webSocketFrameBytes(126, false)).toBe(130);
    expect(webSocketFrameBytes(65_535, true)).toBe(65_543);
    expect(webSocketFrameBytes(65_536, false)).toBe(65_546);
  });
});

describe('WireCounters', () => {
  it('counts frames and bytes each way', () => {
    const counters = new WireCounters();
    counters.received(100);
    counters.received(200);
    counters.sent(10);
    expect(counters.snapshot()).toEqual({
      framesReceived: 2,
      bytesReceived: 306,
      framesSent: 1,
      bytesSent: 16,
    });
  });
});
