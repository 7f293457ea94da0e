import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { FieldError, InvalidInputError } from "@/lib/errors";
import type { ActorContext } from "@/lib/auth/users";
import type { AlertKind } from "../types";

export interface NewAlertRule {
  name: string;
  kind: AlertKind;
  threshold: number;
  windowSeconds: number | null;
  targetName: string | null;
}

export async function createAlertRule(prisma: PrismaClient, ctx: ActorContext, input: NewAlertRule) {
  if (await prisma.probeAlertRule.findUnique({ where: { name: input.name } })) throw new FieldError("name", `an alert rule named "${input.name}" already exists`);
  if (input.targetName && !(await prisma.probeTarget.findUnique({ where: { name: input.targetName } }))) throw new InvalidInputError(`there is no probe target named "${input.targetName}"`);
  if (input.kind === "consecutive_failures" && (!Number.isInteger(input.threshold) || input.threshold < 1)) throw new InvalidInputError("the number of consecutive failures must be a whole number of at least 1");
  return prisma.$transaction(async (tx) => {
    const row = await tx.probeAlertRule.create({ data: { ...input, source: "ui" } });
    await writeAudit(tx, { actor: ctx.actor, action: "probe.rule.create", target: { type: "alert-rule", id: input.name }, outcome: "success", sourceIp: ctx.ip, detail: { ...input } });
    return row;
  });
}

async function uiRule(tx: Pick<PrismaClient, "probeAlertRule">, id: string) {
  const row = await tx.probeAlertRule.findUnique({ where: { id } });
  if (!row) throw new InvalidInputError("that alert rule no longer exists");
  if (row.source === "config") throw new InvalidInputError(`alert rule "${row.name}" is declared in dockmaster.yaml; change it there`);
  return row;
}

export async function setAlertRuleEnabled(prisma: PrismaClient, ctx: ActorContext, id: string, enabled: boolean) {
  return prisma.$transaction(async (tx) => {
    const row = await uiRule(tx, id);
    await tx.probeAlertRule.update({ where: { id }, data: { enabled } });
    await writeAudit(tx, { actor: ctx.actor, action: "probe.rule.update", target: { type: "alert-rule", id: row.name }, outcome: "success", sourceIp: ctx.ip, detail: { before: { enabled: row.enabled }, after: { enabled } } });
  });
}

export async function deleteAlertRule(prisma: PrismaClient, ctx: ActorContext, id: string) {
  return prisma.$transaction(async (tx) => {
    const row = await uiRule(tx, id);
    await tx.probeAlertRule.delete({ where: { id } });
    await writeAudit(tx, { actor: ctx.actor, action: "probe.rule.delete", target: { type: "alert-rule", id: row.name }, outcome: "success", sourceIp: ctx.ip, detail: { kind: row.kind, threshold: row.threshold } });
  });
}
