import { statfs } from 'node:fs/promises';
import type { Logger } from '@parley/core';

/** The part of `fs.statfs` the check reads: block counts of the filesystem holding a path. */
export type FilesystemReading = { blocks: number; bavail: number; bsize: number };
export type ReadFilesystem = (path: string) => Promise<FilesystemReading>;

export const readFilesystem: ReadFilesystem = async (path) => {
  const stats = await statfs(path);
  return { blocks: stats.blocks, bavail: stats.bavail, bsize: stats.bsize };
};

export type DiskStatus = {
  /** The path whose volume is the fullest. */
  path: string;
  usedRatio: number;
  freeBytes: number;
  totalBytes: number;
  low: boolean;
};

export type DiskCheckOptions = {
  /**
   * The data directory and what else Parley writes to (the files folder), which may be another
   * volume: each is read, and the fullest is reported.
   */
  paths: string[];
  log: Logger;
  /** Where the reading comes from; tests inject a fake volume. @default fs.statfs */
  read?: ReadFilesystem;
  /** @default 0.8 */
  warnRatio?: number;
  /** Receives every reading (the metrics gauges). */
  onReading?: (status: DiskStatus) => void;
};

/**
 * Reads how full the data volume is. Past `warnRatio` used it logs a warning on every check, so an
 * operator's log alerting sees it until space is freed; the gauge follows every reading.
 * "Used" counts what an unprivileged writer cannot use (blocks − bavail), like `df`.
 */
export class DiskCheck {
  private readonly read: ReadFilesystem;
  private readonly warnRatio: number;

  constructor(private readonly options: DiskCheckOptions) {
    this.read = options.read ?? readFilesystem;
    this.warnRatio = options.warnRatio ?? 0.8;
  }

  async check(): Promise<DiskStatus | null> {
    let fullest: DiskStatus | null = null;
    for (const path of this.options.paths) {
      const status = await this.readOne(path);
      if (status && (fullest === null || status.usedRatio > fullest.usedRatio)) fullest = status;
    }
    if (fullest === null) return null;
    this.options.onReading?.(fullest);
    if (fullest.low) {
      this.options.log.warn(
        {
          event: 'disk-low',
          path: fullest.path,
          usedPercent: Math.round(fullest.usedRatio * 1000) / 10,
          freeBytes: fullest.freeBytes,
          totalBytes: fullest.totalBytes,
          thresholdPercent: Math.round(this.warnRatio * 100),
        },
        'the data volume is nearly full',
      );
    }
    return fullest;
  }

  private async readOne(path: string): Promise<DiskStatus | null> {
    let reading: FilesystemReading;
    try {
      reading = await this.read(path);
    } catch (error) {
      this.options.log.warn(
        { event: 'disk-check-failed', err: error, path },
        'could not read the free space of the data volume',
      );
      return null;
    }
    const totalBytes = reading.blocks * reading.bsize;
    const freeBytes = reading.bavail * reading.bsize;
    const usedRatio = reading.blocks > 0 ? 1 - reading.bavail / reading.blocks : 0;
    return { path, usedRatio, freeBytes, totalBytes, low: usedRatio >= this.warnRatio };
  }
}
