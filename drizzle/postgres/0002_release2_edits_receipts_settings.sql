CREATE TABLE "password_history" (
	"user_id" text NOT NULL,
	"password_hash" text NOT NULL,
	"replaced_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "edited_at" bigint;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "reply_to_id" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "read_receipts" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "typing_indicators" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "password_history" ADD CONSTRAINT "password_history_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "password_history_user" ON "password_history" USING btree ("user_id","replaced_at");--> statement-breakpoint
-- Until now deleted_at was only written when a deleted account's messages were anonymized; from
-- here on it means "deleted for everyone" (anonymization keeps is_anonymized), so clear it.
UPDATE "messages" SET "deleted_at" = NULL WHERE "deleted_at" IS NOT NULL;
