"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { refreshRepository, syncEnvironmentNow } from "@/lib/inventory/index/refresh";

const environment = z.string().trim().min(1).max(200);

/** Re-reads one repository of one environment into the index now. */
export const refreshRepositoryAction = defineAction({
  input: z.object({ environment, repository: z.string().trim().min(1).max(1000) }),
  // a refresh only brings the index up to what the caller may already read live from the registry
  permission: (input) => ["environment.view", { environment: input.environment }],
  async run(input, { prisma, actor, ip }) {
    const r = await refreshRepository(prisma, { actor, ip }, input);
    revalidatePath("/registries", "layout");
    // the drift matrix offers Refresh too, and reads what this just wrote
    revalidatePath("/replication", "layout");
    const { created, moved, deleted, reappeared } = r.changes;
    return { message: `Refreshed ${input.repository} in ${input.environment}: ${r.tags} tags, ${created} new, ${moved} moved, ${deleted} deleted, ${reappeared} back.` };
  },
});

/** A full sync of one environment now, instead of waiting for the maintenance job. */
export const syncEnvironmentAction = defineAction({
  input: z.object({ environment }),
  permission: "environment.manage",
  async run(input, { prisma, actor, ip }) {
    const r = await syncEnvironmentNow(prisma, { actor, ip }, input.environment);
    revalidatePath("/registries");
    revalidatePath("/replication", "layout");
    const failed = r.errors.length ? `; ${r.errors.length} repositor${r.errors.length === 1 ? "y" : "ies"} could not be read` : "";
    return { message: `Synced ${input.environment}: ${r.repositories} repositories, ${r.tags} tags${failed}.` };
  },
});
