/**
 * The IPC allowlist. The preload exposes exactly these, the main process handles exactly these and
 * validates every argument (see src/main/ipc-schemas.ts). Nothing else crosses the bridge.
 */
export const invokeChannels = {
  vaultGet: 'vault:get',
  vaultSet: 'vault:set',
  vaultRemove: 'vault:remove',
  settingsGet: 'settings:get',
  settingsSetServer: 'settings:set-server',
  settingsSetNotifications: 'settings:set-notifications',
  settingsSetAutoUpdate: 'settings:set-auto-update',
  unreadSet: 'unread:set',
  notifyMessage: 'notify:message',
  openExternal: 'shell:open-external',
} as const;

export type InvokeChannel = (typeof invokeChannels)[keyof typeof invokeChannels];

/** Main → renderer pushes. */
export const pushChannels = {
  openConversation: 'nav:open-conversation',
} as const;

export type PushChannel = (typeof pushChannels)[keyof typeof pushChannels];
