/**
 * The one way the index changes: an observation of a repository's tags (from a full sync, an
 * incremental sync, a registry event or a promotion) is compared with what the index holds, and the
 * difference is written as tag rows plus tag events, in one transaction.
 *
 * Applying the same observation twice changes nothing, so replayed events and overlapping syncs are
 * harmless. Observations of one repository are serialized by a transaction-scoped advisory lock, so
 * two replicas never both record the same move.
 *
 * A sync applies many repositories at once (applyObservations): one transaction, each repository's
 * lock taken in a fixed order, and every kind of write as one set-based statement over arrays
 * (unnest), because per-row statements made the database, not the registry, the sync's bottleneck.
 */
import type { PrismaClient } from "@/lib/db/generated/client";

/** refresh: a person asked to re-read one repository now (audited as inventory.refresh); retention: an executed retention plan deleted it */
export type TagEventSource = "full_sync" | "incremental_sync" | "event" | "promotion" | "refresh" | "retention";

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
  /**
   * Tags a complete list named whose digest was not read (an incremental sync of a plain registry
   * takes a held tag as indexed): not deleted, and not written either. Neither confirmed (seenAt says
   * when a digest was last read) nor compared: the index may have moved on since the sync read it
   * (a registry event), and the sync's older copy must not move the tag back.
   */
  unread?: ReadonlySet<string>;
  /** tags observed as deleted (events); only with partial coverage */
  deleted?: readonly string[];
  /** tag → the registry's own push time (ISO), for registries whose API reports one */
  pushedAt?: ReadonlyMap<string, string>;
  /** tag → the registry's last pull time (ISO), null: never pulled; only from registries that report pulls */
  pulledAt?: ReadonlyMap<string, string | null>;
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
type Db = Pick<Tx, "$queryRawUnsafe" | "$executeRawUnsafe">;

const TX_OPTIONS = { timeout: 60_000, maxWait: 60_000 };
/** TIMESTAMP(3) columns hold UTC, as Prisma writes them; the time crosses as epoch milliseconds */
const AT = (n: number) => `(to_timestamp($${n}::float8 / 1000) AT TIME ZONE 'UTC')`;

export async function applyObservation(prisma: PrismaClient, obs: RepositoryObservation, ctx: ObservationContext): Promise<AppliedChanges> {
  return (await applyObservations(prisma, [obs], ctx))[0]!;
}

/** Several repositories of one environment in one transaction; the changes come back in the same order. */
export async function applyObservations(prisma: PrismaClient, observations: readonly RepositoryObservation[], ctx: ObservationContext): Promise<AppliedChanges[]> {
  if (!observations.length) return [];
  const environment = observations[0]!.environment;
  if (observations.some((o) => o.environment !== environment)) throw new Error("applyObservations takes observations of one environment");
  if (new Set(observations.map((o) => o.repository)).size !== observations.length) throw new Error("applyObservations takes each repository once");
  return prisma.$transaction((tx) => applyInTransaction(tx, environment, observations, ctx), TX_OPTIONS);
}

interface Pending {
  repos: string[];
  tags: string[];
  digests: (string | null)[];
}
const pending = (): Pending => ({ repos: [], tags: [], digests: [] });
function push(p: Pending, repo: string, tag: string, digest: string | null = null) {
  p.repos.push(repo);
  p.tags.push(tag);
  p.digests.push(digest);
}

/**
 * applyObservations inside a transaction the caller holds, so its own writes commit or roll back with
 * the observation (an event's receipt: recorded if and only if the event was applied).
 */
export async function applyObservationsWithin(tx: Db, observations: readonly RepositoryObservation[], ctx: ObservationContext): Promise<AppliedChanges[]> {
  if (!observations.length) return [];
  return applyInTransaction(tx, observations[0]!.environment, observations, ctx);
}

async function applyInTransaction(tx: Db, environment: string, observations: readonly RepositoryObservation[], ctx: ObservationContext): Promise<AppliedChanges[]> {
  const atMs = (ctx.at ?? new Date()).getTime();
  const repositories = observations.map((o) => o.repository);
  // The same key as a single observation takes, in one fixed order, so batches and single events
  // (a registry event, a promotion) wait for each other and two batches cannot deadlock.
  await tx.$queryRawUnsafe(
    `SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM (SELECT k FROM unnest($1::text[]) AS k ORDER BY k) AS ordered`,
    repositories.map((r) => `inventory:${environment}:${r}`),
  );

  const rows = await tx.$queryRawUnsafe<{ repository: string; tag: string; digest: string }[]>(
    `SELECT "repository", "tag", "digest" FROM "InventoryTag" WHERE "environment" = $1 AND "repository" = ANY($2::text[])`,
    environment,
    repositories,
  );
  const heldByRepo = new Map<string, Map<string, string>>();
  for (const r of rows) {
    let held = heldByRepo.get(r.repository);
    if (!held) heldByRepo.set(r.repository, (held = new Map()));
    held.set(r.tag, r.digest);
  }

  const added = pending();
  const moved = pending();
  const movedFrom: string[] = [];
  const gone = pending();
  const confirmed = pending();
  const changes = observations.map(() => ({ created: 0, moved: 0, deleted: 0, reappeared: 0 }));
  const addedIndex: number[] = []; // which observation each added tag belongs to
  observations.forEach((obs, i) => {
    const held = heldByRepo.get(obs.repository) ?? new Map<string, string>();
    for (const [tag, digest] of obs.tags) {
      const before = held.get(tag);
      if (before === undefined) {
        push(added, obs.repository, tag, digest);
        addedIndex.push(i);
      } else if (before !== digest) {
        push(moved, obs.repository, tag, digest);
        movedFrom.push(before);
        changes[i]!.moved++;
      } else push(confirmed, obs.repository, tag);
    }
    const goneTags = obs.coverage === "complete" ? [...held.keys()].filter((t) => !obs.tags.has(t) && !obs.unread?.has(t)) : (obs.deleted ?? []).filter((t) => held.has(t) && !obs.tags.has(t));
    for (const tag of goneTags) push(gone, obs.repository, tag, held.get(tag)!);
    changes[i]!.deleted += goneTags.length;
  });

  const reappearing = await previouslyDeleted(tx, environment, added);
  const kinds = added.tags.map((tag, j) => (reappearing.has(`${added.repos[j]}\u0000${tag}`) ? "reappeared" : "created"));
  kinds.forEach((kind, j) => changes[addedIndex[j]!]![kind === "reappeared" ? "reappeared" : "created"]++);

  const events = {
    repos: [...added.repos, ...moved.repos, ...gone.repos],
    tags: [...added.tags, ...moved.tags, ...gone.tags],
    kinds: [...kinds, ...moved.tags.map(() => "moved"), ...gone.tags.map(() => "deleted")],
    digests: [...added.digests, ...moved.digests, ...gone.tags.map(() => null)],
    previous: [...added.tags.map(() => null), ...movedFrom, ...gone.digests],
  };
  if (events.tags.length) {
    await tx.$executeRawUnsafe(
      `INSERT INTO "InventoryTagEvent" ("at", "environment", "repository", "tag", "kind", "digest", "previousDigest", "source", "actor", "promotionNumber")
       SELECT ${AT(1)}, $2, e.r, e.t, e.k, e.d, e.p, $8, $9, $10::int
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS e(r, t, k, d, p)`,
      atMs, environment, events.repos, events.tags, events.kinds, events.digests, events.previous, ctx.source, ctx.actor ?? null, ctx.promotionNumber ?? null,
    );
  }
  if (added.tags.length) {
    await tx.$executeRawUnsafe(
      // "relative" computed here, one namespace lookup for the statement, rather than by the per-row
      // trigger (migration 20261130103000), which then leaves the row alone
      `INSERT INTO "InventoryTag" ("environment", "repository", "tag", "digest", "since", "seenAt", "relative")
       SELECT $1, a.r, a.t, a.d, ${AT(5)}, ${AT(5)}, "inventory_relative_name"(a.r, (SELECT e."namespace" FROM "Environment" AS e WHERE e."name" = $1))
       FROM unnest($2::text[], $3::text[], $4::text[]) AS a(r, t, d)`,
      environment, added.repos, added.tags, added.digests, atMs,
    );
  }
  if (moved.tags.length) {
    await tx.$executeRawUnsafe(
      // a moved tag's old push and pull times are not the new image's: cleared, and set again below when this read carries them
      `UPDATE "InventoryTag" AS x SET "digest" = m.d, "since" = ${AT(5)}, "seenAt" = ${AT(5)}, "pushedAt" = NULL, "pulledAt" = NULL
       FROM unnest($2::text[], $3::text[], $4::text[]) AS m(r, t, d)
       WHERE x."environment" = $1 AND x."repository" = m.r AND x."tag" = m.t`,
      environment, moved.repos, moved.tags, moved.digests, atMs,
    );
  }
  if (gone.tags.length) {
    await tx.$executeRawUnsafe(
      `DELETE FROM "InventoryTag" AS x USING unnest($2::text[], $3::text[]) AS g(r, t)
       WHERE x."environment" = $1 AND x."repository" = g.r AND x."tag" = g.t`,
      environment, gone.repos, gone.tags,
    );
  }
  await writeRegistryTimes(tx, environment, observations, "pushedAt");
  await writeRegistryTimes(tx, environment, observations, "pulledAt");
  if (confirmed.tags.length) {
    await tx.$executeRawUnsafe(
      `UPDATE "InventoryTag" AS x SET "seenAt" = ${AT(4)}
       FROM unnest($2::text[], $3::text[]) AS c(r, t)
       WHERE x."environment" = $1 AND x."repository" = c.r AND x."tag" = c.t`,
      environment, confirmed.repos, confirmed.tags, atMs,
    );
  }
  return changes;
}

/**
 * The registry's push or pull times, where it reports them; only rows whose time differs are written.
 * The registry is the truth: a pull time it reports as never (null) clears one an event recorded.
 */
async function writeRegistryTimes(tx: Db, environment: string, observations: readonly RepositoryObservation[], column: "pushedAt" | "pulledAt"): Promise<void> {
  const p = { repos: [] as string[], tags: [] as string[], at: [] as (number | null)[] };
  for (const obs of observations) {
    for (const [tag, iso] of obs[column] ?? []) {
      const ms = iso === null ? null : Date.parse(iso);
      if (!obs.tags.has(tag) || (ms !== null && !Number.isFinite(ms))) continue;
      p.repos.push(obs.repository);
      p.tags.push(tag);
      p.at.push(ms);
    }
  }
  if (!p.tags.length) return;
  await tx.$executeRawUnsafe(
    // rounded to the column's milliseconds before comparing, or float division makes every row "differ"
    `UPDATE "InventoryTag" AS x SET "${column}" = u.at
     FROM (SELECT r, t, (to_timestamp(a / 1000) AT TIME ZONE 'UTC')::timestamp(3) AS at FROM unnest($2::text[], $3::text[], $4::float8[]) AS v(r, t, a)) AS u
     WHERE x."environment" = $1 AND x."repository" = u.r AND x."tag" = u.t AND x."${column}" IS DISTINCT FROM u.at`,
    environment, p.repos, p.tags, p.at,
  );
}

/** Tags whose latest event says deleted: seeing them again is a re-appearance, not a creation. */
async function previouslyDeleted(tx: Db, environment: string, added: Pending): Promise<Set<string>> {
  if (!added.tags.length) return new Set();
  const last = await tx.$queryRawUnsafe<{ repository: string; tag: string; kind: string }[]>(
    `SELECT DISTINCT ON (e."repository", e."tag") e."repository", e."tag", e."kind"
     FROM "InventoryTagEvent" AS e JOIN unnest($2::text[], $3::text[]) AS a(r, t) ON e."repository" = a.r AND e."tag" = a.t
     WHERE e."environment" = $1
     ORDER BY e."repository", e."tag", e."id" DESC`,
    environment, added.repos, added.tags,
  );
  return new Set(last.filter((e) => e.kind === "deleted").map((e) => `${e.repository}\u0000${e.tag}`));
}

/** A repository that vanished from a complete catalog: every tag it still has in the index is deleted. */
export async function observeRepositoryGone(prisma: PrismaClient, environment: string, repository: string, ctx: ObservationContext): Promise<AppliedChanges> {
  return applyObservation(prisma, { environment, repository, tags: new Map(), coverage: "complete" }, ctx);
}

/** Removes repository names no tag has any more from the search (migration 20261130102000); how many went. */
export async function pruneRepositoryNames(prisma: Pick<PrismaClient, "$queryRawUnsafe">): Promise<number> {
  const [row] = await prisma.$queryRawUnsafe<{ removed: number }[]>(`SELECT "inventory_repository_names_prune"() AS removed`);
  return Number(row?.removed ?? 0);
}
