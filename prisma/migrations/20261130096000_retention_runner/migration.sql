-- Retention execution (issue 14): the process running a plan's execution and until when its claim
-- holds (renewed while it runs), so a retried job never runs the same plan a second time at once.
ALTER TABLE "RetentionPlan" ADD COLUMN "runner" TEXT;
ALTER TABLE "RetentionPlan" ADD COLUMN "runnerUntil" TIMESTAMP(3);
