-- The relative name of a tag's repository (migration 20261130080000) was computed per inserted row by
-- a trigger that looked the environment's namespace up again for every row: 40% of the database's
-- work in a full sync. The sync's insert now supplies it, computed by the same function from one
-- lookup per statement; the trigger still computes it for any writer that does not (NULL), and every
-- update of a row's environment or repository still recomputes it, so no writer can get it wrong by
-- forgetting. (A NULL that is right, a repository outside its namespace, is merely computed again.)
DROP TRIGGER "InventoryTag_relative" ON "InventoryTag";

CREATE TRIGGER "InventoryTag_relative_insert"
BEFORE INSERT ON "InventoryTag"
FOR EACH ROW WHEN (NEW."relative" IS NULL) EXECUTE FUNCTION "inventory_tag_relative"();

CREATE TRIGGER "InventoryTag_relative_update"
BEFORE UPDATE OF "environment", "repository" ON "InventoryTag"
FOR EACH ROW EXECUTE FUNCTION "inventory_tag_relative"();
