"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { registryKinds, registryUrl } from "@/lib/config/schema";
import { defineAction } from "@/lib/auth/action";
import { formName } from "@/lib/config/names";
import { createEnvironment, createRegistry, deleteEnvironment, deleteRegistry } from "@/lib/inventory/registries";


function refresh() {
  revalidatePath("/settings/registries");
  revalidatePath("/registries");
  revalidatePath("/");
}

export const createRegistryAction = defineAction({
  input: z.object({
    name: formName,
    kind: z.enum(registryKinds),
    url: registryUrl,
    username: z.string().trim().max(200).optional(),
    secret: z.string().max(4096).optional(),
    insecureSkipVerify: z.literal("on").optional(),
  }),
  permission: "registry.manage",
  async run(input, { prisma, actor, ip }) {
    await createRegistry(prisma, { actor, ip }, { ...input, insecureSkipVerify: input.insecureSkipVerify === "on" });
    refresh();
    return { message: `Registry ${input.name} added.` };
  },
});

export const deleteRegistryAction = defineAction({
  input: z.object({ id: z.string().min(1) }),
  permission: "registry.manage",
  async run(input, { prisma, actor, ip }) {
    await deleteRegistry(prisma, { actor, ip }, input.id);
    refresh();
    return { message: "Registry removed." };
  },
});

export const createEnvironmentAction = defineAction({
  input: z.object({
    name: formName,
    order: z.coerce.number().int(),
    registryId: z.string().min(1, "choose a registry"),
    namespace: z.string().trim().max(255).default(""),
    protected: z.literal("on").optional(),
  }),
  permission: "environment.manage",
  async run(input, { prisma, actor, ip }) {
    await createEnvironment(prisma, { actor, ip }, { ...input, protected: input.protected === "on" });
    refresh();
    return { message: `Environment ${input.name} added.` };
  },
});

export const deleteEnvironmentAction = defineAction({
  input: z.object({ id: z.string().min(1) }),
  permission: "environment.manage",
  async run(input, { prisma, actor, ip }) {
    await deleteEnvironment(prisma, { actor, ip }, input.id);
    refresh();
    return { message: "Environment removed." };
  },
});
