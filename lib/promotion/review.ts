import type { PrismaClient, Promotion } from "@/lib/db/generated/client";
import { artifactHref, scanHref } from "@/lib/format";
import type { Severity } from "@/lib/scan/model";

/**
 * What an approver needs beside the gates to decide a promotion: the source artifact and its scan,
 * and what the target tag holds now, compared. Read from the inventory index (lib/inventory/index),
 * which answers without asking the registries; the gates re-read them live at decision time.
 */

export interface ScanFacts {
  counts: Record<Severity, number>;
  fixable: number;
  scanner: string;
  scannedAt: Date | null;
  /** distinct vulnerability ids found */
  cves: string[];
}

export interface ArtifactFacts {
  digest: string;
  /** null: the index has not read this manifest (yet) */
  manifest: { mediaType: string; size: number; created: Date | null; platforms: string[] } | null;
  /** null: no scan report indexed for this digest */
  scan: ScanFacts | null;
}

export interface CveDelta {
  /** in the source, not in what the target holds now: what the promotion brings in */
  added: string[];
  /** in the target now, not in the source: what the promotion fixes */
  removed: string[];
  unchanged: number;
}

export interface PromotionReview {
  source: { environment: string; registry: string | null; repository: string; artifactHref: string | null; scanHref: string | null; facts: ArtifactFacts };
  target: {
    environment: string;
    registry: string | null;
    repository: string;
    tag: string;
    href: string | null;
    /** what the tag points at now as indexed (null: the tag does not exist there, as far as the index knows) */
    current: (ArtifactFacts & { since: Date; seenAt: Date }) | null;
  };
  /** null when either side has no indexed scan: no delta can be told */
  cveDelta: CveDelta | null;
}

type Row = Pick<Promotion, "sourceEnv" | "sourceRepository" | "digest" | "targetEnv" | "targetRepository" | "targetTag">;

/** The CVE difference between the artifact promoted and the one it replaces (pure, for the page and tests). */
export function cveDelta(source: ScanFacts | null, current: ScanFacts | null): CveDelta | null {
  if (!source || !current) return null;
  const now = new Set(current.cves);
  const incoming = new Set(source.cves);
  return {
    added: source.cves.filter((c) => !now.has(c)),
    removed: current.cves.filter((c) => !incoming.has(c)),
    unchanged: source.cves.filter((c) => now.has(c)).length,
  };
}

function platformName(p: unknown): string | null {
  if (!p || typeof p !== "object") return null;
  const { os, architecture, variant } = p as { os?: unknown; architecture?: unknown; variant?: unknown };
  return [os, architecture, variant].filter((x): x is string => typeof x === "string" && x !== "").join("/") || null;
}

async function artifactFacts(prisma: PrismaClient, digest: string): Promise<ArtifactFacts> {
  const [manifest, scan, vulns] = await Promise.all([
    prisma.inventoryManifest.findUnique({ where: { digest }, select: { mediaType: true, size: true, created: true, platforms: true } }),
    prisma.inventoryScan.findUnique({ where: { digest } }),
    prisma.inventoryVulnerability.findMany({ where: { digest }, select: { cve: true }, distinct: ["cve"], orderBy: { cve: "asc" } }),
  ]);
  return {
    digest,
    manifest: manifest && {
      mediaType: manifest.mediaType,
      size: Number(manifest.size),
      created: manifest.created,
      platforms: (Array.isArray(manifest.platforms) ? manifest.platforms : []).map(platformName).filter((x): x is string => x !== null),
    },
    scan: scan && {
      counts: { critical: scan.critical, high: scan.high, medium: scan.medium, low: scan.low, negligible: scan.negligible, unknown: scan.unknown },
      fixable: scan.fixable,
      scanner: scan.scanner,
      scannedAt: scan.scannedAt,
      cves: vulns.map((v) => v.cve),
    },
  };
}

export async function promotionReview(prisma: PrismaClient, p: Row): Promise<PromotionReview> {
  const [envs, tag] = await Promise.all([
    prisma.environment.findMany({ where: { name: { in: [p.sourceEnv, p.targetEnv] } }, select: { name: true, registry: { select: { name: true } } } }),
    prisma.inventoryTag.findUnique({ where: { environment_repository_tag: { environment: p.targetEnv, repository: p.targetRepository, tag: p.targetTag } } }),
  ]);
  const registryOf = (env: string) => envs.find((e) => e.name === env)?.registry.name ?? null;
  const sourceRegistry = registryOf(p.sourceEnv);
  const targetRegistry = registryOf(p.targetEnv);
  const [sourceFacts, currentFacts] = await Promise.all([artifactFacts(prisma, p.digest), tag ? artifactFacts(prisma, tag.digest) : null]);
  return {
    source: {
      environment: p.sourceEnv,
      registry: sourceRegistry,
      repository: p.sourceRepository,
      // by digest, never by tag: the digest is what would be copied, and what the read grant covers
      artifactHref: sourceRegistry ? artifactHref(sourceRegistry, p.sourceRepository, p.digest) : null,
      scanHref: sourceRegistry ? scanHref(sourceRegistry, p.sourceRepository, p.digest) : null,
      facts: sourceFacts,
    },
    target: {
      environment: p.targetEnv,
      registry: targetRegistry,
      repository: p.targetRepository,
      tag: p.targetTag,
      href: targetRegistry && tag ? artifactHref(targetRegistry, p.targetRepository, p.targetTag) : null,
      current: tag && currentFacts ? { ...currentFacts, since: tag.since, seenAt: tag.seenAt } : null,
    },
    cveDelta: cveDelta(sourceFacts.scan, currentFacts?.scan ?? null),
  };
}
