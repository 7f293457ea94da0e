/**
 * Search over the index: repository names, repository:tag, digest prefixes, vulnerability ids (CVE-…,
 * GHSA-…, by prefix) and config label values, in the environments the caller may see. Substring
 * matches are case-insensitive ILIKE with the query's own % and _ escaped, so they are literal; the
 * trigram indexes of migrations 20261130050000, 20261130060000 and 20261130102000 (repository names,
 * each once) serve them on PostgreSQL and PGlite.
 * CVE and label hits are tags whose current digest has the vulnerability or the label.
 *
 * Queries shorter than 3 characters are prefixes instead of substrings: trigram indexes need 3
 * characters, so a short substring that matches nothing read the whole table; a prefix is served by the
 * text_pattern_ops b-trees of migration 20261130080000 and stops at the first row past it.
 */
import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import type { VisibleEnvironments } from "./reads";
import { cveUrl, digestUrl, repositoryUrl, tagUrl } from "./urls";

/** One hit; fields that do not apply to its kind are absent (a digest hit names no environment). */
export interface SearchResult {
  kind: "repository" | "tag" | "digest" | "cve" | "label";
  environment?: string;
  repository?: string;
  tag?: string;
  digest?: string;
  /** the vulnerability id (kind cve) */
  cve?: string;
  /** `key=value` (kind label) */
  label?: string;
  url: string;
}

export interface SearchResults {
  repositories: SearchResult[];
  tags: SearchResult[];
  digests: SearchResult[];
  cves: SearchResult[];
  labels: SearchResult[];
}

/** `CVE-2024-…`, `GHSA-…`: a scanner's id prefix, at least the kind and a dash */
const VULN_PREFIX = /^[A-Z][A-Z0-9]{1,15}-[A-Z0-9-]*$/;
/** label values shorter than this match too much to be a question */
const MIN_LABEL_QUERY = 3;
/** the shortest query a trigram index serves as a substring; shorter ones match as prefixes */
const MIN_SUBSTRING_QUERY = 3;
/** `sha256:ab12…` or bare `ab12…`, at least 4 hex digits: anything shorter matches too much to be a question */
const DIGEST_PREFIX = /^(?:(sha256|sha512):)?([0-9a-f]{4,128})$/i;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchIndex(prisma: PrismaClient, v: VisibleEnvironments, q: string, limit = 10): Promise<SearchResults> {
  const query = q.trim();
  const empty: SearchResults = { repositories: [], tags: [], digests: [], cves: [], labels: [] };
  if (!query || (v !== "all" && v.length === 0)) return empty;
  const envs = v === "all" ? Prisma.sql`TRUE` : Prisma.sql`"environment" IN (${Prisma.join([...v])})`;
  const [repositories, tags, digests, cves, labels] = await Promise.all([
    searchRepositories(prisma, envs, query, limit),
    searchTags(prisma, envs, query, limit),
    searchDigests(prisma, envs, query, limit),
    searchCves(prisma, envs, query, limit),
    searchLabels(prisma, envs, query, limit),
  ]);
  return { repositories, tags, digests, cves, labels };
}

/** Tags whose digest has a vulnerability whose id starts with q (CVE-2019-146 finds CVE-2019-14697). */
async function searchCves(prisma: PrismaClient, envs: Prisma.Sql, q: string, limit: number): Promise<SearchResult[]> {
  const id = q.toUpperCase();
  if (!VULN_PREFIX.test(id) || id.length < 5) return [];
  const like = `${escapeLike(id)}%`;
  // The first `limit` ids with a visible tag come first, walking the (cve text_pattern_ops, digest)
  // index in its own order (USING ~<~) and stopping there; then each id's tags, sorted and limited on
  // their own, in that order, so an incremental sort stops once the first ids fill the limit. A
  // DISTINCT over the whole join before the LIMIT sorted every occurrence of the prefix (2.7 s for
  // CVE-2024-1 over 1,000,000 occurrences).
  const rows = await prisma.$queryRaw<{ cve: string; environment: string; repository: string; tag: string; digest: string }[]>`
    WITH ids AS (
      SELECT DISTINCT v."cve" FROM "InventoryVulnerability" v
      WHERE v."cve" LIKE ${like} ESCAPE '\\' AND EXISTS (SELECT 1 FROM "InventoryTag" t WHERE t."digest" = v."digest" AND ${envs})
      ORDER BY v."cve" USING ~<~ LIMIT ${limit}
    )
    SELECT ids."cve", h."environment", h."repository", h."tag", h."digest" FROM ids CROSS JOIN LATERAL (
      SELECT DISTINCT t."environment", t."repository", t."tag", t."digest"
      FROM "InventoryVulnerability" v JOIN "InventoryTag" t ON t."digest" = v."digest"
      WHERE v."cve" = ids."cve" AND ${envs}
      ORDER BY t."repository", t."tag", t."environment" LIMIT ${limit}
    ) h
    ORDER BY ids."cve" USING ~<~, h."repository", h."tag", h."environment" LIMIT ${limit}`;
  return rows.map((r) => ({ kind: "cve", ...r, url: cveUrl(r.cve) }));
}

/** Tags whose digest has a config label whose value contains q. */
async function searchLabels(prisma: PrismaClient, envs: Prisma.Sql, q: string, limit: number): Promise<SearchResult[]> {
  if (q.length < MIN_LABEL_QUERY) return [];
  const rows = await prisma.$queryRaw<{ key: string; value: string; environment: string; repository: string; tag: string; digest: string }[]>`
    SELECT l."key", l."value", t."environment", t."repository", t."tag", t."digest"
    FROM "InventoryLabel" l JOIN "InventoryTag" t ON t."digest" = l."digest"
    WHERE l."value" ILIKE ${`%${escapeLike(q)}%`} ESCAPE '\\' AND ${envs}
    ORDER BY l."value", t."repository", t."tag", t."environment" LIMIT ${limit}`;
  return rows.map((r) => ({ kind: "label", environment: r.environment, repository: r.repository, tag: r.tag, digest: r.digest, label: `${r.key}=${r.value}`, url: tagUrl(r.environment, r.repository, r.tag) }));
}

/**
 * A case-insensitive substring of the column, or for a short query a prefix. Repository names are
 * lowercase (the distribution spec allows no capitals), so their prefix is lowercased and matched with
 * LIKE, which the b-tree serves; tags may hold capitals, so theirs is matched on lower("tag"), which
 * has its own b-tree (ILIKE would use an index only up to the first letter).
 */
function textMatch(column: "name" | "tag", q: string): Prisma.Sql {
  const col = Prisma.raw(`"${column}"`);
  if (q.length >= MIN_SUBSTRING_QUERY) return Prisma.sql`${col} ILIKE ${`%${escapeLike(q)}%`} ESCAPE '\\'`;
  if (column === "name") return Prisma.sql`${col} LIKE ${`${escapeLike(q.toLowerCase())}%`} ESCAPE '\\'`;
  return Prisma.sql`lower(${col}) LIKE ${`${escapeLike(q.toLowerCase())}%`} ESCAPE '\\'`;
}

/**
 * Repository names matching q, as a condition on InventoryTag."repository": the names are matched in
 * InventoryRepositoryName (each name once, with its trigram and prefix indexes: migration
 * 20261130102000), then their tags found by the (repository, …) b-trees.
 */
function repositoryMatch(q: string): Prisma.Sql {
  return Prisma.sql`"repository" IN (SELECT "name" FROM "InventoryRepositoryName" WHERE ${textMatch("name", q)})`;
}

async function searchRepositories(prisma: PrismaClient, envs: Prisma.Sql, q: string, limit: number): Promise<SearchResult[]> {
  const rows = await prisma.$queryRaw<{ environment: string; repository: string }[]>`
    SELECT DISTINCT "environment", "repository" FROM "InventoryTag"
    WHERE ${envs} AND ${repositoryMatch(q)}
    ORDER BY "repository", "environment" LIMIT ${limit}`;
  return rows.map((r) => ({ kind: "repository", ...r, url: repositoryUrl(r.environment, r.repository) }));
}

/** "api:lat" matches repository containing "api" with a tag starting "lat"; without a colon, tags containing q. */
async function searchTags(prisma: PrismaClient, envs: Prisma.Sql, q: string, limit: number): Promise<SearchResult[]> {
  const colon = q.lastIndexOf(":");
  const match =
    colon < 0
      ? textMatch("tag", q)
      : Prisma.sql`${repositoryMatch(q.slice(0, colon))} AND "tag" ILIKE ${`${escapeLike(q.slice(colon + 1))}%`} ESCAPE '\\'`;
  const rows = await prisma.$queryRaw<{ environment: string; repository: string; tag: string; digest: string }[]>`
    SELECT "environment", "repository", "tag", "digest" FROM "InventoryTag"
    WHERE ${envs} AND ${match}
    ORDER BY "repository", "tag", "environment" LIMIT ${limit}`;
  return rows.map((r) => ({ kind: "tag", ...r, url: tagUrl(r.environment, r.repository, r.tag) }));
}

async function searchDigests(prisma: PrismaClient, envs: Prisma.Sql, q: string, limit: number): Promise<SearchResult[]> {
  const m = DIGEST_PREFIX.exec(q);
  if (!m) return [];
  const prefix = `${(m[1] ?? "sha256").toLowerCase()}:${(m[2] ?? "").toLowerCase()}`;
  const rows = await prisma.$queryRaw<{ digest: string }[]>`
    SELECT DISTINCT "digest" FROM "InventoryTag"
    WHERE ${envs} AND "digest" LIKE ${`${prefix}%`}
    ORDER BY "digest" LIMIT ${limit}`;
  return rows.map((r) => ({ kind: "digest", digest: r.digest, url: digestUrl(r.digest) }));
}
