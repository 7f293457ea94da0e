/** The vocabulary shared by probe kinds, storage, alerts, scheduler and UI. */

export const probeKinds = ["reachability", "credentials", "pull_latency", "storage_quota", "tag_consistency", "tls_expiry"] as const;
export type ProbeKind = (typeof probeKinds)[number];

export const alertKinds = ["consecutive_failures", "p99_latency", "quota_percent", "cert_expiry_days"] as const;
export type AlertKind = (typeof alertKinds)[number];

export const probeKindLabels: Record<ProbeKind, string> = {
  reachability: "Reachability",
  credentials: "Credentials",
  pull_latency: "Pull latency",
  storage_quota: "Storage quota",
  tag_consistency: "Tag consistency",
  tls_expiry: "TLS certificate",
};

export const alertKindLabels: Record<AlertKind, string> = {
  consecutive_failures: "consecutive failures",
  p99_latency: "p99 latency above (ms)",
  quota_percent: "quota used above (%)",
  cert_expiry_days: "certificate expires within (days)",
};

/** Kind-specific settings, stored as ProbeTarget.params. */
export interface ProbeParams {
  /** pull_latency, tag_consistency: repository (relative to each environment's namespace for tag_consistency) */
  repository?: string;
  tag?: string;
  /** pull_latency: bytes of the largest layer to read */
  sampleBytes?: number;
  /** tag_consistency */
  environments?: string[];
  /** storage_quota: Harbor project */
  project?: string;
  /** tls_expiry: https://host:port to check instead of the registry URL */
  url?: string;
}

export interface ProbeTargetSpec {
  id: string;
  name: string;
  kind: ProbeKind;
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
    kind: row.kind as ProbeKind,
    registryName: row.registryName,
    params: (row.params ?? {}) as ProbeParams,
    intervalSeconds: row.intervalSeconds,
    timeoutMs: row.timeoutMs,
    enabled: row.enabled,
  };
}
