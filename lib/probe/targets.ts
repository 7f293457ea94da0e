import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { InvalidInputError } from "@/lib/errors";
import type { ActorContext } from "@/lib/auth/users";
import { DEFAULT_INTERVAL_SECONDS, DEFAULT_TIMEOUT_MS } from "./config-schema";
import type { ProbeTargetSpec } from "./types";

export type NewProbeTarget = Omit<ProbeTargetSpec, "id" | "enabled">;

/** Rejects references that can never work, before they reach the scheduler. */
async function checkReferences(prisma: PrismaClient, t: NewProbeTarget) {
  if (t.registryName && !(await prisma.registry.findUnique({ where: { name: t.registryName } }))) throw new InvalidInputError(`there is no registry named "${t.registryName}"`);
  for (const env of t.params.environments ?? []) {
    if (!(await prisma.environment.findUnique({ where: { name: env } }))) throw new InvalidInputError(`there is no environment named "${env}"`);
  }
  if (t.kind === "tag_consistency" && (!t.params.environments || t.params.environments.length < 2)) throw new InvalidInputError("tag consistency compares two or more environments");
  if (t.kind === "tag_consistency" && (!t.params.repository || !t.params.tag)) throw new InvalidInputError("tag consistency needs a repository and a tag");
  if (t.kind === "pull_latency" && (!t.params.repository || !t.params.tag)) throw new InvalidInputError("pull latency needs a repository and a tag");
  if (t.kind !== "tag_consistency" && !t.registryName && !(t.kind === "tls_expiry" && t.params.url)) throw new InvalidInputError(`a ${t.kind} probe needs a registry`);
}

export async function createProbeTarget(prisma: PrismaClient, ctx: ActorContext, input: NewProbeTarget) {
  if (await prisma.probeTarget.findUnique({ where: { name: input.name } })) throw new InvalidInputError(`a probe target named "${input.name}" already exists`);
  await checkReferences(prisma, input);
  return prisma.$transaction(async (tx) => {
    const row = await tx.probeTarget.create({ data: { ...input, params: input.params as Prisma.InputJsonValue, source: "ui" } });
    await writeAudit(tx, { actor: ctx.actor, action: "probe.target.create", target: { type: "probe", id: input.name }, outcome: "success", sourceIp: ctx.ip, detail: { ...input } });
    return row;
  });
}

async function uiTarget(tx: Pick<PrismaClient, "probeTarget">, id: string) {
  const row = await tx.probeTarget.findUnique({ where: { id } });
  if (!row) throw new InvalidInputError("that probe target no longer exists");
  if (row.source === "config") throw new InvalidInputError(`probe target "${row.name}" is declared in dockmaster.yaml; change it there`);
  return row;
}

export async function updateProbeTarget(prisma: PrismaClient, ctx: ActorContext, id: string, change: { intervalSeconds?: number; timeoutMs?: number; enabled?: boolean }) {
  return prisma.$transaction(async (tx) => {
    const before = await uiTarget(tx, id);
    const row = await tx.probeTarget.update({ where: { id }, data: change });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: "probe.target.update",
      target: { type: "probe", id: row.name },
      outcome: "success",
      sourceIp: ctx.ip,
      detail: { before: { intervalSeconds: before.intervalSeconds, timeoutMs: before.timeoutMs, enabled: before.enabled }, after: change },
    });
    return row;
  });
}

export async function deleteProbeTarget(prisma: PrismaClient, ctx: ActorContext, id: string) {
  return prisma.$transaction(async (tx) => {
    const row = await uiTarget(tx, id);
    await tx.probeTarget.delete({ where: { id } });
    await writeAudit(tx, { actor: ctx.actor, action: "probe.target.delete", target: { type: "probe", id: row.name }, outcome: "success", sourceIp: ctx.ip, detail: { kind: row.kind, registry: row.registryName } });
  });
}

/** One click for a new installation: reachability and credentials probes for every registry that has none. */
export async function addBasicProbesForRegistries(prisma: PrismaClient, ctx: ActorContext): Promise<string[]> {
  const [registries, existing] = await Promise.all([prisma.registry.findMany({ orderBy: { name: "asc" } }), prisma.probeTarget.findMany({ select: { name: true, kind: true, registryName: true } })]);
  const names = new Set(existing.map((t) => t.name));
  const covered = new Set(existing.map((t) => `${t.registryName}/${t.kind}`));
  const wanted: NewProbeTarget[] = registries.flatMap((r) =>
    (["reachability", "credentials"] as const)
      .filter((kind) => !covered.has(`${r.name}/${kind}`) && !names.has(`${r.name}-${kind}`))
      .map((kind) => ({ name: `${r.name}-${kind}`.slice(0, 63), kind, registryName: r.name, params: {}, intervalSeconds: DEFAULT_INTERVAL_SECONDS, timeoutMs: DEFAULT_TIMEOUT_MS })),
  );
  if (wanted.length === 0) return [];
  await prisma.$transaction(async (tx) => {
    await tx.probeTarget.createMany({ data: wanted.map((w) => ({ ...w, params: {}, source: "ui" as const })) });
    await writeAudit(tx, { actor: ctx.actor, action: "probe.target.create", target: { type: "probe", id: "basic-set" }, outcome: "success", sourceIp: ctx.ip, detail: { created: wanted.map((w) => w.name) } });
  });
  return wanted.map((w) => w.name);
}
