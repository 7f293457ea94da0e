import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { FieldError, InvalidInputError } from "@/lib/errors";
import type { ActorContext } from "@/lib/auth/users";
import { DEFAULT_INTERVAL_SECONDS, DEFAULT_TIMEOUT_MS } from "./config-schema";
import { checkTarget } from "./kinds/check";
import { probeKindSpec, type ProbeKind } from "./kinds";
import type { ProbeTargetSpec } from "./types";

export type NewProbeTarget = Omit<ProbeTargetSpec, "id" | "enabled">;

/**
 * The target as its kind's spec accepts it (the same rules as dockmaster.yaml), with references that
 * can never work rejected before they reach the scheduler. Returns the parsed settings.
 */
async function checkedParams(prisma: PrismaClient, t: NewProbeTarget): Promise<Record<string, unknown>> {
  const spec = probeKindSpec(t.kind);
  if (!spec) throw new InvalidInputError(`there is no probe kind "${t.kind}"`);
  const { problems, params } = checkTarget(spec, { registry: t.registryName, params: t.params });
  if (problems.length || !params) throw new InvalidInputError(problems.map((p) => `${p.path.join(".")} ${p.message}`).join("; "));
  if (t.registryName && !(await prisma.registry.findUnique({ where: { name: t.registryName } }))) throw new InvalidInputError(`there is no registry named "${t.registryName}"`);
  const environments = Array.isArray(params.environments) ? (params.environments as string[]) : [];
  for (const env of environments) {
    if (!(await prisma.environment.findUnique({ where: { name: env } }))) throw new InvalidInputError(`there is no environment named "${env}"`);
  }
  return params;
}

export async function createProbeTarget(prisma: PrismaClient, ctx: ActorContext, input: NewProbeTarget) {
  if (await prisma.probeTarget.findUnique({ where: { name: input.name } })) throw new FieldError("name", `a probe target named "${input.name}" already exists`);
  const params = await checkedParams(prisma, input);
  return prisma.$transaction(async (tx) => {
    const row = await tx.probeTarget.create({ data: { ...input, params: params as Prisma.InputJsonValue, source: "ui" } });
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
    (["reachability", "credentials"] satisfies ProbeKind[])
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
