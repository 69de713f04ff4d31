import { Match, Switch, createEffect } from 'solid-js';
import { AppProvider } from './context';
import { ChatScreen } from './components/ChatScreen';
import { LoginScreen } from './components/LoginScreen';
import { SignUpScreen } from './components/SignUpScreen';
import type { ChatClient } from './lib/chat-client';
import type { Platform } from './lib/platform';
import { createRouter } from './lib/router';
import { createConnectionStore } from './stores/connection-store';
import { createSessionStore } from './stores/session-store';

/** The whole app for one client: restores the session, then shows sign-in or the chats. */
export function App(props: {
  client: ChatClient;
  platform: Platform;
  /** Desktop only: the chosen server and a way to pick another. */
  server?: { url: string; change: () => void };
}) {
  const router = createRouter();
  const session = createSessionStore(props.client);
  const connection = createConnectionStore(props.client);
  void session.restore();

  // Signed out: only the login and sign-up screens exist (the back button cannot bring chats back).
  createEffect(() => {
    if (session.state.phase !== 'ready') return;
    const route = router.route();
    if (!session.state.user && route.name === 'chats')
      router.navigate({ name: 'login' }, { replace: true });
    if (session.state.user && route.name !== 'chats') {
      router.navigate({ name: 'chats', conversationId: null, messageId: null }, { replace: true });
    }
  });

  return (
    <AppProvider
      value={{
        client: props.client,
        platform: props.platform,
        router,
        session,
        connection,
        server: props.server ?? null,
      }}
    >
      <Switch>
        <Match when={session.state.phase === 'restoring'}>
          <div
            class="flex h-full items-center justify-center text-slate-600 dark:text-slate-400"
            role="status"
          >
            Opening Parley…
          </div>
        </Match>
        <Match when={session.state.user} keyed>
          {(user) => <ChatScreen client={props.client} user={user} />}
        </Match>
        <Match when={router.route().name === 'signup'}>
          <SignUpScreen />
        </Match>
        <Match when={true}>
          <LoginScreen />
        </Match>
      </Switch>
    </AppProvider>
  );
}
