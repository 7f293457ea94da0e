/**
 * dockmaster.yaml `retention:` settings of execution (the per-environment rules are planning's):
 *   retention:
 *     deleteRatePerSecond: 10     # registry delete requests per second, per running plan
 *     recentPromotionDays: 7      # a promotion verified this recently still protects its digest
 */
import { z } from "zod";

export const retentionExecutionConfig = z.strictObject({
  deleteRatePerSecond: z.number().positive("must be above 0").max(1000, "must be at most 1000 per second").default(10),
  recentPromotionDays: z.number().int().min(0).max(365).default(7),
});

export type RetentionExecutionConfig = z.infer<typeof retentionExecutionConfig>;
export const defaultRetentionExecution: RetentionExecutionConfig = retentionExecutionConfig.parse({});

/**
 * Who may execute an environment's plans: its retention config's `executeBy` (planning owns that
 * schema; read loosely here so execution does not depend on it), admins by default.
 */
export function retentionExecuteBy(environments: readonly unknown[], environment: string): "admin" | "approver" {
  const env = environments.find((e) => (e as { name?: unknown }).name === environment) as { retention?: { executeBy?: unknown } } | undefined;
  return env?.retention?.executeBy === "approver" ? "approver" : "admin";
}
