/**
 * The scan views: one artifact's report, an environment's images worst first, and "where is CVE-…"
 * across every environment. Reports come live from the registries (see fetch.ts), so each view is
 * bounded and says when it read only part of an environment.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { environmentInventories, type EnvironmentInventory } from "@/lib/browse/environment-artifacts";
import { registryProvider } from "@/lib/browse/lookup";
import { describeRef } from "@/lib/browse/tags";
import { inNamespace } from "@/lib/inventory/namespace";
import { artifactMetadataSource, describeRegistryError, mapConcurrent, replicationSource, type ArtifactMetadata, type DescribedError, type ImageReplicationState, type RegistryProvider } from "@/lib/registry";
import { scanReportFor } from "./fetch";
import { compareWorstFirst, worstSeverity, type Finding, type ScanReport, type Severity } from "./model";

/** A finding someone accepted for a while (the CVE exception ledger), with who, until when and why. */
export interface AcceptedFinding {
  finding: Finding;
  note: string;
}

/**
 * Leaves out findings that no longer count, before the views count and sort: the CVE exception
 * ledger (lib/exceptions/scan-views.ts) plugs in here, so lib/scan knows nothing of it.
 */
export type FindingFilter = (image: { registry: string; repository: string; digest: string; environments: string[] }, report: ScanReport) => { report: ScanReport; accepted: AcceptedFinding[] };

export interface ArtifactScanView {
  registry: string;
  registryKind: string;
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
  return { registry, registryKind: p.kind, repository, digest, report: judged?.report ?? read, accepted: judged?.accepted ?? [], environments, metadata, replication };
}

export interface ImageScanRow {
  repository: string;
  tags: string[];
  digest: string;
  /** null: no report (never scanned, or no scanner for this registry) */
  counts: Record<Severity, number> | null;
  worst?: Severity;
  fixable: number;
  /** findings left out of the counts because an exception accepts them */
  accepted: number;
  scanner?: string;
  scannedAt?: string;
  error?: string;
}

export interface EnvironmentScanView {
  environment: EnvironmentInventory["environment"];
  rows: ImageScanRow[];
  truncated: boolean;
  error?: DescribedError;
}

/** Distinct digests of an inventory, each with the tags (repository:tag) pointing at it. */
function byDigest(inv: EnvironmentInventory): Array<{ repository: string; digest: string; tags: string[] }> {
  const groups = new Map<string, { repository: string; digest: string; tags: string[] }>();
  for (const a of inv.artifacts) {
    const key = `${a.repository}@${a.digest}`;
    const g = groups.get(key);
    if (g) g.tags.push(a.tag);
    else groups.set(key, { repository: a.repository, digest: a.digest, tags: [a.tag] });
  }
  return [...groups.values()];
}

async function reportOrError(p: RegistryProvider, repository: string, digest: string): Promise<{ report: ScanReport | null; error?: string }> {
  try {
    return { report: await scanReportFor(p, repository, digest) };
  } catch (err) {
    return { report: null, error: describeRegistryError(err).message };
  }
}

/** An environment's images, worst first (most criticals, then highs…); unscanned images last. */
export async function environmentScanView(prisma: PrismaClient, environment: string, filter?: FindingFilter): Promise<EnvironmentScanView | null> {
  const [inv] = await environmentInventories(prisma, { environments: [environment] });
  if (!inv) return null;
  if (inv.error || !inv.provider) return { environment: inv.environment, rows: [], truncated: false, ...(inv.error ? { error: inv.error } : {}) };
  const provider = inv.provider;
  const rows = await mapConcurrent(byDigest(inv), 6, async (g): Promise<ImageScanRow> => {
    const read = await reportOrError(provider, g.repository, g.digest);
    const judged = read.report && filter ? filter({ registry: inv.environment.registry, repository: g.repository, digest: g.digest, environments: [environment] }, read.report) : null;
    const report = judged ? judged.report : read.report;
    const error = read.error;
    return {
      ...g,
      tags: g.tags.sort(),
      counts: report ? report.counts : null,
      ...(report && worstSeverity(report.counts) ? { worst: worstSeverity(report.counts) } : {}),
      fixable: report?.fixable ?? 0,
      accepted: judged?.accepted.length ?? 0,
      ...(report ? { scanner: report.scanner } : {}),
      ...(report?.scannedAt ? { scannedAt: report.scannedAt } : {}),
      ...(error ? { error } : {}),
    };
  });
  rows.sort((a, b) => (a.counts && b.counts ? compareWorstFirst(a.counts, b.counts) : a.counts ? -1 : b.counts ? 1 : 0) || a.repository.localeCompare(b.repository));
  return { environment: inv.environment, rows, truncated: inv.truncated };
}

export interface CveHit {
  environment: string;
  registry: string;
  repository: string;
  tags: string[];
  digest: string;
  finding: Finding;
  /** set when an exception accepts this finding here */
  accepted?: string;
}

export interface CveSearchResult {
  cve: string;
  hits: CveHit[];
  /** environments searched, with how many images had a report */
  searched: Array<{ environment: string; images: number; scanned: number; truncated: boolean; error?: string }>;
}

/** Every image, in every environment, whose report lists the CVE. */
export async function findCve(prisma: PrismaClient, cve: string, filter?: FindingFilter): Promise<CveSearchResult> {
  const id = cve.trim().toUpperCase();
  const inventories = await environmentInventories(prisma);
  const hits: CveHit[] = [];
  const searched: CveSearchResult["searched"] = [];
  for (const inv of inventories) {
    if (inv.error || !inv.provider) {
      searched.push({ environment: inv.environment.name, images: 0, scanned: 0, truncated: false, error: inv.error?.message ?? "registry unavailable" });
      continue;
    }
    const provider = inv.provider;
    const groups = byDigest(inv);
    let scanned = 0;
    await mapConcurrent(groups, 6, async (g) => {
      const { report } = await reportOrError(provider, g.repository, g.digest);
      if (!report) return;
      scanned++;
      const accepted = filter ? filter({ registry: inv.environment.registry, repository: g.repository, digest: g.digest, environments: [inv.environment.name] }, report).accepted : [];
      for (const f of report.findings) {
        if (f.id.toUpperCase() !== id) continue;
        const note = accepted.find((a) => a.finding === f)?.note;
        hits.push({ environment: inv.environment.name, registry: inv.environment.registry, repository: g.repository, tags: g.tags.sort(), digest: g.digest, finding: f, ...(note ? { accepted: note } : {}) });
      }
    });
    searched.push({ environment: inv.environment.name, images: groups.length, scanned, truncated: inv.truncated });
  }
  const order = new Map(inventories.map((i, n) => [i.environment.name, n]));
  hits.sort((a, b) => (order.get(a.environment) ?? 0) - (order.get(b.environment) ?? 0) || a.repository.localeCompare(b.repository));
  return { cve: id, hits, searched };
}
