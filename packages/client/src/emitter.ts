/** A minimal listener set. A throwing listener does not stop the others nor the client: its error is reported. */
export class Emitter<Args extends unknown[]> {
  private readonly listeners = new Set<(...args: Args) => void>();

  constructor(
    private readonly report: (error: unknown) => void = (error) =>
      console.error('[parley] a listener failed:', error),
  ) {}

  add(listener: (...args: Args) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(...args: Args): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(...args);
      } catch (error) {
        this.report(error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
