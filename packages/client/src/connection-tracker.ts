import { Emitter } from './emitter.js';

/** The live connection as a UI shows it. */
export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'online' }
  /** Lost; the next attempt starts at `retryAt` (epoch ms): show "reconnecting in N s". */
  | { kind: 'reconnecting'; retryAt: number }
  /** Signed out, or the client was closed. */
  | { kind: 'offline' };

const same = (a: ConnectionState, b: ConnectionState): boolean =>
  a.kind === b.kind &&
  (a.kind !== 'reconnecting' || (b.kind === 'reconnecting' && a.retryAt === b.retryAt));

/** Holds the connection state, notifies on change, and turns `reconnecting` into `connecting` once retryAt passes. */
export class ConnectionTracker {
  private state: ConnectionState = { kind: 'offline' };
  private readonly changes = new Emitter<[ConnectionState]>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** How many times the connection went from online to lost. */
  drops = 0;

  get(): ConnectionState {
    return this.state;
  }

  onChange(listener: (state: ConnectionState) => void): () => void {
    return this.changes.add(listener);
  }

  set(next: ConnectionState): void {
    // Two parts of the client (the socket and a stream) may each schedule a retry: the earlier one
    // is what happens first, so a later one never makes a running countdown jump up.
    if (
      next.kind === 'reconnecting' &&
      this.state.kind === 'reconnecting' &&
      this.state.retryAt > Date.now() &&
      next.retryAt > this.state.retryAt
    )
      return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.state.kind === 'online' && next.kind !== 'online' && next.kind !== 'offline')
      this.drops++;
    if (next.kind === 'reconnecting') {
      this.timer = setTimeout(
        () => {
          this.timer = null;
          if (this.state.kind === 'reconnecting') this.set({ kind: 'connecting' });
        },
        Math.max(0, next.retryAt - Date.now()),
      );
    }
    if (same(this.state, next)) return;
    this.state = next;
    this.changes.emit(next);
  }

  close(): void {
    this.set({ kind: 'offline' });
    this.changes.clear();
  }
}
