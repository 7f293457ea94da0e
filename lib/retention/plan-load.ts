/**
 * Loads what planning needs from the inventory index and the database, and nothing else: the
 * registry is never asked (the index answers questions; execution re-reads the registry live).
 * A few set-based queries, so 100,000 tags load in well under a second on PostgreSQL.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { retentionSchema, type RetentionPolicy } from "@/lib/config/retention";
import { NotFoundError, UserFacingError } from "@/lib/errors";
import type { PlanInput, PlanManifest, PlanPromotion, PlanUntagged } from "./plan";

type Db = Pick<PrismaClient, "$queryRawUnsafe" | "environment" | "inventorySyncState">;

const DAY_MS = 86_400_000;
/** promotions that have not finished: the digest is on its way somewhere */
const OPEN_PROMOTIONS = ["requested", "approved", "copying", "scheduled"];
/** registries whose APIs report pull times (Harbor, ECR, Docker Hub); plain OCI registries do not */
const REPORTS_PULLS = new Set(["harbor", "ecr", "dockerhub"]);
/** the source execution writes its tag events with: a manifest it deleted is not "untagged" afterwards */
const RETENTION_EVENT_SOURCE = "retention";

/** The stored retention policy of an environment (Environment.retention), or a clear refusal. */
export function retentionPolicyOf(env: { name: string; retention: unknown }): RetentionPolicy {
  if (env.retention == null) throw new UserFacingError(`environment "${env.name}" has no retention policy: add retention.rules to it in dockmaster.yaml`, "conflict");
  return retentionSchema.parse(env.retention);
}

export interface LoadedPlanInput {
  input: PlanInput;
  /** the index time the plan is computed from: the environment's last completed sync */
  indexedAsOf: Date | null;
}

export async function loadPlanInput(db: Db, environment: string, now: Date = new Date()): Promise<LoadedPlanInput> {
  const env = await db.environment.findUnique({ where: { name: environment }, include: { registry: { select: { kind: true } } } });
  if (!env) throw new NotFoundError(`there is no environment "${environment}"`);
  const policy = retentionPolicyOf(env);
  const protectedEnvs = policy.protectedEnvironments ?? (await db.environment.findMany({ where: { protected: true }, select: { name: true } })).map((e) => e.name);
  const others = protectedEnvs.filter((p) => p !== environment);

  const [tags, untagged, referrers, held, promotions, sync, manifestRows] = await Promise.all([
    db.$queryRawUnsafe<{ repository: string; tag: string; digest: string; since: Date; pulledAt: Date | null }[]>(
      `SELECT "repository", "tag", "digest", "since", "pulledAt" FROM "InventoryTag" WHERE "environment" = $1`,
      environment,
    ),
    // manifests a tag left (moved away or deleted) and that no tag of the repository names now; a
    // deletion by retention itself is not an untagging: that manifest is gone
    db.$queryRawUnsafe<{ repository: string; digest: string; since: Date }[]>(
      `SELECT e."repository", e."previousDigest" AS "digest", max(e."at") AS "since"
       FROM "InventoryTagEvent" e
       WHERE e."environment" = $1 AND e."previousDigest" IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM "InventoryTag" t WHERE t."environment" = $1 AND t."repository" = e."repository" AND t."digest" = e."previousDigest")
       GROUP BY e."repository", e."previousDigest"
       HAVING bool_and(e."source" <> $2)`,
      environment,
      RETENTION_EVENT_SOURCE,
    ),
    db.$queryRawUnsafe<{ repository: string; subject: string; referrer: string }[]>(
      `SELECT DISTINCT "repository", "subject", "referrer" FROM "InventoryReferrer" WHERE "environment" = $1`,
      environment,
    ),
    others.length
      ? db.$queryRawUnsafe<{ digest: string; environment: string }[]>(
          `SELECT DISTINCT p."digest", p."environment" FROM "InventoryTag" p
           WHERE p."environment" = ANY($1::text[]) AND EXISTS (SELECT 1 FROM "InventoryTag" t WHERE t."environment" = $2 AND t."digest" = p."digest")`,
          others,
          environment,
        )
      : Promise.resolve([]),
    db.$queryRawUnsafe<{ number: number; digest: string; status: string; finishedAt: Date | null; targetEnv: string }[]>(
      `SELECT "number", "digest", "status"::text AS "status", "finishedAt", "targetEnv" FROM "Promotion"
       WHERE "status"::text = ANY($1::text[]) OR ("status"::text <> 'rejected' AND "finishedAt" >= $2)`,
      OPEN_PROMOTIONS,
      new Date(now.getTime() - policy.recentPromotionDays * DAY_MS),
    ),
    db.inventorySyncState.findUnique({ where: { environment } }),
    // every manifest the environment's rows name, chosen in SQL (no list of 100,000 digests sent);
    // platforms only where there are some: an image's "[]" need not be parsed 100,000 times
    db.$queryRawUnsafe<{ digest: string; size: bigint | number; subject: string | null; platforms: unknown }[]>(
      `SELECT m."digest", m."size", m."subject", NULLIF(m."platforms", '[]'::jsonb) AS "platforms" FROM "InventoryManifest" m
       WHERE m."digest" IN (SELECT "digest" FROM "InventoryTag" WHERE "environment" = $1
                            UNION SELECT "previousDigest" FROM "InventoryTagEvent" WHERE "environment" = $1 AND "previousDigest" IS NOT NULL
                            UNION SELECT "referrer" FROM "InventoryReferrer" WHERE "environment" = $1)`,
      environment,
    ),
  ]);

  const manifests = new Map<string, PlanManifest>();
  for (const m of manifestRows) {
    const platforms = Array.isArray(m.platforms) ? (m.platforms as { digest?: unknown }[]) : [];
    manifests.set(m.digest, { size: Number(m.size), subject: m.subject, children: platforms.map((p) => p.digest).filter((d): d is string => typeof d === "string") });
  }

  const heldInProtected = new Map<string, string[]>();
  for (const h of held) heldInProtected.set(h.digest, [...(heldInProtected.get(h.digest) ?? []), h.environment].sort());
  const planPromotions: PlanPromotion[] = promotions.map((p) => ({ number: p.number, digest: p.digest, open: OPEN_PROMOTIONS.includes(p.status), finishedAt: p.finishedAt, targetEnv: p.targetEnv }));
  // only the untagged manifests the index has a manifest for: their size is known
  const untaggedRows: PlanUntagged[] = untagged.filter((u) => manifests.has(u.digest)).map((u) => ({ repository: u.repository, digest: u.digest, untaggedSince: new Date(u.since) }));

  const pulledAt = pullTimeOf(REPORTS_PULLS.has(env.registry.kind), sync?.pullTimesReadAt ?? null);
  const lastSync = [sync?.lastFullAt, sync?.lastIncrementalAt].filter((d): d is Date => !!d).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  return {
    indexedAsOf: lastSync,
    input: {
      environment,
      namespace: env.namespace,
      policy,
      now,
      tags: tags.map((t) => {
        const since = t.since instanceof Date ? t.since : new Date(t.since);
        return { repository: t.repository, tag: t.tag, digest: t.digest, pushedAt: since, pulledAt: pulledAt(t.pulledAt, since) };
      }),
      untagged: untaggedRows,
      manifests,
      referrers,
      heldInProtected,
      promotions: planPromotions,
      immutableTags: (env.policy as { immutableTags?: unknown } | null)?.immutableTags === true,
      pullsReported: REPORTS_PULLS.has(env.registry.kind),
    },
  };
}

/**
 * A tag's pull time for planning: the registry's, where the index has one. A null means "never
 * pulled" only where the registry reports pulls and a complete read of them came after the tag was
 * first seen on its digest (rows from before pull times were indexed, or moved since, are unknown:
 * undefined, which protects). Where the registry reports no pulls, undefined: the rule cannot apply.
 */
function pullTimeOf(reported: boolean, readAt: Date | null): (pulledAt: Date | string | null, since: Date) => Date | null | undefined {
  const read = readAt ? new Date(readAt).getTime() : null;
  return (pulledAt, since) => {
    if (pulledAt) return pulledAt instanceof Date ? pulledAt : new Date(pulledAt);
    return reported && read !== null && since.getTime() <= read ? null : undefined;
  };
}
