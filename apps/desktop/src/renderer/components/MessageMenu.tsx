import { For, Show, createEffect, onCleanup } from 'solid-js';

export interface MessageAction {
  /** What the item says, also its accessible name. */
  label: string;
  run: () => void;
  danger?: boolean;
}

/**
 * A message's actions as a menu: opened from its button (Tab to it, Enter), by right-click or by a
 * long press; focus moves into the menu, the arrow keys (and Home/End) move through it, Escape
 * closes it and gives focus back to the button, Tab or a click elsewhere closes it.
 */
export function MessageMenu(props: {
  open: boolean;
  actions: MessageAction[];
  /** Which message, for the button's accessible name: "Actions for your message" … */
  describedAs: string;
  align: 'start' | 'end';
  onOpen: () => void;
  onClose: (returnFocus: boolean) => void;
}) {
  let trigger: HTMLButtonElement | undefined;
  let menu: HTMLDivElement | undefined;
  const items = (): HTMLButtonElement[] => [
    ...(menu?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []),
  ];

  createEffect(() => {
    if (!props.open) return;
    queueMicrotask(() => items()[0]?.focus());
    const outside = (event: PointerEvent): void => {
      const target = event.target as Node | null;
      if (target && (menu?.contains(target) || trigger?.contains(target))) return;
      props.onClose(false);
    };
    document.addEventListener('pointerdown', outside, true);
    onCleanup(() => document.removeEventListener('pointerdown', outside, true));
  });

  const close = (returnFocus: boolean): void => {
    props.onClose(returnFocus);
    if (returnFocus) trigger?.focus();
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    const list = items();
    const index = list.indexOf(document.activeElement as HTMLButtonElement);
    const focusAt = (next: number): void => list[(next + list.length) % list.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        focusAt(index + 1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        focusAt(index - 1);
        break;
      case 'Home':
        event.preventDefault();
        focusAt(0);
        break;
      case 'End':
        event.preventDefault();
        focusAt(list.length - 1);
        break;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        close(true);
        break;
      case 'Tab':
        close(false);
        break;
    }
  };

  return (
    <div class="relative self-center">
      <button
        ref={trigger}
        type="button"
        aria-haspopup="menu"
        aria-expanded={props.open ? 'true' : 'false'}
        aria-label={props.describedAs}
        title="More"
        data-testid="message-menu-button"
        class={`mx-1 flex h-7 w-7 items-center justify-center rounded-full text-slate-600 hover:bg-slate-100 focus:opacity-100 group-hover:opacity-100 group-focus-within:opacity-100 dark:text-slate-400 dark:hover:bg-slate-800 ${props.open ? 'opacity-100' : 'opacity-0'}`}
        onClick={() => (props.open ? close(true) : props.onOpen())}
      >
        <svg viewBox="0 0 24 24" class="h-4 w-4" fill="currentColor" aria-hidden="true">
          <circle cx="5" cy="12" r="2" />
          <circle cx="12" cy="12" r="2" />
          <circle cx="19" cy="12" r="2" />
        </svg>
      </button>
      <Show when={props.open}>
        <div
          ref={menu}
          role="menu"
          aria-label="Message actions"
          tabindex="-1"
          onKeyDown={onKeyDown}
          class={`absolute top-8 z-20 min-w-44 overflow-hidden rounded-xl border border-slate-200 bg-white py-1 text-sm text-slate-900 shadow-xl dark:border-slate-700 dark:bg-slate-800 dark:text-slate-100 ${props.align === 'end' ? 'right-0' : 'left-0'}`}
          data-testid="message-menu"
        >
          <For each={props.actions}>
            {(action) => (
              <button
                type="button"
                role="menuitem"
                tabindex="-1"
                class={`block w-full px-3 py-2 text-left hover:bg-slate-100 focus:bg-slate-100 focus:outline-none dark:hover:bg-slate-700 dark:focus:bg-slate-700 ${action.danger ? 'text-red-700 dark:text-red-400' : ''}`}
                onClick={() => {
                  // Focus goes back to the button first; the action may move it on (composer, dialog).
                  close(true);
                  action.run();
                }}
              >
                {action.label}
              </button>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
