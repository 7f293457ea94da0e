-- The newest change time (registry's clock) a sync of the environment has seen through the registry's
-- own API (Harbor push time, ECR imagePushedAt, Docker Hub last_updated): an incremental sync reads
-- only what changed since then.
ALTER TABLE "InventorySyncState" ADD COLUMN "changeCursor" TIMESTAMP(3);
