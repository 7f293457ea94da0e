import { describe, expect, it } from "vitest";
import { RegistryError } from "../errors";
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, retryStep, type RetryPolicy } from "./retry";
import { fakeResponse, getRequest } from "@/test/support/responses";
import type { RegistryRequest, RegistryResponse } from "./types";

const fast: RetryPolicy = { ...DEFAULT_RETRY_POLICY, maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

function scripted(statuses: Array<number | Error>, headers: Record<string, string> = {}) {
  const seen: RegistryRequest[] = [];
  const next = async (req: RegistryRequest): Promise<RegistryResponse> => {
    seen.push(req);
    const item = statuses[Math.min(seen.length - 1, statuses.length - 1)] as number | Error;
    if (item instanceof Error) throw item;
    return fakeResponse(req, item, headers);
  };
  return { next, seen };
}

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates", () => {
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 09:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("backoffDelay", () => {
  it("grows exponentially up to the cap, scaled by jitter", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});

describe("retryStep", () => {
  it("retries 503 until success and reports the attempt count", async () => {
    const { next, seen } = scripted([503, 503, 200]);
    const res = await retryStep(fast)(next)(getRequest());
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(3);
    expect(seen).toHaveLength(3);
  });

  it("gives up after maxAttempts and returns the last response for the error step", async () => {
    const { next, seen } = scripted([500]);
    const res = await retryStep(fast)(next)(getRequest());
    expect(res.status).toBe(500);
    expect(res.attempts).toBe(3);
    expect(seen).toHaveLength(3);
  });

  it("does not retry client errors", async () => {
    const { next, seen } = scripted([404, 200]);
    expect((await retryStep(fast)(next)(getRequest())).status).toBe(404);
    expect(seen).toHaveLength(1);
  });

  it("does not repeat a non-idempotent request after a 500, but does after 429/503", async () => {
    const patch = getRequest("/v2/app/blobs/uploads/x", { method: "PATCH", body: new Uint8Array([1]) });
    const a = scripted([500, 202]);
    expect((await retryStep(fast)(a.next)(patch)).status).toBe(500);
    const b = scripted([503, 202]);
    expect((await retryStep(fast)(b.next)(patch)).status).toBe(202);
  });

  it("never replays a streamed body", async () => {
    const { Readable } = await import("node:stream");
    const { next, seen } = scripted([503, 201]);
    const res = await retryStep(fast)(next)(getRequest("/v2/app/blobs/uploads/x", { method: "PUT", body: Readable.from([]) }));
    expect(res.status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it("returns at once when Retry-After exceeds the longest wait we accept", async () => {
    const { next, seen } = scripted([429, 200], { "retry-after": "120" });
    const res = await retryStep({ ...fast, maxRetryAfterMs: 10_000 })(next)(getRequest());
    expect(res.status).toBe(429);
    expect(seen).toHaveLength(1);
  });

  it("honours Retry-After seconds", async () => {
    const { next } = scripted([429, 200], { "retry-after": "1" });
    const waits: number[] = [];
    const started = Date.now();
    await retryStep(fast, { onRetry: (i) => waits.push(i.waitMs) })(next)(getRequest());
    expect(waits).toEqual([1000]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it("does not wait past the call's deadline", async () => {
    const { next, seen } = scripted([503, 200], { "retry-after": "5" });
    const res = await retryStep(fast)(next)(getRequest("/v2/", { deadline: Date.now() + 1000 }));
    expect(res.status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it("retries transient network errors on idempotent requests only", async () => {
    const reset = new RegistryError({ kind: "unreachable", message: "reset", transient: true });
    const a = scripted([reset, 200]);
    expect((await retryStep(fast)(a.next)(getRequest())).status).toBe(200);
    const b = scripted([reset, 202]);
    await expect(retryStep(fast)(b.next)(getRequest("/v2/x/blobs/uploads/", { method: "POST" }))).rejects.toBe(reset);
    const refused = new RegistryError({ kind: "unreachable", message: "refused" });
    const c = scripted([refused, 200]);
    await expect(retryStep(fast)(c.next)(getRequest())).rejects.toBe(refused);
    expect(c.seen).toHaveLength(1);
  });
});
