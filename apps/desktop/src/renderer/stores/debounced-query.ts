import { createSignal, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { errorInfo } from '../lib/errors';

export interface QueryState<T> {
  query: string;
  results: T[];
  /** idle: nothing asked; loading; done: `results` answers `query`; error */
  status: 'idle' | 'loading' | 'done' | 'error';
  error: string | null;
}

/**
 * Search as you type: waits `delayMs` after the last keystroke, drops answers to older queries,
 * and never shows results for a query other than the one typed.
 */
export function createDebouncedQuery<T>(run: (query: string) => Promise<T[]>, delayMs: number) {
  const [state, setState] = createStore<QueryState<T>>({
    query: '',
    results: [],
    status: 'idle',
    error: null,
  });
  const [sequence, setSequence] = createSignal(0);
  let timer: ReturnType<typeof setTimeout> | null = null;
  onCleanup(() => {
    if (timer) clearTimeout(timer);
  });

  const execute = async (query: string, ticket: number): Promise<void> => {
    try {
      const results = await run(query);
      if (ticket !== sequence()) return;
      setState('results', reconcile(results));
      setState({ status: 'done', error: null });
    } catch (error) {
      if (ticket !== sequence()) return;
      setState({ results: [], status: 'error', error: errorInfo(error).message });
    }
  };

  const setQuery = (query: string): void => {
    const ticket = sequence() + 1;
    setSequence(ticket);
    if (timer) clearTimeout(timer);
    if (query.trim() === '') {
      setState({ query, results: [], status: 'idle', error: null });
      return;
    }
    setState({ query, status: 'loading', error: null });
    timer = setTimeout(() => void execute(query, ticket), delayMs);
  };

  return { state, setQuery, clear: () => setQuery('') };
}
