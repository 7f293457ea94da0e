-- Repository search reads distinct repository names (issue 11). A trigram GIN index on
-- InventoryTag."repository" held the same long name once per tag (ten tags, ten copies of every
-- trigram) and cost about 70% of the database's CPU during a full sync (1.6 s of 2.2 s for 10,000
-- tags). Each name is here once, whatever its tags and environments, so a sync adds to the trigram
-- index only repositories new to every environment.
CREATE TABLE "InventoryRepositoryName" (
    "name" TEXT NOT NULL,
    CONSTRAINT "InventoryRepositoryName_pkey" PRIMARY KEY ("name")
);
CREATE INDEX "InventoryRepositoryName_trgm_idx" ON "InventoryRepositoryName" USING gin ("name" gin_trgm_ops);
-- short queries match as prefixes (see lib/inventory/index/search.ts)
CREATE INDEX "InventoryRepositoryName_prefix_idx" ON "InventoryRepositoryName" ("name" text_pattern_ops);

INSERT INTO "InventoryRepositoryName" ("name") SELECT DISTINCT "repository" FROM "InventoryTag";

-- Every writer of InventoryTag keeps the names, once per statement. Names are only added here: a name
-- whose tags are all gone is harmless (search joins the tags) and is removed by
-- inventory_repository_names_prune, which locks out these inserts while it looks.
CREATE FUNCTION "inventory_repository_names_add"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "InventoryRepositoryName" ("name") SELECT DISTINCT n."repository" FROM new_rows n ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER "InventoryTag_repository_names_insert" AFTER INSERT ON "InventoryTag"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "inventory_repository_names_add"();
-- No writer renames a tag's repository, but should one, the new name is searchable. Per row and only
-- when the name changed: a sync's seenAt updates (every tag, every sync) cost nothing here.
CREATE FUNCTION "inventory_repository_name_renamed"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "InventoryRepositoryName" ("name") VALUES (NEW."repository") ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER "InventoryTag_repository_names_update" AFTER UPDATE OF "repository" ON "InventoryTag"
FOR EACH ROW WHEN (OLD."repository" IS DISTINCT FROM NEW."repository") EXECUTE FUNCTION "inventory_repository_name_renamed"();

-- Removes names no tag has any more. The lock waits for every transaction that wrote names (or found
-- them present) to commit and holds new writers off until this one does, so a name is never removed
-- while a tag that needs it is being written. Returns how many names went.
CREATE FUNCTION "inventory_repository_names_prune"() RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE removed INTEGER;
BEGIN
  LOCK TABLE "InventoryRepositoryName" IN SHARE ROW EXCLUSIVE MODE;
  DELETE FROM "InventoryRepositoryName" n WHERE NOT EXISTS (SELECT 1 FROM "InventoryTag" t WHERE t."repository" = n."name");
  GET DIAGNOSTICS removed = ROW_COUNT;
  RETURN removed;
END
$$;

DROP INDEX "InventoryTag_repository_trgm_idx";
DROP INDEX "InventoryTag_repository_prefix_idx";
