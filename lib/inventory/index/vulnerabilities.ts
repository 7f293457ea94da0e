/**
 * Scan questions the index answers, over every tag it holds (complete, not sampled), in the
 * environments the caller may see: "where is CVE-X", an environment's images worst first, and the
 * summary of given digests. As of the index: a scan row is what was read when it was stored.
 */
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { compareWorstFirst, SEVERITIES, type Severity } from "@/lib/scan/model";
import type { VisibleEnvironments } from "./reads";

export interface CveOccurrence {
  environment: string;
  repository: string;
  tag: string;
  digest: string;
  cve: string;
  severity: Severity;
  package: string;
  installedVersion: string | null;
  fixedVersion: string | null;
  scanner: string;
  scannedAt: Date | null;
}

/** Vulnerability ids as scanners write them: CVE-2024-1234, GHSA-xxxx-xxxx-xxxx, ALAS2-2024-123… */
const VULN_ID = /^[A-Z][A-Z0-9]{1,15}-[A-Za-z0-9-]{2,64}$/;

export function normalizeVulnerabilityId(q: string): string | null {
  const id = q.trim().toUpperCase();
  return VULN_ID.test(id) ? id : null;
}

const envFilter = (v: VisibleEnvironments, column = Prisma.sql`t."environment"`) => (v === "all" ? Prisma.sql`TRUE` : v.length ? Prisma.sql`${column} IN (${Prisma.join([...v])})` : Prisma.sql`FALSE`);

/**
 * Every tag, in every visible environment, whose current digest has `cve` in its stored report: one
 * query, the (cve, digest) index feeding the tags' digest index.
 */
export async function whereIsCve(prisma: PrismaClient, v: VisibleEnvironments, cve: string, limit = 5000): Promise<CveOccurrence[]> {
  const id = normalizeVulnerabilityId(cve);
  if (!id) return [];
  return prisma.$queryRaw<CveOccurrence[]>`
    SELECT t."environment", t."repository", t."tag", t."digest", v."cve", v."severity", v."package", v."installedVersion", v."fixedVersion", s."scanner", s."scannedAt"
    FROM "InventoryVulnerability" v
    JOIN "InventoryTag" t ON t."digest" = v."digest"
    JOIN "InventoryScan" s ON s."digest" = v."digest"
    WHERE v."cve" = ${id} AND ${envFilter(v)}
    ORDER BY t."environment", t."repository", t."tag", v."package"
    LIMIT ${limit}`;
}

export interface ScanSummary {
  counts: Record<Severity, number>;
  fixable: number;
  scanner: string;
  scannedAt: Date | null;
  origin: string;
  readAt: Date;
}

interface ScanRow {
  digest: string;
  origin: string;
  scanner: string;
  scannedAt: Date | null;
  readAt: Date;
  fixable: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  negligible: number;
  unknown: number;
}

function summaryOf(r: ScanRow): ScanSummary {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, Number(r[s])])) as Record<Severity, number>;
  return { counts, fixable: Number(r.fixable), scanner: r.scanner, scannedAt: r.scannedAt, origin: r.origin, readAt: r.readAt };
}

/** The stored summaries of these digests (digests without a scan row are absent). */
export async function scanSummaries(prisma: PrismaClient, digests: readonly string[]): Promise<Map<string, ScanSummary>> {
  if (!digests.length) return new Map();
  const rows = await prisma.inventoryScan.findMany({ where: { digest: { in: [...new Set(digests)] } } });
  return new Map(rows.map((r) => [r.digest, summaryOf(r)]));
}

export interface IndexedImageScan {
  repository: string;
  digest: string;
  tags: string[];
  /** null: no scan row for the digest */
  scan: ScanSummary | null;
}

/** An environment's images (repository + digest, with their tags), worst first; unscanned last. */
export async function environmentScans(prisma: PrismaClient, v: VisibleEnvironments, environment: string): Promise<IndexedImageScan[]> {
  if (v !== "all" && !v.includes(environment)) return [];
  const rows = await prisma.$queryRaw<(Omit<ScanRow, "digest"> & { repository: string; digest: string; tags: string[]; scanned: boolean })[]>`
    SELECT t."repository", t."digest", array_agg(t."tag" ORDER BY t."tag") AS "tags", (s."digest" IS NOT NULL) AS "scanned",
           s."origin", s."scanner", s."scannedAt", s."readAt", s."fixable", s."critical", s."high", s."medium", s."low", s."negligible", s."unknown"
    FROM "InventoryTag" t
    LEFT JOIN "InventoryScan" s ON s."digest" = t."digest"
    WHERE t."environment" = ${environment}
    GROUP BY t."repository", t."digest", s."digest"`;
  const out = rows.map((r) => ({ repository: r.repository, digest: r.digest, tags: r.tags, scan: r.scanned ? summaryOf({ ...r, digest: r.digest }) : null }));
  return out.sort(worstImageFirst);
}

/** Worst scan first, unscanned last, then by repository and digest: one order for every index view of images. */
export function worstImageFirst(a: Pick<IndexedImageScan, "scan" | "repository" | "digest">, b: Pick<IndexedImageScan, "scan" | "repository" | "digest">): number {
  return (a.scan && b.scan ? compareWorstFirst(a.scan.counts, b.scan.counts) : a.scan ? -1 : b.scan ? 1 : 0) || a.repository.localeCompare(b.repository) || a.digest.localeCompare(b.digest);
}

/** When the index last read each environment (the later of its last full and incremental sync). */
export async function indexedAsOf(prisma: PrismaClient, environments: readonly string[]): Promise<Map<string, Date | null>> {
  const states = await prisma.inventorySyncState.findMany({ where: { environment: { in: [...environments] } } });
  const byEnv = new Map(states.map((s) => [s.environment, s]));
  return new Map(
    environments.map((e) => {
      const s = byEnv.get(e);
      const times = [s?.lastFullAt, s?.lastIncrementalAt].filter((d): d is Date => !!d).map((d) => d.getTime());
      return [e, times.length ? new Date(Math.max(...times)) : null];
    }),
  );
}
