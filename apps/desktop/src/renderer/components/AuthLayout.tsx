import type { JSX } from 'solid-js';

export function AuthLayout(props: { title: string; children: JSX.Element; footer: JSX.Element }) {
  return (
    <main class="flex min-h-full items-center justify-center bg-slate-50 px-4 py-10 dark:bg-slate-950">
      <div class="w-full max-w-sm">
        <div class="mb-6 text-center">
          <div
            class="mx-auto mb-3 flex h-12 w-12 items-center justify-center rounded-2xl bg-accent-600 text-xl font-bold text-white"
            aria-hidden="true"
          >
            P
          </div>
          <h1 class="text-2xl font-semibold tracking-tight">{props.title}</h1>
        </div>
        <div class="rounded-2xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          {props.children}
        </div>
        <p class="mt-4 text-center text-sm text-slate-600 dark:text-slate-400">{props.footer}</p>
      </div>
    </main>
  );
}

export const primaryButton =
  'inline-flex w-full items-center justify-center rounded-lg bg-accent-600 px-4 py-2 font-medium text-white shadow-sm hover:bg-accent-700 disabled:cursor-not-allowed disabled:opacity-60';
export const linkButton = 'font-medium text-accent-600 hover:underline dark:text-accent-500';
