import { Badge } from "@/components/ui/badge";
import type { ApprovalStanding } from "@/lib/promotion/approval-groups";

/** Who counted for which group, and which group still owes a decision. */
export function ApprovalStandingList({ standing }: { standing: ApprovalStanding }) {
  return (
    <ul className="space-y-1 text-sm" data-testid="approval-groups">
      {standing.groups.map((g) => (
        <li key={g.name ?? "any"} data-testid={g.owed > 0 ? "group-owing" : "group-done"}>
          <Badge tone={g.owed > 0 ? "amber" : "green"}>{g.owed > 0 ? `owes ${g.owed}` : "done"}</Badge> <span className="font-medium">{g.name ?? "Approvers"}</span>{" "}
          <span className="text-xs text-slate-500">
            {g.approvedBy.length} of {g.count}
            {g.approvedBy.length ? `: ${g.approvedBy.join(", ")}` : ""}
          </span>
        </li>
      ))}
      {standing.uncounted.length > 0 && <li className="text-xs text-slate-500">Not counted for any group: {standing.uncounted.join(", ")}</li>}
    </ul>
  );
}
