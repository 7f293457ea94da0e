import { Badge } from "@/components/ui/badge";
import type { ProbeState } from "@/lib/probe/overview";
import { stateLabel, stateTone } from "./format";

const dot: Record<ProbeState, string> = { green: "bg-emerald-500", amber: "bg-amber-500", red: "bg-red-500", unknown: "bg-slate-400", paused: "bg-slate-300" };

export function StateBadge({ state, reason, testId }: { state: ProbeState; reason?: string; testId?: string }) {
  return (
    <span className="inline-flex items-center gap-1.5 whitespace-nowrap" data-testid={testId} data-state={state} title={reason}>
      <span className={`inline-block h-2.5 w-2.5 rounded-full ${dot[state]}`} aria-hidden />
      <Badge tone={stateTone[state]}>{stateLabel[state]}</Badge>
    </span>
  );
}
