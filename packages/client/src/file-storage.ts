import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { KeyValueStorage } from './storage.js';

/**
 * A storage kept in one JSON file, for Node programs (bots, scripts, the `parley` CLI): the session, the event
 * cursor and the outbox survive a restart, so the program does not sign in again each time.
 *
 * The file holds a refresh token: it is created with mode 0600 (its directory, when created, 0700). Every
 * change rewrites it through a temporary file and a rename, so a crash leaves the old or the new content,
 * never half of one. A file that cannot be parsed counts as empty (the next write replaces it). One process
 * at a time should use a file: two would rotate the same refresh token.
 */
export function fileStorage(path: string): KeyValueStorage {
  let values: Map<string, string> | null = null;
  let loading: Promise<Map<string, string>> | null = null;
  /** Writes run one after another, each of the latest values. */
  let writing: Promise<void> = Promise.resolve();

  const load = (): Promise<Map<string, string>> => {
    if (values) return Promise.resolve(values);
    loading ??= (async () => {
      values = parse(await readFile(path, 'utf8').catch(() => null));
      return values;
    })();
    return loading;
  };

  const persist = (): Promise<void> => {
    const write = async () => {
      const current = values ?? new Map<string, string>();
      const directory = dirname(path);
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await writeFile(temporary, JSON.stringify(Object.fromEntries(current)), {
          mode: 0o600,
          flush: true,
        });
        await chmod(temporary, 0o600); // in case the umask took bits away or the file existed
        await rename(temporary, path);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    };
    writing = writing.then(write, write);
    return writing;
  };

  return {
    getItem: async (key) => (await load()).get(key) ?? null,
    setItem: async (key, value) => {
      (await load()).set(key, value);
      await persist();
    },
    removeItem: async (key) => {
      if ((await load()).delete(key)) await persist();
    },
  };
}

function parse(text: string | null): Map<string, string> {
  if (text === null) return new Map();
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return new Map();
    return new Map(
      Object.entries(parsed).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  } catch {
    return new Map();
  }
}
