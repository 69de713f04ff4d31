/**
 * The files phase's concurrent uploaders in a process of their own, which the generator starts at
 * a lower CPU priority: stand-ins for people on other machines. In the generator's process they
 * delayed the event loop that timestamps deliveries, and at equal priority they took the two
 * cores from the server and the generator; niced, they get the CPU the machine has to spare. The
 * server's own work for the uploads (reading, hashing, writing) is unchanged.
 */
import { startConcurrentUploads, type ConcurrentUploadFigures } from './file-load.js';
import type { ChildAnswer, ChildReady, ChildRequest } from './ipc.js';

export type UploadChildFigures = ConcurrentUploadFigures & {
  /** CPU of this process (all threads) while the uploads ran, in % of one core. */
  uploaderCpuPercent: number;
};

let running: {
  uploads: ReturnType<typeof startConcurrentUploads>;
  cpu: NodeJS.CpuUsage;
  startedAt: number;
} | null = null;

const handle = async (request: ChildRequest): Promise<unknown> => {
  switch (request.cmd) {
    case 'uploads-start':
      if (running) throw new Error('the uploads are already running');
      running = {
        uploads: startConcurrentUploads(request.uploaders, request.fileBytes),
        cpu: process.cpuUsage(),
        startedAt: performance.now(),
      };
      return null;
    case 'uploads-stop': {
      if (!running) throw new Error('no uploads are running');
      const { uploads, cpu, startedAt } = running;
      running = null;
      const figures = await uploads.stop();
      const used = process.cpuUsage(cpu);
      const wallMicros = Math.max(1, (performance.now() - startedAt) * 1000);
      return {
        ...figures,
        uploaderCpuPercent: Math.round(((used.user + used.system) / wallMicros) * 1000) / 10,
      } satisfies UploadChildFigures;
    }
    default:
      throw new Error(`the upload child does not do ${request.cmd}`);
  }
};

process.on('message', (raw) => {
  const request = raw as ChildRequest;
  handle(request).then(
    (result) => process.send?.({ id: request.id, ok: true, result } satisfies ChildAnswer),
    (error: unknown) =>
      process.send?.({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ChildAnswer),
  );
});
process.once('disconnect', () => process.exit(0));
process.send?.({ ready: true, port: 0 } satisfies ChildReady);
