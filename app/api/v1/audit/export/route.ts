import { withPermission } from "@/lib/auth/route";
import { auditExportStream, exportContentType, exportFileName, exportFormats, type ExportFormat } from "@/lib/audit/export";
import { parseAuditFilters } from "@/lib/audit/filters";
import { writeAudit } from "@/lib/audit/log";
import { InvalidInputError } from "@/lib/errors";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/audit/export?format=csv|json|ndjson&actor=&action=&outcome=&target=&from=&to= — the
 * audit page's filtered view as a download, streamed in batches (lib/audit/export.ts). Approvers and
 * admins (audit.export); the export itself is audited, with its filters, before the first byte.
 */
export const GET = withPermission<Record<string, never>>("audit.export", async ({ url, principal }) => {
  const format = url.searchParams.get("format") ?? "csv";
  if (!(exportFormats as readonly string[]).includes(format)) throw new InvalidInputError(`invalid request: format must be one of ${exportFormats.join(", ")}`);
  const { before: _page, ...filter } = parseAuditFilters(Object.fromEntries(url.searchParams));
  const prisma = await getPrisma();
  await writeAudit(prisma, {
    actor: principal,
    action: "audit.export",
    target: null,
    outcome: "success",
    sourceIp: principal.ip,
    detail: { format, filter: { ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() }, ...(principal.viaToken ? { via: `API token "${principal.viaToken}"` } : {}) },
  });
  return new Response(auditExportStream(prisma, filter, format as ExportFormat), {
    headers: { "content-type": exportContentType(format as ExportFormat), "content-disposition": `attachment; filename="${exportFileName(format as ExportFormat)}"`, "cache-control": "no-store" },
  });
});
