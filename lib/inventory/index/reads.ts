/**
 * Questions the index answers: a tag's history, and everywhere a digest is or was. Every read takes
 * the environments the caller may see, so a role scoped to dev never receives a prod row.
 */
import type { PrismaClient } from "@/lib/db/generated/client";

/** "all", or the names of the environments the caller may read */
export type VisibleEnvironments = "all" | readonly string[];

export interface TagHistoryEvent {
  at: Date;
  kind: string;
  digest: string | null;
  previousDigest: string | null;
  source: string;
  actor: string | null;
  promotion: number | null;
}

const visible = (v: VisibleEnvironments, environment: string) => v === "all" || v.includes(environment);

/** Newest first. Empty for an environment the caller may not see. */
export async function tagHistory(prisma: PrismaClient, v: VisibleEnvironments, q: { environment: string; repository: string; tag: string; limit?: number }): Promise<TagHistoryEvent[]> {
  if (!visible(v, q.environment)) return [];
  const rows = await prisma.inventoryTagEvent.findMany({
    where: { environment: q.environment, repository: q.repository, tag: q.tag },
    orderBy: { id: "desc" },
    take: q.limit ?? 500,
  });
  return rows.map((r) => ({ at: r.at, kind: r.kind, digest: r.digest, previousDigest: r.previousDigest, source: r.source, actor: r.actor, promotion: r.promotionNumber }));
}

export interface DigestLocation {
  environment: string;
  repository: string;
  tag: string;
  since: Date;
  /** null while the tag still points at the digest */
  until: Date | null;
}

/**
 * Every span during which some tag pointed at `digest`: a span opens with an event that sets the tag
 * to it and closes with the next event that moves the tag away or deletes it.
 */
export async function digestLocations(prisma: PrismaClient, v: VisibleEnvironments, digest: string): Promise<DigestLocation[]> {
  const envFilter = v === "all" ? {} : { environment: { in: [...v] } };
  const events = await prisma.inventoryTagEvent.findMany({
    where: { ...envFilter, OR: [{ digest }, { previousDigest: digest }] },
    orderBy: [{ environment: "asc" }, { repository: "asc" }, { tag: "asc" }, { id: "asc" }],
    select: { environment: true, repository: true, tag: true, at: true, digest: true, previousDigest: true },
  });
  const out: DigestLocation[] = [];
  const open = new Map<string, DigestLocation>();
  for (const e of events) {
    const key = `${e.environment}\u0000${e.repository}\u0000${e.tag}`;
    const span = open.get(key);
    if (span && e.digest !== digest) {
      span.until = e.at;
      open.delete(key);
    }
    if (e.digest === digest && !open.has(key)) {
      const s = { environment: e.environment, repository: e.repository, tag: e.tag, since: e.at, until: null };
      out.push(s);
      open.set(key, s);
    }
  }
  return out.sort((a, b) => b.since.getTime() - a.since.getTime());
}

export interface IndexedTag {
  tag: string;
  digest: string;
  since: Date;
  seenAt: Date;
}

/** The repository's current tags in one environment, by name. Empty for an environment the caller may not see. */
export async function repositoryTags(prisma: PrismaClient, v: VisibleEnvironments, q: { environment: string; repository: string; limit?: number }): Promise<IndexedTag[]> {
  if (!visible(v, q.environment)) return [];
  return prisma.inventoryTag.findMany({
    where: { environment: q.environment, repository: q.repository },
    orderBy: { tag: "asc" },
    take: q.limit ?? 1000,
    select: { tag: true, digest: true, since: true, seenAt: true },
  });
}

/** The registry's own times of a current tag; null where it reports none (plain OCI) or, for a pull, none happened. */
export interface IndexedTagTimes {
  pushedAt: Date | null;
  pulledAt: Date | null;
}

/** Null when the tag is not indexed now, or in an environment the caller may not see. */
export async function tagTimes(prisma: PrismaClient, v: VisibleEnvironments, q: { environment: string; repository: string; tag: string }): Promise<IndexedTagTimes | null> {
  if (!visible(v, q.environment)) return null;
  return prisma.inventoryTag.findUnique({ where: { environment_repository_tag: q }, select: { pushedAt: true, pulledAt: true } });
}

export interface IndexedRepository {
  name: string;
  tagCount: number;
  /** the most recent time one of its tags was created or moved, as the index saw it */
  lastChange: Date;
}

/**
 * One environment's repositories by name, with their tag counts, and how many there are in all
 * (one grouped statement; the window count is taken before the limit). Empty for an environment the
 * caller may not see.
 */
export async function environmentRepositories(prisma: PrismaClient, v: VisibleEnvironments, q: { environment: string; limit: number }): Promise<{ total: number; repositories: IndexedRepository[] }> {
  if (!visible(v, q.environment)) return { total: 0, repositories: [] };
  const rows = await prisma.$queryRaw<(IndexedRepository & { total: number })[]>`
    SELECT "repository" AS name, count(*)::int AS "tagCount", max("since") AS "lastChange", (count(*) OVER ())::int AS total
    FROM "InventoryTag" WHERE "environment" = ${q.environment}
    GROUP BY "repository" ORDER BY "repository" LIMIT ${q.limit}`;
  return { total: rows[0]?.total ?? 0, repositories: rows.map(({ name, tagCount, lastChange }) => ({ name, tagCount, lastChange: new Date(lastChange) })) };
}
