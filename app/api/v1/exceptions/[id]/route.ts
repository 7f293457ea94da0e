import { delegated, withPermission } from "@/lib/auth/route";
import { exceptionJson, revokeException } from "@/lib/exceptions/service";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** DELETE: revoke the exception (it stays in the ledger, revoked). Exceptions from dockmaster.yaml are refused (409). */
export const DELETE = withPermission<{ id: string }>(delegated("exception.manage"), async ({ principal, params }) => {
  const row = await revokeException(await getPrisma(), principal, params.id);
  return Response.json(exceptionJson({ ...row, status: "revoked" }));
});
