-- Promotion policy (issue #12 items 3-5): change windows (status "scheduled", scheduledFor, the
-- admin's window override), approval groups (the groups a promotion needs, and members added in
-- the UI), and the evidence document of each promotion.
-- ADD VALUE inside a transaction is fine as long as nothing in it uses the new value.
ALTER TYPE "PromotionStatus" ADD VALUE 'scheduled';

ALTER TABLE "Promotion" ADD COLUMN "scheduledFor" TIMESTAMP(3);
ALTER TABLE "Promotion" ADD COLUMN "windowOverride" JSONB;
ALTER TABLE "Promotion" ADD COLUMN "approvalGroups" JSONB;
ALTER TABLE "Promotion" ADD COLUMN "evidence" JSONB;

CREATE TABLE "ApprovalGroupMember" (
    "id" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "groupName" TEXT NOT NULL,
    "userEmail" TEXT NOT NULL,
    "addedByEmail" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApprovalGroupMember_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ApprovalGroupMember_environment_groupName_userEmail_key" ON "ApprovalGroupMember"("environment", "groupName", "userEmail");
