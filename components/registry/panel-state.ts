/**
 * What a registry page panel shows for one registry read: the data, "not permitted for this account"
 * when the registry refused the account (a Harbor guest or robot asking for system or admin views),
 * or the error. Kept apart from the components so the permission matrix test can read the same
 * decisions the page renders.
 */
import type { Loaded } from "@/lib/browse/result";
import type { NamespaceInfo, StorageVolume } from "@/lib/registry";
import { formatBytes } from "@/lib/format";

export const NOT_PERMITTED = "not permitted for this account";

export type PanelState<T> = { state: "ok"; data: T } | { state: "not_permitted"; message: string } | { state: "error"; message: string };

export function panelState<T>(loaded: Loaded<T>): PanelState<T> {
  if (loaded.ok) return { state: "ok", data: loaded.data };
  // 401 here means Harbor treated the account as anonymous (wrong credentials fall back to it)
  if (loaded.error.kind === "forbidden" || loaded.error.kind === "unauthorized") return { state: "not_permitted", message: `${NOT_PERMITTED} (${loaded.error.message})` };
  return { state: "error", message: loaded.error.message };
}

/** "1.0 GiB of 2.0 GiB", "1.0 GiB of unlimited" (-1), or unknown when the registry did not report a limit. */
export function quotaText(p: NamespaceInfo): string {
  if (p.quotaLimitBytes === undefined) return `unknown${p.unknown?.quota ? ` (${p.unknown.quota})` : ""}`;
  return `${formatBytes(p.quotaUsedBytes)} of ${p.quotaLimitBytes < 0 ? "unlimited" : formatBytes(p.quotaLimitBytes)}`;
}

/** Retention and immutability lines of a project, or why they are unknown. */
export function policyLines(p: NamespaceInfo): string[] {
  const lines: string[] = [];
  if (p.retention) lines.push(`Retention: ${p.retention}`);
  else if (p.unknown?.retention) lines.push(`Retention: unknown (${p.unknown.retention})`);
  for (const r of p.immutability ?? []) lines.push(`Immutable: ${r}`);
  if (p.unknown?.immutability) lines.push(`Immutable tags: unknown (${p.unknown.immutability})`);
  return lines;
}

/**
 * Harbor reports the free space of its core container's /data, which is the registry's storage only
 * with the default filesystem driver; an empty answer means it reported nothing usable.
 */
export function volumesText(volumes: StorageVolume[]): string {
  if (volumes.length === 0) return "not reported by the registry";
  return volumes.map((v) => `${formatBytes(v.freeBytes)} free of ${formatBytes(v.totalBytes)}`).join("; ");
}
