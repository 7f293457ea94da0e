/**
 * The one way the index changes: an observation of a repository's tags (from a full sync, an
 * incremental sync, a registry event or a promotion) is compared with what the index holds, and the
 * difference is written as tag rows plus tag events, in one transaction.
 *
 * Applying the same observation twice changes nothing, so replayed events and overlapping syncs are
 * harmless. Observations of one repository are serialized by a transaction-scoped advisory lock, so
 * two replicas never both record the same move.
 */
import type { PrismaClient } from "@/lib/db/generated/client";

/** refresh: a person asked to re-read one repository now (audited as inventory.refresh) */
export type TagEventSource = "full_sync" | "incremental_sync" | "event" | "promotion" | "refresh";

export interface RepositoryObservation {
  environment: string;
  repository: string;
  /** tag → digest for every tag observed */
  tags: ReadonlyMap<string, string>;
  /**
   * "complete": `tags` is the whole tag list, so indexed tags missing from it were deleted.
   * "partial": only these tags were observed; nothing else is concluded (an event about one tag).
   */
  coverage: "complete" | "partial";
  /** tags observed as deleted (events); only with partial coverage */
  deleted?: readonly string[];
}

export interface ObservationContext {
  source: TagEventSource;
  at?: Date;
  actor?: string;
  promotionNumber?: number;
}

export interface AppliedChanges {
  created: number;
  moved: number;
  deleted: number;
  reappeared: number;
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export async function applyObservation(prisma: PrismaClient, obs: RepositoryObservation, ctx: ObservationContext): Promise<AppliedChanges> {
  return prisma.$transaction((tx) => applyInTransaction(tx, obs, ctx), { timeout: 60_000, maxWait: 60_000 });
}

async function applyInTransaction(tx: Tx, obs: RepositoryObservation, ctx: ObservationContext): Promise<AppliedChanges> {
  const at = ctx.at ?? new Date();
  const { environment, repository } = obs;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`inventory:${environment}:${repository}`}))`;

  const current = await tx.inventoryTag.findMany({ where: { environment, repository }, select: { tag: true, digest: true } });
  const held = new Map(current.map((r) => [r.tag, r.digest]));

  const added: [string, string][] = [];
  const moved: [string, string, string][] = [];
  const confirmed: string[] = [];
  for (const [tag, digest] of obs.tags) {
    const before = held.get(tag);
    if (before === undefined) added.push([tag, digest]);
    else if (before !== digest) moved.push([tag, before, digest]);
    else confirmed.push(tag);
  }
  const gone = obs.coverage === "complete" ? [...held.keys()].filter((t) => !obs.tags.has(t)) : (obs.deleted ?? []).filter((t) => held.has(t) && !obs.tags.has(t));

  const reappearing = await previouslyDeleted(tx, environment, repository, added.map(([t]) => t));
  const base = { environment, repository, source: ctx.source, at, actor: ctx.actor ?? null, promotionNumber: ctx.promotionNumber ?? null };
  const events = [
    ...added.map(([tag, digest]) => ({ ...base, tag, kind: reappearing.has(tag) ? "reappeared" : "created", digest, previousDigest: null })),
    ...moved.map(([tag, from, to]) => ({ ...base, tag, kind: "moved", digest: to, previousDigest: from })),
    ...gone.map((tag) => ({ ...base, tag, kind: "deleted", digest: null, previousDigest: held.get(tag) ?? null })),
  ];
  if (events.length) await tx.inventoryTagEvent.createMany({ data: events });

  if (added.length) await tx.inventoryTag.createMany({ data: added.map(([tag, digest]) => ({ environment, repository, tag, digest, since: at, seenAt: at })) });
  for (const [tag, , digest] of moved) {
    await tx.inventoryTag.update({ where: { environment_repository_tag: { environment, repository, tag } }, data: { digest, since: at, seenAt: at } });
  }
  if (gone.length) await tx.inventoryTag.deleteMany({ where: { environment, repository, tag: { in: gone } } });
  if (confirmed.length) await tx.inventoryTag.updateMany({ where: { environment, repository, tag: { in: confirmed } }, data: { seenAt: at } });

  return { created: added.length - reappearing.size, reappeared: reappearing.size, moved: moved.length, deleted: gone.length };
}

/** Tags whose latest event says deleted: seeing them again is a re-appearance, not a creation. */
async function previouslyDeleted(tx: Tx, environment: string, repository: string, tags: string[]): Promise<Set<string>> {
  if (!tags.length) return new Set();
  const last = await tx.inventoryTagEvent.findMany({
    where: { environment, repository, tag: { in: tags } },
    orderBy: [{ tag: "asc" }, { id: "desc" }],
    distinct: ["tag"],
    select: { tag: true, kind: true },
  });
  return new Set(last.filter((e) => e.kind === "deleted").map((e) => e.tag));
}

/** A repository that vanished from a complete catalog: every tag it still has in the index is deleted. */
export async function observeRepositoryGone(prisma: PrismaClient, environment: string, repository: string, ctx: ObservationContext): Promise<AppliedChanges> {
  return applyObservation(prisma, { environment, repository, tags: new Map(), coverage: "complete" }, ctx);
}
