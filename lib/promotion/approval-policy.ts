import type { PrismaClient, PromotionApproval } from "@/lib/db/generated/client";
import { approvalsSchema, type ApprovalGroup } from "@/lib/config/approvals";
import type { GateConfig } from "@/lib/config/schema";
import { assignApprovers, type ApprovalStanding, type GroupRequirement } from "./approval-groups";

/** The groups a promotion needs, as recorded on it when requested; null for the plain count. */
export type RequiredGroups = { name: string; count: number }[] | null;

/**
 * What the target asks for: `approvals: N`, groups, or by default 1 approval into a protected
 * environment and none elsewhere. `required` is the number of distinct people needed in all.
 */
export function approvalRequirement(policy: GateConfig, isProtected: boolean): { required: number; groups: RequiredGroups } {
  const a = policy.approvals;
  if (a === undefined) return { required: isProtected ? 1 : 0, groups: null };
  if (typeof a === "number") return { required: a, groups: null };
  return { required: a.groups.reduce((n, g) => n + g.count, 0), groups: a.groups.map((g) => ({ name: g.name, count: g.count })) };
}

/**
 * Who belongs to an approval group of an environment: the members listed in dockmaster.yaml, those
 * an admin added in the UI, and every enabled account whose identity provider or directory groups
 * (User.groups, refreshed at each sign-in) include a group of that name, compared case-insensitively
 * like the access: rules. Another GroupDirectory can be passed in PromotionDeps.groups.
 */
export interface GroupDirectory {
  members(environment: string, group: string): Promise<string[]>;
}

export function configAndUiDirectory(prisma: Pick<PrismaClient, "environment" | "approvalGroupMember" | "$queryRawUnsafe">): GroupDirectory {
  return {
    async members(environment, group) {
      const env = await prisma.environment.findUnique({ where: { name: environment }, select: { policy: true } });
      const fromConfig = configuredGroups(env?.policy as GateConfig | null).find((g) => g.name === group)?.members ?? [];
      const fromUi = await prisma.approvalGroupMember.findMany({ where: { environment, groupName: group }, select: { userEmail: true } });
      const fromDirectory = await prisma.$queryRawUnsafe<{ email: string }[]>(
        `SELECT "email" FROM "User" WHERE NOT "disabled" AND EXISTS (SELECT 1 FROM unnest("groups") AS g WHERE lower(g) = lower($1))`,
        group,
      );
      return [...new Set([...fromConfig, ...fromUi.map((m) => m.userEmail), ...fromDirectory.map((u) => u.email)].map((e) => e.toLowerCase()))];
    },
  };
}

/** The groups an environment's policy declares (none for the plain count), with the file's defaults applied. */
export function configuredGroups(policy: GateConfig | null | undefined): ApprovalGroup[] {
  const parsed = approvalsSchema.safeParse(policy?.approvals);
  return parsed.success && typeof parsed.data === "object" ? parsed.data.groups : [];
}

type Approvable = { targetEnv: string; requestedById: string; approvalsRequired: number; approvalGroups: unknown };

/** The requirements with their members read now (before a transaction: PGlite has one connection). */
export async function groupRequirements(directory: GroupDirectory, p: Approvable): Promise<GroupRequirement[]> {
  const groups = p.approvalGroups as RequiredGroups;
  const requirements: GroupRequirement[] = groups
    ? await Promise.all(groups.map(async (g) => ({ name: g.name, count: g.count, members: new Set(await directory.members(p.targetEnv, g.name)) })))
    : [{ name: null, count: p.approvalsRequired, members: "anyone" }];
  return requirements.filter((r) => r.count > 0);
}

/**
 * Which approvals count for which group. The requester never counts, whatever their groups;
 * rejections and duplicate votes do not either.
 */
export function standingOf(requirements: GroupRequirement[], p: Pick<Approvable, "requestedById">, approvals: Pick<PromotionApproval, "userId" | "userEmail" | "decision">[]): ApprovalStanding {
  const approvers = [...new Set(approvals.filter((a) => a.decision === "approve" && a.userId !== p.requestedById).map((a) => a.userEmail.toLowerCase()))];
  return assignApprovers(requirements, approvers);
}

/** The standing with membership read now: for pages and answers, outside any transaction. */
export async function approvalStanding(directory: GroupDirectory, p: Approvable, approvals: Pick<PromotionApproval, "userId" | "userEmail" | "decision">[]): Promise<ApprovalStanding> {
  return standingOf(await groupRequirements(directory, p), p, approvals);
}
