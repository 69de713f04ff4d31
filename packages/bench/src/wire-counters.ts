/**
 * WebSocket frames and bytes as the generator sees them: what it receives is exactly what the
 * server(s) wrote to its sockets, so counting here costs the server nothing.
 */
export class WireCounters {
  /** Frames and bytes from the server to the generator (the server's writes). */
  framesReceived = 0;
  bytesReceived = 0;
  /** Frames and bytes from the generator to the server. */
  framesSent = 0;
  bytesSent = 0;

  /** A frame of `payloadBytes` the server sent (unmasked). */
  received(payloadBytes: number): void {
    this.framesReceived += 1;
    this.bytesReceived += webSocketFrameBytes(payloadBytes, false);
  }

  /** A frame of `payloadBytes` the generator sent (clients mask theirs). */
  sent(payloadBytes: number): void {
    this.framesSent += 1;
    this.bytesSent += webSocketFrameBytes(payloadBytes, true);
  }

  snapshot(): WireSnapshot {
    const { framesReceived, bytesReceived, framesSent, bytesSent } = this;
    return { framesReceived, bytesReceived, framesSent, bytesSent };
  }
}

export type WireSnapshot = Pick<
  WireCounters,
  'framesReceived' | 'bytesReceived' | 'framesSent' | 'bytesSent'
>;

/** A WebSocket frame on the wire (RFC 6455 §5.2): header, extended length, mask key, payload. */
export function webSocketFrameBytes(payloadBytes: number, masked: boolean): number {
  const extendedLength = payloadBytes < 126 ? 0 : payloadBytes < 65_536 ? 2 : 8;
  return 2 + extendedLength + (masked ? 4 : 0) + payloadBytes;
}

/** The one set of counters every load client of this process adds to. */
export const generatorWire = new WireCounters();
