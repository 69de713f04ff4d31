import { z } from 'zod';
import { invokeChannels, type InvokeChannel } from '../shared/ipc-channels.js';
import { isSafeExternalUrl } from './navigation-guard.js';

/** Keys the renderer's storage may use: short, printable, no path characters. */
const storageKey = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'Not a valid storage key');

/** Room for a large offline outbox (~1,600 messages of 5,000 emoji) while a hostile renderer cannot fill the disk. */
export const MAX_STORED_VALUE_LENGTH = 16 * 1024 * 1024;

/** An http(s) address without credentials: the server's, or a link to open in the browser. */
export const httpUrl = z
  .string()
  .max(2048)
  .refine(isSafeExternalUrl, 'Must be an http:// or https:// address');

/** The argument each channel accepts. Anything else is refused before a handler runs. */
export const ipcSchemas = {
  [invokeChannels.vaultGet]: z.tuple([storageKey]),
  [invokeChannels.vaultSet]: z.tuple([storageKey, z.string().max(MAX_STORED_VALUE_LENGTH)]),
  [invokeChannels.vaultRemove]: z.tuple([storageKey]),
  [invokeChannels.settingsGet]: z.tuple([]),
  [invokeChannels.settingsSetServer]: z.tuple([httpUrl]),
  [invokeChannels.settingsSetNotifications]: z.tuple([z.boolean()]),
  [invokeChannels.settingsSetAutoUpdate]: z.tuple([z.boolean()]),
  [invokeChannels.unreadSet]: z.tuple([z.number().int().min(0).max(1_000_000)]),
  [invokeChannels.notifyMessage]: z.tuple([
    z.object({
      conversationId: z.string().min(1).max(64),
      title: z.string().max(200),
      body: z.string().max(5000),
    }),
  ]),
  [invokeChannels.openExternal]: z.tuple([httpUrl]),
} satisfies Record<InvokeChannel, z.ZodType>;

export type IpcArgs<C extends InvokeChannel> = z.infer<(typeof ipcSchemas)[C]>;
