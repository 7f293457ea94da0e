-- Retention execution by the schedule (autoExecute): who started a plan's execution, by name, since the
-- scheduler's system actor ("system:retention-schedule") has no user row for executedById to point at.
-- The retention page shows it; a person's executions carry their email here too.
ALTER TABLE "RetentionPlan" ADD COLUMN "executedByEmail" TEXT;
