CREATE TABLE `files` (
	`id` text PRIMARY KEY NOT NULL,
	`uploader_id` text NOT NULL,
	`name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	`message_id` integer,
	`conversation_id` text,
	FOREIGN KEY (`uploader_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `files_uploader` ON `files` (`uploader_id`);--> statement-breakpoint
CREATE INDEX `files_message` ON `files` (`message_id`);--> statement-breakpoint
CREATE INDEX `files_sha256` ON `files` (`sha256`);--> statement-breakpoint
CREATE INDEX `files_unsent_created_at` ON `files` (`created_at`) WHERE message_id IS NULL;