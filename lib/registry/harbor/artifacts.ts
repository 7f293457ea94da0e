/**
 * Artifacts of a Harbor repository with everything Harbor knows beyond the registry: tags with their
 * immutable status, labels, push/pull times, the scan overview and accessories (signatures, SBOMs).
 */
import type { ArtifactMetadata } from "../capabilities";
import { RegistryError } from "../errors";
import { allPages } from "../transport/paging";
import { expectObject, type JsonApi } from "../transport/json-api";
import { harborTime, splitRepository } from "./names";
import type { HarborArtifact, HarborNativeReportSummary } from "./types";

const DETAIL = { with_tag: true, with_label: true, with_scan_overview: true, with_immutable_status: true, with_accessory: true };

export async function listArtifacts(api: JsonApi, repository: string): Promise<HarborArtifact[]> {
  const { project, param } = splitRepository(repository);
  return allPages<HarborArtifact>(api, { path: `/projects/${encodeURIComponent(project)}/repositories/${param}/artifacts`, query: DETAIL, what: `artifacts of ${repository}` });
}

/** null when Harbor has no such artifact */
export async function getArtifact(api: JsonApi, repository: string, reference: string): Promise<HarborArtifact | null> {
  const { project, param } = splitRepository(repository);
  try {
    const res = await api.call<unknown>({ path: `/projects/${encodeURIComponent(project)}/repositories/${param}/artifacts/${encodeURIComponent(reference)}`, query: DETAIL, what: `artifact ${repository}@${reference}` });
    return expectObject<HarborArtifact>(api, res.data, `artifact ${repository}@${reference}`);
  } catch (err) {
    if (err instanceof RegistryError && err.kind === "not_found") return null;
    throw err;
  }
}

/** The first vulnerability summary of the overview (Harbor keys it by report mime type). */
function vulnerabilitySummary(a: HarborArtifact): HarborNativeReportSummary | undefined {
  const entries = Object.entries(a.scan_overview ?? {});
  return (entries.find(([mime]) => mime.includes("vulnerability")) ?? entries[0])?.[1];
}

export function toArtifactMetadata(a: HarborArtifact): ArtifactMetadata {
  const summary = vulnerabilitySummary(a);
  return {
    digest: a.digest ?? "",
    tags: (a.tags ?? []).map((t) => t.name ?? "").filter(Boolean),
    ...(harborTime(a.push_time) ? { pushedAt: harborTime(a.push_time) } : {}),
    ...(harborTime(a.pull_time) ? { lastPulledAt: harborTime(a.pull_time) } : {}),
    labels: (a.labels ?? []).map((l) => ({ name: l.name ?? "", ...(l.color ? { color: l.color } : {}), ...(l.description ? { description: l.description } : {}) })),
    accessories: (a.accessories ?? []).map((x) => ({ digest: x.digest ?? "", type: x.type ?? "", size: x.size ?? 0 })),
    immutableTags: (a.tags ?? []).filter((t) => t.immutable).map((t) => t.name ?? ""),
    ...(summary
      ? {
          scan: {
            status: summary.scan_status ?? "Unknown",
            ...(summary.severity ? { severity: summary.severity } : {}),
            ...(summary.summary?.total !== undefined ? { total: summary.summary.total } : {}),
            ...(summary.summary?.fixable !== undefined ? { fixable: summary.summary.fixable } : {}),
            counts: summary.summary?.summary ?? {},
            ...(summary.scanner?.name ? { scanner: [summary.scanner.name, summary.scanner.version].filter(Boolean).join(" ") } : {}),
            ...(harborTime(summary.end_time) ? { completedAt: harborTime(summary.end_time) } : {}),
          },
        }
      : {}),
  };
}
