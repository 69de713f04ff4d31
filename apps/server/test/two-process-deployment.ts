import { afterAll, beforeAll } from 'vitest';
import { spawnServer, type ServerProcess } from './server-process.js';
import { temporaryDatabase } from './start-test-server.js';

export type TwoProcessDeployment = { first(): ServerProcess; second(): ServerProcess };

/**
 * Two server processes started at once on one fresh PostgreSQL database, for the describe block
 * that calls this (its beforeAll/afterAll); no disk is shared between them.
 */
export function twoProcessDeployment(): TwoProcessDeployment {
  let database: { url: string; drop(): Promise<void> } | undefined;
  let processes: ServerProcess[] = [];
  beforeAll(async () => {
    database = await temporaryDatabase();
    processes = await Promise.all([
      spawnServer({ DATABASE_URL: database.url }),
      spawnServer({ DATABASE_URL: database.url }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map((server) => server.stop()));
    await database?.drop();
  }, 60_000);
  const started = (index: number): ServerProcess => {
    const server = processes[index];
    if (!server) throw new Error('the two-process deployment has not started');
    return server;
  };
  return { first: () => started(0), second: () => started(1) };
}
