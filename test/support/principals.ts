import type { Principal } from "@/lib/auth/enforce";
import type { Role } from "@/lib/auth/policy";
import { createUser, loadGrants } from "@/lib/auth/users";
import type { PrismaClient } from "@/lib/db/generated/client";

/** A user with these roles (environments by name, null for every environment), as the server loads them into a Principal. */
export async function createPrincipal(prisma: PrismaClient, email: string, grants: readonly { role: Role; env: string | null }[], ip: string | null): Promise<Principal> {
  const envs = await prisma.environment.findMany();
  const u = await createUser(prisma, { actor: null, ip: null }, {
    email,
    password: "long enough password",
    grants: grants.map((g) => ({ role: g.role, environmentId: g.env ? envs.find((e) => e.name === g.env)!.id : null })),
  });
  return { id: u.id, ...(await loadGrants(prisma, u.id))!, ip };
}
