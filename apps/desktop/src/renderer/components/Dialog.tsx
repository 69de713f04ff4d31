import { onMount, type JSX } from 'solid-js';
import { CloseIcon } from './icons';

/** A modal panel: labelled, focus moves in on open, Esc (handled globally) or the button closes it. */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: JSX.Element;
  wide?: boolean;
}) {
  let panel: HTMLDivElement | undefined;
  const titleId = `dialog-${props.title.toLowerCase().replace(/\W+/g, '-')}`;
  onMount(() => {
    const target = panel?.querySelector<HTMLElement>('[autofocus], input, textarea, button');
    target?.focus();
  });
  return (
    <div
      class="fixed inset-0 z-40 flex items-start justify-center bg-slate-900/40 px-4 pt-[10vh] backdrop-blur-sm"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) props.onClose();
      }}
    >
      <div
        ref={panel}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        class={`w-full ${props.wide ? 'max-w-2xl' : 'max-w-md'} overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-2xl dark:border-slate-800 dark:bg-slate-900`}
      >
        <div class="flex items-center justify-between border-b border-slate-200 px-4 py-3 dark:border-slate-800">
          <h2 id={titleId} class="text-base font-semibold">
            {props.title}
          </h2>
          <button
            type="button"
            class="rounded-md p-1 text-slate-600 dark:text-slate-400 hover:bg-slate-100 dark:hover:bg-slate-800"
            aria-label="Close"
            onClick={() => props.onClose()}
          >
            <CloseIcon />
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}
