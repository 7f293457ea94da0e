/**
 * What each export holds: its columns and its rows, read in batches. The routes check who may ask;
 * these functions only narrow to what the caller may see (the same narrowing as the pages).
 */
import type { PrismaClient, PromotionStatus } from "@/lib/db/generated/client";
import { decide, type Grant } from "@/lib/auth/policy";
import type { VisibleEnvironments } from "@/lib/inventory/index/reads";
import { driftMatrix, type DriftQuery, type DriftRow } from "@/lib/replication/drift";
import type { Finding } from "@/lib/scan/model";
import type { ArtifactScanView } from "@/lib/scan/views";
import type { ExportColumn } from "./response";

// ---- scan findings ----

export interface FindingRow {
  finding: Finding;
  /** the CVE exception that accepts it, if one does */
  acceptedBy: string | null;
}

export const findingColumns: ExportColumn<FindingRow>[] = [
  { header: "id", value: (r) => r.finding.id },
  { header: "severity", value: (r) => r.finding.severity },
  { header: "package", value: (r) => r.finding.package },
  { header: "installedVersion", value: (r) => r.finding.installedVersion },
  { header: "fixedVersion", value: (r) => r.finding.fixedVersion },
  { header: "cvssScore", value: (r) => r.finding.cvssScore },
  { header: "title", value: (r) => r.finding.title },
  { header: "status", value: (r) => (r.acceptedBy ? "accepted" : "open") },
  { header: "acceptedBy", value: (r) => r.acceptedBy },
  { header: "links", value: (r) => r.finding.links.join(" ") },
];

/** Open findings first (as the page lists them), then those CVE exceptions accept. */
export function findingRows(view: ArtifactScanView): FindingRow[] {
  return [...(view.report?.findings ?? []).map((finding) => ({ finding, acceptedBy: null })), ...view.accepted.map((a) => ({ finding: a.finding, acceptedBy: a.note }))];
}

// ---- drift matrix ----

export function driftColumns(environments: readonly string[]): ExportColumn<DriftRow>[] {
  return [
    { header: "repository", value: (r) => r.repository },
    { header: "tag", value: (r) => r.tag },
    { header: "consistent", value: (r) => r.consistent },
    { header: "variants", value: (r) => r.variants },
    ...environments.map((env) => ({ header: env, value: (r: DriftRow) => r.cells[env]?.digest ?? "" })),
  ];
}

const DRIFT_BATCH = 500;

/** The whole matrix for the query, page by page (the page size is the matrix's largest). */
export async function driftExport(prisma: PrismaClient, visible: VisibleEnvironments, q: Omit<DriftQuery, "page" | "pageSize">) {
  const first = await driftMatrix(prisma, visible, { ...q, page: 1, pageSize: DRIFT_BATCH });
  async function* rows(): AsyncGenerator<DriftRow> {
    yield* first.rows;
    for (let page = 2; page <= first.pageCount; page++) yield* (await driftMatrix(prisma, visible, { ...q, page, pageSize: DRIFT_BATCH })).rows;
  }
  return { environments: first.environments.map((e) => e.name), rows: rows() };
}

// ---- promotions ----

export interface PromotionExportRow {
  number: number;
  status: string;
  sourceEnv: string;
  sourceRepository: string;
  digest: string;
  targetEnv: string;
  targetRepository: string;
  targetTag: string;
  reason: string;
  requestedByEmail: string;
  viaToken: string | null;
  gatesPassed: boolean;
  approvalsRequired: number;
  approvals: number;
  createdAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

export const promotionColumns: ExportColumn<PromotionExportRow>[] = [
  { header: "number", value: (r) => r.number },
  { header: "status", value: (r) => r.status },
  { header: "sourceEnvironment", value: (r) => r.sourceEnv },
  { header: "sourceRepository", value: (r) => r.sourceRepository },
  { header: "digest", value: (r) => r.digest },
  { header: "targetEnvironment", value: (r) => r.targetEnv },
  { header: "targetRepository", value: (r) => r.targetRepository },
  { header: "targetTag", value: (r) => r.targetTag },
  { header: "reason", value: (r) => r.reason },
  { header: "requestedBy", value: (r) => r.requestedByEmail },
  { header: "viaToken", value: (r) => r.viaToken },
  { header: "gatesPassed", value: (r) => r.gatesPassed },
  { header: "approvalsRequired", value: (r) => r.approvalsRequired },
  { header: "approvals", value: (r) => r.approvals },
  { header: "createdAt", value: (r) => r.createdAt },
  { header: "finishedAt", value: (r) => r.finishedAt },
  { header: "error", value: (r) => r.error },
];

const PROMOTION_BATCH = 500;

/**
 * Every promotion the caller may view (promotion.view on its target environment, as the list page
 * decides), newest first, read in batches by number so the export's memory stays flat.
 */
export async function* promotionRows(prisma: PrismaClient, grants: readonly Grant[], q: { status?: PromotionStatus } = {}): AsyncGenerator<PromotionExportRow> {
  let before: number | undefined;
  for (;;) {
    const batch = await prisma.promotion.findMany({
      where: { ...(before !== undefined ? { number: { lt: before } } : {}), ...(q.status ? { status: q.status } : {}) },
      orderBy: { number: "desc" },
      take: PROMOTION_BATCH,
      include: { _count: { select: { approvals: { where: { decision: "approve" } } } } },
    });
    for (const p of batch) {
      if (!decide(grants, "promotion.view", { environment: p.targetEnv }).allowed) continue;
      yield { ...p, approvals: p._count.approvals };
    }
    if (batch.length < PROMOTION_BATCH) return;
    before = batch.at(-1)!.number;
  }
}
