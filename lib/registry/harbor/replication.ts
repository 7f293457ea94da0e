/** Harbor replication: policies, executions and their tasks, and starting an execution of a policy. */
import type { ReplicationExecutionInfo, ReplicationPolicyInfo, ReplicationTaskInfo } from "../capabilities";
import { RegistryError } from "../errors";
import { allPages } from "../transport/paging";
import { expectArray, type JsonApi } from "../transport/json-api";
import { header } from "../transport/types";
import { harborTime } from "./names";
import type { HarborReplicationExecution, HarborReplicationPolicy, HarborReplicationTask } from "./types";

function describeTrigger(p: HarborReplicationPolicy): string {
  const type = p.trigger?.type ?? "manual";
  const cron = p.trigger?.trigger_settings?.cron;
  return type === "scheduled" && cron ? `scheduled (${cron})` : type;
}

function toPolicyInfo(p: HarborReplicationPolicy): ReplicationPolicyInfo {
  const registry = (r: HarborReplicationPolicy["src_registry"]) => (r ? `${r.name ?? "?"}${r.url ? ` (${r.url})` : ""}` : undefined);
  return {
    id: String(p.id ?? ""),
    name: p.name ?? `policy ${p.id}`,
    ...(p.description ? { description: p.description } : {}),
    // Harbor leaves the source registry empty for push-based policies: content leaves this Harbor
    source: registry(p.src_registry) ?? "this Harbor",
    destination: registry(p.dest_registry) ?? "this Harbor",
    ...(p.dest_namespace ? { destinationNamespace: p.dest_namespace } : {}),
    trigger: describeTrigger(p),
    enabled: p.enabled ?? false,
    filters: (p.filters ?? []).map((f) => `${f.type ?? "?"} ${f.decoration === "excludes" ? "excludes" : "matches"} ${typeof f.value === "string" ? f.value : JSON.stringify(f.value)}`),
    triggerable: p.enabled ?? false,
  };
}

function toExecutionInfo(e: HarborReplicationExecution): ReplicationExecutionInfo {
  return {
    id: String(e.id ?? ""),
    policyId: String(e.policy_id ?? ""),
    status: e.status ?? "Unknown",
    ...(e.trigger ? { trigger: e.trigger } : {}),
    ...(harborTime(e.start_time) ? { startedAt: harborTime(e.start_time) } : {}),
    ...(harborTime(e.end_time) ? { endedAt: harborTime(e.end_time) } : {}),
    ...(e.status_text ? { message: e.status_text } : {}),
    total: e.total ?? 0,
    succeeded: e.succeed ?? 0,
    failed: e.failed ?? 0,
    inProgress: e.in_progress ?? 0,
    stopped: e.stopped ?? 0,
  };
}

export async function listPolicies(api: JsonApi): Promise<ReplicationPolicyInfo[]> {
  return (await allPages<HarborReplicationPolicy>(api, { path: "/replication/policies", what: "replication policies" })).map(toPolicyInfo);
}

export async function listExecutions(api: JsonApi, options: { policyId?: string; limit?: number } = {}): Promise<ReplicationExecutionInfo[]> {
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 100);
  const res = await api.call<unknown>({
    path: "/replication/executions",
    query: { page: 1, page_size: limit, sort: "-start_time", ...(options.policyId ? { policy_id: options.policyId } : {}) },
    what: "replication executions",
  });
  return expectArray<HarborReplicationExecution>(api, res.data, "replication executions").map(toExecutionInfo);
}

export async function listTasks(api: JsonApi, executionId: string): Promise<ReplicationTaskInfo[]> {
  const tasks = await allPages<HarborReplicationTask>(api, { path: `/replication/executions/${encodeURIComponent(executionId)}/tasks`, what: `tasks of replication execution ${executionId}` });
  return tasks.map((t) => ({
    id: String(t.id ?? ""),
    executionId: String(t.execution_id ?? executionId),
    status: t.status ?? "Unknown",
    ...(t.operation ? { operation: t.operation } : {}),
    ...(t.src_resource ? { source: t.src_resource } : {}),
    ...(t.dst_resource ? { destination: t.dst_resource } : {}),
    ...(harborTime(t.start_time) ? { startedAt: harborTime(t.start_time) } : {}),
    ...(harborTime(t.end_time) ? { endedAt: harborTime(t.end_time) } : {}),
  }));
}

/** POST /replication/executions; Harbor answers 201 with the new execution in Location. */
export async function startExecution(api: JsonApi, policyId: string): Promise<{ executionId: string }> {
  const id = Number(policyId);
  if (!Number.isInteger(id) || id <= 0) throw new RegistryError({ kind: "not_found", registry: api.host, message: `"${policyId}" is not a Harbor replication policy id` });
  const res = await api.call<unknown>({ method: "POST", path: "/replication/executions", json: { policy_id: id }, expect: [201], what: `start of replication policy ${policyId}` });
  const executionId = header(res, "location")?.split("/").at(-1) ?? "";
  return { executionId };
}
