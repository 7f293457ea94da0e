import { z } from "zod";
import { queryInput, withPermission } from "@/lib/auth/route";
import { exportResponse } from "@/lib/export/response";
import { driftColumns, driftExport } from "@/lib/export/sources";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

const query = z.object({
  show: z.enum(["shared", "differs", "missing", "all"]).default("shared"),
  q: z.string().max(200).default(""),
  format: z.enum(["csv", "json"]).default("csv"),
});

/**
 * GET ?show=&q=&format=csv|json: the whole drift matrix for the page's filter, every page of it
 * (replication.view), with a column per environment the caller may view and no other.
 */
export const GET = withPermission("replication.view", async ({ principal, url }) => {
  const q = queryInput(url, query);
  const prisma = await getPrisma();
  const m = await driftExport(prisma, await visibleEnvironments(prisma, principal.grants), { show: q.show, filter: q.q });
  return exportResponse({ format: q.format, filename: `drift-${q.show}`, columns: driftColumns(m.environments), rows: m.rows });
});
