import type { ChatClient } from '../lib/chat-client';

export interface DownloadedFileUrl {
  /** An object URL of the bytes, typed as the server stored them. */
  url: string;
  name: string;
}

/**
 * Files fetched with the Authorization header (`client.files.download`) and kept as object URLs for
 * the session: a thumbnail and its Download button share one fetch, and a list re-rendering does not
 * fetch again. `clear` (at sign-out) revokes them all.
 */
export function createDownloadedFiles(client: Pick<ChatClient, 'files'>) {
  const cache = new Map<string, Promise<DownloadedFileUrl>>();
  return {
    get(fileId: string, contentType: string): Promise<DownloadedFileUrl> {
      let entry = cache.get(fileId);
      if (!entry) {
        entry = client.files.download(fileId).then((file) => ({
          url: URL.createObjectURL(new Blob([file.bytes.slice()], { type: contentType })),
          name: file.name,
        }));
        // A failed download may be tried again.
        entry.catch(() => cache.delete(fileId));
        cache.set(fileId, entry);
      }
      return entry;
    },
    clear(): void {
      for (const entry of cache.values()) {
        entry.then(({ url }) => URL.revokeObjectURL(url)).catch(() => undefined);
      }
      cache.clear();
    },
  };
}

export type DownloadedFiles = ReturnType<typeof createDownloadedFiles>;
