import type { Uploader } from './file-load.js';

/** Requests the generator sends to a child process over the IPC channel, and the answers. */
export type ChildRequest =
  | { id: number; cmd: 'stats'; gc?: boolean }
  /** Event-loop utilization and GC counters (RuntimeCounters), cheap enough to ask per phase. */
  | { id: number; cmd: 'runtime' }
  | { id: number; cmd: 'seed'; users: number; messages: number; password: string }
  | { id: number; cmd: 'storm-users'; count: number; password: string; cost: number }
  /** The upload child (upload-child.ts): start the uploaders, then stop them for their figures. */
  | { id: number; cmd: 'uploads-start'; uploaders: Uploader[]; fileBytes: number }
  | { id: number; cmd: 'uploads-stop' };

export type ChildStats = {
  rssBytes: number;
  heapUsedBytes: number;
  /** process.cpuUsage() in µs since the child started. */
  cpuUserMicros: number;
  cpuSystemMicros: number;
  connections: number;
  /** Messages stored and not yet delivered (Parley's offline queue; 0 for the relay). */
  queueDepth: number;
};

export type SeedResult = {
  users: number;
  messages: number;
  seconds: number;
  /** The user whose conversations carry most messages (for history and search queries). */
  heavyUsername: string;
  heavyConversationIds: string[];
  /**
   * A user with a few hundred messages spread over the whole seeding: the common word (in one
   * message of ten overall) is in exactly 3 of them, the rare word (one in 10,000) in 1.
   */
  searcherUsername: string;
  commonWord: string;
  rareWord: string;
  usernamePrefixes: string[];
};

export type ChildAnswer =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** The first message a child sends: where it listens. */
export type ChildReady = {
  ready: true;
  port: number;
  /** Removed by the parent if the child dies. */ dataDir?: string;
};
