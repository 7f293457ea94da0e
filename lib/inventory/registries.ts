import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import type { ActorContext } from "@/lib/auth/users";
import { FieldError, InvalidInputError } from "@/lib/errors";
import { encryptSecret } from "@/lib/crypto/secrets";
import type { ProviderConnection } from "@/lib/registry";
import { assembleConnection } from "./connection";
import { pipelineOrderConflict } from "@/lib/config/pipeline-order";

/** What the UI may see of a registry: never the secret, only where it comes from. */
export interface RegistryView {
  id: string;
  name: string;
  kind: string;
  url: string;
  username: string | null;
  credential: "none" | "env" | "sealed";
  credentialEnv: string | null;
  insecureSkipVerify: boolean;
  source: "config" | "ui";
  environments: string[];
}

export async function listRegistries(prisma: PrismaClient): Promise<RegistryView[]> {
  const rows = await prisma.registry.findMany({ orderBy: { name: "asc" }, include: { environments: { select: { name: true }, orderBy: { order: "asc" } } } });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    kind: r.kind,
    url: r.url,
    username: r.username,
    credential: r.secretCiphertext ? "sealed" : r.secretEnvRef ? "env" : "none",
    credentialEnv: r.secretEnvRef,
    insecureSkipVerify: r.insecureSkipVerify,
    source: r.source,
    environments: r.environments.map((e) => e.name),
  }));
}

export interface NewRegistry {
  name: string;
  kind: "oci" | "harbor" | "ecr" | "dockerhub";
  url: string;
  username?: string;
  secret?: string;
  insecureSkipVerify?: boolean;
  /** ECR: the AWS region (else read from the URL) and the access key id whose secret key is `secret` */
  region?: string;
  accessKeyId?: string;
}

/** Where a registry row keeps what only some kinds have (the same keys dockmaster.yaml entries use). */
function kindOptions(input: NewRegistry): { region?: string; accessKeyId?: string } | undefined {
  if (input.kind !== "ecr") return undefined;
  return { ...(input.region ? { region: input.region } : {}), ...(input.accessKeyId ? { accessKeyId: input.accessKeyId } : {}) };
}

/**
 * A provider for the values typed into the Settings form, before anything is stored: the secret is
 * used as typed (not sealed) and lives only as long as the connection test.
 */
export function draftConnection(input: NewRegistry): ProviderConnection {
  return assembleConnection(
    { name: input.name, kind: input.kind, url: input.url, username: input.username || null, insecureSkipVerify: input.insecureSkipVerify ?? false, caFile: null, options: kindOptions(input) ?? null },
    input.secret || undefined,
  );
}

export async function createRegistry(prisma: PrismaClient, ctx: ActorContext, input: NewRegistry) {
  if (await prisma.registry.findUnique({ where: { name: input.name } })) throw new FieldError("name", `a registry named "${input.name}" already exists`);
  // Sealing throws when DOCKMASTER_SECRET_KEY is missing: better no registry than a plaintext secret.
  const secretCiphertext = input.secret ? encryptSecret(input.secret) : null;
  return prisma.$transaction(async (tx) => {
    const row = await tx.registry.create({
      data: {
        name: input.name,
        kind: input.kind,
        url: input.url,
        username: input.username || null,
        secretCiphertext,
        insecureSkipVerify: input.insecureSkipVerify ?? false,
        options: kindOptions(input),
        source: "ui",
      },
    });
    await writeAudit(tx, {
      actor: ctx.actor,
      action: "registry.create",
      target: { type: "registry", id: input.name },
      outcome: "success",
      sourceIp: ctx.ip,
      detail: { kind: input.kind, url: input.url, username: input.username ?? null, ...(input.region ? { region: input.region } : {}), secretStored: !!secretCiphertext },
    });
    return row;
  });
}

export async function deleteRegistry(prisma: PrismaClient, ctx: ActorContext, id: string) {
  return prisma.$transaction(async (tx) => {
    const row = await tx.registry.findUniqueOrThrow({ where: { id }, include: { environments: { select: { name: true } } } });
    if (row.source === "config") throw new InvalidInputError(`registry "${row.name}" is declared in dockmaster.yaml; remove it there`);
    if (row.environments.length) throw new InvalidInputError(`registry "${row.name}" is used by ${row.environments.length === 1 ? "environment" : "environments"} ${row.environments.map((e) => e.name).join(", ")}`);
    await tx.registry.delete({ where: { id } });
    await writeAudit(tx, { actor: ctx.actor, action: "registry.delete", target: { type: "registry", id: row.name }, outcome: "success", sourceIp: ctx.ip, detail: { kind: row.kind, url: row.url } });
  });
}

export interface NewEnvironment {
  name: string;
  order: number;
  registryId: string;
  namespace: string;
  protected: boolean;
}

export async function createEnvironment(prisma: PrismaClient, ctx: ActorContext, input: NewEnvironment) {
  if (await prisma.environment.findUnique({ where: { name: input.name } })) throw new FieldError("name", `an environment named "${input.name}" already exists`);
  return prisma.$transaction(async (tx) => {
    const conflict = pipelineOrderConflict(await tx.environment.findMany({ select: { name: true, order: true } }), input);
    if (conflict) throw new FieldError("order", conflict);
    const registry = await tx.registry.findUnique({ where: { id: input.registryId } });
    if (!registry) throw new InvalidInputError("the chosen registry no longer exists");
    const row = await tx.environment.create({ data: { ...input, policy: {} as Prisma.InputJsonValue, source: "ui" } });
    await writeAudit(tx, { actor: ctx.actor, action: "environment.create", target: { type: "environment", id: input.name }, outcome: "success", sourceIp: ctx.ip, detail: { ...input, registry: registry.name } });
    return row;
  });
}

export async function deleteEnvironment(prisma: PrismaClient, ctx: ActorContext, id: string) {
  return prisma.$transaction(async (tx) => {
    const row = await tx.environment.findUniqueOrThrow({ where: { id } });
    if (row.source === "config") throw new InvalidInputError(`environment "${row.name}" is declared in dockmaster.yaml; remove it there`);
    await tx.environment.delete({ where: { id } });
    await writeAudit(tx, { actor: ctx.actor, action: "environment.delete", target: { type: "environment", id: row.name }, outcome: "success", sourceIp: ctx.ip });
  });
}

export async function listEnvironments(prisma: PrismaClient) {
  return prisma.environment.findMany({ orderBy: [{ order: "asc" }, { name: "asc" }], include: { registry: { select: { name: true, kind: true, url: true } } } });
}
