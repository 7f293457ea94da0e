"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { registryKinds, registryUrl } from "@/lib/config/schema";
import { defineAction } from "@/lib/auth/action";
import { formName } from "@/lib/config/names";
import { testRegistryConnection } from "@/lib/inventory/connection-test";
import { createEnvironment, createRegistry, deleteEnvironment, deleteRegistry, type NewRegistry } from "@/lib/inventory/registries";

function refresh() {
  revalidatePath("/settings/registries");
  revalidatePath("/registries");
  revalidatePath("/");
}

const blank = (v: unknown) => (v === "" ? undefined : v);
const optionalText = (max: number) => z.preprocess(blank, z.string().trim().max(max).optional());

/**
 * The add-registry form. ECR shows region and an AWS access key pair instead of username and
 * password (the form sends only the fields of the chosen kind).
 */
const registryFields = z
  .object({
    name: formName,
    kind: z.enum(registryKinds),
    url: registryUrl,
    username: optionalText(200),
    secret: z.preprocess(blank, z.string().max(4096).optional()),
    region: z.preprocess(blank, z.string().trim().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "an AWS region such as eu-west-1").optional()),
    accessKeyId: optionalText(128),
    secretAccessKey: z.preprocess(blank, z.string().max(4096).optional()),
    insecureSkipVerify: z.literal("on").optional(),
  })
  .superRefine((r, ctx) => {
    if (r.kind !== "ecr") return;
    if (!r.region && !/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/.test(r.url)) ctx.addIssue({ code: "custom", path: ["region"], message: "enter the AWS region (the URL does not name one)" });
    if (r.accessKeyId && !r.secretAccessKey) ctx.addIssue({ code: "custom", path: ["secretAccessKey"], message: "enter the secret access key of this access key id" });
    if (r.secretAccessKey && !r.accessKeyId) ctx.addIssue({ code: "custom", path: ["accessKeyId"], message: "enter the access key id of this secret access key" });
  });

function toNewRegistry(r: z.infer<typeof registryFields>): NewRegistry {
  const common = { name: r.name, kind: r.kind, url: r.url, insecureSkipVerify: r.insecureSkipVerify === "on" };
  // ECR: the secret access key is the registry's sealed secret, the key id and region its options
  if (r.kind === "ecr") return { ...common, region: r.region, accessKeyId: r.accessKeyId, secret: r.secretAccessKey };
  return { ...common, username: r.username, secret: r.secret };
}

/** Testing needs no name yet: the registry is not saved. */
const unnamedAllowed = (v: unknown) => (v && typeof v === "object" && !(v as { name?: unknown }).name ? { ...v, name: "new-registry" } : v);

export const testRegistryConnectionAction = defineAction({
  input: z.preprocess(unnamedAllowed, registryFields),
  permission: "registry.manage",
  async run(input) {
    return { message: await testRegistryConnection(toNewRegistry(input)) };
  },
});

export const createRegistryAction = defineAction({
  input: registryFields,
  permission: "registry.manage",
  async run(input, { prisma, actor, ip }) {
    await createRegistry(prisma, { actor, ip }, toNewRegistry(input));
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
