/**
 * One artifact's scan report, read live from its registry (see fetch.ts): the registry is the truth
 * when someone looks at one artifact. An environment's images worst first and "where is CVE-…" read
 * the inventory index instead (lib/inventory/index/vulnerabilities.ts), complete rather than sampled.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { registryProvider } from "@/lib/browse/lookup";
import { describeRef } from "@/lib/browse/tags";
import { artifactMetadataSource, replicationSource, type ArtifactMetadata, type ImageReplicationState } from "@/lib/registry";
import { scanReportFor } from "./fetch";
import type { ScanReport } from "./model";

export interface ArtifactScanView {
  registry: string;
  registryKind: string;
  repository: string;
  digest: string;
  report: ScanReport | null;
  metadata: ArtifactMetadata | null;
  replication: ImageReplicationState[] | null;
}

export async function artifactScanView(prisma: PrismaClient, registry: string, repository: string, reference: string): Promise<ArtifactScanView | null> {
  const found = await registryProvider(prisma, registry);
  if (!found) return null;
  const p = found.provider;
  const digest = (await describeRef(p, repository, reference)).digest;
  const meta = artifactMetadataSource(p);
  const repl = replicationSource(p);
  const [report, metadata, replication] = await Promise.all([
    scanReportFor(p, repository, digest),
    meta ? meta.artifactMetadata(repository, digest).catch(() => null) : Promise.resolve(null),
    repl?.imageReplicationStatus ? repl.imageReplicationStatus(repository, digest).catch(() => null) : Promise.resolve(null),
  ]);
  return { registry, registryKind: p.kind, repository, digest, report, metadata, replication };
}
