-- Promotions: request → gates → approvals → digest-pinned copy → verification, with timeline; API tokens.
CREATE TYPE "PromotionStatus" AS ENUM ('requested', 'approved', 'copying', 'verified', 'failed', 'rejected', 'rolled_back');

CREATE TABLE "Promotion" (
    "id" TEXT NOT NULL,
    "number" SERIAL NOT NULL,
    "sourceEnv" TEXT NOT NULL,
    "targetEnv" TEXT NOT NULL,
    "sourceRepository" TEXT NOT NULL,
    "targetRepository" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "mediaType" TEXT,
    "targetTag" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "requestedById" TEXT NOT NULL,
    "requestedByEmail" TEXT NOT NULL,
    "viaToken" TEXT,
    "status" "PromotionStatus" NOT NULL DEFAULT 'requested',
    "approvalsRequired" INTEGER NOT NULL,
    "gates" JSONB NOT NULL,
    "gatesPassed" BOOLEAN NOT NULL,
    "override" JSONB,
    "previousDigest" TEXT,
    "plan" JSONB,
    "progress" JSONB,
    "error" TEXT,
    "errorKind" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "Promotion_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Promotion_number_key" ON "Promotion"("number");
CREATE INDEX "Promotion_status_idx" ON "Promotion"("status");
CREATE INDEX "Promotion_targetEnv_idx" ON "Promotion"("targetEnv");
CREATE INDEX "Promotion_requestedById_idx" ON "Promotion"("requestedById");

CREATE TABLE "PromotionApproval" (
    "id" TEXT NOT NULL,
    "promotionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "userEmail" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PromotionApproval_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "PromotionApproval_promotionId_userId_key" ON "PromotionApproval"("promotionId", "userId");
ALTER TABLE "PromotionApproval" ADD CONSTRAINT "PromotionApproval_promotionId_fkey"
    FOREIGN KEY ("promotionId") REFERENCES "Promotion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "PromotionEvent" (
    "id" BIGSERIAL NOT NULL,
    "promotionId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "actorEmail" TEXT,
    CONSTRAINT "PromotionEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "PromotionEvent_promotionId_idx" ON "PromotionEvent"("promotionId");
ALTER TABLE "PromotionEvent" ADD CONSTRAINT "PromotionEvent_promotionId_fkey"
    FOREIGN KEY ("promotionId") REFERENCES "Promotion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey"
    FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
