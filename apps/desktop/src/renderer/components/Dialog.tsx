import { onCleanup, onMount, type JSX } from 'solid-js';
import { CloseIcon } from './icons';

const focusable =
  'a[href], button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal panel: labelled; focus moves in on open, Tab stays inside, and focus returns to where it
 * was on close. Esc (handled globally) or the button closes it.
 */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: JSX.Element;
  wide?: boolean;
}) {
  let panel: HTMLDivElement | undefined;
  const titleId = `dialog-${props.title.toLowerCase().replace(/\W+/g, '-')}`;
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;

  onMount(() => {
    const target =
      panel?.querySelector<HTMLElement>('[autofocus]') ??
      panel?.querySelector<HTMLElement>(focusable);
    target?.focus();
  });
  onCleanup(() => {
    if (opener?.isConnected) opener.focus();
  });

  const trapTab = (event: KeyboardEvent): void => {
    if (event.key !== 'Tab' || !panel) return;
    const items = [...panel.querySelectorAll<HTMLElement>(focusable)];
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

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
        onKeyDown={trapTab}
        class={`w-full ${props.wide ? 'max-w-2xl' : 'max-w-md'} overflow-hidden rounded-2xl border border-slate-200 bg-white shadow-2xl dark:border-slate-800 dark:bg-slate-900`}
      >
        <div class="flex items-center justify-between border-b border-slate-200 px-4 py-3 dark:border-slate-800">
          <h2 id={titleId} class="text-base font-semibold">
            {props.title}
          </h2>
          <button
            type="button"
            class="rounded-md p-1 text-slate-600 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-800"
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
