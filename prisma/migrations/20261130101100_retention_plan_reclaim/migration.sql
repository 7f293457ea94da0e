-- A plan's reclaimed bytes with shared layers counted once ({bytes, upperBound, deletedWithoutBlobs,
-- keptWithoutBlobs}, lib/retention/reclaim.ts), beside "bytes" (the naive sum of manifest sizes, kept
-- as it was). Each item's own share is in "items" (RetentionPlanItem.reclaimed). NULL for plans
-- computed before this column.
ALTER TABLE "RetentionPlan" ADD COLUMN "reclaim" JSONB;
