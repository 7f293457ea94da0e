"use server";

import { plural } from "@/lib/plural";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { defineAction } from "@/lib/auth/action";
import { registryProvider } from "@/lib/browse/lookup";
import { FieldError } from "@/lib/errors";
import { startDeps } from "@/lib/retention/default-deps";
import { CONFIRM_PREFIX_LENGTH, startPlanExecution } from "@/lib/retention/execute";
import { triggerRegistryGc } from "@/lib/retention/gc";

const executeInput = z.object({
  id: z.string().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/, "the plan's hash is missing: reload the page"),
  confirm: z.string().trim().min(1, "type the start of the plan's hash to confirm"),
});

/** The confirm form (components/retention/execute-plan-form.tsx): the person types the hash's first characters. */
export const executePlanAction = defineAction({
  input: executeInput,
  permission: "checked-by-service",
  async run(input, { principal }) {
    if (input.confirm.toLowerCase() !== input.hash.slice(0, CONFIRM_PREFIX_LENGTH)) {
      throw new FieldError("confirm", `type the first ${CONFIRM_PREFIX_LENGTH} characters of the plan's hash exactly as shown`);
    }
    const started = await startPlanExecution(await startDeps(), principal, input.id, input.hash);
    revalidatePath("/retention");
    return { message: `Executing ${plural(started.items, "planned deletion")}; each is checked against the registry and the protections right before it runs.` };
  },
});

export const triggerGcAction = defineAction({
  input: z.object({ registry: z.string().min(1) }),
  permission: "registry.manage",
  async run(input, { principal, prisma }) {
    const run = await triggerRegistryGc(prisma, principal, input.registry, async (name) => (await registryProvider(prisma, name))?.provider ?? null);
    return { message: `Garbage collection started on ${run.registry} (run ${run.id}).` };
  },
});
