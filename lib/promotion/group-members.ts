import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import type { GateConfig } from "@/lib/config/schema";
import { configuredGroups } from "./approval-policy";
import { PromotionError } from "./errors";

type Actor = { id: string | null; email: string; ip: string | null };

/** Every approval group declared by an environment, with its members from dockmaster.yaml (read-only) and from the UI. */
export async function listApprovalGroups(prisma: PrismaClient) {
  const envs = await prisma.environment.findMany({ orderBy: { order: "asc" }, select: { name: true, policy: true } });
  const rows = await prisma.approvalGroupMember.findMany({ orderBy: { userEmail: "asc" } });
  return envs.flatMap((env) =>
    configuredGroups(env.policy as GateConfig | null).map((g) => ({
      environment: env.name,
      name: g.name,
      count: g.count,
      configMembers: g.members,
      uiMembers: rows.filter((r) => r.environment === env.name && r.groupName === g.name),
    })),
  );
}

/** An admin adds a member to a group the environment declares (audited). */
export async function addGroupMember(prisma: PrismaClient, actor: Actor, input: { environment: string; group: string; email: string }) {
  const email = input.email.trim().toLowerCase();
  const group = (await listApprovalGroups(prisma)).find((g) => g.environment === input.environment && g.name === input.group);
  if (!group) throw new PromotionError(`environment ${input.environment} declares no approval group "${input.group}"`, "not_found");
  if (group.configMembers.some((m) => m.toLowerCase() === email)) throw new PromotionError(`${email} is already a member of ${input.group}, listed in dockmaster.yaml`);
  if (group.uiMembers.some((m) => m.userEmail === email)) throw new PromotionError(`${email} is already a member of ${input.group}`);
  await prisma.$transaction(async (tx) => {
    await tx.approvalGroupMember.create({ data: { environment: input.environment, groupName: input.group, userEmail: email, addedByEmail: actor.email } });
    await writeAudit(tx, { actor, action: "approval-group.member-add", target: { type: "approval-group", id: `${input.environment}/${input.group}` }, outcome: "success", sourceIp: actor.ip, detail: { member: email } });
  });
}

/** An admin removes a member added in the UI (members from dockmaster.yaml are changed there). */
export async function removeGroupMember(prisma: PrismaClient, actor: Actor, id: string) {
  await prisma.$transaction(async (tx) => {
    const row = await tx.approvalGroupMember.findUnique({ where: { id } });
    if (!row) throw new PromotionError("no such group member", "not_found");
    await tx.approvalGroupMember.delete({ where: { id } });
    await writeAudit(tx, { actor, action: "approval-group.member-remove", target: { type: "approval-group", id: `${row.environment}/${row.groupName}` }, outcome: "success", sourceIp: actor.ip, detail: { member: row.userEmail } });
  });
}
