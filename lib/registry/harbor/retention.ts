/**
 * Read-only view of a project's retention policy and its latest dry run. Harbor keeps dry-run results
 * only in the task logs, as the table the retention job prints (src/pkg/retention/job.go: one row per
 * candidate artifact, its tags comma-joined, RETAIN or DEL), so the "would be removed" answer comes
 * from parsing that table. Retention removes artifacts: a DEL row removes every tag it lists.
 */
import { RegistryError } from "../errors";
import { allPages } from "../transport/paging";
import { expectArray, expectObject, type JsonApi } from "../transport/json-api";
import { PROJECT_NAME_HEADERS, splitRepository } from "./names";
import type { HarborImmutableRule, HarborProject, HarborRetentionExecution, HarborRetentionPolicy, HarborRetentionRule, HarborRetentionTask } from "./types";

export const NOT_PERMITTED = "not permitted for this account";
export const DRY_RUN_LOG_EXPIRED = "dry-run log expired (run a new dry run)";

export interface RetentionDecision {
  digest: string;
  /** the artifact's tags; empty for an untagged artifact */
  tags: string[];
  action: "retain" | "delete";
}

/** Rows of the retention task log table; unknown lines are ignored. */
export function parseRetentionLog(log: string): RetentionDecision[] {
  const rows = log.split("\n").filter((l) => l.trim().startsWith("|")).map((l) => l.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim()));
  const header = rows.find((r) => r.some((c) => c.toLowerCase() === "digest"));
  if (!header) return [];
  const col = (name: string) => header.findIndex((c) => c.toLowerCase() === name);
  const [d, t, r] = [col("digest"), col("tag"), col("retention")];
  if (d < 0 || t < 0 || r < 0) return [];
  return rows
    .filter((row) => row !== header && row.length === header.length)
    .map((row) => ({ digest: row[d]!, tags: row[t]!.split(",").map((x) => x.trim()).filter(Boolean), action: row[r]!.toUpperCase() === "DEL" ? ("delete" as const) : ("retain" as const) }))
    .filter((x) => x.digest.includes(":"));
}

/** "latestPushedK (latestPushedK=1) repositories repoMatches ** tags matches **" — retention and immutability rules alike. */
export function describeRule(rule: HarborRetentionRule | HarborImmutableRule): string {
  const params = Object.entries(rule.params ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
  const tags = (rule.tag_selectors ?? []).map((s) => `tags ${s.decoration ?? "matches"} ${s.pattern ?? "**"}`).join(", ");
  const repos = Object.values(rule.scope_selectors ?? {}).flat().map((s) => `repositories ${s.decoration ?? "repoMatches"} ${s.pattern ?? "**"}`).join(", ");
  return [rule.template ?? rule.action ?? "rule", params && `(${params})`, repos, tags].filter(Boolean).join(" ");
}

/** Harbor refused the account (403), or treated it as anonymous (401): the answer is unknown, not empty. */
export const isRefusal = (err: unknown): err is RegistryError => err instanceof RegistryError && (err.kind === "forbidden" || err.kind === "unauthorized");

export type PolicyRead = { kind: "none" } | { kind: "not_permitted"; reason: string } | { kind: "found"; id: string; policy: HarborRetentionPolicy };

/** The retention policy a project points at: none, not readable by this account, or the policy. */
export async function readRetentionPolicy(api: JsonApi, project: HarborProject): Promise<PolicyRead> {
  const id = project.metadata?.retention_id;
  if (!id) return { kind: "none" };
  try {
    const what = `retention policy of ${project.name}`;
    return { kind: "found", id, policy: expectObject<HarborRetentionPolicy>(api, (await api.call<unknown>({ path: `/retentions/${encodeURIComponent(id)}`, what })).data, what) };
  } catch (err) {
    // tag-retention read is a project admin / maintainer / developer permission (src/common/rbac/project/rbac_role.go)
    if (isRefusal(err)) return { kind: "not_permitted", reason: NOT_PERMITTED };
    // a retention id pointing at a deleted policy
    if (err instanceof RegistryError && err.kind === "not_found") return { kind: "none" };
    throw err;
  }
}

/** The active rules in one line, as the UI shows them. */
export function summarizeRules(policy: HarborRetentionPolicy): string {
  return (policy.rules ?? []).filter((r) => !r.disabled).map(describeRule).join("; ") || "no active rules";
}

export interface DryRunView {
  executionId: number;
  startedAt?: string;
  /** Harbor's execution status (Success, Error, Running, Stopped) */
  status?: string;
  /** the decisions for the one repository asked about */
  decisions: RetentionDecision[];
  /** the task log was swept (Harbor keeps job logs for logger_sweeper_duration, 1 day by default) */
  logExpired?: boolean;
}

export type RetentionView = Exclude<PolicyRead, { kind: "found" }> | { kind: "found"; policy: HarborRetentionPolicy; latestDryRun?: DryRunView };

const EXECUTIONS_PAGE = 100;
/** how far back to look for a dry run: daily scheduled runs push it down about 30 a month */
const EXECUTION_PAGES = 5;

/** The newest dry-run execution, looking past the scheduled real runs that came after it. */
async function latestDryRun(api: JsonApi, id: string, project: string): Promise<HarborRetentionExecution | undefined> {
  const what = `retention executions of ${project}`;
  for (let page = 1; page <= EXECUTION_PAGES; page++) {
    const res = await api.call<unknown>({ path: `/retentions/${encodeURIComponent(id)}/executions`, query: { page, page_size: EXECUTIONS_PAGE }, what });
    const executions = expectArray<HarborRetentionExecution>(api, res.data, what);
    const dry = executions.filter((e) => e.dry_run).sort((a, b) => (b.start_time ?? "").localeCompare(a.start_time ?? ""))[0];
    if (dry) return dry;
    const more = res.total !== undefined ? page * EXECUTIONS_PAGE < res.total : executions.length === EXECUTIONS_PAGE;
    if (!more) return undefined;
  }
  return undefined;
}

/** The project's retention policy and what its latest dry run decided for one repository. */
export async function repositoryRetention(api: JsonApi, repository: string): Promise<RetentionView> {
  const { project, name } = splitRepository(repository);
  let p: HarborProject;
  try {
    p = expectObject<HarborProject>(api, (await api.call<unknown>({ path: `/projects/${encodeURIComponent(project)}`, headers: PROJECT_NAME_HEADERS, what: `project ${project}` })).data, `project ${project}`);
  } catch (err) {
    if (isRefusal(err)) return { kind: "not_permitted", reason: NOT_PERMITTED };
    throw err;
  }
  const read = await readRetentionPolicy(api, { ...p, name: p.name ?? project });
  if (read.kind !== "found") return read;
  const { id, policy } = read;
  const dry = await latestDryRun(api, id, project);
  if (!dry?.id) return { kind: "found", policy };
  const base = { executionId: dry.id, ...(dry.start_time ? { startedAt: dry.start_time } : {}), ...(dry.status ? { status: dry.status } : {}) };
  // one task per repository: read only the log of the repository being viewed
  const tasks = await allPages<HarborRetentionTask>(api, { path: `/retentions/${encodeURIComponent(id)}/executions/${dry.id}/tasks`, what: `retention dry-run tasks of ${project}` });
  const task = tasks.find((t) => t.repository === name || t.repository === repository);
  if (!task?.id) return { kind: "found", policy, latestDryRun: { ...base, decisions: [] } };
  try {
    const log = await api.text({ path: `/retentions/${encodeURIComponent(id)}/executions/${dry.id}/tasks/${task.id}`, what: `retention task log ${task.id}` });
    return { kind: "found", policy, latestDryRun: { ...base, decisions: parseRetentionLog(log.data) } };
  } catch (err) {
    if (err instanceof RegistryError && err.kind === "not_found") return { kind: "found", policy, latestDryRun: { ...base, decisions: [], logExpired: true } };
    throw err;
  }
}

export async function immutableRules(api: JsonApi, project: string): Promise<HarborImmutableRule[]> {
  return allPages<HarborImmutableRule>(api, { path: `/projects/${encodeURIComponent(project)}/immutabletagrules`, headers: PROJECT_NAME_HEADERS, what: `immutable tag rules of ${project}` });
}
