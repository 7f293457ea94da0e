-- Inventory index (issue #11): current tags per environment, manifests by digest, tag history, sync state.

CREATE TABLE "InventoryTag" (
    "environment" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "InventoryTag_pkey" PRIMARY KEY ("environment", "repository", "tag")
);
CREATE INDEX "InventoryTag_digest_idx" ON "InventoryTag"("digest");

CREATE TABLE "InventoryManifest" (
    "digest" TEXT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "platforms" JSONB NOT NULL,
    "artifactType" TEXT,
    "subject" TEXT,
    "indexedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "InventoryManifest_pkey" PRIMARY KEY ("digest")
);
CREATE INDEX "InventoryManifest_subject_idx" ON "InventoryManifest"("subject");

CREATE TABLE "InventoryTagEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "environment" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "digest" TEXT,
    "previousDigest" TEXT,
    "source" TEXT NOT NULL,
    "actor" TEXT,
    "promotionNumber" INTEGER,
    CONSTRAINT "InventoryTagEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "InventoryTagEvent_environment_repository_tag_at_idx" ON "InventoryTagEvent"("environment", "repository", "tag", "at");
CREATE INDEX "InventoryTagEvent_digest_idx" ON "InventoryTagEvent"("digest");

CREATE TABLE "InventorySyncState" (
    "environment" TEXT NOT NULL,
    "lastFullAt" TIMESTAMP(3),
    "lastIncrementalAt" TIMESTAMP(3),
    "lastDurationMs" INTEGER,
    "repositories" INTEGER NOT NULL DEFAULT 0,
    "tags" INTEGER NOT NULL DEFAULT 0,
    "manifestsFetched" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "staleSince" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "InventorySyncState_pkey" PRIMARY KEY ("environment")
);

CREATE TABLE "InventoryEventReceipt" (
    "registry" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "InventoryEventReceipt_pkey" PRIMARY KEY ("registry", "eventId")
);
CREATE INDEX "InventoryEventReceipt_receivedAt_idx" ON "InventoryEventReceipt"("receivedAt");
