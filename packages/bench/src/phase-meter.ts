import type { Child } from './child-process.js';
import type { CpuSampler } from './cpu-sampler.js';
import type { CpuWindow } from './cpu-window.js';
import { phaseFigures, type PhaseCpu } from './phase-figures.js';
import type { RuntimeCounters } from './runtime-counters.js';
import { generatorWire, type WireSnapshot } from './wire-counters.js';

export type PhaseMark = {
  window: CpuWindow;
  startedAt: number;
  runtime: RuntimeCounters[];
  wire: WireSnapshot;
};

/**
 * Per-phase cost: CPU of the server processes (and PostgreSQL's) from /proc, event-loop
 * utilization and GC pauses from each server process over IPC, and WebSocket frames counted by
 * the generator — all divided by the messages delivered in the phase.
 */
export class PhaseMeter {
  private servers: Child[] = [];

  constructor(private readonly sampler: CpuSampler) {}

  /** The server processes the next phases run against, and whether they use PostgreSQL. */
  measure(servers: Child[], withPostgres: boolean): void {
    this.servers = servers;
    this.sampler.serverPids = servers.map((child) => child.pid);
    this.sampler.includePostgres = withPostgres && this.sampler.postgres !== null;
  }

  async begin(): Promise<PhaseMark> {
    const runtime = await this.runtime();
    return {
      window: this.sampler.open(),
      startedAt: performance.now(),
      runtime,
      wire: generatorWire.snapshot(),
    };
  }

  async end(mark: PhaseMark, delivered: number): Promise<PhaseCpu> {
    const wallMs = performance.now() - mark.startedAt;
    const cpu = this.sampler.close(mark.window);
    const wireAfter = generatorWire.snapshot();
    const after = await this.runtime();
    return phaseFigures({
      wallMs,
      delivered,
      cpu,
      runtime: mark.runtime.map((before, i) => ({ before, after: after[i] ?? before })),
      wireBefore: mark.wire,
      wireAfter,
      withPostgres: this.sampler.includePostgres,
    });
  }

  private runtime(): Promise<RuntimeCounters[]> {
    return Promise.all(
      this.servers.map((child) => child.request<RuntimeCounters>({ cmd: 'runtime' })),
    );
  }
}
