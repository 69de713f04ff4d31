import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { KeyValueStorage } from './storage.js';

/** A storage kept in a JSON file, written synchronously: what survives a process restart. */
export function fileStorage(path: string): KeyValueStorage {
  const read = (): Record<string, string> =>
    existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : {};
  return {
    getItem: (key) => read()[key] ?? null,
    setItem: (key, value) => {
      writeFileSync(path, JSON.stringify({ ...read(), [key]: value }));
    },
    removeItem: (key) => {
      const { [key]: _removed, ...rest } = read();
      writeFileSync(path, JSON.stringify(rest));
    },
  };
}
