/**
 * Keeps forwarding while the app runs: a pass every POLL_MS (an empty outbox costs one indexed query
 * per sink). Every replica runs it; the per-sink lock lets one deliver at a time.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import type { AuditSender } from "./event";
import { forwardPending } from "./forwarder";

const POLL_MS = 500;

export function startAuditForwarding(prisma: PrismaClient, senders: ReadonlyMap<string, AuditSender>, o: { pollMs?: number } = {}): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const reported = new Map<string, string>();
  const tick = async () => {
    for (const r of await forwardPending(prisma, senders)) {
      // a failure is logged when it starts or changes, and its end once
      const before = reported.get(r.sink);
      if (r.error && r.error !== before) console.error(`[audit] forwarding to sink "${r.sink}" failed: ${r.error}`);
      if (!r.error && before && r.delivered > 0) console.warn(`[audit] forwarding to sink "${r.sink}" works again`);
      if (r.error) reported.set(r.sink, r.error);
      else if (r.delivered > 0) reported.delete(r.sink);
    }
  };
  const timer = setInterval(() => {
    // a pass slower than the period (a sink timing out) is not queued up behind: the next tick skips
    if (stopped || busy) return;
    busy = true;
    running = tick()
      .catch((err: unknown) => console.error(`[audit] forwarding pass failed: ${(err as Error).message}`))
      .finally(() => (busy = false));
  }, o.pollMs ?? POLL_MS);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      for (const s of senders.values()) await s.close().catch(() => undefined);
    },
  };
}
