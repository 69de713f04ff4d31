import { EventEmitter } from 'node:events';
import type { Notifier } from './store.js';

/** Wake-ups within one process: enough when one server process owns the SQLite file. */
export class InProcessNotifier implements Notifier {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per live subscription: thousands are normal, not a leak.
    this.emitter.setMaxListeners(0);
  }

  publish(topic: string, message: string): void {
    this.emitter.emit(topic, message);
  }

  subscribe(topic: string, listener: (message: string) => void): () => void {
    this.emitter.on(topic, listener);
    return () => this.emitter.off(topic, listener);
  }

  /** One process sees every publish: nothing is ever missed. */
  onResync(_listener: () => void): () => void {
    return () => undefined;
  }
}
