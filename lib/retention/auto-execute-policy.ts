/**
 * When a plan may run without a person (retention rules' autoExecute: true): only in an environment
 * that is not protected, and only when every rule that selected an item allows it. One home for the
 * question, asked twice: by the schedule when it offers the plan for unattended execution, and by
 * execution itself right before it runs (execute-scheduled.ts), against the environment as it is then,
 * because the config or the environment's protection may have changed since the plan was computed.
 * Pure: it imports no execution code (plan-imports.test.ts follows schedule.ts through it).
 */
import type { RetentionPolicy } from "@/lib/config/retention";
import { PULLS_NOT_REPORTED, ruleLabel } from "./plan";
import type { RetentionPlanItem } from "./types";

/** null: the plan may be executed unattended; otherwise why not, in plain words. */
export function autoExecuteRefusal(env: { name: string; protected: boolean }, policy: Pick<RetentionPolicy, "rules">, items: readonly Pick<RetentionPlanItem, "rule">[]): string | null {
  if (env.protected) return `environment ${env.name} is protected: its plans are executed only by a person who confirms the plan's hash`;
  if (items.length === 0) return "the plan deletes nothing";
  const allowed = new Set(policy.rules.map((r, i) => (r.autoExecute ? ruleLabel(r, i) : null)).filter((l): l is string => l !== null));
  // a referrer that follows its image is named "<rule> (referrer of …)": it counts as that rule, as
  // does a tag whose rule's unlessPulledWithinDays could not apply (PULLS_NOT_REPORTED)
  const refused = [...new Set(items.map((i) => i.rule.replace(/ \(referrer of [^)]*\)$/, "").replace(PULLS_NOT_REPORTED, "")).filter((rule) => !allowed.has(rule)))];
  if (refused.length) return `${refused.slice(0, 3).join(", ")}${refused.length > 3 ? ` and ${refused.length - 3} more` : ""} ${refused.length === 1 ? "does" : "do"} not say autoExecute: true (now)`;
  return null;
}
