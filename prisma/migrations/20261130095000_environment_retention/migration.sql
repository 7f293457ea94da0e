-- Retention policy of an environment (issue 14): the `retention:` block of dockmaster.yaml as parsed
-- (lib/config/retention.ts), kept beside the gates so planning, the schedule and execution's
-- "who may execute" read one stored copy. NULL: no retention policy.
ALTER TABLE "Environment" ADD COLUMN "retention" JSONB;
