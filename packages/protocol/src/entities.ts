import { z } from 'zod';

/** The shared shapes of docs/api.md. Timestamps are epoch milliseconds; ids are opaque strings. */
export const userSchema = z.object({ id: z.string(), username: z.string(), createdAt: z.number() });
export type User = z.infer<typeof userSchema>;

export type AuthResult = {
  user: User;
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
};

export type Session = {
  id: string;
  createdAt: number;
  lastUsedAt: number;
  userAgent: string | null;
  current: boolean;
};

export type UserSummary = { id: string; username: string; online: boolean };

export type Peer = {
  id: string | null;
  username: string;
  online: boolean;
  lastSeenAt: number | null;
  deleted: boolean;
};

export const messageStatuses = ['pending', 'sent', 'delivered', 'read', 'failed'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

export type Message = {
  id: string;
  clientId: string;
  conversationId: string;
  /** null once the sender's account is deleted */
  senderId: string | null;
  /** "Deleted User" once the sender's account is deleted */
  senderName: string;
  anonymized: boolean;
  body: string;
  createdAt: number;
  status: MessageStatus;
  deliveredAt: number | null;
  /** When the sender last edited the body; null if never. */
  editedAt: number | null;
  /** When the sender deleted it for everyone (body is then ""); null if not deleted. */
  deletedAt: number | null;
  replyTo: ReplyRef | null;
  attachment: Attachment | null;
};

/** The message a reply quotes, as it is now: the excerpt follows edits and is empty once deleted. */
export type ReplyRef = {
  id: string;
  senderName: string;
  /** The first 100 code points of the original's current body. */
  excerpt: string;
  deleted: boolean;
};

export type Attachment = { fileId: string; name: string; size: number; contentType: string };

export type Settings = { readReceipts: boolean; typingIndicators: boolean };
export const defaultSettings: Settings = { readReceipts: true, typingIndicators: true };

export type Conversation = {
  id: string;
  peer: Peer;
  createdAt: number;
  lastMessage: Message | null;
  unreadCount: number;
};

export type SearchHit = {
  message: Message;
  conversation: { id: string; peer: Peer };
  /** plain text around the match */
  snippet: string;
  /** [start, end) offsets into snippet, in UTF-16 code units */
  highlights: Array<[number, number]>;
};

export type HistoryPage = { messages: Message[]; nextBefore: string | null };
export type SearchPage = { results: SearchHit[]; nextBefore: string | null };
