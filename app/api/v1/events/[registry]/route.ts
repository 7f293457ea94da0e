import { readLimited } from "@/lib/auth/route";
import { toCallerError } from "@/lib/error-contract";
import { receiveRegistryEvents, MAX_EVENT_BODY_BYTES } from "@/lib/inventory/index/events/receive";
import { rereadQueue } from "@/lib/inventory/index/reread-jobs";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/**
 * POST /api/v1/events/{registry}: registry notifications. No user session: the registry's events
 * secret is the credential (lib/inventory/index/events/receive.ts), so there is no cookie to forge
 * a cross-site request with, and the body is read with the events cap instead of the API's 64 KiB.
 */
export async function POST(request: Request, context: { params: Promise<{ registry: string }> }): Promise<Response> {
  const { registry } = await context.params;
  const url = new URL(request.url);
  try {
    const body = await readLimited(request, MAX_EVENT_BODY_BYTES);
    const result = await receiveRegistryEvents(
      await getPrisma(),
      { registry, authorization: request.headers.get("authorization"), token: url.searchParams.get("token"), body },
      // pg-boss on PostgreSQL (any replica runs it), in-process on the embedded database
      { reread: (r) => rereadQueue(getPrisma).enqueue(r) },
    );
    return Response.json(result.body, { status: result.status });
  } catch (err) {
    const e = toCallerError(err, `[events] POST ${url.pathname}`);
    return Response.json({ error: e.message, ...(e.requestId ? { requestId: e.requestId } : {}) }, { status: e.status });
  }
}
