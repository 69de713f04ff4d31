import type { User } from '@parley/protocol';
import { Show, createSignal } from 'solid-js';
import { useDrafts, useServer, useSession } from '../context';
import { Dialog } from './Dialog';
import { ChangePasswordSection } from './settings/ChangePasswordSection';
import { DeleteAccountSection } from './settings/DeleteAccountSection';
import { NotificationsSection } from './settings/NotificationsSection';
import { PrivacySection } from './settings/PrivacySection';
import { SessionsSection } from './settings/SessionsSection';
import { UpdatesSection } from './settings/UpdatesSection';

/**
 * Settings, the same view in the browser and the desktop app, one section per concern: the account
 * (who, which server, log out), the password, privacy (read receipts, typing), notifications,
 * updates (desktop only), where the account is signed in, and deleting it.
 */
export function SettingsDialog(props: { user: User; onClose: () => void }) {
  return (
    <Dialog title="Settings" onClose={() => props.onClose()}>
      <div class="max-h-[75vh] space-y-5 overflow-y-auto p-4">
        <AccountSection user={props.user} />
        <ChangePasswordSection username={props.user.username} />
        <PrivacySection />
        <NotificationsSection />
        <UpdatesSection />
        <SessionsSection />
        <DeleteAccountSection />
      </div>
    </Dialog>
  );
}

function AccountSection(props: { user: User }) {
  const session = useSession();
  const drafts = useDrafts();
  const server = useServer();
  const [busy, setBusy] = createSignal(false);

  const logout = async (): Promise<void> => {
    setBusy(true);
    await drafts.clearAll().catch(() => undefined);
    await session.logout().catch(() => undefined);
  };

  return (
    <section>
      <p class="text-sm text-slate-600 dark:text-slate-400">
        Signed in as{' '}
        <strong class="text-slate-900 dark:text-slate-100">{props.user.username}</strong>
      </p>
      <Show when={server}>
        {(current) => (
          <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">Server: {current().url}</p>
        )}
      </Show>
      <button
        type="button"
        class="mt-3 rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
        onClick={() => void logout()}
        disabled={busy()}
      >
        Log out
      </button>
    </section>
  );
}
