-- Search queries shorter than 3 characters match as prefixes (trigram indexes need 3 characters);
-- these b-trees serve LIKE 'q%' whatever the database's collation, and stop past the prefix.
CREATE INDEX "InventoryTag_repository_prefix_idx" ON "InventoryTag" ("repository" text_pattern_ops);
CREATE INDEX "InventoryTag_tag_lower_prefix_idx" ON "InventoryTag" (lower("tag") text_pattern_ops);
