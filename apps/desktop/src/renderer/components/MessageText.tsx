import { For } from 'solid-js';
import { linkify } from '../lib/linkify';

/**
 * A message body: its own text direction (`dir="auto"`: Arabic or Hebrew lays out right to left),
 * line breaks kept, and http(s) addresses as links that open in a new tab without telling the
 * site where they came from.
 */
export function MessageText(props: { body: string; mine: boolean }) {
  return (
    <p class="whitespace-pre-wrap break-words" dir="auto" data-testid="body">
      <For each={linkify(props.body)}>
        {(part) =>
          part.kind === 'link' ? (
            <a
              href={part.href}
              target="_blank"
              rel="noopener noreferrer"
              class={`underline underline-offset-2 ${props.mine ? 'text-white' : 'text-accent-700 dark:text-sky-300'}`}
            >
              {part.text}
            </a>
          ) : (
            part.text
          )
        }
      </For>
    </p>
  );
}
