import { For, Match, Show, Switch, onCleanup, type JSX } from 'solid-js';
import type { QueryState } from '../stores/debounced-query';

/**
 * A search box with its results below, for a store made by `createDebouncedQuery`: what to type,
 * "searching", errors, "nothing found", and the results as a list of buttons that ArrowDown/ArrowUp
 * move through. The query is cleared when it goes away.
 */
export function SearchAsYouType<T>(props: {
  search: {
    state: QueryState<T>;
    setQuery: (query: string) => void;
    clear: () => void;
    loadMore?: () => Promise<void>;
  };
  /** The input's id; its label and placeholder are `label`. */
  inputId: string;
  label: string;
  /** Shown before anything is typed. */
  hint: string;
  /** Shown when the query found nothing. */
  nothingFound: (query: string) => JSX.Element;
  nothingFoundTestId?: string;
  /** The result list's accessible name and test id. */
  listLabel: string;
  listTestId: string;
  /** Tailwind max-height class of the scrolling results. */
  maxHeight: string;
  /** Below the search box (e.g. an error about the chosen result). */
  belowInput?: JSX.Element;
  /** One result: a `<button>` (the arrow keys move between them). */
  children: (result: T) => JSX.Element;
}) {
  let container: HTMLDivElement | undefined;
  onCleanup(() => props.search.clear());
  const state = () => props.search.state;
  const note = 'px-4 py-6 text-sm text-slate-600 dark:text-slate-400';

  return (
    <div ref={container} onKeyDown={(event) => moveThroughResults(event, container)}>
      <div class="p-4">
        <label for={props.inputId} class="sr-only">
          {props.label}
        </label>
        <input
          id={props.inputId}
          type="search"
          autofocus
          autocomplete="off"
          placeholder={props.label}
          value={state().query}
          onInput={(event) => props.search.setQuery(event.currentTarget.value)}
          class="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 focus:border-accent-500 focus:ring-2 focus:ring-accent-500/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950"
        />
        {props.belowInput}
      </div>
      <div
        class={`${props.maxHeight} overflow-y-auto border-t border-slate-200 dark:border-slate-800`}
        aria-live="polite"
      >
        <Switch>
          <Match when={state().status === 'idle'}>
            <p class={note}>{props.hint}</p>
          </Match>
          <Match when={state().status === 'error'}>
            <p class="px-4 py-6 text-sm text-red-600">{state().error}</p>
          </Match>
          <Match when={state().status === 'done' && state().results.length === 0}>
            <p class={note} data-testid={props.nothingFoundTestId}>
              {props.nothingFound(state().query)}
            </p>
          </Match>
          <Match when={state().results.length > 0}>
            <ul aria-label={props.listLabel} data-testid={props.listTestId}>
              <For each={state().results}>{(result) => <li>{props.children(result)}</li>}</For>
            </ul>
            <Show when={state().next !== null && props.search.loadMore}>
              {(loadMore) => (
                <div class="border-t border-slate-200 p-2 text-center dark:border-slate-800">
                  <button
                    type="button"
                    class="rounded-lg px-3 py-1.5 text-sm font-medium text-accent-700 hover:bg-slate-100 disabled:opacity-60 dark:text-sky-300 dark:hover:bg-slate-800"
                    disabled={state().loadingMore}
                    onClick={() => void loadMore()()}
                  >
                    {state().loadingMore ? 'Loading more results…' : 'Load more results'}
                  </button>
                </div>
              )}
            </Show>
          </Match>
          <Match when={state().status === 'loading'}>
            <p class={note}>Searching…</p>
          </Match>
        </Switch>
      </div>
    </div>
  );
}

/**
 * ArrowDown/ArrowUp move between the buttons of a result list (and from the search box into it),
 * so a keyboard user picks a result without tabbing through everything.
 */
function moveThroughResults(event: KeyboardEvent, container: HTMLElement | undefined): void {
  if ((event.key !== 'ArrowDown' && event.key !== 'ArrowUp') || !container) return;
  const buttons = [...container.querySelectorAll<HTMLElement>('ul button')];
  if (buttons.length === 0) return;
  const index = buttons.indexOf(document.activeElement as HTMLElement);
  const next =
    event.key === 'ArrowDown'
      ? buttons[Math.min(index + 1, buttons.length - 1)]
      : index <= 0
        ? container.querySelector<HTMLElement>('input')
        : buttons[index - 1];
  if (next) {
    event.preventDefault();
    next.focus();
  }
}
