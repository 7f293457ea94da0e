import { HiddenFieldsButton } from "@/components/form/hidden-fields-button";
import type { FormAction } from "@/components/form/action-form";
import { Time } from "@/components/ui/time";

export interface IndexFreshness {
  name: string;
  asOf: Date | null;
  stale: { since: Date; error: string | null } | null;
}

/**
 * How current one environment's part of an index-backed view is: "as of <time>", "stale since …" when
 * its last sync failed, or "not indexed yet" with Sync now (given to administrators only) when the
 * index has never read it, so an empty column is never mistaken for an empty environment.
 */
export function IndexAsOf({ env, now, syncAction }: { env: IndexFreshness; now: Date; syncAction?: FormAction }) {
  if (!env.asOf) {
    return (
      <span className="flex flex-wrap items-center gap-1 text-xs font-normal text-amber-700" data-testid={`as-of-${env.name}`} data-state="never">
        not indexed yet{env.stale ? `: the last sync failed: ${env.stale.error ?? "unknown error"}` : ""}
        {syncAction ? " —" : ""}
        {syncAction && <HiddenFieldsButton action={syncAction} fields={{ environment: env.name }} label="Sync now" ariaLabel={`Sync ${env.name} now`} />}
      </span>
    );
  }
  return (
    <span className="block text-xs font-normal text-slate-500" data-testid={`as-of-${env.name}`} data-state={env.stale ? "stale" : "current"}>
      <span>
        as of <Time at={env.asOf} /> (<Time at={env.asOf} now={now} relative />)
      </span>
      {env.stale && (
        <span className="block text-red-700" title={env.stale.error ?? undefined}>
          stale since <Time at={env.stale.since} />: {env.stale.error ?? "the last sync failed"}
        </span>
      )}
    </span>
  );
}
