import { receiveRegistryEvents, MAX_EVENT_BODY_BYTES } from "@/lib/inventory/index/events/receive";
import { createRereadQueue } from "@/lib/inventory/index/reread-queue";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";

const holder = globalThis as unknown as { __dmRereads?: ReturnType<typeof createRereadQueue> };
const rereads = (holder.__dmRereads ??= createRereadQueue(getPrisma));

/**
 * POST /api/v1/events/{registry}: registry notifications (no user session: the registry's events
 * secret is the credential; see lib/inventory/index/events/receive.ts).
 */
export async function POST(request: Request, context: { params: Promise<{ registry: string }> }): Promise<Response> {
  const { registry } = await context.params;
  const url = new URL(request.url);
  const length = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(length) && length > MAX_EVENT_BODY_BYTES) return Response.json({ error: `event body larger than ${MAX_EVENT_BODY_BYTES} bytes` }, { status: 413 });
  const body = await readCapped(request, MAX_EVENT_BODY_BYTES + 1);
  const result = await receiveRegistryEvents(
    await getPrisma(),
    { registry, authorization: request.headers.get("authorization"), token: url.searchParams.get("token"), contentLength: Number.isFinite(length) ? length : null, body },
    { reread: (r) => rereads.enqueue(r) },
  );
  return Response.json(result.body, { status: result.status });
}

/** Reads at most `max` bytes, so a sender streaming forever costs us a megabyte, not memory. */
async function readCapped(request: Request, max: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
    if (total >= max) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}
