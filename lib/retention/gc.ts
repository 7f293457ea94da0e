/**
 * Starting a registry's garbage collection after retention freed manifests (Harbor: its GC API).
 * Admin-only (registry.manage) and audited whatever the outcome; registries without a GC API say why:
 * Distribution's garbage collection runs offline, against its storage, not through HTTP.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { enforce, type Principal } from "@/lib/auth/enforce";
import { NotFoundError, UserFacingError } from "@/lib/errors";
import { describeRegistryError, garbageCollectionSource, imageDeleteSource, type RegistryProvider } from "@/lib/registry";

export async function triggerRegistryGc(prisma: PrismaClient, principal: Principal | null, registry: string, provider: (name: string) => Promise<RegistryProvider | null>): Promise<{ registry: string; id: string }> {
  const caller = await enforce(prisma, principal, "registry.manage");
  const p = await provider(registry);
  if (!p) throw new NotFoundError(`no registry named ${registry}`);
  const gc = garbageCollectionSource(p);
  if (!gc) {
    const note = imageDeleteSource(p)?.deletion.note;
    throw new UserFacingError(`registry ${registry} offers no garbage collection Dockmaster can start${note ? `: ${note}` : ""}`, "conflict");
  }
  try {
    const run = await gc.triggerGarbageCollection();
    await writeAudit(prisma, { actor: caller, action: "registry.gc", target: { type: "registry", id: registry }, outcome: "success", sourceIp: caller.ip, detail: { run: run.id } });
    return { registry, id: run.id };
  } catch (err) {
    await writeAudit(prisma, { actor: caller, action: "registry.gc", target: { type: "registry", id: registry }, outcome: "failure", sourceIp: caller.ip, detail: { error: describeRegistryError(err).message } });
    throw err;
  }
}
