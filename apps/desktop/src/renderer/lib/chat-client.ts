import type { ParleyClient } from '@parley/client';

type Api = ParleyClient['api'];

/**
 * Procedures `names` of one router of the typed tRPC client, each with the same input and output
 * but answering a plain Promise (tRPC's answer also carries a type-only error-shape tag, which a
 * fake could not produce).
 */
type Procedures<Router, Names extends keyof Router> = {
  [Name in Names]: {
    [Call in keyof Router[Name]]: Router[Name][Call] extends (...args: infer Args) => infer Answer
      ? (...args: Args) => Promise<Awaited<Answer>>
      : never;
  };
};

/**
 * The procedures of `ParleyClient['api']` the app calls. Stores depend on this subset of the typed
 * tRPC client, so component tests can hand them a small fake instead of a whole router's client.
 */
export interface ChatApi {
  auth: Procedures<Api['auth'], 'sessions' | 'revokeSession'>;
  users: Procedures<Api['users'], 'search'>;
  conversations: Procedures<Api['conversations'], 'open' | 'list' | 'get' | 'markRead'>;
  messages: Procedures<Api['messages'], 'history' | 'search'>;
}

/**
 * @parley/client's `ParleyClient` as the app uses it: the same methods, with `api` narrowed to
 * `ChatApi` and without the diagnostics (`flush`, `stats`) that only the app's entry point needs.
 */
export interface ChatClient extends Omit<ParleyClient, 'api' | 'flush' | 'stats'> {
  api: ChatApi;
}
