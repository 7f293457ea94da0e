import Link from "next/link";
import { IndexAsOf } from "@/components/inventory/as-of";
import type { Grant } from "@/lib/auth/policy";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { driftMatrix } from "@/lib/replication/drift";
import { getPrisma } from "@/lib/runtime";
import { plural } from "@/lib/plural";

export function DriftSummaryLoading() {
  return <p className="text-sm text-slate-400">comparing environments…</p>;
}

/**
 * The replication page's drift figures: how many tags the environments the caller may view share and
 * how many of them differ, from the inventory index, with how current each environment's part is.
 * Streamed in its own Suspense boundary: counting every tag takes longer than the rest of the page.
 */
export async function DriftSummary({ grants }: { grants: readonly Grant[] }) {
  const prisma = await getPrisma();
  const m = await driftMatrix(prisma, await visibleEnvironments(prisma, grants), { pageSize: 1 });
  const now = new Date();
  return (
    <section className="card mb-6 p-4" aria-label="Drift between environments" data-testid="replication-drift">
      <h2 className="mb-2 font-semibold">Drift between environments</h2>
      {m.environments.every((e) => !e.asOf) ? (
        <p className="text-sm text-slate-500">Not indexed yet: no environment has been synced into the inventory index.</p>
      ) : (
        <p className="text-sm">
          {plural(m.shared, "shared tag")}, <strong className={m.mismatches ? "text-red-700" : "text-emerald-700"}>{plural(m.mismatches, "mismatch", "mismatches")}</strong> ·{" "}
          <Link href={m.mismatches ? "/replication/drift?show=differs" : "/replication/drift"} className="text-sky-700 hover:underline">
            open the matrix
          </Link>
        </p>
      )}
      <ul className="mt-2 flex flex-wrap gap-4">
        {m.environments.map((e) => (
          <li key={e.name} className="text-sm">
            <span className="font-medium">{e.name}</span> <IndexAsOf env={e} now={now} />
          </li>
        ))}
      </ul>
    </section>
  );
}
