import type { AttachmentRecord } from './records.js';

/** The JSON text that both dialects' attachment subqueries build (null: no file). */
export function parseAttachmentRef(json: string | null): AttachmentRecord | null {
  if (json === null) return null;
  const parsed = JSON.parse(json) as {
    fileId: string;
    name: string;
    size: number | string;
    contentType: string;
  };
  return {
    fileId: parsed.fileId,
    name: parsed.name,
    size: Number(parsed.size),
    contentType: parsed.contentType,
  };
}
