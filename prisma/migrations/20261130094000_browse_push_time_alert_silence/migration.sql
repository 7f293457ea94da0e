-- Issue 13: the registry's own push time of a tag (Harbor push_time, ECR imagePushedAt, Docker Hub
-- tag_last_pushed), null where the registry reports none (plain OCI: the index's "since" is then the
-- first-seen time, and the UI says so).
ALTER TABLE "InventoryTag" ADD COLUMN "pushedAt" TIMESTAMP(3);

-- Issue 13: silencing an alert or a whole rule until a time; notifications are held until then.
ALTER TABLE "ProbeAlert" ADD COLUMN "silencedUntil" TIMESTAMP(3);
ALTER TABLE "ProbeAlert" ADD COLUMN "silencedBy" TEXT;
ALTER TABLE "ProbeAlertRule" ADD COLUMN "silencedUntil" TIMESTAMP(3);
ALTER TABLE "ProbeAlertRule" ADD COLUMN "silencedBy" TEXT;
