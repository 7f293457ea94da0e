/**
 * Alert notifications: one JSON POST per event to the configured webhook. Delivery is retried a few
 * times with backoff; what finally happened is recorded on the alert (notifiedAt or notifyError), and
 * maintenance retries the failed ones later.
 */
import { envRefName } from "@/lib/config/schema";
import { plural } from "@/lib/plural";

export interface AlertEvent {
  event: "alert.firing" | "alert.resolved";
  alert: {
    id: string;
    rule: string;
    kind: string;
    threshold: number;
    target: string;
    targetKind: string;
    registry: string | null;
    message: string;
    value: number | null;
    startedAt: string;
    resolvedAt: string | null;
  };
  source: "dockmaster";
}

/** A ${VAR} reference is resolved at send time, so the secret URL never sits in the database. */
export function resolveWebhookUrl(configured: string | undefined, env: Record<string, string | undefined> = process.env): string | undefined {
  if (!configured) return undefined;
  const ref = envRefName(configured);
  return ref ? env[ref] || undefined : configured;
}

export interface WebhookOptions {
  attempts?: number;
  timeoutMs?: number;
  backoffMs?: number;
}

/** Any JSON event (probe alerts; CVE exceptions expiring, lib/exceptions) to the one configured webhook. */
export async function postWebhook(url: string, body: object, opts: WebhookOptions = {}): Promise<void> {
  const attempts = opts.attempts ?? 3;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "dockmaster-alerts" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      last = new Error(`webhook answered HTTP ${res.status}`);
      if (res.status < 500 && res.status !== 429) break; // the receiver refuses this body: retrying will not help
    } catch (err) {
      last = err;
    }
    if (attempt < attempts) await new Promise((r) => setTimeout(r, (opts.backoffMs ?? 500) * attempt));
  }
  const reason = last instanceof Error ? (last.cause instanceof Error ? `${last.message}: ${last.cause.message}` : last.message) : String(last);
  throw new Error(`webhook delivery failed after ${plural(attempts, "attempt")}: ${reason}`);
}
