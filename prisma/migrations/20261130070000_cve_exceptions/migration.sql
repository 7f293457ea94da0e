-- CVE exception ledger (issue #12 item 2): reviewed, time-limited acceptances of a CVE or package.
CREATE TABLE "CveException" (
    "id" TEXT NOT NULL,
    "cveId" TEXT,
    "packageName" TEXT,
    "scope" TEXT NOT NULL,
    "registry" TEXT,
    "repository" TEXT,
    "digest" TEXT,
    "environment" TEXT,
    "reason" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdById" TEXT,
    "createdBy" TEXT NOT NULL,
    "approvedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "revokedBy" TEXT,
    "expiredNotedAt" TIMESTAMP(3),
    "warnedAt" TIMESTAMP(3),
    "source" "ConfigSource" NOT NULL DEFAULT 'ui',
    "configKey" TEXT,
    CONSTRAINT "CveException_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "CveException_one_subject" CHECK (("cveId" IS NULL) <> ("packageName" IS NULL)),
    CONSTRAINT "CveException_scope" CHECK ("scope" IN ('digest', 'repository', 'environment', 'global'))
);
CREATE UNIQUE INDEX "CveException_configKey_key" ON "CveException"("configKey");
CREATE INDEX "CveException_expiresAt_idx" ON "CveException"("expiresAt");
