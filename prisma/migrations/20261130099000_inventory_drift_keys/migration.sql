-- The drift matrix's keys, kept on write (issue 11: 100,000 tags × 3 environments in ≤ 300 ms).
-- Grouping every InventoryTag row on each view cost 300-600 ms at 300,000 rows; this table holds one
-- row per (relative repository, tag) with how many environments hold it, whether their digests differ
-- and which environments those are, so a view of every environment reads a page of it by index.
--
-- Kept in two steps so concurrent writers never race (two environments' syncs recomputing one key
-- each from its own snapshot would each miss the other's row): each statement on InventoryTag records
-- the keys it touched in "InventoryDriftDirty" (a plain insert: no lock, no conflict, committed with the
-- change), and the reader folds the recorded keys into "InventoryDriftKey" under one advisory lock,
-- recomputing each from the committed rows. A key recomputed twice is harmless.
CREATE TABLE "InventoryDriftKey" (
    "relative" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "holders" INTEGER NOT NULL,
    "differs" BOOLEAN NOT NULL,
    "environments" TEXT[] NOT NULL,
    CONSTRAINT "InventoryDriftKey_pkey" PRIMARY KEY ("relative", "tag")
);
-- the page order of the matrix: mismatches first, then by name
CREATE INDEX "InventoryDriftKey_page_idx" ON "InventoryDriftKey" ("differs" DESC, "relative" COLLATE "C", "tag" COLLATE "C");

CREATE TABLE "InventoryDriftDirty" (
    "relative" TEXT NOT NULL,
    "tag" TEXT NOT NULL
);

CREATE FUNCTION "inventory_drift_mark_insert"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "InventoryDriftDirty" ("relative", "tag") SELECT DISTINCT n."relative", n."tag" FROM new_rows n WHERE n."relative" IS NOT NULL;
  RETURN NULL;
END
$$;

CREATE FUNCTION "inventory_drift_mark_delete"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "InventoryDriftDirty" ("relative", "tag") SELECT DISTINCT o."relative", o."tag" FROM old_rows o WHERE o."relative" IS NOT NULL;
  RETURN NULL;
END
$$;

-- A sync confirms every tag it saw (an UPDATE of "seenAt" only): those rows change no key, so only
-- rows whose digest or relative name changed are recorded, under both their old and new key.
CREATE FUNCTION "inventory_drift_mark_update"() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "InventoryDriftDirty" ("relative", "tag")
  SELECT DISTINCT k.r, k.t FROM (
    SELECT n."relative" AS r, n."tag" AS t, o."relative" AS old_r, o."tag" AS old_t
    FROM new_rows n JOIN old_rows o ON o."environment" = n."environment" AND o."repository" = n."repository" AND o."tag" = n."tag"
    WHERE n."digest" IS DISTINCT FROM o."digest" OR n."relative" IS DISTINCT FROM o."relative"
  ) c CROSS JOIN LATERAL (VALUES (c.r, c.t), (c.old_r, c.old_t)) AS k(r, t)
  WHERE k.r IS NOT NULL;
  RETURN NULL;
END
$$;

CREATE TRIGGER "InventoryTag_drift_insert" AFTER INSERT ON "InventoryTag"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "inventory_drift_mark_insert"();
CREATE TRIGGER "InventoryTag_drift_delete" AFTER DELETE ON "InventoryTag"
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "inventory_drift_mark_delete"();
CREATE TRIGGER "InventoryTag_drift_update" AFTER UPDATE ON "InventoryTag"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "inventory_drift_mark_update"();

-- Folds the recorded keys into InventoryDriftKey; returns how many keys it recomputed. One folder at a
-- time (the advisory lock). One statement, so one snapshot: a change is visible in it exactly when its
-- recorded key is (both commit together), and keys recorded later stay for the next fold. Keys whose
-- rows are all gone and keys that still have rows are disjoint, so the delete and the upsert never
-- touch the same row.
CREATE FUNCTION "inventory_drift_fold"() RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
  folded INTEGER;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('inventory:drift-fold'));
  WITH taken AS (
    DELETE FROM "InventoryDriftDirty" RETURNING "relative", "tag"
  ), keys AS (
    SELECT DISTINCT "relative", "tag" FROM taken
  ), agg AS (
    SELECT k."relative", k."tag", count(x."tag")::int AS holders,
           coalesce(min(x."digest" COLLATE "C") <> max(x."digest" COLLATE "C"), FALSE) AS differs,
           coalesce(array_agg(x."environment" ORDER BY x."environment") FILTER (WHERE x."environment" IS NOT NULL), '{}') AS environments
    FROM keys k LEFT JOIN "InventoryTag" x ON x."relative" = k."relative" AND x."tag" = k."tag"
    GROUP BY k."relative", k."tag"
  ), removed AS (
    DELETE FROM "InventoryDriftKey" d USING agg
    WHERE agg.holders = 0 AND d."relative" = agg."relative" AND d."tag" = agg."tag"
    RETURNING 1
  ), upserted AS (
    INSERT INTO "InventoryDriftKey" ("relative", "tag", "holders", "differs", "environments")
    SELECT "relative", "tag", holders, differs, environments FROM agg WHERE holders > 0
    ON CONFLICT ("relative", "tag") DO UPDATE SET "holders" = EXCLUDED."holders", "differs" = EXCLUDED."differs", "environments" = EXCLUDED."environments"
    RETURNING 1
  )
  SELECT count(*)::int INTO folded FROM keys;
  RETURN folded;
END
$$;

INSERT INTO "InventoryDriftKey" ("relative", "tag", "holders", "differs", "environments")
SELECT "relative", "tag", count(*)::int, min("digest" COLLATE "C") <> max("digest" COLLATE "C"), array_agg("environment" ORDER BY "environment")
FROM "InventoryTag" WHERE "relative" IS NOT NULL GROUP BY "relative", "tag";
