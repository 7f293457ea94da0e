-- Search queries shorter than 3 characters match as prefixes (trigram indexes need 3 characters);
-- these b-trees serve LIKE 'q%' whatever the database's collation, and stop past the prefix.
CREATE INDEX "InventoryTag_repository_prefix_idx" ON "InventoryTag" ("repository" text_pattern_ops);
CREATE INDEX "InventoryTag_tag_lower_prefix_idx" ON "InventoryTag" (lower("tag") text_pattern_ops);

-- The drift matrix compares repositories by their name inside each environment's namespace ("dev/app"
-- in dev and "prod/app" in prod are both "app"). Computing that per row and hashing every tag took
-- over a second at 300,000 tags; stored, the matrix groups on an index in its order instead.
-- "relative" is NULL when the repository lies outside its environment's namespace (or the environment
-- is unknown): such tags are in no drift row. Triggers keep it right for every writer (snapshot,
-- events, imports) and when an environment's namespace changes, so no writer can forget it.
ALTER TABLE "InventoryTag" ADD COLUMN "relative" TEXT;

-- as lib/registry/namespace.ts relativeName: trailing slashes of the namespace do not count, the root
-- namespace holds every repository
CREATE FUNCTION "inventory_relative_name"(repository TEXT, namespace TEXT) RETURNS TEXT
LANGUAGE SQL IMMUTABLE AS $$
  SELECT CASE
    WHEN namespace IS NULL THEN NULL
    WHEN rtrim(namespace, '/') = '' THEN repository
    WHEN starts_with(repository, rtrim(namespace, '/') || '/') THEN substr(repository, length(rtrim(namespace, '/')) + 2)
  END
$$;

CREATE FUNCTION "inventory_tag_relative"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  NEW."relative" := "inventory_relative_name"(NEW."repository", (SELECT e."namespace" FROM "Environment" e WHERE e."name" = NEW."environment"));
  RETURN NEW;
END
$$;

CREATE TRIGGER "InventoryTag_relative"
BEFORE INSERT OR UPDATE OF "environment", "repository" ON "InventoryTag"
FOR EACH ROW EXECUTE FUNCTION "inventory_tag_relative"();

CREATE FUNCTION "environment_inventory_relative"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "InventoryTag" SET "relative" = "inventory_relative_name"("repository", NEW."namespace")
  WHERE "environment" = NEW."name" AND "relative" IS DISTINCT FROM "inventory_relative_name"("repository", NEW."namespace");
  IF TG_OP = 'UPDATE' AND OLD."name" <> NEW."name" THEN
    UPDATE "InventoryTag" SET "relative" = NULL WHERE "environment" = OLD."name" AND "relative" IS NOT NULL;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Environment_inventory_relative"
AFTER INSERT OR UPDATE OF "name", "namespace" ON "Environment"
FOR EACH ROW EXECUTE FUNCTION "environment_inventory_relative"();

UPDATE "InventoryTag" t SET "relative" = "inventory_relative_name"(t."repository", e."namespace")
FROM "Environment" e WHERE e."name" = t."environment";

-- grouped in this order; environment and digest included so the grouping reads the index alone
CREATE INDEX "InventoryTag_relative_tag_idx" ON "InventoryTag" ("relative", "tag") INCLUDE ("environment", "digest");
