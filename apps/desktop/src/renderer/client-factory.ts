import { createParleyClient, type ParleyClient } from '@parley/client';
import type { ChatClient, KeyValueStorage } from './lib/client-types';

/** The real client. Typed as the app's narrow ChatClient, which also checks that the two agree. */
export function createClient(
  url: string,
  storage: KeyValueStorage,
): ChatClient & Pick<ParleyClient, 'flush'> {
  return createParleyClient({ url, storage });
}
