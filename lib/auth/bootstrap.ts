import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { InvalidInputError } from "@/lib/errors";
import { createUser, normalizeEmail } from "./users";

const SETUP_KEY = "setup.completed";

export async function setupRequired(prisma: PrismaClient): Promise<boolean> {
  return (await prisma.setting.findUnique({ where: { key: SETUP_KEY } })) === null && (await prisma.user.count()) === 0;
}

/**
 * Creates the first administrator exactly once. Claiming the setup row first makes two racing
 * setup submissions safe: the second insert fails on the primary key.
 */
export async function completeSetup(prisma: PrismaClient, input: { email: string; password: string; name?: string | null }, ip: string | null, via: "setup-page" | "environment") {
  try {
    await prisma.setting.create({ data: { key: SETUP_KEY, value: { at: new Date().toISOString(), via } } });
  } catch {
    throw new InvalidInputError("setup has already been completed");
  }
  if ((await prisma.user.count()) > 0) throw new InvalidInputError("setup has already been completed");
  try {
    return await createUser(prisma, { actor: { id: null, email: `system:${via}` }, ip }, { ...input, grants: [{ role: "admin", environmentId: null }] });
  } catch (err) {
    await prisma.setting.delete({ where: { key: SETUP_KEY } }).catch(() => undefined);
    throw err;
  }
}

/** DOCKMASTER_ADMIN_EMAIL / _PASSWORD create the first admin at start; an existing account is never overwritten. */
export async function bootstrapAdminFromEnv(prisma: PrismaClient, env: Record<string, string | undefined> = process.env): Promise<"created" | "exists" | "not-configured"> {
  const email = env.DOCKMASTER_ADMIN_EMAIL;
  const password = env.DOCKMASTER_ADMIN_PASSWORD;
  if (!email) return "not-configured";
  if (!password) throw new Error("DOCKMASTER_ADMIN_EMAIL is set but DOCKMASTER_ADMIN_PASSWORD is not");
  if (await prisma.user.findUnique({ where: { email: normalizeEmail(email) } })) return "exists";
  if (!(await setupRequired(prisma))) {
    // Other users exist already: add this admin as an ordinary audited creation.
    await createUser(prisma, { actor: { id: null, email: "system:environment" }, ip: null }, { email, password, grants: [{ role: "admin", environmentId: null }] });
    return "created";
  }
  await completeSetup(prisma, { email, password }, null, "environment");
  await writeAudit(prisma, { actor: { id: null, email: "system:environment" }, action: "setup.complete", outcome: "success", target: { type: "user", id: normalizeEmail(email) } });
  return "created";
}
