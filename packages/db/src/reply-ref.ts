import type { ReplyRecord } from './records.js';

/** The JSON text that both dialects' reply subqueries build (null: not a reply). */
export function parseReplyRef(json: string | null): ReplyRecord | null {
  if (json === null) return null;
  const parsed = JSON.parse(json) as {
    id: number | string;
    body: string;
    deletedAt: number | null;
    senderName: string | null;
  };
  return {
    id: String(parsed.id),
    senderName: parsed.senderName,
    body: parsed.body,
    deleted: parsed.deletedAt !== null,
  };
}
