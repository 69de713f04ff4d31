import { createSignal, onCleanup } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { errorInfo } from '../lib/errors';

export interface QueryState<T> {
  query: string;
  results: T[];
  /** idle: nothing asked; loading; done: `results` answers `query`; error */
  status: 'idle' | 'loading' | 'done' | 'error';
  error: string | null;
  /** Where the next page starts (a search with more results than one page), or null. */
  next: string | null;
  loadingMore: boolean;
}

/** One page of results, and where the next one starts (null: that was all). */
export interface ResultPage<T> {
  results: T[];
  next: string | null;
}

/**
 * Search as you type: waits `delayMs` after the last keystroke, drops answers to older queries,
 * and never shows results for a query other than the one typed.
 */
export function createDebouncedQuery<T>(
  run: (query: string, after: string | null) => Promise<T[] | ResultPage<T>>,
  delayMs: number,
) {
  const asPage = (answer: T[] | ResultPage<T>): ResultPage<T> =>
    Array.isArray(answer) ? { results: answer, next: null } : answer;
  const [state, setState] = createStore<QueryState<T>>({
    query: '',
    results: [],
    status: 'idle',
    error: null,
    next: null,
    loadingMore: false,
  });
  const [sequence, setSequence] = createSignal(0);
  let timer: ReturnType<typeof setTimeout> | null = null;
  onCleanup(() => {
    if (timer) clearTimeout(timer);
  });

  const execute = async (query: string, ticket: number): Promise<void> => {
    try {
      const page = asPage(await run(query, null));
      if (ticket !== sequence()) return;
      setState('results', reconcile(page.results));
      setState({ status: 'done', error: null, next: page.next });
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
      setState({ query, results: [], status: 'idle', error: null, next: null, loadingMore: false });
      return;
    }
    setState({ query, status: 'loading', error: null, next: null, loadingMore: false });
    timer = setTimeout(() => void execute(query, ticket), delayMs);
  };

  /** Appends the next page of the current query's results. */
  const loadMore = async (): Promise<void> => {
    const { next, query, status, loadingMore } = state;
    if (next === null || status !== 'done' || loadingMore) return;
    const ticket = sequence();
    setState('loadingMore', true);
    try {
      const page = asPage(await run(query, next));
      if (ticket !== sequence()) return;
      setState('results', (results) => [...results, ...page.results]);
      setState({ next: page.next, loadingMore: false });
    } catch (error) {
      if (ticket !== sequence()) return;
      setState({ loadingMore: false, error: errorInfo(error).message });
    }
  };

  return { state, setQuery, loadMore, clear: () => setQuery('') };
}
