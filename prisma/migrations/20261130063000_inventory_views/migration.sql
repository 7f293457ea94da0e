-- Index-backed views (issue #11): search results come back ordered by repository, tag, environment,
-- LIMIT n. With the rows already in that order a short or common query ("v7", "api") stops after n
-- matches instead of sorting every match; the trigram indexes still serve rare substrings.
CREATE INDEX "InventoryTag_repository_tag_environment_idx" ON "InventoryTag"("repository", "tag", "environment");
CREATE INDEX "InventoryTag_repository_environment_idx" ON "InventoryTag"("repository", "environment");
