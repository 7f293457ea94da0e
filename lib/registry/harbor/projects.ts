import type { NamespaceInfo, StorageVolume } from "../capabilities";
import { mapConcurrent } from "../concurrency";
import { InvalidInputError } from "../errors";
import type { ListOptions, Page } from "../provider";
import { allPages } from "../transport/paging";
import { expectArray, expectObject, type JsonApi } from "../transport/json-api";
import { describeRule, fetchRetentionPolicy, immutableRules, summarizeRules } from "./retention";
import type { HarborProject, HarborProjectSummary, HarborRepository, HarborSystemInfo } from "./types";

/** The project's retention rules in one line; undefined when it has no policy (or we may not read it). */
async function retentionSummary(api: JsonApi, p: HarborProject): Promise<string | undefined> {
  const found = await fetchRetentionPolicy(api, p);
  return found ? summarizeRules(found.policy) : undefined;
}

/** Projects with their quota (from each project's summary). */
export async function listProjects(api: JsonApi): Promise<NamespaceInfo[]> {
  const projects = await allPages<HarborProject>(api, { path: "/projects", query: { with_detail: true }, what: "projects" });
  // four API calls per project: bounded, so a Harbor with hundreds of projects is not flooded
  return mapConcurrent(projects, 4, async (p) => {
    const name = p.name ?? "";
    const res = await api.call<unknown>({ path: `/projects/${encodeURIComponent(name)}/summary`, what: `summary of project ${name}` });
    const summary = expectObject<HarborProjectSummary>(api, res.data, `summary of project ${name}`);
    const limit = summary.quota?.hard?.storage;
    const [retention, immutability] = await Promise.all([retentionSummary(api, p), immutableRules(api, name)]);
    return {
      name,
      repositoryCount: summary.repo_count ?? p.repo_count ?? 0,
      public: p.metadata?.public === "true",
      ...(summary.quota?.used?.storage !== undefined ? { quotaUsedBytes: summary.quota.used.storage } : {}),
      ...(limit !== undefined ? { quotaLimitBytes: limit } : {}),
      ...(retention ? { retention } : {}),
      immutability: immutability.filter((r) => !r.disabled).map(describeRule),
    };
  });
}

export async function storageVolumes(api: JsonApi): Promise<StorageVolume[]> {
  const res = await api.call<unknown>({ path: "/systeminfo/volumes", what: "storage volumes" });
  const info = expectObject<HarborSystemInfo>(api, res.data, "storage volumes");
  return (info.storage ?? []).map((s) => ({ totalBytes: s.total ?? 0, freeBytes: s.free ?? 0 }));
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
