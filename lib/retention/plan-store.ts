/**
 * Stored plans: the plan is data. Its hash covers exactly what execution would act on and what was
 * saved ({environment, items, protected}, as canonical JSON: keys sorted, no whitespace), so quoting
 * the hash proves which plan a person reviewed.
 */
import { createHash, randomUUID } from "node:crypto";
import type { PrismaClient, Prisma } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { isSystemActorName } from "@/lib/audit/system-actors";
import { NotFoundError } from "@/lib/errors";
import type { ComputedPlan } from "./plan";
import type { PlanReclaim, RetentionPlanItem, RetentionProtectedItem } from "./types";

/** JSON with object keys sorted at every depth: the same content always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function planHash(environment: string, items: readonly RetentionPlanItem[], saved: readonly RetentionProtectedItem[]): string {
  return createHash("sha256").update(canonicalJson({ environment, items, protected: saved })).digest("hex");
}

export interface StoredPlan {
  id: string;
  environment: string;
  hash: string;
  indexedAsOf: string | null;
  createdAt: string;
  createdBy: string;
  status: string;
  /** the naive sum: each deleted manifest's full size (layers shared between manifests counted for each) */
  bytes: number;
  /** shared layers counted once (lib/retention/reclaim.ts); null for plans computed before it */
  reclaim: PlanReclaim | null;
  items: RetentionPlanItem[];
  protected: RetentionProtectedItem[];
  /** who started its execution and when; automatic: the schedule's system actor did (autoExecute), no person */
  execution: { by: string; at: string | null; automatic: boolean } | null;
}

type Row = Prisma.RetentionPlanGetPayload<object>;

function storedPlanJson(row: Row): StoredPlan {
  return {
    id: row.id,
    environment: row.environment,
    hash: row.hash,
    indexedAsOf: row.indexedAsOf?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdByEmail,
    status: row.status,
    bytes: Number(row.bytes),
    reclaim: (row.reclaim as unknown as PlanReclaim | null) ?? null,
    items: row.items as unknown as RetentionPlanItem[],
    protected: row.protected as unknown as RetentionProtectedItem[],
    execution: executionOf(row),
  };
}

/** A plan started before executedByEmail existed names only the user id: shown as "a person" rather than nothing. */
function executionOf(row: Row): StoredPlan["execution"] {
  const by = row.executedByEmail ?? (row.executedById ? "a person (no name recorded)" : null);
  if (!by) return null;
  return { by, at: row.executedAt?.toISOString() ?? null, automatic: row.executedById === null && isSystemActorName(by) };
}

export interface PlanAuthor {
  id: string | null;
  email: string;
  ip?: string | null;
  viaToken?: string | null;
}

/**
 * Stores the plan and its audit row in one transaction; "system:schedule" is the author of scheduled
 * plans. The items go in as JSON text through one INSERT: a plan of 100,000 items as a Prisma Json
 * value costs seconds of client-side conversion, as text it costs one JSON.stringify.
 */
export async function savePlan(prisma: PrismaClient, environment: string, plan: ComputedPlan, indexedAsOf: Date | null, author: PlanAuthor, now = new Date()): Promise<StoredPlan> {
  const hash = planHash(environment, plan.items, plan.protected);
  const id = randomUUID();
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(
        `INSERT INTO "RetentionPlan" ("id", "environment", "hash", "indexedAsOf", "items", "protected", "bytes", "reclaim", "createdById", "createdByEmail", "createdAt")
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::bigint, $8::jsonb, $9, $10, $11)`,
        id, environment, hash, indexedAsOf, JSON.stringify(plan.items), JSON.stringify(plan.protected), String(plan.bytes), plan.reclaim ? JSON.stringify(plan.reclaim) : null, author.id, author.email, now,
      );
      await writeAudit(tx, {
        actor: author.id ? { id: author.id, email: author.email } : { email: author.email },
        action: "retention.planned",
        target: { type: "retention-plan", id },
        outcome: "success",
        sourceIp: author.ip ?? null,
        detail: { environment, hash, items: plan.items.length, protected: plan.protected.length, bytes: plan.bytes, ...(plan.reclaim ? { reclaimed: plan.reclaim.bytes, reclaimedUpperBound: plan.reclaim.upperBound } : {}), indexedAsOf: indexedAsOf?.toISOString() ?? null, ...(author.viaToken ? { token: author.viaToken } : {}) },
      });
    },
    // a big plan under load can take longer than the default 5 s to send
    { timeout: 60_000 },
  );
  return {
    id,
    environment,
    hash,
    indexedAsOf: indexedAsOf?.toISOString() ?? null,
    createdAt: now.toISOString(),
    createdBy: author.email,
    status: "planned",
    bytes: plan.bytes,
    reclaim: plan.reclaim ?? null,
    items: plan.items,
    protected: plan.protected,
    execution: null,
  };
}

export async function findPlan(prisma: Pick<PrismaClient, "retentionPlan">, id: string): Promise<StoredPlan> {
  const row = await prisma.retentionPlan.findUnique({ where: { id } });
  if (!row) throw new NotFoundError(`there is no retention plan ${id}`);
  return storedPlanJson(row);
}

export async function latestPlan(prisma: Pick<PrismaClient, "retentionPlan">, environment: string): Promise<StoredPlan | null> {
  const row = await prisma.retentionPlan.findFirst({ where: { environment }, orderBy: { createdAt: "desc" } });
  return row ? storedPlanJson(row) : null;
}
