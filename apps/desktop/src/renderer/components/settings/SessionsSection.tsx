import type { Session } from '@parley/protocol';
import { For, Show, createResource, createSignal } from 'solid-js';
import { useApi } from '../../context';
import { errorInfo } from '../../lib/errors';
import { formatFull, formatLastSeen } from '../../lib/format';
import { ErrorAlert } from '../ErrorAlert';
import { describeUserAgent } from '../../lib/user-agent';

/** Where the account is signed in: this device marked, the others can be signed out from here. */
export function SessionsSection() {
  const api = useApi();
  const [sessions, { refetch }] = createResource(() => api.auth.sessions.query());
  const [error, setError] = createSignal<string | null>(null);
  const [revoking, setRevoking] = createSignal<string | null>(null);

  const revoke = async (session: Session): Promise<void> => {
    setError(null);
    setRevoking(session.id);
    try {
      await api.auth.revokeSession.mutate({ sessionId: session.id });
      await refetch();
    } catch (caught) {
      setError(errorInfo(caught).message);
    } finally {
      setRevoking(null);
    }
  };

  const ordered = () =>
    [...(sessions() ?? [])].sort(
      (a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt - a.lastUsedAt,
    );

  return (
    <section
      aria-labelledby="sessions-heading"
      class="border-t border-slate-200 pt-4 dark:border-slate-800"
    >
      <h3 id="sessions-heading" class="text-sm font-semibold">
        Where you are signed in
      </h3>
      <Show
        when={!sessions.error}
        fallback={<ErrorAlert class="mt-2" message={errorInfo(sessions.error).message} />}
      >
        <Show
          when={sessions()}
          fallback={<p class="mt-2 text-sm text-slate-600 dark:text-slate-400">Loading…</p>}
        >
          <ul class="mt-2 divide-y divide-slate-200 dark:divide-slate-800" data-testid="sessions">
            <For each={ordered()}>
              {(session) => (
                <li
                  class="flex items-center justify-between gap-3 py-2"
                  data-current={session.current ? 'true' : 'false'}
                >
                  <div class="min-w-0 text-sm">
                    <p class="truncate font-medium">
                      {describeUserAgent(session.userAgent)}
                      <Show when={session.current}>
                        <span class="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800 dark:bg-emerald-500/20 dark:text-emerald-200">
                          This device
                        </span>
                      </Show>
                    </p>
                    <p
                      class="text-xs text-slate-600 dark:text-slate-400"
                      title={formatFull(session.lastUsedAt)}
                    >
                      {session.current
                        ? 'Active now'
                        : formatLastSeen(session.lastUsedAt).replace('Last seen', 'Last used')}
                      {' · signed in '}
                      {formatFull(session.createdAt)}
                    </p>
                  </div>
                  <Show when={!session.current}>
                    <button
                      type="button"
                      class="shrink-0 rounded-lg border border-slate-300 px-3 py-1 text-sm font-medium hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800"
                      disabled={revoking() === session.id}
                      aria-label={`Sign out ${describeUserAgent(session.userAgent)}, last used ${formatFull(session.lastUsedAt)}`}
                      onClick={() => void revoke(session)}
                    >
                      Sign out
                    </button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
      <ErrorAlert class="mt-2" message={error()} />
    </section>
  );
}
