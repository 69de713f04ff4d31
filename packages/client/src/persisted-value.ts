import type { KeyValueStorage } from './storage.js';

/**
 * One JSON value in a KeyValueStorage, written behind: `save()` only marks it dirty, and at most one write is
 * in flight, always of the latest value. A burst of a thousand changes costs a few writes, not a thousand.
 */
export class PersistedValue<T> {
  private dirty = false;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly storage: KeyValueStorage,
    readonly key: string,
    private readonly current: () => T,
  ) {}

  /** The stored value, or null when there is none or it cannot be parsed. */
  async load(): Promise<unknown> {
    try {
      const text = await this.storage.getItem(this.key);
      return text === null ? null : (JSON.parse(text) as unknown);
    } catch {
      return null;
    }
  }

  /** Schedules a write of the current value. */
  save(): void {
    this.dirty = true;
    this.writing ??= this.writeLoop();
  }

  /** Resolves once every change saved so far is written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Drops pending writes and removes the value. */
  async remove(): Promise<void> {
    this.dirty = false;
    await this.flush();
    await this.storage.removeItem(this.key);
  }

  private async writeLoop(): Promise<void> {
    try {
      await Promise.resolve();
      while (this.dirty) {
        this.dirty = false;
        try {
          await this.storage.setItem(this.key, JSON.stringify(this.current()));
        } catch {
          // A full or broken storage must not break messaging; the next change tries again.
        }
      }
    } finally {
      this.writing = null;
    }
  }
}
