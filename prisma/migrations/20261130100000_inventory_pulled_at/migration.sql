-- The registry's own last pull time of a tag (Harbor artifact pull_time, ECR lastRecordedPullTime,
-- Docker Hub tag_last_pulled), for retention's unlessPulledWithinDays and the tag pages. Null where
-- the tag was never pulled, its pull time was not read yet, or the registry reports none (plain OCI).
ALTER TABLE "InventoryTag" ADD COLUMN "pulledAt" TIMESTAMP(3);

-- When the last complete read of the registry's pull times started (a full sync through its own API).
-- Until then a null pulledAt means "unknown", not "never pulled": retention protects rather than
-- guesses, so rows that predate this column are never taken for unpulled.
ALTER TABLE "InventorySyncState" ADD COLUMN "pullTimesReadAt" TIMESTAMP(3);
