-- Inventory content (issue #11): image config created/labels, referrers, scan summaries and vulnerability
-- occurrences per digest, so "where is CVE-X" is one indexed query joined with the current tags.

ALTER TABLE "InventoryManifest" ADD COLUMN "configDigest" TEXT;
ALTER TABLE "InventoryManifest" ADD COLUMN "created" TIMESTAMP(3);
ALTER TABLE "InventoryManifest" ADD COLUMN "labels" JSONB;
ALTER TABLE "InventoryManifest" ADD COLUMN "enrichedAt" TIMESTAMP(3);
CREATE INDEX "InventoryManifest_enrichedAt_idx" ON "InventoryManifest"("enrichedAt");

CREATE TABLE "InventoryLabel" (
    "digest" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    CONSTRAINT "InventoryLabel_pkey" PRIMARY KEY ("digest", "key")
);
-- pg_trgm was created by 20261130050000_inventory_search
CREATE INDEX "InventoryLabel_value_trgm_idx" ON "InventoryLabel" USING gin ("value" gin_trgm_ops);

CREATE TABLE "InventoryReferrer" (
    "subject" TEXT NOT NULL,
    "referrer" TEXT NOT NULL,
    "artifactType" TEXT,
    "environment" TEXT NOT NULL,
    "repository" TEXT NOT NULL,
    "how" TEXT NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "InventoryReferrer_pkey" PRIMARY KEY ("subject", "referrer", "environment", "repository")
);
CREATE INDEX "InventoryReferrer_referrer_idx" ON "InventoryReferrer"("referrer");

CREATE TABLE "InventoryScan" (
    "digest" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "registry" TEXT NOT NULL,
    "scanner" TEXT NOT NULL,
    "scannedAt" TIMESTAMP(3),
    "critical" INTEGER NOT NULL DEFAULT 0,
    "high" INTEGER NOT NULL DEFAULT 0,
    "medium" INTEGER NOT NULL DEFAULT 0,
    "low" INTEGER NOT NULL DEFAULT 0,
    "negligible" INTEGER NOT NULL DEFAULT 0,
    "unknown" INTEGER NOT NULL DEFAULT 0,
    "fixable" INTEGER NOT NULL DEFAULT 0,
    "fixableBySeverity" JSONB NOT NULL,
    "referrer" TEXT,
    "readAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "InventoryScan_pkey" PRIMARY KEY ("digest")
);

CREATE TABLE "InventoryScanCheck" (
    "digest" TEXT NOT NULL,
    "registry" TEXT NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "InventoryScanCheck_pkey" PRIMARY KEY ("digest", "registry")
);

CREATE TABLE "InventoryVulnerability" (
    "id" BIGSERIAL NOT NULL,
    "digest" TEXT NOT NULL,
    "cve" TEXT NOT NULL,
    "package" TEXT NOT NULL,
    "installedVersion" TEXT,
    "fixedVersion" TEXT,
    "severity" TEXT NOT NULL,
    CONSTRAINT "InventoryVulnerability_pkey" PRIMARY KEY ("id")
);
-- (cve, digest) answers "where is CVE-X" with an index scan whose digests join InventoryTag_digest_idx;
-- text_pattern_ops also serves the prefix search of CVE ids (LIKE 'CVE-2024-%').
CREATE INDEX "InventoryVulnerability_cve_digest_idx" ON "InventoryVulnerability"("cve" text_pattern_ops, "digest");
CREATE INDEX "InventoryVulnerability_digest_idx" ON "InventoryVulnerability"("digest");
