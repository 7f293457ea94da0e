/**
 * Reads one environment from its registry into the index.
 *
 * full:        catalog → every tag list → GET each tag the index does not hold (digest and manifest in
 *              one request), HEAD each tag it holds (has it moved?), GET a moved-to digest never seen.
 * incremental: catalog → every tag list → GET only tags the index does not hold; a held tag is taken
 *              as indexed (RepositoryObservation.unread), neither confirmed nor rewritten. A tag that
 *              moved without its list changing is caught by registry events or the next full sync: a
 *              plain OCI registry offers no cheaper way to see it.
 * Repositories are read as the catalog's pages arrive, and a new image's config is read as soon as its
 * manifest is written (enrich.ts createConfigPrefetch), so neither waits for the listing to end.
 * Manifests are immutable by digest, so a digest already indexed is never fetched again.
 *
 * A registry with its own listing of tags and digests (TagDigestSource: Harbor, ECR, Docker Hub) is
 * read per repository through that instead (read-by-api.ts), incremental from the environment's
 * change cursor (change-cursor.ts), with no tag list or manifest request per tag.
 *
 * Reads and writes overlap: finished repositories go through a bounded write queue to one writer that
 * applies them many per transaction (applyObservations), so the registry never waits for the
 * database and memory does not grow with the registry's size.
 *
 * A repository whose tags cannot be read keeps its rows untouched (a partial sync never deletes what
 * it did not re-read); the sync then ends "stale" with the registry's error.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { collectPages, createLimiter, describeRegistryError, isReferrersTag, RegistryError, tagDigestSource, type Page, type RegistryProvider } from "@/lib/registry";
import { inNamespace } from "@/lib/inventory/namespace";
import { advanceChangeCursor, changeCursor } from "./change-cursor";
import { createConfigPrefetch, enrichIndex, type ConfigPrefetch, type EnrichReport } from "./enrich";
import { acquireSyncLease, finishSync, type SyncLease } from "./lease";
import { manifestRow, insertManifests, unindexedDigests, type ManifestRow } from "./manifest-rows";
import { readRepositoryByApi } from "./read-by-api";
import type { RepositoryRead } from "./repository-read";
import { applyObservation, applyObservations, observeRepositoryGone, pruneRepositoryNames, type AppliedChanges, type TagEventSource } from "./snapshot";
import { analyzeAfterSync } from "./planner-statistics";
import { createWriteQueue } from "./write-queue";

export type SyncMode = "full" | "incremental";

export interface SyncTarget {
  environment: string;
  /** the environment's namespace on its registry ("" = the whole registry) */
  namespace: string;
  provider: RegistryProvider;
}

export interface SyncOptions {
  mode: SyncMode;
  /** requests in flight at once against the registry */
  concurrency?: number;
  /** who runs it, for the lease (a replica id) */
  owner?: string;
  /** stop following a listing after this many pages: a hostile registry can page forever */
  maxPages?: number;
  /** how long the environment's lease outlives its holder's last renewal (default 60 s; tests shorten it) */
  leaseMs?: number;
}

export interface SyncReport {
  mode: SyncMode;
  /** false when another replica held the environment's lease: nothing was read */
  ran: boolean;
  repositories: number;
  tags: number;
  headRequests: number;
  /** manifest GETs: by tag for tags new to the index, by digest for moved-to digests never seen */
  manifestsFetched: number;
  changes: AppliedChanges;
  /** repositories that could not be read (their rows were left as they were) */
  errors: { repository: string; message: string }[];
  durationMs: number;
  /** config labels, referrers and scan reports read after the tags (enrich.ts) */
  content?: EnrichReport;
}

const DEFAULT_MAX_PAGES = 10_000;
/** one listing (the catalog, or one repository's tags) may take this long before the sync gives up */
const LISTING_DEADLINE_MS = 30 * 60_000;
const REPOSITORIES_PER_REQUEST_SLOT = 4;
/** at most this many repositories per write transaction, and waiting for one: memory stays flat however big the registry */
const REPOSITORIES_PER_WRITE = 200;
const REPOSITORIES_QUEUED = 400;
/** a write waits (at most WRITE_LINGER_MS) for this many repositories: per-transaction costs dominated tiny batches */
const REPOSITORIES_PER_WRITE_AT_LEAST = 50;
const WRITE_LINGER_MS = 250;

export async function syncEnvironment(prisma: PrismaClient, target: SyncTarget, options: SyncOptions): Promise<SyncReport> {
  const started = Date.now();
  const report: SyncReport = { mode: options.mode, ran: false, repositories: 0, tags: 0, headRequests: 0, manifestsFetched: 0, changes: { created: 0, moved: 0, deleted: 0, reappeared: 0 }, errors: [], durationMs: 0 };
  const lease = await acquireSyncLease(prisma, target.environment, options.owner, options.mode, undefined, options.leaseMs);
  if (!lease) return report;
  report.ran = true;
  try {
    await runSync(prisma, target, options, report, lease);
    report.durationMs = Date.now() - started;
    await finishSync(prisma, lease, report, report.errors.length ? summarizeErrors(report.errors) : null);
  } catch (err) {
    report.durationMs = Date.now() - started;
    await finishSync(prisma, lease, report, describeRegistryError(err).message);
    throw err;
  }
  return report;
}

async function runSync(prisma: PrismaClient, target: SyncTarget, options: SyncOptions, report: SyncReport, lease: SyncLease): Promise<void> {
  const { provider, environment } = target;
  const readStarted = new Date();
  const source: TagEventSource = options.mode === "full" ? "full_sync" : "incremental_sync";
  const concurrency = options.concurrency ?? 8;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;

  // What the index holds, read once for the whole environment rather than once per repository, while
  // the catalog's first page is on its way.
  const held = heldTagsByRepository(prisma, environment);
  held.catch(() => undefined); // a failing catalog is the error to report; this read is awaited below
  const digestRepo = new Map<string, string>();
  const limiter = createLimiter(concurrency);
  const prefetch = createConfigPrefetch(target, limiter);
  const writer = createIndexWriter(prisma, { source, report, digestRepo, prefetch });
  const referred: Referred = new Map();
  // registries that list what changed (Harbor, ECR, Docker Hub): an incremental read starts at the cursor
  const since = options.mode === "incremental" ? await changeCursor(prisma, environment) : undefined;
  let latestChange: number | undefined;
  const changedAt = (at: number) => void (latestChange = Math.max(latestChange ?? 0, at));
  let index: Awaited<typeof held> | undefined;

  // Each catalog page's repositories are read as soon as the page arrives: the catalog pages follow
  // one another, and on an incremental sync waiting for all of them was a sixth of its time. A catalog
  // that fails part-way has then applied complete tag lists of the repositories before the failure,
  // each a true observation; what it cannot do is conclude that a repository is gone (below), which
  // takes the whole catalog.
  // More repositories in flight than requests: a repository waiting for its tag list or its writer
  // slot does not leave the registry idle; the shared limiter still caps requests at `concurrency`.
  const repositories = new Set<string>();
  const reads = createRepositoryReads(concurrency * REPOSITORIES_PER_REQUEST_SLOT, async (repository) => {
    index ??= await held;
    try {
      const read = await readRepository(target, repository, index.heldByRepo.get(repository) ?? new Map(), { mode: options.mode, limiter, maxPages, since, changedAt, referred, heldPulls: index.pullsByRepo.get(repository) });
      // nothing to write: the index already says exactly this (incremental, unchanged tag list)
      if (read) await writer.add(read);
    } catch (err) {
      report.errors.push({ repository, message: describeRegistryError(err).message });
    }
    index.heldByRepo.delete(repository); // read: its held tags are not needed again, so memory shrinks as the sync goes
    index.pullsByRepo.delete(repository);
    lease.check();
  });
  try {
    await readAll(
      (cursor) => provider.listRepositories({ pageSize: 1000, cursor }),
      maxPages,
      (page) => {
        for (const repository of page) {
          // a registry that lists a repository twice (a page repeated) gets it read once
          if (!inNamespace(repository, target.namespace) || repositories.has(repository)) continue;
          repositories.add(repository);
          reads.add(repository);
        }
      },
    ).catch(reads.fail);
    await reads.settled();
  } finally {
    // a sync that stops (catalog failed, lease lost) still ends with nothing of it writing in the background
    await writer.drain();
  }
  report.repositories = repositories.size;
  index ??= await held;
  const indexedRepos = index.indexedRepositories;

  for (const repository of indexedRepos) {
    if (!repositories.has(repository)) add(report.changes, await observeRepositoryGone(prisma, environment, repository, { source }));
  }

  // names of repositories that lost their last tag leave the search (a trigger only ever adds them)
  if (report.changes.deleted) await pruneRepositoryNames(prisma);
  // before the enrichment's queries over what was just written
  const changed = report.changes.created + report.changes.moved + report.changes.deleted + report.changes.reappeared;
  await analyzeAfterSync(prisma, changed + report.manifestsFetched, index.rows);
  await indexManifests(prisma, provider, digestRepo, limiter, report);
  report.content = await enrichIndex(prisma, target, limiter, { referred, prefetched: prefetch });
  // only a sync that read everything it meant to may move the cursor past what it saw
  if (!report.errors.length && latestChange !== undefined) await advanceChangeCursor(prisma, environment, new Date(latestChange));
  // every tag's pull time was read (or reported as never): retention may now take a null pull time as "never pulled"
  if (!report.errors.length && options.mode === "full" && tagDigestSource(provider)) await prisma.inventorySyncState.update({ where: { environment }, data: { pullTimesReadAt: readStarted } });
}

/**
 * One repository: its whole tag list, then per tag the cheapest request that answers the question.
 * A tag the index does not hold: one GET, which gives its digest and its manifest at once (a HEAD and
 * then a GET would be two). A tag the index holds: nothing in "incremental" mode; in "full" mode a
 * HEAD, since a plain registry's tag list says nothing of digests and a HEAD is the only way to see
 * that a held tag moved. Null when an incremental read finds the list exactly as indexed.
 */
async function readRepository(
  target: SyncTarget,
  repository: string,
  held: ReadonlyMap<string, string>,
  o: { mode: SyncMode; limiter: Limiter; maxPages: number; since?: Date | undefined; changedAt?: (at: number) => void; referred: Referred; heldPulls?: ReadonlyMap<string, number> | undefined },
): Promise<RepositoryRead | null> {
  const { provider, environment } = target;
  const api = tagDigestSource(provider);
  if (api) return readRepositoryByApi(target, api, repository, held, { limiter: o.limiter, referred: o.referred, ...(o.heldPulls ? { heldPulls: o.heldPulls } : {}), ...(o.changedAt ? { changedAt: o.changedAt } : {}), ...(o.mode === "incremental" && o.since ? { since: o.since } : {}) });
  const listed = await o.limiter(() => readAll((cursor) => provider.listTags(repository, { pageSize: 1000, cursor }), o.maxPages));
  const tags: string[] = [];
  for (const t of listed) {
    // a referrers tag (`sha256-<hex>`) is no image tag: it says its subject has referrers (enrich.ts reads them)
    if (isReferrersTag(t)) o.referred.set(t.replace("-", ":"), repository);
    else tags.push(t);
  }
  // Incremental, and the list is exactly what the index holds: nothing to read and nothing to write
  // (seenAt stays: no digest was confirmed).
  if (o.mode === "incremental" && tags.length === held.size && tags.every((t) => held.has(t))) return null;
  const observed = new Map<string, string>();
  const unread = new Set<string>();
  const manifests: ManifestRow[] = [];
  let headRequests = 0;
  let manifestGets = 0;
  await Promise.all(
    tags.map(async (tag) => {
      const known = held.get(tag);
      if (known && o.mode === "incremental") return void unread.add(tag);
      if (known) {
        headRequests++;
        const head = await o.limiter(() => provider.headManifest(repository, tag));
        if (head) observed.set(tag, head.digest); // gone between list and HEAD: not observed, so not concluded
        return;
      }
      manifestGets++;
      const manifest = await o.limiter(() => provider.getManifest(repository, tag)).catch(nullWhenNotFound);
      if (!manifest) return;
      observed.set(tag, manifest.digest);
      manifests.push(manifestRow(manifest));
    }),
  );
  // A tag that vanished between the list and its read makes the list unreliable for deletions.
  const coverage = observed.size + unread.size === tags.length ? "complete" : "partial";
  return { observation: { environment, repository, tags: observed, coverage, ...(unread.size ? { unread } : {}) }, manifests, headRequests, manifestGets };
}

/**
 * Writes what readers hand over, many repositories per transaction (see write-queue.ts). A batch the
 * database refuses is retried one repository at a time, so one bad repository cannot fail the rest.
 * Digests observed without their manifest (HEADs, incremental reads) that the index has never seen
 * are collected for indexManifests.
 */
function createIndexWriter(
  prisma: PrismaClient,
  o: { source: TagEventSource; report: Pick<SyncReport, "tags" | "headRequests" | "manifestsFetched" | "changes" | "errors">; digestRepo: Map<string, string>; prefetch?: ConfigPrefetch },
) {
  const writeBatch = async (batch: RepositoryRead[]) => {
    const manifests = new Map(batch.flatMap((r) => r.manifests.map((m) => [m.digest, { row: m, repository: r.observation.repository }] as const)));
    const fetched = new Set(manifests.keys());
    for (const digest of await insertManifests(prisma, [...manifests.values()].map((m) => m.row))) {
      // an image new to the index: the enrichment will want its config, so the read starts now
      const { row, repository } = manifests.get(digest)!;
      if (row.configDigest && !row.artifactType) o.prefetch?.start(row.configDigest, repository);
    }
    const changes = await applyObservations(prisma, batch.map((r) => r.observation), { source: o.source });
    const others = new Map<string, string>();
    for (const r of batch) for (const digest of r.observation.tags.values()) if (!fetched.has(digest) && !others.has(digest)) others.set(digest, r.observation.repository);
    for (const digest of await unindexedDigests(prisma, [...others.keys()])) if (!o.digestRepo.has(digest)) o.digestRepo.set(digest, others.get(digest)!);
    batch.forEach((r, i) => {
      o.report.tags += r.observation.tags.size + (r.observation.unread?.size ?? 0);
      o.report.headRequests += r.headRequests;
      o.report.manifestsFetched += r.manifestGets;
      add(o.report.changes, changes[i]!);
    });
  };
  const write = async (batch: RepositoryRead[]): Promise<void> => {
    try {
      await writeBatch(batch);
    } catch (err) {
      if (batch.length === 1) return void o.report.errors.push({ repository: batch[0]!.observation.repository, message: describeRegistryError(err).message });
      for (const one of batch) await write([one]);
    }
  };
  return createWriteQueue<RepositoryRead>({ maxBatch: REPOSITORIES_PER_WRITE, maxQueued: REPOSITORIES_QUEUED, minBatch: REPOSITORIES_PER_WRITE_AT_LEAST, lingerMs: WRITE_LINGER_MS, write });
}

function nullWhenNotFound(err: unknown): null {
  if (err instanceof RegistryError && err.kind === "not_found") return null;
  throw err;
}

/** Each digest the index has never seen is fetched once; the rest is never asked again. */
async function indexManifests(prisma: PrismaClient, provider: RegistryProvider, digestRepo: Map<string, string>, limiter: Limiter, report: Pick<SyncReport, "manifestsFetched" | "errors">): Promise<void> {
  await Promise.all(
    [...digestRepo].map(async ([digest, repository]) => {
      try {
        const manifest = await limiter(() => provider.getManifest(repository, digest));
        report.manifestsFetched++;
        await insertManifests(prisma, [manifestRow(manifest)]);
      } catch (err) {
        report.errors.push({ repository, message: `manifest ${digest}: ${describeRegistryError(err).message}` });
      }
    }),
  );
}

/**
 * Re-reads one repository completely (every tag HEADed), as a registry event asks: the event said
 * something changed, the registry says what is true now. Not leased: it touches one repository,
 * and observations of one repository are serialized in applyObservation.
 */
export async function resyncRepository(prisma: PrismaClient, target: SyncTarget, repository: string, source: TagEventSource = "event"): Promise<{ tags: number; manifestsFetched: number; changes: AppliedChanges; errors: SyncReport["errors"] }> {
  const limiter = createLimiter(4);
  const index = await heldTagsByRepository(prisma, target.environment, repository);
  const held = index.heldByRepo.get(repository) ?? new Map<string, string>();
  const out = { tags: 0, headRequests: 0, manifestsFetched: 0, changes: { created: 0, moved: 0, deleted: 0, reappeared: 0 }, errors: [] as SyncReport["errors"] };
  const digestRepo = new Map<string, string>();
  const referred: Referred = new Map();
  const read = await readRepository(target, repository, held, { mode: "full", limiter, maxPages: DEFAULT_MAX_PAGES, referred, heldPulls: index.pullsByRepo.get(repository) });
  const writer = createIndexWriter(prisma, { source, report: out, digestRepo });
  if (read) await writer.add(read);
  await writer.drain();
  if (out.errors.length) throw new Error(out.errors[0]!.message);
  await indexManifests(prisma, target.provider, digestRepo, limiter, out);
  await enrichIndex(prisma, target, limiter, { repository, referred });
  return out;
}

/**
 * Re-reads only the named tags of one repository, as an event that names its tag asks: per tag one
 * request to the registry (the registry says what is true; the event's digest is never taken for it).
 * A GET by tag when the index has no manifest for the digest it holds for the tag (a new image: digest
 * and manifest in one request), a HEAD otherwise. Applied as a partial observation, so no other tag of
 * the repository is concluded deleted; a tag the registry no longer has is observed deleted.
 */
export async function rereadTags(prisma: PrismaClient, target: SyncTarget, repository: string, tags: readonly string[], source: TagEventSource = "event"): Promise<{ requests: number; manifestsFetched: number; changes: AppliedChanges }> {
  const limiter = createLimiter(4);
  const held = await prisma.inventoryTag.findMany({ where: { environment: target.environment, repository, tag: { in: [...tags] } }, select: { tag: true, digest: true } });
  const heldDigest = new Map(held.map((h) => [h.tag, h.digest]));
  const unknown = new Set(await unindexedDigests(prisma, [...new Set(heldDigest.values())]));
  const observed = new Map<string, string>();
  const deleted: string[] = [];
  const manifests: ManifestRow[] = [];
  await Promise.all(
    tags.map(async (tag) => {
      const digest = heldDigest.get(tag);
      if (!digest || unknown.has(digest)) {
        const manifest = await limiter(() => target.provider.getManifest(repository, tag)).catch(nullWhenNotFound);
        if (!manifest) return void deleted.push(tag);
        observed.set(tag, manifest.digest);
        manifests.push(manifestRow(manifest));
        return;
      }
      const head = await limiter(() => target.provider.headManifest(repository, tag));
      if (head) observed.set(tag, head.digest);
      else deleted.push(tag);
    }),
  );
  await insertManifests(prisma, manifests);
  // The usual answer: the registry confirms what the event already wrote. Nothing to write then, and
  // no transaction spent on it (at 50 pushes/s the database's time is the receiver's).
  const confirmed = !deleted.some((t) => heldDigest.has(t)) && [...observed].every(([tag, digest]) => heldDigest.get(tag) === digest);
  const none = { created: 0, moved: 0, deleted: 0, reappeared: 0 };
  const changes = confirmed ? none : await applyObservation(prisma, { environment: target.environment, repository, tags: observed, coverage: "partial", deleted }, { source });
  // a HEAD that found the tag moved to a digest never indexed: its manifest once, as a sync would
  const digestRepo = new Map<string, string>();
  const fetched = new Set(manifests.map((m) => m.digest));
  for (const digest of await unindexedDigests(prisma, [...observed.values()].filter((d) => !fetched.has(d)))) digestRepo.set(digest, repository);
  const out = { manifestsFetched: manifests.length, errors: [] as SyncReport["errors"] };
  await indexManifests(prisma, target.provider, digestRepo, limiter, out);
  if (out.errors.length) throw new Error(out.errors[0]!.message);
  // labels, referrers and scans only for what is new to the index: an already indexed digest was enriched when it came
  if (out.manifestsFetched) await enrichIndex(prisma, target, limiter, { repository });
  return { requests: tags.length + digestRepo.size, manifestsFetched: out.manifestsFetched, changes };
}

/** tag → digest per repository, and tag → pull time (epoch ms) for the tags that have one */
async function heldTagsByRepository(prisma: PrismaClient, environment: string, repository?: string): Promise<{ heldByRepo: Map<string, Map<string, string>>; pullsByRepo: Map<string, Map<string, number>>; indexedRepositories: ReadonlySet<string>; rows: number }> {
  const rows = await prisma.inventoryTag.findMany({ where: { environment, ...(repository ? { repository } : {}) }, select: { repository: true, tag: true, digest: true, pulledAt: true } });
  const heldByRepo = new Map<string, Map<string, string>>();
  const pullsByRepo = new Map<string, Map<string, number>>();
  for (const r of rows) {
    let tags = heldByRepo.get(r.repository);
    if (!tags) heldByRepo.set(r.repository, (tags = new Map()));
    tags.set(r.tag, r.digest);
    if (!r.pulledAt) continue;
    let pulls = pullsByRepo.get(r.repository);
    if (!pulls) pullsByRepo.set(r.repository, (pulls = new Map()));
    pulls.set(r.tag, r.pulledAt.getTime());
  }
  return { heldByRepo, pullsByRepo, indexedRepositories: new Set(heldByRepo.keys()), rows: rows.length };
}

/**
 * Reads repositories as they are added, at most `limit` at once (mapConcurrent, for a list that
 * arrives page by page). The first failure, of a read or of what feeds it (`fail`), starts no further
 * read; `settled` waits for the reads in flight and then rejects with that failure.
 */
function createRepositoryReads(limit: number, read: (repository: string) => Promise<void>) {
  const slots = createLimiter(limit);
  const running: Promise<void>[] = [];
  let failed = false;
  let failure: unknown;
  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    failure = err;
  };
  return {
    /** throws once a read has failed, so whatever feeds the reads (the catalog's pages) stops too */
    add(repository: string) {
      if (failed) throw failure;
      running.push(slots(() => (failed ? Promise.resolve() : read(repository))).catch(fail));
    },
    fail,
    async settled(): Promise<void> {
      await Promise.all(running);
      if (failed) throw failure;
    },
  };
}

/**
 * A whole listing through the transport's bounded pager (lib/registry/transport/paging.ts). A sync
 * must see the complete list before it takes anything missing from it as deleted: any truncation
 * (page limit, repeated cursor, deadline, a provider's own cap) fails the read. `onPage` sees each
 * page as it arrives (the catalog's repositories are read, and applied, before its last page).
 */
async function readAll(page: (cursor?: string) => Promise<Page<string>>, maxPages: number, onPage?: (items: readonly string[]) => void): Promise<string[]> {
  const read = onPage ? (cursor?: string) => page(cursor).then((p) => (onPage(p.items), p)) : page;
  const listing = await collectPages(read, { maxPages, maxItems: Number.MAX_SAFE_INTEGER, deadlineMs: LISTING_DEADLINE_MS });
  if (listing.truncated) throw new Error(`${listing.truncated.message.replace(/; showing the first \d+$/, "")}; the sync stopped and took nothing as deleted`);
  return listing.items;
}

type Limiter = ReturnType<typeof createLimiter>;
/** digests with a referrers tag (`sha256-<hex>`, the referrers tag schema) in their repository's list → that repository */
type Referred = Map<string, string>;

function add(total: AppliedChanges, more: AppliedChanges) {
  total.created += more.created;
  total.moved += more.moved;
  total.deleted += more.deleted;
  total.reappeared += more.reappeared;
}

function summarizeErrors(errors: SyncReport["errors"]): string {
  const first = errors[0]!;
  return `${errors.length} repositor${errors.length === 1 ? "y" : "ies"} could not be read; first: ${first.repository}: ${first.message}`;
}
