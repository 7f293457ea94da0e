import { plural } from "@/lib/plural";
import { Badge } from "@/components/ui/badge";
import { ActorName } from "@/components/ui/actor-name";
import { Time } from "@/components/ui/time";
import { formatBytes, shortDigest } from "@/lib/format";
import { reclaimedBytes } from "@/lib/retention/plan";
import type { StoredPlan } from "@/lib/retention/plan-store";
import type { PlanReclaim } from "@/lib/retention/types";

const ROWS_SHOWN = 2000;

/**
 * A stored plan: what would be deleted, grouped by repository with the space each group frees, and
 * every candidate a protection saved, with why. Two figures per row, group and plan: "Size", each
 * deleted manifest's full size once (the naive sum), and "Frees", shared layers counted once and
 * nothing a kept manifest still uses (lib/retention/reclaim.ts: a blob several items free is
 * counted for the first of them, so items add up to their group and groups to the plan). Plans
 * computed before "Frees" existed show only the size.
 * `executeSlot` is where execution's confirm-with-hash form goes (the execution path supplies it).
 */
export function RetentionPlanView({ plan, executeSlot }: { plan: StoredPlan; executeSlot?: React.ReactNode }) {
  const reclaim = plan.reclaim;
  const columns = reclaim ? 6 : 5;
  const groups = new Map<string, StoredPlan["items"]>();
  for (const item of plan.items) {
    const list = groups.get(item.repository);
    if (list) list.push(item);
    else groups.set(item.repository, [item]);
  }
  // a plan can hold 100,000 items: the page lists the first ROWS_SHOWN, the totals and the CSV cover all
  let budget = ROWS_SHOWN;
  return (
    <section className="space-y-4" aria-label="Retention plan" data-testid="retention-plan">
      <div className="card flex flex-wrap items-center gap-x-6 gap-y-2 p-4 text-sm">
        <div>
          <div className="text-xs text-slate-500">Plan</div>
          <div className="font-mono text-xs">{plan.id}</div>
        </div>
        <div>
          <div className="text-xs text-slate-500">Hash</div>
          <div className="font-mono text-xs" data-testid="retention-plan-hash">{plan.hash}</div>
        </div>
        <div>
          <div className="text-xs text-slate-500">Computed</div>
          <div>
            <Time at={plan.createdAt} /> by <ActorName name={plan.createdBy} />
          </div>
        </div>
        {plan.execution && (
          <div data-testid="retention-plan-execution">
            <div className="text-xs text-slate-500">{plan.execution.automatic ? "Executed automatically" : "Executed"}</div>
            <div>
              <Time at={plan.execution.at} fallback="—" /> by <ActorName name={plan.execution.by} />
              {plan.execution.automatic && <span className="text-slate-500"> (every rule says autoExecute; no person confirmed it)</span>}
            </div>
          </div>
        )}
        <div>
          <div className="text-xs text-slate-500">Index as of</div>
          <div>
            <Time at={plan.indexedAsOf} fallback="never synced" />
          </div>
        </div>
        {reclaim ? (
          <>
            <div>
              <div className="text-xs text-slate-500">Would free (shared layers counted once)</div>
              <div data-testid="retention-plan-reclaimed">
                {reclaim.upperBound ? "at most " : ""}
                {formatBytes(reclaim.bytes)}
              </div>
            </div>
            <div>
              <div className="text-xs text-slate-500">Sum of manifest sizes</div>
              <div data-testid="retention-plan-bytes">{formatBytes(plan.bytes)}</div>
            </div>
          </>
        ) : (
          <div>
            <div className="text-xs text-slate-500">Would free</div>
            <div data-testid="retention-plan-bytes">{formatBytes(plan.bytes)}</div>
          </div>
        )}
        <div>
          <div className="text-xs text-slate-500">Status</div>
          <Badge tone={plan.status === "planned" ? "sky" : "slate"}>{plan.status}</Badge>
        </div>
        <a className="btn-secondary ml-auto" href={`/api/v1/retention/plans/${plan.id}/csv`} download>
          Download CSV
        </a>
      </div>
      <p className="text-xs text-slate-500" data-testid="retention-plan-sizes-note">
        {plan.execution ? "What the plan chose when it was computed; what its execution did is below." : "A dry run: nothing has been deleted."} {reclaim ? sizesNote(reclaim) : "Sizes count each manifest once (its config and layers included); layers shared with other manifests are counted for each, as this plan was computed before the index kept per-layer sizes."} Space returns only after the registry&apos;s garbage collection.
      </p>

      {/* EXECUTE SLOT (issue 14, execution path): the confirm-with-hash form is passed in as executeSlot */}
      {executeSlot}

      <div className="card overflow-x-auto">
        <table className="table" data-testid="retention-items">
          <caption className="px-4 py-2 text-left text-sm font-medium">
            Would delete: {plural(plan.items.length, "tag or manifest", "tags or manifests")} in {plural(groups.size, "repository", "repositories")}
          </caption>
          <thead>
            <tr>
              <th>Tag</th>
              <th>Digest</th>
              <th>Rule</th>
              <th>Manifest</th>
              <th className="text-right">Size</th>
              {reclaim && <th className="text-right">Frees</th>}
            </tr>
          </thead>
          {[...groups].map(([repository, items]) => {
            const shown = Math.max(0, budget);
            budget -= items.length;
            return (
            <tbody key={repository} data-repository={repository}>
              <tr className="bg-slate-50">
                <th colSpan={4} scope="rowgroup" className="text-left">
                  {repository} <span className="font-normal text-slate-500">({items.length})</span>
                </th>
                <td className="text-right font-medium">{formatBytes(reclaimedBytes(items))}</td>
                {reclaim && <td className="text-right font-medium" data-testid="retention-group-reclaimed">{formatBytes(items.reduce((s, i) => s + (i.reclaimed ?? 0), 0))}</td>}
              </tr>
              {items.slice(0, shown).map((i) => (
                <tr key={`${i.tag ?? ""}@${i.digest}`}>
                  <td>{i.tag ?? <span className="text-slate-500">untagged</span>}</td>
                  <td className="font-mono text-xs" title={i.digest}>
                    {shortDigest(i.digest)}
                  </td>
                  <td className="font-mono text-xs">{i.rule}</td>
                  <td>{i.deletesManifest ? "deleted" : "kept (other tags remain)"}</td>
                  <td className="text-right">{i.deletesManifest ? formatBytes(i.bytes) : "—"}</td>
                  {reclaim && <td className="text-right">{i.deletesManifest ? `${i.reclaimedUpperBound ? "≤ " : ""}${formatBytes(i.reclaimed)}` : "—"}</td>}
                </tr>
              ))}
              {shown < items.length && (
                <tr>
                  <td colSpan={columns} className="text-slate-500">
                    {items.length - shown} more in the CSV
                  </td>
                </tr>
              )}
            </tbody>
            );
          })}
          {plan.items.length === 0 && (
            <tbody>
              <tr>
                <td colSpan={columns} className="text-center text-slate-500">
                  Nothing to delete.
                </td>
              </tr>
            </tbody>
          )}
        </table>
      </div>

      <div className="card overflow-x-auto">
        <table className="table" data-testid="retention-protected">
          <caption className="px-4 py-2 text-left text-sm font-medium">Protected: {plural(plan.protected.length, "candidate")} a protection saved</caption>
          <thead>
            <tr>
              <th>Repository</th>
              <th>Tag</th>
              <th>Digest</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {plan.protected.map((p) => (
              <tr key={`${p.repository}:${p.tag ?? ""}@${p.digest}`}>
                <td>{p.repository}</td>
                <td>{p.tag ?? <span className="text-slate-500">untagged</span>}</td>
                <td className="font-mono text-xs" title={p.digest}>
                  {shortDigest(p.digest)}
                </td>
                <td>{p.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** What "Frees" means, and how sure it is (reclaim.ts). */
function sizesNote(reclaim: PlanReclaim): string {
  const parts = [
    "Size: each deleted manifest's full size (layers shared between manifests counted for each). Frees: what deleting it frees, layers shared between deleted manifests counted once (for the first row that frees them) and layers a kept manifest still uses not at all.",
  ];
  if (reclaim.deletedWithoutBlobs) parts.push(`${plural(reclaim.deletedWithoutBlobs, "deleted manifest was", "deleted manifests were")} indexed before the index kept layer lists: counted at full size (≤).`);
  if (reclaim.keptWithoutBlobs) parts.push(`${plural(reclaim.keptWithoutBlobs, "kept manifest has", "kept manifests have")} no layer list and may share layers with deleted ones.`);
  if (reclaim.upperBound) parts.push("\"Frees\" is therefore an upper bound.");
  return parts.join(" ");
}
