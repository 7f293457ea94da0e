import { z } from "zod";
import { configName } from "@/lib/config/names";
import { defineProbeKind } from "./spec";

const MINUTE_MS = 60_000;

/**
 * Whether an audit sink (dockmaster.yaml `audit.forward`) keeps up: fails once its deliveries have
 * failed for `failingMinutes`, naming the sink's last error and how many events wait. The events are
 * not lost meanwhile (they wait in the outbox); the alert says the SIEM is behind. Value: the backlog.
 */
export const auditForwarding = defineProbeKind({
  kind: "audit_forwarding",
  label: "Audit forwarding",
  registry: "never",
  params: z.strictObject({
    sink: configName.describe("names the audit sink (audit.forward[].name) to watch"),
    failingMinutes: z.coerce.number().int().min(1).max(1440).default(5),
  }),
  form: [
    { name: "sink", label: "Audit sink", placeholder: "siem" },
    { name: "failingMinutes", label: "Fail after failing for (minutes)", placeholder: "5" },
  ],
  alerts: ["consecutive_failures"],
  async run(_target, params, ctx) {
    const sink = await ctx.auditSink(params.sink);
    if (!sink) return { ok: false, errorClass: "not_found", message: `there is no audit sink named "${params.sink}" (audit.forward in dockmaster.yaml)` };
    const detail = { failingSince: sink.failingSince?.toISOString() ?? null, lastError: sink.lastError, backlog: sink.backlog, lastDeliveredAt: sink.lastDeliveredAt?.toISOString() ?? null };
    const failingFor = sink.failingSince ? Date.now() - sink.failingSince.getTime() : 0;
    if (sink.failingSince && failingFor >= params.failingMinutes * MINUTE_MS) {
      const minutes = Math.floor(failingFor / MINUTE_MS);
      const waiting = `${sink.backlog} event${sink.backlog === 1 ? "" : "s"} waiting`;
      return { ok: false, errorClass: "unreachable", value: sink.backlog, message: `audit sink "${sink.name}" has failed for ${minutes} min (${waiting}): ${sink.lastError ?? "no error recorded"}`, detail };
    }
    return { ok: true, value: sink.backlog, detail };
  },
});
