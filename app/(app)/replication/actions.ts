"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { NAME } from "@/lib/config/names";
import { triggerReplication } from "@/lib/replication/overview";

export const triggerReplicationAction = defineAction({
  input: z.object({
    registry: z.string().trim().regex(NAME, "a registry name"),
    policyId: z.string().trim().min(1).max(64),
  }),
  permission: "replication.trigger",
  async run(input, { prisma, actor, ip }) {
    const started = await triggerReplication(prisma, { actor, ip }, input.registry, input.policyId);
    revalidatePath("/replication");
    return { message: `Started execution ${started.executionId} of “${started.policy}”.` };
  },
});
