/**
 * The replication page's data: per registry that replicates (Harbor, ECR), its policies with their
 * latest executions, and for ECR the per-image status of what the environments on it hold (the images
 * as the inventory index knows them; the status live from ECR).
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { InvalidInputError } from "@/lib/errors";
import type { ActorContext } from "@/lib/auth/users";
import { providerFor } from "@/lib/inventory/connection";
import {
  describeRegistryError,
  mapConcurrent,
  replicationSource,
  type DescribedError,
  type ImageReplicationState,
  type ReplicationExecutionInfo,
  type ReplicationPolicyInfo,
  type ReplicationTaskInfo,
} from "@/lib/registry";

export interface RegistryReplication {
  registry: string;
  kind: string;
  policies: Array<ReplicationPolicyInfo & { executions: ReplicationExecutionInfo[] }>;
  /** failed tasks of each policy's most recent execution with failures, to show what failed */
  failedTasks: Record<string, ReplicationTaskInfo[]>;
  images: Array<{ environment: string; repository: string; tag: string; digest: string; statuses: ImageReplicationState[] }>;
  error?: DescribedError;
}

const EXECUTIONS_PER_POLICY = 5;
const IMAGES_PER_REGISTRY = 50;

export async function replicationOverview(prisma: PrismaClient): Promise<RegistryReplication[]> {
  const registries = await prisma.registry.findMany({ orderBy: { name: "asc" }, include: { environments: { select: { name: true }, orderBy: { order: "asc" } } } });
  const out: RegistryReplication[] = [];
  for (const row of registries) {
    let provider;
    try {
      provider = providerFor(row);
    } catch (err) {
      out.push({ registry: row.name, kind: row.kind, policies: [], failedTasks: {}, images: [], error: describeRegistryError(err) });
      continue;
    }
    const source = replicationSource(provider);
    if (!source) continue;
    try {
      const policies = await source.replicationPolicies();
      const withRuns = await mapConcurrent(policies, 4, async (p) => ({ ...p, executions: await source.replicationExecutions({ policyId: p.id, limit: EXECUTIONS_PER_POLICY }) }));
      const failedTasks: Record<string, ReplicationTaskInfo[]> = {};
      for (const p of withRuns) {
        const failing = p.executions.find((e) => e.failed > 0);
        if (failing) failedTasks[failing.id] = (await source.replicationTasks(failing.id)).filter((t) => t.status.toLowerCase().startsWith("fail"));
      }
      const images: RegistryReplication["images"] = [];
      if (source.imageReplicationStatus) {
        // which images to ask about comes from the inventory index, not a crawl of the registry;
        // their replication status is the registry's own answer, read live
        const held = await prisma.inventoryTag.findMany({
          where: { environment: { in: row.environments.map((e) => e.name) } },
          orderBy: [{ environment: "asc" }, { repository: "asc" }, { tag: "asc" }],
          take: IMAGES_PER_REGISTRY,
          select: { environment: true, repository: true, tag: true, digest: true },
        });
        for (const t of held) images.push({ ...t, statuses: await source.imageReplicationStatus(t.repository, t.digest) });
      }
      out.push({ registry: row.name, kind: row.kind, policies: withRuns, failedTasks, images });
    } catch (err) {
      out.push({ registry: row.name, kind: row.kind, policies: [], failedTasks: {}, images: [], error: describeRegistryError(err) });
    }
  }
  return out;
}

/** Starts a run of a replication policy on the registry; audited whether it works or not. */
export async function triggerReplication(prisma: PrismaClient, ctx: ActorContext, registry: string, policyId: string): Promise<{ executionId: string; policy: string }> {
  const row = await prisma.registry.findUnique({ where: { name: registry } });
  if (!row) throw new InvalidInputError(`no registry named "${registry}"`);
  const source = replicationSource(providerFor(row));
  if (!source?.triggerReplication) throw new InvalidInputError(`registry "${registry}" has no replication that Dockmaster can start`);
  const audit = (outcome: "success" | "failure", detail: Record<string, unknown>) =>
    writeAudit(prisma, { actor: ctx.actor, action: "replication.trigger", target: { type: "registry", id: registry }, outcome, sourceIp: ctx.ip, detail: { policyId, ...detail } });
  let policy: ReplicationPolicyInfo | undefined;
  try {
    policy = (await source.replicationPolicies()).find((p) => p.id === policyId);
    if (!policy) throw new InvalidInputError(`registry "${registry}" has no replication policy ${policyId}`);
    if (!policy.triggerable) throw new InvalidInputError(`replication policy "${policy.name}" is disabled; enable it in ${registry} first`);
    const { executionId } = await source.triggerReplication(policyId);
    await audit("success", { policy: policy.name, executionId });
    return { executionId, policy: policy.name };
  } catch (err) {
    const message = err instanceof InvalidInputError ? err.message : describeRegistryError(err).message;
    await audit("failure", { ...(policy ? { policy: policy.name } : {}), error: message });
    throw new InvalidInputError(`Could not start replication: ${message}`);
  }
}

