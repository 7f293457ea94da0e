/**
 * The ledger applied to what the inventory index answers (worst-first scans, "where is CVE-X"), as
 * scan-views.ts applies it to live reports: findings an active exception accepts leave the counts and
 * are listed with who accepted them, until when and why. Only occurrences some rule could match are
 * read (the ledger is short; the index is not), so with an empty ledger nothing extra is queried.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { worstImageFirst, type CveOccurrence, type IndexedImageScan } from "@/lib/inventory/index/vulnerabilities";
import type { Finding, Severity } from "@/lib/scan/model";
import { appliedExceptions, describeApplied, judgeFindings, type ExceptionRule } from "./apply";

export interface AcceptedInIndex {
  /** findings of this image that an exception accepted, with the exception's note */
  accepted: { finding: Finding; note: string }[];
}

const findingOf = (v: { cve: string; severity: string; package: string; installedVersion: string | null; fixedVersion: string | null }): Finding => ({
  id: v.cve,
  severity: v.severity as Severity,
  package: v.package,
  ...(v.installedVersion ? { installedVersion: v.installedVersion } : {}),
  ...(v.fixedVersion ? { fixedVersion: v.fixedVersion } : {}),
  links: [],
});

const noteOf = (j: ReturnType<typeof judgeFindings>[number]) => describeApplied(appliedExceptions([j])[0]!);

/** An environment's indexed images with accepted findings taken out of their counts, re-sorted worst first. */
export async function acceptInEnvironmentScans(
  prisma: PrismaClient,
  rows: readonly IndexedImageScan[],
  where: { environment: string; registry: string },
  rules: readonly ExceptionRule[],
  now: Date,
): Promise<(IndexedImageScan & AcceptedInIndex)[]> {
  const cves = [...new Set(rules.flatMap((r) => (r.cveId ? [r.cveId] : [])))];
  const packages = [...new Set(rules.flatMap((r) => (r.packageName ? [r.packageName] : [])))];
  const scanned = rows.filter((r) => r.scan).map((r) => r.digest);
  if (!scanned.length || (!cves.length && !packages.length)) return rows.map((r) => ({ ...r, accepted: [] }));
  const occurrences = await prisma.inventoryVulnerability.findMany({
    where: { digest: { in: [...new Set(scanned)] }, OR: [...(cves.length ? [{ cve: { in: cves } }] : []), ...(packages.length ? [{ package: { in: packages } }] : [])] },
    select: { digest: true, cve: true, severity: true, package: true, installedVersion: true, fixedVersion: true },
  });
  const byDigest = new Map<string, Finding[]>();
  for (const o of occurrences) byDigest.set(o.digest, [...(byDigest.get(o.digest) ?? []), findingOf(o)]);

  const out = rows.map((r) => {
    const findings = byDigest.get(r.digest);
    if (!r.scan || !findings) return { ...r, accepted: [] };
    const judged = judgeFindings(findings, rules, { registry: where.registry, repository: r.repository, digest: r.digest, environments: [where.environment] }, now).filter((j) => j.acceptedBy);
    if (!judged.length) return { ...r, accepted: [] };
    const counts = { ...r.scan.counts };
    let fixable = r.scan.fixable;
    for (const { finding } of judged) {
      counts[finding.severity] = Math.max(0, counts[finding.severity] - 1);
      if (finding.fixedVersion) fixable = Math.max(0, fixable - 1);
    }
    return { ...r, scan: { ...r.scan, counts, fixable }, accepted: judged.map((j) => ({ finding: j.finding, note: noteOf(j) })) };
  });
  return out.sort(worstImageFirst);
}

/** Each occurrence of a CVE with the exception that accepts it there, if any. */
export function acceptInCveOccurrences(occurrences: readonly CveOccurrence[], registryOf: ReadonlyMap<string, string>, rules: readonly ExceptionRule[], now: Date): (CveOccurrence & { accepted?: string })[] {
  if (!rules.length) return [...occurrences];
  return occurrences.map((o) => {
    const [judged] = judgeFindings([findingOf(o)], rules, { registry: registryOf.get(o.environment) ?? "", repository: o.repository, digest: o.digest, environments: [o.environment] }, now);
    return judged?.acceptedBy ? { ...o, accepted: noteOf(judged) } : o;
  });
}
