-- Probes (issue #5): targets, raw results, time-bucket rollups, alert rules and alerts.
CREATE TABLE "ProbeTarget" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "registryName" TEXT,
    "params" JSONB NOT NULL,
    "intervalSeconds" INTEGER NOT NULL,
    "timeoutMs" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "source" "ConfigSource" NOT NULL DEFAULT 'ui',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "ProbeTarget_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ProbeTarget_name_key" ON "ProbeTarget"("name");

CREATE TABLE "ProbeResult" (
    "id" BIGSERIAL NOT NULL,
    "targetId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "scheduledAt" TIMESTAMP(3),
    "ok" BOOLEAN NOT NULL,
    "latencyMs" DOUBLE PRECISION NOT NULL,
    "errorClass" TEXT,
    "message" TEXT,
    "value" DOUBLE PRECISION,
    "detail" JSONB,
    CONSTRAINT "ProbeResult_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ProbeResult_targetId_at_idx" ON "ProbeResult"("targetId", "at");
CREATE INDEX "ProbeResult_at_idx" ON "ProbeResult"("at");
ALTER TABLE "ProbeResult" ADD CONSTRAINT "ProbeResult_targetId_fkey"
    FOREIGN KEY ("targetId") REFERENCES "ProbeTarget"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ProbeRollup" (
    "targetId" TEXT NOT NULL,
    "bucketSeconds" INTEGER NOT NULL,
    "bucketStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "okCount" INTEGER NOT NULL,
    "p50" DOUBLE PRECISION,
    "p95" DOUBLE PRECISION,
    "p99" DOUBLE PRECISION,
    "maxLatency" DOUBLE PRECISION,
    "histogram" JSONB NOT NULL,
    CONSTRAINT "ProbeRollup_pkey" PRIMARY KEY ("targetId", "bucketSeconds", "bucketStart")
);
ALTER TABLE "ProbeRollup" ADD CONSTRAINT "ProbeRollup_targetId_fkey"
    FOREIGN KEY ("targetId") REFERENCES "ProbeTarget"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ProbeAlertRule" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "windowSeconds" INTEGER,
    "targetName" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "source" "ConfigSource" NOT NULL DEFAULT 'ui',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "ProbeAlertRule_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ProbeAlertRule_name_key" ON "ProbeAlertRule"("name");

CREATE TABLE "ProbeAlert" (
    "id" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "resolveMessage" TEXT,
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedBy" TEXT,
    "notifiedAt" TIMESTAMP(3),
    "recoveryNotifiedAt" TIMESTAMP(3),
    "notifyError" TEXT,
    CONSTRAINT "ProbeAlert_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ProbeAlert_resolvedAt_idx" ON "ProbeAlert"("resolvedAt");
CREATE INDEX "ProbeAlert_targetId_idx" ON "ProbeAlert"("targetId");
-- De-duplication lives in the database: two replicas evaluating the same failure cannot both open an alert.
CREATE UNIQUE INDEX "ProbeAlert_open_key" ON "ProbeAlert"("ruleId", "targetId") WHERE "resolvedAt" IS NULL;
ALTER TABLE "ProbeAlert" ADD CONSTRAINT "ProbeAlert_ruleId_fkey"
    FOREIGN KEY ("ruleId") REFERENCES "ProbeAlertRule"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ProbeAlert" ADD CONSTRAINT "ProbeAlert_targetId_fkey"
    FOREIGN KEY ("targetId") REFERENCES "ProbeTarget"("id") ON DELETE CASCADE ON UPDATE CASCADE;
