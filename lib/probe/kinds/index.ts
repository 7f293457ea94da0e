/**
 * Every probe kind, one spec each (./spec.ts). Adding a kind: a new file beside these and one line in
 * `probeKindSpecs`; the config schema, the form, the actions, the target service and the alert
 * evaluator pick it up from here.
 */
import { classify, ProbeTimeout } from "../classify";
import type { ProbeContext } from "../context";
import type { AlertKind, ProbeOutcome, ProbeTargetSpec } from "../types";
import { auditForwarding } from "./audit-forwarding";
import { credentials } from "./credentials";
import { pullLatency } from "./pull-latency";
import { reachability } from "./reachability";
import type { FormField, ProbeKindSpec } from "./spec";
import { storageQuota } from "./storage-quota";
import { tagConsistency } from "./tag-consistency";
import { tlsExpiry } from "./tls-expiry";

const probeKindSpecs = [reachability, credentials, pullLatency, storageQuota, tagConsistency, tlsExpiry, auditForwarding] as const;

export type ProbeKind = (typeof probeKindSpecs)[number]["kind"];

/** The kinds, as z.enum wants them. */
export const probeKinds = probeKindSpecs.map((s) => s.kind) as unknown as readonly [ProbeKind, ...ProbeKind[]];

const byKind = new Map<string, ProbeKindSpec>(probeKindSpecs.map((s) => [s.kind, s as unknown as ProbeKindSpec]));

export function probeKindSpec(kind: string): ProbeKindSpec | undefined {
  return byKind.get(kind);
}

export function kindLabel(kind: string): string {
  return byKind.get(kind)?.label ?? kind;
}

/** Whether an alert kind means something for probes of this kind (rules without a target). */
export function alertAppliesTo(alert: AlertKind, kind: string): boolean {
  return byKind.get(kind)?.alerts.includes(alert) ?? false;
}

/** What the "Add a probe" form shows per kind: plain data, handed to the client component. */
export interface KindForm {
  kind: string;
  label: string;
  registry: ProbeKindSpec["registry"];
  fields: Array<FormField & { required: boolean }>;
}

export function kindForms(): KindForm[] {
  return [...byKind.values()].map((s) => ({
    kind: s.kind,
    label: s.label,
    registry: s.registry,
    // required when the kind's schema refuses the field left out
    fields: s.form.map((f) => ({ ...f, required: !s.params.shape[f.name]?.safeParse(undefined).success })),
  }));
}

/** The kind's settings from a submitted form: only its own fields, blanks left out, lists split. */
export function formParams(spec: ProbeKindSpec, values: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const f of spec.form) {
    const raw = values[f.name];
    const text = typeof raw === "string" ? raw.trim() : "";
    if (!text) continue;
    params[f.name] = f.input === "environments" ? text.split(/[\s,]+/).filter(Boolean) : text;
  }
  return params;
}

/**
 * Runs one probe and never throws: every failure becomes an outcome with its error class. The
 * deadline is enforced here as well as in the registry client, so a kind that hangs somewhere else
 * (a stalled stream, a slow DNS lookup) still reports in time.
 */
export async function runProbe(target: ProbeTargetSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`probe ${target.name} did not finish within ${target.timeoutMs} ms`)), target.timeoutMs + 250);
  });
  try {
    const spec = byKind.get(target.kind);
    if (!spec) throw new Error(`unknown probe kind "${target.kind}"`);
    const parsed = spec.params.safeParse(target.params);
    if (!parsed.success) throw new Error(`probe ${target.name}: its ${target.kind} settings are invalid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(settings)"}: ${i.message}`).join("; ")}`);
    const outcome = await Promise.race([spec.run(target, parsed.data, ctx), deadline]);
    return { ...outcome, latencyMs: performance.now() - started };
  } catch (err) {
    return { ok: false, latencyMs: performance.now() - started, ...classify(err) };
  } finally {
    clearTimeout(timer);
  }
}
