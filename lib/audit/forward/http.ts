/**
 * HTTP delivery: each batch is one POST of JSON lines (one event per line, in order). The receiver's
 * 2xx is the acknowledgement; anything else (or no answer within the timeout) leaves the batch in the
 * outbox for the next attempt, so delivery is at least once: a receiver should drop ids it has seen.
 * With `hmacSecret`, X-Dockmaster-Signature carries sha256=<hex HMAC of the body>.
 */
import { createHmac } from "node:crypto";
import { request } from "undici";
import type { AuditSender } from "./event";

const TIMEOUT_MS = 10_000;

function signature(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function httpSender(o: { url: string; secret?: string }): AuditSender {
  const where = new URL(o.url);
  const shown = `${where.origin}${where.pathname}`;
  return {
    async send(events) {
      if (!events.length) return;
      const body = events.map((e) => JSON.stringify(e)).join("\n") + "\n";
      let res;
      try {
        res = await request(o.url, {
          method: "POST",
          body,
          headers: {
            "content-type": "application/x-ndjson",
            "x-dockmaster-delivery": `${events[0]!.id}-${events.at(-1)!.id}`,
            ...(o.secret ? { "x-dockmaster-signature": signature(body, o.secret) } : {}),
          },
          headersTimeout: TIMEOUT_MS,
          bodyTimeout: TIMEOUT_MS,
        });
      } catch (err) {
        throw new Error(`POST ${shown}: ${(err as Error).message}`);
      }
      // the body is drained either way, so the connection can be reused
      const text = (await res.body.text()).slice(0, 200);
      if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`POST ${shown}: HTTP ${res.statusCode}${text ? `: ${text.replace(/\s+/g, " ")}` : ""}`);
    },
    async close() {},
  };
}
