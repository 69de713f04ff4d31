import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { invokeChannels, type InvokeChannel } from '../shared/ipc-channels.js';
import { ipcSchemas, type IpcArgs } from './ipc-schemas.js';
import { isAppUrl } from './navigation-guard.js';

export type IpcHandlers = {
  [C in InvokeChannel]: (...args: IpcArgs<C>) => unknown;
};

export class IpcRejection extends Error {
  override name = 'IpcRejection';
}

/**
 * A sender is trusted when it is the top frame of one of our windows and shows our own app:// page.
 * Subframes, other origins and webContents we did not create are refused.
 */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  isOurWebContents: (id: number) => boolean,
): boolean {
  const frame = event.senderFrame;
  if (!frame) return false;
  if (!isOurWebContents(event.sender.id)) return false;
  if (frame !== event.sender.mainFrame) return false;
  return isAppUrl(frame.url);
}

/**
 * Registers one `ipcMain.handle` per allowlisted channel. Each call is checked in order: the sender,
 * then the arguments against the channel's zod schema; only then does the handler run.
 * Rejections carry no detail beyond the channel name.
 */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: IpcHandlers,
  isOurWebContents: (id: number) => boolean,
): void {
  for (const channel of Object.values(invokeChannels)) {
    const schema = ipcSchemas[channel];
    const handler = handlers[channel] as (...args: unknown[]) => unknown;
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event, isOurWebContents)) {
        throw new IpcRejection(`${channel}: untrusted sender`);
      }
      const parsed = schema.safeParse(args);
      if (!parsed.success) {
        throw new IpcRejection(`${channel}: invalid arguments`);
      }
      return handler(...(parsed.data as unknown[]));
    });
  }
}
