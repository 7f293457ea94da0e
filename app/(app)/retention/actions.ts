"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { configName } from "@/lib/config/names";
import { createRetentionPlan } from "@/lib/retention/service";

/** "Compute plan": a dry run stored as a plan (nothing is deleted), then the page shows it. */
export const computeRetentionPlanAction = defineAction({
  input: z.object({ environment: configName }),
  permission: (input) => ["retention.plan", { environment: input.environment }],
  async run({ environment }, { prisma, principal }) {
    const plan = await createRetentionPlan(prisma, principal, environment);
    revalidatePath("/retention");
    redirect(`/retention?environment=${encodeURIComponent(environment)}&plan=${plan.id}`);
  },
});
