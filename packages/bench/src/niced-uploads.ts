import { getPriority, setPriority } from 'node:os';
import { Child } from './child-process.js';
import type { Uploader } from './file-load.js';
import type { UploadChildFigures } from './upload-child.js';

/** The niceness of the upload process: it runs when the server and the generator leave a core idle. */
export const UPLOADER_NICENESS = 10;

export type NicedUploads = {
  /** The upload process's id. */
  pid: number;
  /** Stops the uploads (each finishes the upload in flight) and the process; their figures. */
  stop(): Promise<UploadChildFigures>;
};

/**
 * Starts `uploaders` uploading `fileBytes` files back to back in a child process at a lower CPU
 * priority (upload-child.ts says why). `script` is the built upload-child.js (beside this module
 * once built; tests, which run the sources, name it).
 */
export async function startNicedUploads(
  uploaders: Uploader[],
  fileBytes: number,
  script: URL = new URL('./upload-child.js', import.meta.url),
): Promise<NicedUploads> {
  const child = await Child.start(script);
  try {
    // Never towards a higher priority: that needs privileges (a bench already niced stays so).
    setPriority(child.pid, Math.max(getPriority(child.pid), UPLOADER_NICENESS));
    await child.request({ cmd: 'uploads-start', uploaders, fileBytes });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    pid: child.pid,
    async stop() {
      try {
        return await child.request<UploadChildFigures>({ cmd: 'uploads-stop' });
      } finally {
        await child.stop();
      }
    },
  };
}
