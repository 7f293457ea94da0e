/**
 * The vocabulary shared by probe kinds, storage, alerts, scheduler and UI. The kinds themselves are
 * described in ./kinds (one spec each); alert kinds are listed here, and each probe kind says which
 * of them apply to it.
 */

export const alertKinds = ["consecutive_failures", "p99_latency", "quota_percent", "cert_expiry_days"] as const;
export type AlertKind = (typeof alertKinds)[number];

export const alertKindLabels: Record<AlertKind, string> = {
  consecutive_failures: "consecutive failures",
  p99_latency: "p99 latency above (ms)",
  quota_percent: "quota used above (%)",
  cert_expiry_days: "certificate expires within (days)",
};

/** Kind-specific settings, stored as ProbeTarget.params; each kind's spec parses its own (kinds/*.ts). */
export type ProbeParams = Record<string, unknown>;

export interface ProbeTargetSpec {
  id: string;
  name: string;
  /** one of the kinds in ./kinds; unknown kinds (a row from a newer version) fail when run */
  kind: string;
  registryName: string | null;
  params: ProbeParams;
  intervalSeconds: number;
  timeoutMs: number;
  enabled: boolean;
}

/**
 * What one run found. `ok` false with errorClass "unsupported" means "cannot be measured here"
 * (e.g. quota on a plain OCI registry): shown, but neither red nor counted as a failure by alerts.
 */
export interface ProbeOutcome {
  ok: boolean;
  latencyMs: number;
  errorClass?: string;
  message?: string;
  /** the kind's own measure: throughput B/s, quota %, certificate days left */
  value?: number;
  detail?: Record<string, unknown>;
}

export const UNSUPPORTED = "unsupported";

export function toSpec(row: {
  id: string;
  name: string;
  kind: string;
  registryName: string | null;
  params: unknown;
  intervalSeconds: number;
  timeoutMs: number;
  enabled: boolean;
}): ProbeTargetSpec {
  // picked field by field: a database row carries more (timestamps, source) than a spec is
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    registryName: row.registryName,
    params: (row.params ?? {}) as ProbeParams,
    intervalSeconds: row.intervalSeconds,
    timeoutMs: row.timeoutMs,
    enabled: row.enabled,
  };
}
