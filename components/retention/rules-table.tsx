import type { RetentionPolicy } from "@/lib/config/retention";
import { ruleLabel } from "@/lib/retention/plan";

/** The environment's retention rules as written in dockmaster.yaml, one row each, plus its protections. */
export function RetentionRules({ policy, protectedEnvironments }: { policy: RetentionPolicy; protectedEnvironments: string[] }) {
  const days = (n: number | undefined) => (n === undefined ? "—" : `${n} d`);
  return (
    <div className="card overflow-x-auto">
      <table className="table" data-testid="retention-rules">
        <thead>
          <tr>
            <th>Rule</th>
            <th>Keep tags</th>
            <th>Keep last</th>
            <th>Delete older than</th>
            <th>Unless pulled within</th>
            <th>Untagged older than</th>
            <th>Empty allowed</th>
            <th>Auto-execute</th>
          </tr>
        </thead>
        <tbody>
          {policy.rules.map((r, i) => (
            <tr key={i}>
              <td className="font-mono text-xs">{ruleLabel(r, i)}</td>
              <td className="font-mono text-xs">{r.keepTags ?? "—"}</td>
              <td>{r.keepLast ?? "—"}</td>
              <td>{days(r.deleteOlderThanDays)}</td>
              <td>{days(r.unlessPulledWithinDays)}</td>
              <td>{days(r.untaggedOlderThanDays)}</td>
              <td>{r.allowEmpty || policy.allowEmpty ? "yes" : "no"}</td>
              <td>{r.autoExecute ? "yes" : "no"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-500">
        Always protected: digests held in {protectedEnvironments.length ? protectedEnvironments.join(", ") : "no protected environment"}; digests of open promotions or promoted within {policy.recentPromotionDays} days;
        {policy.pinned.length ? ` ${policy.pinned.length} pinned by admin;` : ""} children of kept indexes; signatures and attestations of kept images. Plans are executed by{" "}
        {policy.executeBy === "approver" ? "admins and this environment's approvers" : "admins"}
        {policy.schedule ? `; a plan is computed every ${policy.schedule.everyHours} h and sent for review` : ""}.
      </p>
    </div>
  );
}
