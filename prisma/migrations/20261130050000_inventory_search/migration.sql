-- Inventory search (issue #11): substring search over repository and tag names, prefix search over digests.
-- pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may create it; PGlite loads it
-- in lib/db/open.ts. Trigram GIN indexes serve ILIKE '%q%'; text_pattern_ops serves LIKE 'sha256:ab12%'.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "InventoryTag_repository_trgm_idx" ON "InventoryTag" USING gin ("repository" gin_trgm_ops);
CREATE INDEX "InventoryTag_tag_trgm_idx" ON "InventoryTag" USING gin ("tag" gin_trgm_ops);
CREATE INDEX "InventoryTag_digest_prefix_idx" ON "InventoryTag" ("digest" text_pattern_ops);
