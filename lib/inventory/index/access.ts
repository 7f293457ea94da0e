import type { PrismaClient } from "@/lib/db/generated/client";
import { decide, type Grant } from "@/lib/auth/policy";
import type { VisibleEnvironments } from "./reads";

/** The environments whose index rows a caller may read: those where the policy grants environment.view. */
export async function visibleEnvironments(prisma: PrismaClient, grants: readonly Grant[]): Promise<VisibleEnvironments> {
  const names = (await prisma.environment.findMany({ select: { name: true } })).map((e) => e.name);
  return names.filter((environment) => decide(grants, "environment.view", { environment }).allowed);
}
