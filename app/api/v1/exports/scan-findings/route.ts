import { z } from "zod";
import { queryInput, withPermission } from "@/lib/auth/route";
import { NotFoundError } from "@/lib/errors";
import { exceptionFilter } from "@/lib/exceptions/scan-views";
import { activeExceptionRules } from "@/lib/exceptions/store";
import { exportResponse, fileSlug } from "@/lib/export/response";
import { findingColumns, findingRows } from "@/lib/export/sources";
import { getPrisma } from "@/lib/runtime";
import { artifactScanView } from "@/lib/scan/views";

export const dynamic = "force-dynamic";

const query = z.object({
  registry: z.string().min(1).max(128),
  repository: z.string().min(1).max(512),
  ref: z.string().min(1).max(200),
  format: z.enum(["csv", "json"]).default("csv"),
});

/** GET ?registry=&repository=&ref=&format=csv|json: the scan findings of one artifact, as the scan page lists them (scan.view). */
export const GET = withPermission("scan.view", async ({ url }) => {
  const q = queryInput(url, query);
  const prisma = await getPrisma();
  const now = new Date();
  const view = await artifactScanView(prisma, q.registry, q.repository, q.ref, exceptionFilter(await activeExceptionRules(prisma, now), now));
  if (!view) throw new NotFoundError(`registry "${q.registry}" does not exist`);
  if (!view.report) throw new NotFoundError(`${q.registry} has no vulnerability report for ${q.repository}@${view.digest}`);
  return exportResponse({ format: q.format, filename: fileSlug(`findings-${q.repository}-${view.digest.replace(":", "-").slice(0, 19)}`), columns: findingColumns, rows: findingRows(view) });
});
