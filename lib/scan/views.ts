/**
 * One artifact's scan report, read live from its registry (see fetch.ts): the registry is the truth
 * when someone looks at one artifact. An environment's images worst first and "where is CVE-…" read
 * the inventory index instead (lib/inventory/index/vulnerabilities.ts), complete rather than sampled.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { registryProvider } from "@/lib/browse/lookup";
import { describeRef } from "@/lib/browse/tags";
import { inNamespace } from "@/lib/inventory/namespace";
import { artifactMetadataSource, replicationSource, type ArtifactMetadata, type ImageReplicationState } from "@/lib/registry";
import { scanReportFor } from "./fetch";
import type { Finding, ScanReport } from "./model";

/** A finding someone accepted for a while (the CVE exception ledger), with who, until when and why. */
export interface AcceptedFinding {
  finding: Finding;
  note: string;
}

/**
 * Leaves out findings that no longer count, before the view counts them: the CVE exception ledger
 * (lib/exceptions/scan-views.ts) plugs in here, so lib/scan knows nothing of it.
 */
export type FindingFilter = (image: { registry: string; repository: string; digest: string; environments: string[] }, report: ScanReport) => { report: ScanReport; accepted: AcceptedFinding[] };

export interface ArtifactScanView {
  registry: string;
  registryKind: string;
  /** host[:port] of the registry, for the commands shown to attach a report */
  host: string;
  repository: string;
  digest: string;
  /** with a filter: only the findings that still count */
  report: ScanReport | null;
  accepted: AcceptedFinding[];
  /** environments whose namespace holds this repository */
  environments: string[];
  metadata: ArtifactMetadata | null;
  replication: ImageReplicationState[] | null;
}

export async function artifactScanView(prisma: PrismaClient, registry: string, repository: string, reference: string, filter?: FindingFilter): Promise<ArtifactScanView | null> {
  const found = await registryProvider(prisma, registry);
  if (!found) return null;
  const p = found.provider;
  const digest = (await describeRef(p, repository, reference)).digest;
  const meta = artifactMetadataSource(p);
  const repl = replicationSource(p);
  const [read, metadata, replication] = await Promise.all([
    scanReportFor(p, repository, digest),
    meta ? meta.artifactMetadata(repository, digest).catch(() => null) : Promise.resolve(null),
    repl?.imageReplicationStatus ? repl.imageReplicationStatus(repository, digest).catch(() => null) : Promise.resolve(null),
  ]);
  const environments = found.environments.filter((e) => inNamespace(repository, e.namespace)).map((e) => e.name);
  const judged = read && filter ? filter({ registry, repository, digest, environments }, read) : null;
  return { registry, registryKind: p.kind, host: p.host, repository, digest, report: judged?.report ?? read, accepted: judged?.accepted ?? [], environments, metadata, replication };
}
