import { failedPasswordRules, passwordRuleMessages, type PasswordRule } from '@parley/protocol';
import { For, createMemo } from 'solid-js';
import { CheckIcon, CloseIcon } from './icons';

/** Rules shown while typing; `common` is checked by the server only, so it shows once reported. */
const shownRules: PasswordRule[] = ['minLength', 'uppercase', 'lowercase', 'digit', 'notUsername'];

/** The password rules as a live checklist: each met or not, as the user types. */
export function PasswordChecklist(props: {
  password: string;
  username: string;
  serverFailed: PasswordRule[];
}) {
  const failed = createMemo(
    () => new Set([...failedPasswordRules(props.password, props.username), ...props.serverFailed]),
  );
  const rules = createMemo(() => {
    const list = [...shownRules];
    if (failed().has('maxLength')) list.push('maxLength');
    if (props.serverFailed.includes('common')) list.push('common');
    return list;
  });
  return (
    <ul class="mt-2 space-y-1 text-sm" aria-label="Password rules" id="password-rules">
      <For each={rules()}>
        {(rule) => {
          const ok = () => !failed().has(rule) && props.password.length > 0;
          return (
            <li
              class={`flex items-center gap-2 ${ok() ? 'text-emerald-700 dark:text-emerald-400' : 'text-slate-600 dark:text-slate-400'}`}
              data-rule={rule}
              data-met={ok() ? 'true' : 'false'}
            >
              {ok() ? <CheckIcon class="h-4 w-4" /> : <CloseIcon class="h-4 w-4" />}
              <span>
                {passwordRuleMessages[rule]}
                <span class="sr-only">{ok() ? ' (met)' : ' (not met)'}</span>
              </span>
            </li>
          );
        }}
      </For>
    </ul>
  );
}
