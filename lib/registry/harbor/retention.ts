/**
 * Read-only view of a project's retention policy and its latest dry run. Harbor keeps dry-run results
 * only in the task logs, as the table the retention job prints (one row per tag, RETAIN or DEL), so
 * the "would be removed" answer comes from parsing that table.
 */
import { RegistryError } from "../errors";
import { allPages } from "../transport/paging";
import { expectArray, expectObject, type JsonApi } from "../transport/json-api";
import type { HarborImmutableRule, HarborProject, HarborRetentionExecution, HarborRetentionPolicy, HarborRetentionRule, HarborRetentionTask } from "./types";

export interface RetentionDecision {
  digest: string;
  tag: string;
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
    .map((row) => ({ digest: row[d]!, tag: row[t]!, action: row[r]!.toUpperCase() === "DEL" ? ("delete" as const) : ("retain" as const) }))
    .filter((x) => x.digest.includes(":"));
}

/** "latestPushedK (latestPushedK=1) repositories repoMatches ** tags matches **" — retention and immutability rules alike. */
export function describeRule(rule: HarborRetentionRule | HarborImmutableRule): string {
  const params = Object.entries(rule.params ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
  const tags = (rule.tag_selectors ?? []).map((s) => `tags ${s.decoration ?? "matches"} ${s.pattern ?? "**"}`).join(", ");
  const repos = Object.values(rule.scope_selectors ?? {}).flat().map((s) => `repositories ${s.decoration ?? "repoMatches"} ${s.pattern ?? "**"}`).join(", ");
  return [rule.template ?? rule.action ?? "rule", params && `(${params})`, repos, tags].filter(Boolean).join(" ");
}

export interface RetentionView {
  policy: HarborRetentionPolicy;
  latestDryRun?: { executionId: number; startedAt?: string; status?: string; decisions: Array<RetentionDecision & { repository: string }> };
}

/** The retention policy a project points at; null when it has none, or the account may not read it. */
export async function fetchRetentionPolicy(api: JsonApi, project: HarborProject): Promise<{ id: string; policy: HarborRetentionPolicy } | null> {
  const id = project.metadata?.retention_id;
  if (!id) return null;
  try {
    const what = `retention policy of ${project.name}`;
    return { id, policy: expectObject<HarborRetentionPolicy>(api, (await api.call<unknown>({ path: `/retentions/${encodeURIComponent(id)}`, what })).data, what) };
  } catch (err) {
    // a retention id without a readable policy: the account may not see it
    if (err instanceof RegistryError && (err.kind === "forbidden" || err.kind === "not_found")) return null;
    throw err;
  }
}

/** The active rules in one line, as the UI shows them. */
export function summarizeRules(policy: HarborRetentionPolicy): string {
  return (policy.rules ?? []).filter((r) => !r.disabled).map(describeRule).join("; ") || "no active rules";
}

export async function projectRetention(api: JsonApi, project: string): Promise<RetentionView | null> {
  const p = expectObject<HarborProject>(api, (await api.call<unknown>({ path: `/projects/${encodeURIComponent(project)}`, what: `project ${project}` })).data, `project ${project}`);
  const found = await fetchRetentionPolicy(api, { ...p, name: p.name ?? project });
  if (!found) return null;
  const { id, policy } = found;
  const executions = expectArray<HarborRetentionExecution>(
    api,
    (await api.call<unknown>({ path: `/retentions/${encodeURIComponent(id)}/executions`, query: { page: 1, page_size: 20 }, what: `retention executions of ${project}` })).data,
    `retention executions of ${project}`,
  );
  const dry = executions.filter((e) => e.dry_run).sort((a, b) => (b.start_time ?? "").localeCompare(a.start_time ?? ""))[0];
  if (!dry?.id) return { policy };
  const tasks = await allPages<HarborRetentionTask>(api, { path: `/retentions/${encodeURIComponent(id)}/executions/${dry.id}/tasks`, what: `retention dry-run tasks of ${project}` });
  const decisions: Array<RetentionDecision & { repository: string }> = [];
  for (const task of tasks) {
    const log = await api.text({ path: `/retentions/${encodeURIComponent(id)}/executions/${dry.id}/tasks/${task.id}`, what: `retention task log ${task.id}` });
    const repository = task.repository ? `${project}/${task.repository}` : project;
    decisions.push(...parseRetentionLog(log.data).map((x) => ({ ...x, repository })));
  }
  return { policy, latestDryRun: { executionId: dry.id, ...(dry.start_time ? { startedAt: dry.start_time } : {}), ...(dry.status ? { status: dry.status } : {}), decisions } };
}

export async function immutableRules(api: JsonApi, project: string): Promise<HarborImmutableRule[]> {
  return allPages<HarborImmutableRule>(api, { path: `/projects/${encodeURIComponent(project)}/immutabletagrules`, what: `immutable tag rules of ${project}` });
}
