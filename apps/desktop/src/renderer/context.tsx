import { createContext, useContext, type JSX } from 'solid-js';
import type { ChatClient } from './lib/chat-client';
import type { Platform } from './lib/platform';
import type { Router } from './lib/router';
import type { ChatServices } from './stores/chat-services';
import type { ConnectionStore } from './stores/connection-store';
import type { SessionStore } from './stores/session-store';

export interface AppServices {
  client: ChatClient;
  platform: Platform;
  router: Router;
  session: SessionStore;
  connection: ConnectionStore;
  /** Desktop only: the chosen server and a way to pick another. */
  server: { url: string; change: () => void } | null;
}

const AppContext = createContext<AppServices>();
const ChatContext = createContext<ChatServices>();

export function AppProvider(props: { value: AppServices; children: JSX.Element }) {
  return <AppContext.Provider value={props.value}>{props.children}</AppContext.Provider>;
}

export function ChatProvider(props: { value: ChatServices; children: JSX.Element }) {
  return <ChatContext.Provider value={props.value}>{props.children}</ChatContext.Provider>;
}

function useApp(): AppServices {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp outside <AppProvider>');
  return app;
}

function useChatServices(): ChatServices {
  const chat = useContext(ChatContext);
  if (!chat) throw new Error('useChat outside <ChatProvider>');
  return chat;
}

/** One hook per domain. */
export const useSession = (): SessionStore => useApp().session;
export const useConnection = (): ConnectionStore => useApp().connection;
export const useRouter = (): Router => useApp().router;
export const usePlatform = (): Platform => useApp().platform;
export const useServer = (): AppServices['server'] => useApp().server;
export const useConversations = () => useChatServices().conversations;
export const useMessages = () => useChatServices().messages;
export const useDrafts = () => useChatServices().drafts;
export const useMessageSearch = () => useChatServices().messageSearch;
export const useUserSearch = () => useChatServices().userSearch;
export const useChat = (): ChatServices => useChatServices();
/** The client itself, for what is not a store (changing the password). */
export const useChatClient = (): ChatClient => useApp().client;
/** The typed procedures the app calls (sessions, search, …). */
export const useApi = (): ChatClient['api'] => useApp().client.api;
export const useNotificationPrefs = () => useChatServices().notificationPrefs;
export const useAccountSettings = () => useChatServices().accountSettings;
export const useCompose = () => useChatServices().compose;
