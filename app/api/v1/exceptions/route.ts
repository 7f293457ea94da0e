import { z } from "zod";
import { delegated, jsonBody, queryInput, withPermission } from "@/lib/auth/route";
import { currentExceptionSettings } from "@/lib/exceptions/default-settings";
import { exceptionFields } from "@/lib/exceptions/fields";
import { createException, exceptionJson, listExceptions } from "@/lib/exceptions/service";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

const listQuery = z.object({ status: z.enum(["active", "expired", "revoked", "all"]).default("active") });

/** GET ?status=active|expired|revoked|all: the CVE exception ledger (default: what applies now). */
export const GET = withPermission("scan.view", async ({ url }) => {
  const { status } = queryInput(url, listQuery);
  return Response.json({ exceptions: (await listExceptions(await getPrisma(), { status })).map(exceptionJson) });
});

/**
 * POST {cve | package, scope, registry?, repository?, digest?, environment?, reason, owner, expiresAt}:
 * accept a finding until expiresAt (201). The approver role in every environment it reaches is
 * checked by the service.
 */
export const POST = withPermission(delegated("exception.manage"), async ({ principal, request }) => {
  const row = await createException(await getPrisma(), principal, await jsonBody(request, exceptionFields), await currentExceptionSettings());
  return Response.json(exceptionJson({ ...row, status: "active" }), { status: 201, headers: { location: `/api/v1/exceptions/${row.id}` } });
});
