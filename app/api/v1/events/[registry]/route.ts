import { readLimited } from "@/lib/auth/route";
import { AuthError, enforce } from "@/lib/auth/enforce";
import { clientIpFrom } from "@/lib/auth/request";
import { principalFromToken } from "@/lib/auth/tokens";
import { toCallerError } from "@/lib/error-contract";
import { receiveRegistryEvents, MAX_EVENT_BODY_BYTES } from "@/lib/inventory/index/events/receive";
import { rereadQueue } from "@/lib/inventory/index/reread-jobs";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

/** The action a Dockmaster API token needs here (its `events` scope); also POST.permission, as withPermission routes carry theirs. */
const tokenAction = "events.deliver" as const;

/**
 * A Dockmaster API token instead of the registry's secret: it must be allowed events.deliver (an
 * admin's token with the `events` scope). A bearer value that is no token at all may still be the
 * registry's own events secret, which receiveRegistryEvents checks.
 */
async function viaApiToken(request: Request): Promise<boolean> {
  const auth = request.headers.get("authorization");
  const raw = auth?.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : null;
  if (!raw) return false;
  const prisma = await getPrisma();
  const result = await principalFromToken(prisma, raw, clientIpFrom(request.headers));
  if (!result.ok) {
    if (result.unknown) return false;
    throw new AuthError(401, result.message);
  }
  await enforce(prisma, result.principal, tokenAction);
  return true;
}

/**
 * POST /api/v1/events/{registry}: registry notifications. No user session: the registry's events
 * secret (lib/inventory/index/events/receive.ts) or an API token with the `events` scope is the
 * credential, so there is no cookie to forge a cross-site request with, and the body is read with
 * the events cap instead of the API's 64 KiB.
 */
async function receive(request: Request, context: { params: Promise<{ registry: string }> }): Promise<Response> {
  const { registry } = await context.params;
  const url = new URL(request.url);
  try {
    const tokenProven = await viaApiToken(request);
    const body = await readLimited(request, MAX_EVENT_BODY_BYTES);
    const result = await receiveRegistryEvents(
      await getPrisma(),
      { registry, authorization: request.headers.get("authorization"), token: url.searchParams.get("token"), body, ...(tokenProven ? { viaApiToken: true as const } : {}) },
      // pg-boss on PostgreSQL (any replica runs it), in-process on the embedded database
      { reread: (r) => rereadQueue(getPrisma).enqueue(r) },
    );
    return Response.json(result.body, { status: result.status });
  } catch (err) {
    const e = toCallerError(err, `[events] POST ${url.pathname}`);
    return Response.json({ error: e.message, ...(e.requestId ? { requestId: e.requestId } : {}) }, { status: e.status });
  }
}

export const POST = Object.assign(receive, { permission: tokenAction });
