/**
 * Reading the registry into the index now, on a person's request rather than the timer's: one
 * repository ("Refresh", anyone who may see the environment: it only brings the index up to what
 * they could read live anyway) or a whole environment ("Sync now", administrators). Both audited.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import type { ActorContext } from "@/lib/auth/users";
import { writeAudit } from "@/lib/audit/log";
import { UserFacingError } from "@/lib/errors";
import { providerFor } from "@/lib/inventory/connection";
import { inNamespace } from "@/lib/inventory/namespace";
import { describeRegistryError } from "@/lib/registry";
import { resyncRepository, syncEnvironment, type SyncReport, type SyncTarget } from "./sync";
import type { AppliedChanges } from "./snapshot";

async function targetOf(prisma: PrismaClient, environment: string): Promise<SyncTarget> {
  // the registry's environments too: a Docker Hub provider lists only the namespaces it knows of
  const env = await prisma.environment.findUnique({ where: { name: environment }, include: { registry: { include: { environments: { select: { namespace: true } } } } } });
  if (!env) throw new UserFacingError(`no environment named ${environment}`, "not_found");
  return { environment: env.name, namespace: env.namespace, provider: providerFor(env.registry) };
}

export interface RefreshResult {
  tags: number;
  manifestsFetched: number;
  changes: AppliedChanges;
}

export async function refreshRepository(prisma: PrismaClient, ctx: ActorContext, q: { environment: string; repository: string }): Promise<RefreshResult> {
  const target = await targetOf(prisma, q.environment);
  if (!inNamespace(q.repository, target.namespace)) throw new UserFacingError(`${q.repository} is not in environment ${q.environment} (namespace "${target.namespace}")`, "invalid_input");
  const audit = { actor: ctx.actor, sourceIp: ctx.ip, action: "inventory.refresh", target: { type: "repository", id: `${q.environment}/${q.repository}` } };
  try {
    const read = await resyncRepository(prisma, target, q.repository, "refresh");
    const result = { tags: read.tags, manifestsFetched: read.manifestsFetched, changes: read.changes };
    await writeAudit(prisma, { ...audit, outcome: read.errors.length ? "failure" : "success", detail: { ...result, errors: read.errors } });
    return result;
  } catch (err) {
    await writeAudit(prisma, { ...audit, outcome: "failure", detail: { error: describeRegistryError(err).message } });
    throw err;
  }
}

export async function syncEnvironmentNow(prisma: PrismaClient, ctx: ActorContext, environment: string): Promise<SyncReport> {
  const target = await targetOf(prisma, environment);
  const audit = { actor: ctx.actor, sourceIp: ctx.ip, action: "inventory.sync", target: { type: "environment", id: environment } };
  let report: SyncReport;
  try {
    report = await syncEnvironment(prisma, target, { mode: "full" });
  } catch (err) {
    await writeAudit(prisma, { ...audit, outcome: "failure", detail: { error: describeRegistryError(err).message } });
    throw err;
  }
  // the lease is held elsewhere: that sync will do what this one would have
  if (!report.ran) throw new UserFacingError(`another replica is syncing environment ${environment}; its result will show here when it finishes`, "conflict");
  const { repositories, tags, manifestsFetched, changes, errors, durationMs } = report;
  await writeAudit(prisma, { ...audit, outcome: errors.length ? "failure" : "success", detail: { repositories, tags, manifestsFetched, changes, errors: errors.slice(0, 10), durationMs } });
  return report;
}
