import { createParleyClient, type KeyValueStorage, type ParleyClient } from '@parley/client';

/** The real client: a whole `ParleyClient`, which the app's narrow `ChatClient` is a part of. */
export function createClient(url: string, storage: KeyValueStorage): ParleyClient {
  return createParleyClient({ url, storage });
}
