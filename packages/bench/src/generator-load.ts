import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The generator's own CPU use (% of one core) and event-loop delay over a measured span. */
export class GeneratorLoad {
  private readonly delay = monitorEventLoopDelay({ resolution: 10 });
  private cpu = process.cpuUsage();
  private startedAt = performance.now();

  constructor() {
    this.delay.enable();
  }

  restart(): void {
    this.delay.reset();
    this.cpu = process.cpuUsage();
    this.startedAt = performance.now();
  }

  read(): { cpuPercent: number; eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number } {
    const used = process.cpuUsage(this.cpu);
    const wallMicros = (performance.now() - this.startedAt) * 1000;
    return {
      cpuPercent: Math.round(((used.user + used.system) / Math.max(1, wallMicros)) * 1000) / 10,
      eventLoopDelayP99Ms: Math.round(this.delay.percentile(99) / 1e4) / 100,
      eventLoopDelayMaxMs: Math.round(this.delay.max / 1e4) / 100,
    };
  }

  close(): void {
    this.delay.disable();
  }
}
