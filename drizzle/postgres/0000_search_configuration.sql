-- Message search folds accents (café finds cafe and the reverse): a text search configuration that is
-- `simple` with the unaccent dictionary in front of it. to_tsvector(regconfig, text) is immutable, so
-- the messages table can keep its search vector in a stored generated column (next migration) and
-- ts_headline highlights the folded words too. drizzle-kit cannot express either, hence this file.
-- unaccent is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION parley_search (COPY = simple);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION parley_search
  ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
