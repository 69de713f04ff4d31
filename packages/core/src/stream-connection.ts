/**
 * The WebSocket connection a call came over, as the delivery path sees it (core knows no sockets).
 * Its identity (the object itself) tells a stream which of the live messages its own connection
 * sent, and its backlog tells redelivery to wait while the connection is not draining.
 */
export interface StreamConnection {
  /** Bytes queued on the connection that the network has not taken yet. */
  bufferedBytes(): number;
}
