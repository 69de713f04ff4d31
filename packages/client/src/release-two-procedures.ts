import type { AppRouter } from '@parley/api';
import type { AuthResult, Message, Settings } from '@parley/protocol';
import type { TRPCClient } from '@trpc/client';

/**
 * The procedures of docs/api.md "Release 2 additions" that the client's own methods call, typed by the contract
 * while the server's router (branch r2-backend) does not have them yet. Once it does, the methods call
 * `api.*` directly and this file goes.
 */
export interface ReleaseTwoProcedures {
  account: {
    settings: { query(): Promise<Settings> };
    updateSettings: { mutate(input: Partial<Settings>): Promise<Settings> };
    changePassword: {
      mutate(input: { currentPassword: string; newPassword: string }): Promise<AuthResult>;
    };
  };
  conversations: {
    typing: { mutate(input: { conversationId: string; typing: boolean }): Promise<{ ok: true }> };
  };
  messages: {
    edit: { mutate(input: { messageId: string; body: string }): Promise<Message> };
    delete: { mutate(input: { messageId: string }): Promise<{ ok: true }> };
  };
}

/** tRPC's client is a proxy that calls any path, so the same object answers these too. */
export const releaseTwoProcedures = (api: TRPCClient<AppRouter>): ReleaseTwoProcedures =>
  api as unknown as ReleaseTwoProcedures;
