-- Full-text search over message bodies (FTS5; drizzle has no virtual tables, so this is hand-written).
-- `owners` holds one token per participant ("u" + the user id without dashes): a search is scoped to
-- the caller by matching their token inside the index, not by filtering a global result.
-- The index reads bodies from the messages table through a view (external content): no second copy.
CREATE VIEW `messages_search_source` AS
  SELECT m.`id` AS `id`, m.`body` AS `body`,
         'u' || replace(c.`user_low`, '-', '') || ' u' || replace(c.`user_high`, '-', '') AS `owners`
  FROM `messages` m JOIN `conversations` c ON c.`id` = m.`conversation_id`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `messages_fts` USING fts5(
  `body`, `owners`,
  content = 'messages_search_source', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
-- Kept in step in the same transaction as the insert. Messages are immutable; anonymization changes
-- neither the body nor the participants.
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO `messages_fts` (`rowid`, `body`, `owners`)
  SELECT new.`id`, new.`body`, 'u' || replace(c.`user_low`, '-', '') || ' u' || replace(c.`user_high`, '-', '')
  FROM `conversations` c WHERE c.`id` = new.`conversation_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, `rowid`, `body`, `owners`)
  SELECT 'delete', old.`id`, old.`body`, 'u' || replace(c.`user_low`, '-', '') || ' u' || replace(c.`user_high`, '-', '')
  FROM `conversations` c WHERE c.`id` = old.`conversation_id`;
END;
--> statement-breakpoint
INSERT INTO `messages_fts` (`messages_fts`) VALUES ('rebuild');
