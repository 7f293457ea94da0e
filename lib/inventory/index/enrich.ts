/**
 * What the index keeps about a digest beyond its manifest, read after a sync has written the tags:
 * 1. the image config's `created` and Labels, read once per distinct config (many images share one)
 *    and never again for a digest already enriched. An index (multi-platform) takes those of one
 *    representative platform (index-children.ts: linux/amd64 first; its manifest fetched once if the
 *    index lacks it, a bounded number per sync), not of every platform, which would cost a manifest
 *    GET and a blob GET each. Artifacts (signatures, SBOMs) carry no image config worth reading.
 * 2. referrers the rows already show (cosign tags, subject fields): referrers.ts, no request.
 * 3. scan reports of digests that have none yet, a bounded number per sync: on registries with a
 *    scanner (Harbor, ECR) any image; elsewhere only images known to have referrers (a referrers tag
 *    in the list, or a tagged Trivy artifact naming them), whose listing may hold a Trivy report.
 * Labels come from whoever built the image, so they are treated as hostile: strings only, capped in
 * number and length, control characters removed.
 */
import { LRUCache } from "lru-cache";
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { describeRegistryError, mapConcurrent, MediaType, RegistryError, scanSource, type RegistryProvider } from "@/lib/registry";
import { planIndexes } from "./index-children";
import { recordIndexedReferrers } from "./referrers";
import { readScanIntoIndex } from "./scans";

export const MAX_LABELS = 64;
export const MAX_LABEL_KEY = 128;
export const MAX_LABEL_VALUE = 512;
/** a config is a few KiB; one with a long history may reach a few hundred */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** scan reports read per sync for digests without one: the rest wait for the next sync or an event */
const SCAN_READS_PER_SYNC = 50;
/** a digest found without a report is asked again after this long (reports get attached later) */
const SCAN_RECHECK_MS = 24 * 60 * 60_000;
/** bound on the digests named in one candidates query */
const MAX_KNOWN_SUBJECTS = 5000;
const INDEX_MEDIA_TYPES = [MediaType.OciIndex, MediaType.DockerManifestList];

export interface EnrichTarget {
  environment: string;
  provider: RegistryProvider;
}

export interface EnrichReport {
  configsRead: number;
  /** platform manifests of indexes fetched for their config (index-children.ts) */
  indexChildrenFetched: number;
  manifestsEnriched: number;
  referrers: number;
  scansStored: number;
  errors: string[];
}

type Limiter = <R>(fn: () => Promise<R>) => Promise<R>;

export interface EnrichScope {
  /** one repository (an event's re-read); the whole environment without */
  repository?: string;
  /** configs the sync began reading while it listed tags (createConfigPrefetch) */
  prefetched?: ConfigPrefetch;
  /** digests whose repository lists a referrers tag (the sync saw `sha256-<hex>`) → that repository */
  referred?: ReadonlyMap<string, string>;
}

export async function enrichIndex(prisma: PrismaClient, target: EnrichTarget, limiter: Limiter, scope: EnrichScope = {}): Promise<EnrichReport> {
  const report: EnrichReport = { configsRead: 0, indexChildrenFetched: 0, manifestsEnriched: 0, referrers: 0, scansStored: 0, errors: [] };
  await readConfigs(prisma, target, limiter, scope, report);
  report.referrers = await recordIndexedReferrers(prisma, target.environment, scope.repository);
  await readMissingScans(prisma, target, limiter, scope, report);
  return report;
}

async function readConfigs(prisma: PrismaClient, target: EnrichTarget, limiter: Limiter, { repository, prefetched }: EnrichScope, report: EnrichReport): Promise<void> {
  // an artifact has no image config to read (manifests indexed before configDigest was recorded
  // neither: reading theirs would mean fetching the manifest again); an index is planIndexes' to settle
  report.manifestsEnriched += (
    await prisma.inventoryManifest.updateMany({
      where: { enrichedAt: null, OR: [{ artifactType: { not: null } }, { configDigest: null, mediaType: { notIn: INDEX_MEDIA_TYPES } }] },
      data: { labels: {}, enrichedAt: new Date() },
    })
  ).count;
  const inRepo = repository === undefined ? Prisma.sql`TRUE` : Prisma.sql`t."repository" = ${repository}`;
  const configs = createConfigReader(prisma, target, limiter, report, prefetched);
  // each pending image tagged in this environment, with one repository to read its config from, a
  // page at a time: 100,000 pending rows at once were a third of a full sync's peak memory
  for (let after = ""; ; ) {
    const pending = await prisma.$queryRaw<{ digest: string; configDigest: string | null; repository: string }[]>`
      SELECT DISTINCT ON (m."digest") m."digest", m."configDigest", t."repository" FROM "InventoryManifest" m
      JOIN "InventoryTag" t ON t."digest" = m."digest"
      WHERE m."enrichedAt" IS NULL AND m."digest" > ${after} AND t."environment" = ${target.environment} AND ${inRepo}
      ORDER BY m."digest", t."repository"
      LIMIT ${PENDING_PER_PAGE}`;
    const byConfig = new Map<string, { repository: string; digests: string[] }>();
    for (const p of pending) {
      if (!p.configDigest) continue; // an index: planIndexes below
      const group = byConfig.get(p.configDigest);
      if (group) group.digests.push(p.digest);
      else byConfig.set(p.configDigest, { repository: p.repository, digests: [p.digest] });
    }
    await configs.settle(byConfig);
    if (pending.length < PENDING_PER_PAGE) break;
    after = pending.at(-1)!.digest;
  }
  // indexes, after the images: a representative child tagged in this environment is enriched by now,
  // so its index copies what it got; any other child's config goes through the same once-per-config reads
  const indexes = await planIndexes(prisma, target, limiter, repository, report.errors);
  report.indexChildrenFetched += indexes.childGets;
  const settled = [
    ...indexes.copies.map((copy) => ({ digests: copy.digests, content: { created: copy.created, labels: sanitizeLabels(copy.labels) } })),
    ...(indexes.empty.length ? [{ digests: indexes.empty, content: { created: null, labels: {} } }] : []),
  ];
  report.manifestsEnriched += await storeConfigContents(prisma, settled);
  await configs.settle(indexes.byConfig);
}

/** pending manifests read per query */
const PENDING_PER_PAGE = 5000;
/** configs whose content a sync remembers across pages (one shared by many images spans many pages) */
const CONFIGS_REMEMBERED = 256;

/**
 * Reads each group's config (once per sync while remembered: a config shared by 100,000 images
 * spans 20 pages) and writes what it read CONFIGS_PER_WRITE configs at a time, one write after another.
 */
function createConfigReader(prisma: PrismaClient, target: EnrichTarget, limiter: Limiter, report: EnrichReport, prefetched?: ConfigPrefetch) {
  const remembered = new LRUCache<string, ConfigContent>({ max: CONFIGS_REMEMBERED });
  const read = async (config: string, repository: string): Promise<ConfigContent | null> => {
    const known = remembered.get(config);
    if (known) return known;
    const outcome = await (prefetched?.take(config) ?? startConfigRead(target, limiter, config, repository));
    let content: ConfigContent;
    if ("content" in outcome) {
      report.configsRead++;
      content = outcome.content;
    } else {
      const err = outcome.error;
      // a missing config will not appear later; anything else may pass, so it is tried at the next sync
      if (!(err instanceof RegistryError && err.kind === "not_found")) {
        report.errors.push(`config ${config} of ${repository}: ${describeRegistryError(err).message}`);
        return null;
      }
      content = { created: null, labels: {} };
    }
    remembered.set(config, content);
    return content;
  };
  return {
    async settle(byConfig: ReadonlyMap<string, { repository: string; digests: string[] }>): Promise<void> {
      let done: { digests: string[]; content: ConfigContent }[] = [];
      let writing = Promise.resolve();
      const flush = () => {
        const batch = done;
        done = [];
        writing = writing.then(async () => {
          report.manifestsEnriched += await storeConfigContents(prisma, batch);
        });
        return writing;
      };
      await mapConcurrent([...byConfig], 8, async ([config, { repository, digests }]) => {
        const content = await read(config, repository);
        if (!content) return;
        done.push({ digests, content });
        if (done.length >= CONFIGS_PER_WRITE) await flush();
      });
      await flush();
    },
  };
}

type ConfigRead = Promise<{ content: ConfigContent } | { error: unknown }>;

function startConfigRead(target: EnrichTarget, limiter: Limiter, config: string, repository: string): ConfigRead {
  return limiter(() => target.provider.getBlob(repository, config, MAX_CONFIG_BYTES)).then(
    (bytes) => ({ content: configContent(bytes) }),
    (error: unknown) => ({ error }),
  );
}

/** configs a sync reads ahead, and the label text they may hold between them (labels are the builder's, so bounded) */
const CONFIGS_PREFETCHED = 2000;
const PREFETCHED_LABEL_CHARS = 8 * 1024 * 1024;

export type ConfigPrefetch = ReturnType<typeof createConfigPrefetch>;

/**
 * Reads configs of manifests new to the index while the sync is still listing tags, through the
 * sync's own request limiter: an incremental sync's new images then have their configs by the time
 * the enrichment asks, instead of the enrichment starting them all after the last tag list (1,000
 * configs were a fifth of an incremental sync at 100,000 tags). Bounded in number and in the label
 * text held; past either bound the enrichment reads the rest as before.
 */
export function createConfigPrefetch(target: EnrichTarget, limiter: Limiter) {
  const started = new Map<string, ConfigRead>();
  let begun = 0;
  let labelChars = 0;
  return {
    start(config: string, repository: string): void {
      if (started.has(config) || begun >= CONFIGS_PREFETCHED || labelChars >= PREFETCHED_LABEL_CHARS) return;
      begun++;
      started.set(
        config,
        startConfigRead(target, limiter, config, repository).then((r) => {
          if ("content" in r) for (const [k, v] of Object.entries(r.content.labels)) labelChars += k.length + v.length;
          // over the bound: not kept; the enrichment reads this one again when it gets to it
          if (labelChars > PREFETCHED_LABEL_CHARS) started.delete(config);
          return r;
        }),
      );
    },
    /** the read begun for `config`, handed over once */
    take(config: string): ConfigRead | undefined {
      const read = started.get(config);
      started.delete(config);
      return read;
    },
  };
}

/** configs whose content is written together: one transaction for many, not one per config */
const CONFIGS_PER_WRITE = 200;

/**
 * Configs' created times and labels onto every manifest that shares each, in set-based statements:
 * 1,000 new images with 1,000 configs (an incremental sync at 100,000 tags) are a few transactions
 * rather than 1,000, which took longer than reading the configs. A statement carries at most
 * MANIFESTS_PER_STATEMENT manifests: one config shared by 100,000 images in a single statement took
 * the sync from 210 MiB to 520 MiB of RSS (the parameters are copied several times on their way to
 * the database, and Prisma keeps its last 100 debug messages, parameters included). Returns how many
 * manifests it wrote.
 */
async function storeConfigContents(prisma: PrismaClient, entries: readonly { digests: readonly string[]; content: ConfigContent }[]): Promise<number> {
  let stored = 0;
  let m = { digests: [] as string[], created: [] as (number | null)[], labels: [] as string[] };
  let l = { digests: [] as string[], keys: [] as string[], values: [] as string[] };
  const flush = async () => {
    if (!m.digests.length) return;
    const [manifests, labels] = [m, l];
    stored += manifests.digests.length;
    m = { digests: [], created: [], labels: [] };
    l = { digests: [], keys: [], values: [] };
    await prisma.$transaction([
      prisma.$executeRawUnsafe(
        `UPDATE "InventoryManifest" AS x SET "created" = (to_timestamp(u.c / 1000) AT TIME ZONE 'UTC'), "labels" = u.l::jsonb, "enrichedAt" = (to_timestamp($4::float8 / 1000) AT TIME ZONE 'UTC')
         FROM unnest($1::text[], $2::float8[], $3::text[]) AS u(d, c, l)
         WHERE x."digest" = u.d AND x."enrichedAt" IS NULL`,
        manifests.digests, manifests.created, manifests.labels, Date.now(),
      ),
      prisma.$executeRawUnsafe(
        `INSERT INTO "InventoryLabel" ("digest", "key", "value")
         SELECT l.d, l.k, l.v FROM unnest($1::text[], $2::text[], $3::text[]) AS l(d, k, v)
         ON CONFLICT DO NOTHING`,
        labels.digests, labels.keys, labels.values,
      ),
    ]);
  };
  for (const { digests, content } of entries) {
    const labels = JSON.stringify(content.labels);
    const pairs = Object.entries(content.labels);
    for (const digest of digests) {
      m.digests.push(digest);
      m.created.push(content.created?.getTime() ?? null);
      m.labels.push(labels);
      for (const [key, value] of pairs) {
        l.digests.push(digest);
        l.keys.push(key);
        l.values.push(value);
      }
      if (m.digests.length >= MANIFESTS_PER_STATEMENT) await flush();
    }
  }
  await flush();
  return stored;
}

/** at most MAX_LABELS label rows each, so a statement's parameters stay a few MiB at most */
export const MANIFESTS_PER_STATEMENT = 2000;

interface ConfigContent {
  created: Date | null;
  labels: Record<string, string>;
}

/** The created time and labels of an image config, whatever the bytes hold. */
function configContent(bytes: Uint8Array): ConfigContent {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { created: null, labels: {} };
  }
  const o = isObject(json) ? json : {};
  const created = typeof o.created === "string" ? new Date(o.created) : null;
  const validCreated = created && !Number.isNaN(created.getTime()) && created.getUTCFullYear() >= 1970 && created.getUTCFullYear() <= 9999 ? created : null;
  const config = isObject(o.config) ? o.config : {};
  return { created: validCreated, labels: sanitizeLabels(config.Labels) };
}

/** Strings only, keys at most MAX_LABEL_KEY (longer ones dropped), values cut to MAX_LABEL_VALUE, at most MAX_LABELS (by key order). */
function sanitizeLabels(raw: unknown): Record<string, string> {
  if (!isObject(raw)) return {};
  const out: Record<string, string> = {};
  const entries = Object.entries(raw)
    .filter((e): e is [string, string] => typeof e[1] === "string")
    .map(([k, v]) => [clean(k), clean(v).slice(0, MAX_LABEL_VALUE)] as const)
    .filter(([k]) => k.length > 0 && k.length <= MAX_LABEL_KEY)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k, v] of entries.slice(0, MAX_LABELS)) out[k] = v;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]/g, "");

async function readMissingScans(prisma: PrismaClient, target: EnrichTarget, limiter: Limiter, scope: EnrichScope, report: EnrichReport): Promise<void> {
  const { provider, environment } = target;
  const hasScanner = !!scanSource(provider);
  // Digests known to have referrers: those with a referrers tag in this read, and those a tagged Trivy
  // artifact names as its subject. Without a scanner only these are asked; with one, the others get
  // the scanner's report only (no referrers request per digest: on Docker Hub every one is a pull).
  const trivySubjects = await prisma.inventoryReferrer.findMany({ where: { environment, artifactType: { contains: "trivy" } }, select: { subject: true }, distinct: ["subject"], take: MAX_KNOWN_SUBJECTS });
  const subjects = new Set([...(scope.referred?.keys() ?? []), ...trivySubjects.map((r) => r.subject)].slice(0, MAX_KNOWN_SUBJECTS));
  let known = Prisma.sql`TRUE`;
  if (!hasScanner) {
    if (!subjects.size) return;
    known = Prisma.sql`m."digest" IN (${Prisma.join([...subjects])})`;
  }
  const inRepo = scope.repository === undefined ? Prisma.sql`TRUE` : Prisma.sql`t."repository" = ${scope.repository}`;
  const recheckBefore = new Date(Date.now() - SCAN_RECHECK_MS);
  // images (not artifacts) tagged here, without a scan row, not looked at recently: never-looked first
  const registry = provider.name;
  const due = await prisma.$queryRaw<{ digest: string; repository: string }[]>`
    SELECT "digest", "repository" FROM (
      SELECT DISTINCT ON (m."digest") m."digest", t."repository", c."checkedAt" FROM "InventoryManifest" m
      JOIN "InventoryTag" t ON t."digest" = m."digest"
      LEFT JOIN "InventoryScanCheck" c ON c."digest" = m."digest" AND c."registry" = ${registry}
      WHERE t."environment" = ${environment} AND ${inRepo} AND ${known}
        AND m."artifactType" IS NULL
        AND (c."checkedAt" IS NULL OR c."checkedAt" < ${recheckBefore})
        AND NOT EXISTS (SELECT 1 FROM "InventoryScan" s WHERE s."digest" = m."digest")
      ORDER BY m."digest", t."repository"
    ) due
    ORDER BY "checkedAt" NULLS FIRST, "digest"
    LIMIT ${SCAN_READS_PER_SYNC}`;
  await mapConcurrent(due, 4, async (d) => {
    try {
      const read = await limiter(() => readScanIntoIndex(prisma, provider, { environment, repository: d.repository, digest: d.digest, registry }, { referrers: subjects.has(d.digest) }));
      if (read === "stored") report.scansStored++;
      else if (read === "none") {
        const checkedAt = new Date();
        await prisma.inventoryScanCheck.upsert({ where: { digest_registry: { digest: d.digest, registry } }, create: { digest: d.digest, registry, checkedAt }, update: { checkedAt } });
      }
    } catch (err) {
      report.errors.push(`scan of ${d.repository}@${d.digest}: ${describeRegistryError(err).message}`);
    }
  });
}
