/**
 * Which manifests refer to which (signatures, attestations, SBOMs, scan reports), where each was seen
 * and how it was found. Three sources, cheapest first:
 * - subject:     a manifest the sync indexed names its subject (OCI 1.1 artifacts pushed with a tag);
 * - cosign_tag:  cosign's tag scheme, `sha256-<hex>.sig|.att|.sbom` beside the image: already in the tag
 *                lists the sync read, so zero extra requests;
 * - referrers_api / referrers_tag: what a referrers listing answered (scans.ts lists them when it looks
 *                for Trivy reports), by the registry's API or the referrers tag schema's fallback index.
 */
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";

export type ReferrerHow = "subject" | "cosign_tag" | "referrers_api" | "referrers_tag";

export interface ReferrerRow {
  subject: string;
  referrer: string;
  artifactType: string | null;
  environment: string;
  repository: string;
  how: ReferrerHow;
}

const COSIGN_TAG = /^(sha256)-([0-9a-f]{64})\.(sig|att|sbom)$/;
/** what each cosign suffix carries (cosign's SIGNATURE_SPEC: simple signing payloads; in-toto DSSE envelopes) */
const COSIGN_TYPES: Record<string, string> = {
  sig: "application/vnd.dev.cosign.simplesigning.v1+json",
  att: "application/vnd.dsse.envelope.v1+json",
  sbom: "application/vnd.dev.cosign.sbom",
};

export async function recordReferrers(prisma: PrismaClient, rows: ReferrerRow[]): Promise<number> {
  if (!rows.length) return 0;
  return (await prisma.inventoryReferrer.createMany({ data: rows, skipDuplicates: true })).count;
}

/**
 * Referrers the index already shows for one environment (optionally one repository): tags in cosign's
 * scheme and indexed manifests with a subject, both read from rows the sync wrote. No registry request.
 * The cosign tags are found through the lower(tag) prefix b-tree (cosign writes lowercase; the pattern
 * below drops anything else): a plain LIKE read every tag of the environment, 0.5 s at 100,000 tags.
 */
export async function recordIndexedReferrers(prisma: PrismaClient, environment: string, repository?: string): Promise<number> {
  const inRepo = repository === undefined ? Prisma.sql`TRUE` : Prisma.sql`t."repository" = ${repository}`;
  const cosign = await prisma.$queryRaw<{ repository: string; tag: string; digest: string; artifactType: string | null }[]>`
    SELECT t."repository", t."tag", t."digest", m."artifactType" FROM "InventoryTag" t
    LEFT JOIN "InventoryManifest" m ON m."digest" = t."digest"
    WHERE t."environment" = ${environment} AND ${inRepo} AND lower(t."tag") LIKE 'sha256-%'`;
  const withSubject = await prisma.$queryRaw<{ repository: string; digest: string; subject: string; artifactType: string | null }[]>`
    SELECT DISTINCT t."repository", m."digest", m."subject", m."artifactType" FROM "InventoryManifest" m
    JOIN "InventoryTag" t ON t."digest" = m."digest"
    WHERE m."subject" IS NOT NULL AND t."environment" = ${environment} AND ${inRepo}`;
  const rows: ReferrerRow[] = [];
  for (const r of cosign) {
    const m = COSIGN_TAG.exec(r.tag);
    if (!m) continue;
    rows.push({ subject: `${m[1]}:${m[2]}`, referrer: r.digest, artifactType: r.artifactType ?? COSIGN_TYPES[m[3]!] ?? null, environment, repository: r.repository, how: "cosign_tag" });
  }
  for (const r of withSubject) rows.push({ subject: r.subject, referrer: r.digest, artifactType: r.artifactType, environment, repository: r.repository, how: "subject" });
  return recordReferrers(prisma, rows);
}
