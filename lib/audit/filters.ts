import { z } from "zod";

/**
 * The audit page's filters as they arrive in a URL (the page's form, the export links). Lenient like
 * a search form: a value that does not parse is dropped rather than refused, so the page and the
 * export it links to always agree on the rows.
 */
const auditFilterQuery = z.object({
  actor: z.string().trim().max(320).optional().catch(undefined),
  action: z.string().trim().max(100).optional().catch(undefined),
  outcome: z.enum(["success", "failure", "denied"]).optional().catch(undefined),
  target: z.string().trim().max(200).optional().catch(undefined),
  from: z.coerce.date().optional().catch(undefined),
  to: z.coerce.date().optional().catch(undefined),
  before: z.string().regex(/^\d+$/).transform(BigInt).optional().catch(undefined),
});

type AuditFilterQuery = z.output<typeof auditFilterQuery>;

/** Empty form fields mean "no filter", not an empty match. */
export function parseAuditFilters(raw: Record<string, string>): AuditFilterQuery {
  return auditFilterQuery.parse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== "")));
}
