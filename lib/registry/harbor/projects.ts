import type { NamespaceInfo, StorageVolume } from "../capabilities";
import { mapConcurrent } from "../concurrency";
import { InvalidInputError } from "../errors";
import type { ListOptions, Page } from "../provider";
import { allPages } from "../transport/paging";
import { expectArray, expectObject, type JsonApi } from "../transport/json-api";
import { PROJECT_NAME_HEADERS } from "./names";
import { describeRule, immutableRules, isRefusal, NOT_PERMITTED, readRetentionPolicy, summarizeRules } from "./retention";
import type { HarborProject, HarborProjectSummary, HarborRepository, HarborSystemInfo } from "./types";

/** Harbor omits the quota from a project summary without quota read permission, or when per-project quotas are off. */
const QUOTA_NOT_REPORTED = "not reported to this account (no quota permission, or per-project quotas are off)";

/** The project's summary; without it (refused) the listing's repo count stands in. */
async function projectSummary(api: JsonApi, name: string): Promise<HarborProjectSummary | undefined> {
  const what = `summary of project ${name}`;
  try {
    return expectObject<HarborProjectSummary>(api, (await api.call<unknown>({ path: `/projects/${encodeURIComponent(name)}/summary`, headers: PROJECT_NAME_HEADERS, what })).data, what);
  } catch (err) {
    if (isRefusal(err)) return undefined;
    throw err;
  }
}

/**
 * Projects with their quota and policies. Each part the account may not read (a guest on the public
 * library project, a robot, an account Harbor answered as anonymous) is marked unknown with the reason,
 * so one refusal never takes the whole list down.
 */
export async function listProjects(api: JsonApi): Promise<NamespaceInfo[]> {
  const projects = await allPages<HarborProject>(api, { path: "/projects", query: { with_detail: true }, what: "projects" });
  // four API calls per project: bounded, so a Harbor with hundreds of projects is not flooded
  return mapConcurrent(projects, 4, async (p) => {
    const name = p.name ?? "";
    const [summary, retention, immutability] = await Promise.all([
      projectSummary(api, name),
      readRetentionPolicy(api, p),
      immutableRules(api, name).catch((err: unknown) => {
        // immutable-tag list is a project admin / maintainer permission (src/common/rbac/project/rbac_role.go)
        if (isRefusal(err)) return null;
        throw err;
      }),
    ]);
    const quota = summary?.quota;
    const unknown: NonNullable<NamespaceInfo["unknown"]> = {
      ...(quota?.hard?.storage === undefined ? { quota: summary ? QUOTA_NOT_REPORTED : NOT_PERMITTED } : {}),
      ...(retention.kind === "not_permitted" ? { retention: retention.reason } : {}),
      ...(immutability === null ? { immutability: NOT_PERMITTED } : {}),
    };
    return {
      name,
      repositoryCount: summary?.repo_count ?? p.repo_count ?? 0,
      public: p.metadata?.public === "true",
      ...(quota?.used?.storage !== undefined ? { quotaUsedBytes: quota.used.storage } : {}),
      ...(quota?.hard?.storage !== undefined ? { quotaLimitBytes: quota.hard.storage } : {}),
      ...(retention.kind === "found" ? { retention: summarizeRules(retention.policy) } : {}),
      ...(immutability ? { immutability: immutability.filter((r) => !r.disabled).map(describeRule) } : {}),
      ...(Object.keys(unknown).length ? { unknown } : {}),
    };
  });
}

/**
 * Harbor's storage volumes: the free space of the core container's /data (src/controller/systeminfo
 * GetCapacity), which is the registry's storage only with the filesystem driver on a shared volume; with
 * S3 or a Helm install it says nothing about the registry. A total of 0 means nothing was measured: left out.
 */
export async function storageVolumes(api: JsonApi): Promise<StorageVolume[]> {
  const res = await api.call<unknown>({ path: "/systeminfo/volumes", what: "storage volumes" });
  const info = expectObject<HarborSystemInfo>(api, res.data, "storage volumes");
  return (info.storage ?? []).filter((s) => (s.total ?? 0) > 0).map((s) => ({ totalBytes: s.total ?? 0, freeBytes: s.free ?? 0 }));
}

/**
 * The repository catalog through the API: Harbor's /v2/_catalog needs a system admin, the API lists
 * what the account may see. The cursor is the next page number.
 */
export async function listRepositoryPage(api: JsonApi, options: ListOptions = {}): Promise<Page<string>> {
  let page = 1;
  if (options.cursor) {
    if (!/^\d{1,6}$/.test(options.cursor)) throw new InvalidInputError(`invalid page cursor "${options.cursor}" for a Harbor catalog`, options.cursor);
    page = Number(options.cursor);
  }
  const pageSize = Math.min(Math.max(options.pageSize ?? 100, 1), 100);
  const res = await api.call<unknown>({ path: "/repositories", query: { page, page_size: pageSize, sort: "name" }, what: "repositories" });
  const items = expectArray<HarborRepository>(api, res.data, "repositories").map((r) => r.name ?? "").filter(Boolean);
  const more = res.total !== undefined ? page * pageSize < res.total : items.length === pageSize;
  return { items, ...(more ? { next: String(page + 1) } : {}) };
}
