import { isDigest, isReferrersTag, lifecycleSource, mapConcurrent, RegistryError, type ArtifactDetails, type LifecycleReport, type ManifestHead, type RegistryProvider, type TagLifecycle, type Truncation } from "@/lib/registry";
import { NAME_TTL_MS, namedCache } from "./cache";
import { tagListing } from "./repositories";

const heads = namedCache<ManifestHead>("heads", { max: 200_000, ttlMs: NAME_TTL_MS });
const details = namedCache<ArtifactDetails>("details", { max: 20_000 });

const FANOUT = 16;

export async function resolveTag(p: RegistryProvider, repo: string, tag: string): Promise<ManifestHead> {
  return heads.get(`${p.name}\u0000${repo}\u0000${tag}`, async () => {
    const head = await p.headManifest(repo, tag);
    if (!head) throw new RegistryError({ kind: "not_found", registry: p.host, message: `tag ${tag} of ${repo} no longer exists on ${p.host}` });
    return head;
  });
}

/** Full description of an artifact by digest. Content is immutable, so this is cached until evicted. */
async function describeDigest(p: RegistryProvider, repo: string, digest: string): Promise<ArtifactDetails> {
  return details.get(`${p.name}\u0000${repo}\u0000${digest}`, () => p.describeArtifact(repo, digest));
}

export async function describeRef(p: RegistryProvider, repo: string, ref: string): Promise<ArtifactDetails> {
  const digest = isDigest(ref) ? ref : (await resolveTag(p, repo, ref)).digest;
  return describeDigest(p, repo, digest);
}

export type TagSort = "tag" | "created" | "size";

export interface TagQuery {
  page?: number;
  pageSize?: number;
  sort?: TagSort;
  dir?: "asc" | "desc";
  /** one row per digest, listing every tag that points at it */
  group?: boolean;
}

export interface TagRow {
  tags: string[];
  digest: string;
  mediaType: string;
  size: number;
  platforms: string[];
  created?: string;
  artifactType?: string;
}

export interface TagPage {
  rows: TagRow[];
  totalTags: number;
  /** sha256-<hex> tags that only hold a referrers index (OCI tag-schema fallback); not listed as images */
  referrerTags: number;
  totalRows: number;
  page: number;
  pageCount: number;
  pageSize: number;
  /** the registry's tag list was not read to its end */
  truncated?: Truncation;
}

function rowFor(tags: string[], d: ArtifactDetails): TagRow {
  return {
    tags,
    digest: d.digest,
    mediaType: d.mediaType,
    size: d.size,
    platforms: d.platforms.map((x) => [x.os, x.architecture, x.variant].filter(Boolean).join("/")),
    created: d.created ?? d.platforms.map((x) => x.created).filter(Boolean).sort().at(-1),
    artifactType: d.artifactType,
  };
}

function compare(sort: TagSort): (a: TagRow, b: TagRow) => number {
  if (sort === "size") return (a, b) => a.size - b.size;
  if (sort === "created") return (a, b) => (a.created ?? "").localeCompare(b.created ?? "");
  return (a, b) => a.tags[0]!.localeCompare(b.tags[0]!, undefined, { numeric: true });
}

/**
 * The tag table. Sorting by name without grouping only needs the visible page described; sorting by
 * date or size, or grouping by digest, needs every tag resolved (cached, so only the first load pays).
 */
export async function tagTable(p: RegistryProvider, repo: string, q: TagQuery = {}): Promise<TagPage> {
  const pageSize = Math.min(Math.max(q.pageSize ?? 50, 1), 500);
  const sort = q.sort ?? "tag";
  const sign = q.dir === "desc" ? -1 : 1;
  const { items: everyTag, truncated } = await tagListing(p, repo);
  const cut = truncated ? { truncated } : {};
  const tags = everyTag.filter((t) => !isReferrersTag(t));
  const referrerTags = everyTag.length - tags.length;
  const cmp = compare(sort);

  if (sort === "tag" && !q.group) {
    const sorted = [...tags].sort((a, b) => sign * a.localeCompare(b, undefined, { numeric: true }));
    const pageCount = Math.max(1, Math.ceil(sorted.length / pageSize));
    const page = Math.min(Math.max(q.page ?? 1, 1), pageCount);
    const visible = sorted.slice((page - 1) * pageSize, page * pageSize);
    const rows = await mapConcurrent(visible, FANOUT, async (tag) => rowFor([tag], await describeRef(p, repo, tag)));
    return { rows, totalTags: tags.length, referrerTags, totalRows: sorted.length, page, pageCount, pageSize, ...cut };
  }

  const described = await mapConcurrent(tags, FANOUT, async (tag) => ({ tag, d: await describeRef(p, repo, tag) }));
  let rows: TagRow[];
  if (q.group) {
    const byDigest = new Map<string, { tags: string[]; d: ArtifactDetails }>();
    for (const { tag, d } of described) {
      const g = byDigest.get(d.digest);
      if (g) g.tags.push(tag);
      else byDigest.set(d.digest, { tags: [tag], d });
    }
    rows = [...byDigest.values()].map((g) => rowFor(g.tags.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })), g.d));
  } else {
    rows = described.map(({ tag, d }) => rowFor([tag], d));
  }
  rows.sort((a, b) => sign * (cmp(a, b) || compare("tag")(a, b)));
  const pageCount = Math.max(1, Math.ceil(rows.length / pageSize));
  const page = Math.min(Math.max(q.page ?? 1, 1), pageCount);
  return { rows: rows.slice((page - 1) * pageSize, page * pageSize), totalTags: tags.length, referrerTags, totalRows: rows.length, page, pageCount, pageSize, ...cut };
}

const lifecycles = namedCache<{ report: LifecycleReport; byTag: Record<string, TagLifecycle> }>("lifecycle", { max: 2_000, ttlMs: NAME_TTL_MS });

/**
 * The optional lifecycle columns of the tag table (pushed, last pulled, immutable, would be removed by
 * the registry's retention or lifecycle policy), for registries that know them; null for the others.
 */
export async function tagLifecycleFor(p: RegistryProvider, repo: string): Promise<{ report: LifecycleReport; byTag: Record<string, TagLifecycle> } | null> {
  const source = lifecycleSource(p);
  if (!source) return null;
  return lifecycles.get(`${p.name}\u0000${repo}`, async () => {
    const report = await source.tagLifecycle(repo);
    return { report, byTag: Object.fromEntries(report.tags.map((t) => [t.tag, t])) };
  });
}
