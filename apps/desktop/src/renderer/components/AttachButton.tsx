import { PaperclipIcon } from './icons';

/** Opens the file picker (a real button: Tab and Enter/Space reach it); each chosen file is sent. */
export function AttachButton(props: { onFiles: (files: File[]) => void; disabled?: boolean }) {
  let input: HTMLInputElement | undefined;
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        class="hidden"
        data-testid="attach-input"
        tabindex="-1"
        aria-hidden="true"
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          event.currentTarget.value = ''; // the same file may be chosen again
          if (files.length > 0) props.onFiles(files);
        }}
      />
      <button
        type="button"
        aria-label="Attach a file"
        title="Attach a file"
        disabled={props.disabled}
        data-testid="attach-button"
        class="flex h-[42px] w-[42px] shrink-0 items-center justify-center rounded-xl text-slate-600 hover:bg-slate-100 focus:ring-2 focus:ring-accent-500 focus:outline-none disabled:opacity-60 dark:text-slate-300 dark:hover:bg-slate-800"
        onClick={() => input?.click()}
      >
        <PaperclipIcon class="h-5 w-5" />
      </button>
    </>
  );
}
