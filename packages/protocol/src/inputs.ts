import { z } from 'zod';
import { limits } from './limits.js';
import { codePointLength } from './text.js';

/** U+0000 cannot be stored as text by PostgreSQL: refused with a clear error on every dialect. */
const hasNoNul = (text: string) => !text.includes('\0');

const id = z
  .string()
  .min(1, 'Required')
  .max(64, 'Not a valid id')
  .refine(hasNoNul, 'Not a valid id');

export const usernameSchema = z
  .string()
  .min(limits.usernameMinLength, `At least ${limits.usernameMinLength} characters`)
  .max(limits.usernameMaxLength, `At most ${limits.usernameMaxLength} characters`)
  .regex(/^[A-Za-z0-9_.-]+$/, 'Only letters, digits, "_", "." and "-"');

/** Shape only; the named password rules are checked by the server (see failedPasswordRules). */
const passwordField = z.string().min(1, 'Required').max(1024, 'Too long');

/**
 * No length cap on the shape at sign-up: a password over the limit is reported as the failed
 * `maxLength` rule, like the other rules (the 64 KiB request limit still bounds it).
 */
export const registerInput = z.object({
  username: usernameSchema,
  password: z.string().min(1, 'Required'),
});
export const loginInput = z.object({
  username: z.string().min(1, 'Required').max(256),
  password: passwordField,
});
export const refreshInput = z.object({ refreshToken: z.string().min(1, 'Required').max(512) });
export const revokeSessionInput = z.object({ sessionId: id });
export const deleteAccountInput = z.object({ password: passwordField });

export const userSearchInput = z.object({
  query: z.string().max(limits.usernameMaxLength, 'Too long'),
  limit: z.number().int().min(1).max(limits.userSearchMax).default(limits.userSearchDefault),
});

export const openConversationInput = z.object({ userId: id });
export const conversationIdInput = z.object({ conversationId: id });
export const markReadInput = z.object({ conversationId: id, upToMessageId: id });

export const messageBodySchema = z
  .string()
  .refine((body) => body.trim().length > 0, 'A message cannot be empty')
  .refine(hasNoNul, 'A message cannot contain the NUL character (U+0000)')
  .refine(
    (body) => codePointLength(body) <= limits.messageMaxCodePoints,
    `A message can have at most ${limits.messageMaxCodePoints} characters`,
  );

/** With an attachment the body may be empty; without one it follows messageBodySchema. */
export const attachmentCaptionSchema = z
  .string()
  .refine(hasNoNul, 'A message cannot contain the NUL character (U+0000)')
  .refine(
    (body) => codePointLength(body) <= limits.messageMaxCodePoints,
    `A message can have at most ${limits.messageMaxCodePoints} characters`,
  );

export const sendMessageInput = z
  .object({
    conversationId: id,
    clientId: z.uuid('Must be a UUID'),
    body: z.string(),
    replyToId: id.optional(),
    fileId: id.optional(),
  })
  .superRefine((input, context) => {
    const bodySchema = input.fileId === undefined ? messageBodySchema : attachmentCaptionSchema;
    const result = bodySchema.safeParse(input.body);
    if (!result.success) {
      for (const issue of result.error.issues) {
        context.addIssue({ code: 'custom', message: issue.message, path: ['body'] });
      }
    }
  });

export const editMessageInput = z.object({ messageId: id, body: messageBodySchema });
export const deleteMessageInput = z.object({ messageId: id });
export const typingInput = z.object({ conversationId: id, typing: z.boolean() });
export const updateSettingsInput = z.object({
  readReceipts: z.boolean().optional(),
  typingIndicators: z.boolean().optional(),
});
export const changePasswordInput = z.object({
  currentPassword: passwordField,
  newPassword: z.string().min(1, 'Required'),
});

export const historyInput = z.object({
  conversationId: id,
  before: id.optional(),
  limit: z.number().int().min(1).max(limits.historyPageMax).default(limits.historyPageDefault),
});

export const ackInput = z.object({
  messageIds: z.array(id).min(1).max(limits.ackBatchMax),
});

export const messageSearchInput = z.object({
  query: z.string().max(500, 'Too long'),
  conversationId: id.optional(),
  before: id.optional(),
  limit: z.number().int().min(1).max(limits.searchPageMax).default(limits.searchPageDefault),
});

export const eventsInput = z
  .object({ lastEventId: z.string().regex(/^\d+$/).nullish() })
  .optional();
