CREATE TABLE `password_history` (
	`user_id` text NOT NULL,
	`password_hash` text NOT NULL,
	`replaced_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `password_history_user` ON `password_history` (`user_id`,`replaced_at`);--> statement-breakpoint
ALTER TABLE `messages` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `reply_to_id` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `read_receipts` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `typing_indicators` integer DEFAULT true NOT NULL;--> statement-breakpoint
-- Until now deleted_at was only written when a deleted account's messages were anonymized; from
-- here on it means "deleted for everyone" (anonymization keeps is_anonymized), so clear it.
UPDATE `messages` SET `deleted_at` = NULL WHERE `deleted_at` IS NOT NULL;
--> statement-breakpoint
-- Messages can now be edited and deleted for everyone: the index follows a changed body in the
-- same transaction (the old words out, the new ones in). Anonymization changes neither the body
-- nor the participants, so only a change of the body fires this.
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF `body` ON `messages` BEGIN
  INSERT INTO `messages_fts` (`messages_fts`, `rowid`, `body`, `owners`)
  SELECT 'delete', old.`id`, old.`body`, 'u' || replace(c.`user_low`, '-', '') || ' u' || replace(c.`user_high`, '-', '')
  FROM `conversations` c WHERE c.`id` = old.`conversation_id`;
  INSERT INTO `messages_fts` (`rowid`, `body`, `owners`)
  SELECT new.`id`, new.`body`, 'u' || replace(c.`user_low`, '-', '') || ' u' || replace(c.`user_high`, '-', '')
  FROM `conversations` c WHERE c.`id` = new.`conversation_id`;
END;
--> statement-breakpoint
-- A removed entry is taken out of the index's pages instead of being shadowed by a delete marker
-- until the next merge: an edited or deleted text leaves no trace in the index (SQLite >= 3.42).
INSERT INTO `messages_fts` (`messages_fts`, `rank`) VALUES ('secure-delete', 1);
