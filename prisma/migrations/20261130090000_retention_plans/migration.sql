-- Retention plans (issue 14): stored dry runs, executed only by quoting their hash.
CREATE TABLE "RetentionPlan" (
    "id" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "indexedAsOf" TIMESTAMP(3),
    "items" JSONB NOT NULL,
    "protected" JSONB NOT NULL,
    "bytes" BIGINT NOT NULL DEFAULT 0,
    "createdById" TEXT,
    "createdByEmail" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'planned',
    "outcomes" JSONB,
    "executedById" TEXT,
    "executedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "RetentionPlan_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "RetentionPlan_environment_createdAt_idx" ON "RetentionPlan"("environment", "createdAt");
