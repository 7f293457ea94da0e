/**
 * The CVE exception ledger's services, shared by the server actions and /api/v1/exceptions: every
 * create and revoke is permission-checked here (server-side, whatever the UI showed) and audited.
 *
 * Who may create or revoke: the approver role (exception.manage) in every environment the exception
 * reaches. An environment scope reaches that environment; a digest or repository scope reaches the
 * environments whose registry and namespace hold the repository; a global scope, or a repository no
 * environment holds, reaches every environment, so it needs a global approver or admin grant, or an
 * approver grant in each environment. One decision function (lib/auth/policy.ts) answers each.
 */
import type { PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { enforce, type Principal } from "@/lib/auth/enforce";
import { FieldError, NotFoundError, UserFacingError } from "@/lib/errors";
import { inNamespace } from "@/lib/inventory/namespace";
import { isActive, scopeTargetOf, subjectOf, type ExceptionRule } from "./apply";
import type { ExceptionSettings } from "./config-schema";
import { expiryProblem, type ExceptionFields } from "./fields";

type Located = Pick<ExceptionRule, "scope" | "registry" | "repository" | "digest" | "environment">;
type Scoped = Omit<Located, "digest">;

/** The environments an exception reaches (see above); every environment when it names none. */
async function environmentsReached(prisma: PrismaClient, e: Scoped): Promise<string[]> {
  const all = await prisma.environment.findMany({ select: { name: true, namespace: true, registry: { select: { name: true } } }, orderBy: { order: "asc" } });
  if (e.scope === "environment") return [e.environment!];
  if (e.scope === "digest" || e.scope === "repository") {
    const holding = all.filter((env) => env.registry.name === e.registry && inNamespace(e.repository!, env.namespace)).map((env) => env.name);
    if (holding.length) return holding;
  }
  return all.map((env) => env.name);
}

/** "every environment" with none configured: only a grant that holds everywhere (global) can count. */
const EVERY_ENVIRONMENT = "(every environment)";

async function requireApprover(prisma: PrismaClient, principal: Principal, e: Scoped): Promise<void> {
  const reached = await environmentsReached(prisma, e);
  for (const environment of reached.length ? reached : [EVERY_ENVIRONMENT]) await enforce(prisma, principal, "exception.manage", { environment });
}

const auditTarget = (id: string) => ({ type: "cve-exception", id });

const describe = (e: Located & Pick<ExceptionRule, "cveId" | "packageName">) => `${subjectOf(e)} for ${scopeTargetOf(e)}`;

export async function createException(prisma: PrismaClient, principal: Principal, input: ExceptionFields, settings: ExceptionSettings, now = new Date()) {
  await requireApprover(prisma, principal, input);
  const problem = expiryProblem(input.expiresAt, settings.maxDays, now);
  if (problem) throw new FieldError("expiresAt", problem);
  if (input.scope === "environment" && !(await prisma.environment.findUnique({ where: { name: input.environment! } }))) throw new FieldError("environment", `there is no environment "${input.environment}"`);
  if ((input.scope === "digest" || input.scope === "repository") && !(await prisma.registry.findUnique({ where: { name: input.registry! } }))) throw new FieldError("registry", `there is no registry "${input.registry}"`);
  return prisma.$transaction(async (tx) => {
    // the creator holds the approver role for its whole scope (checked above): creating is approving
    // fields named one by one: a caller's extra keys (a form's returnTo) must never reach the row
    const { cveId, packageName, scope, registry, repository, digest, environment, reason, owner, expiresAt } = input;
    const row = await tx.cveException.create({ data: { cveId, packageName, scope, registry, repository, digest, environment, reason, owner, expiresAt, createdById: principal.id, createdBy: principal.email, approvedBy: principal.email, createdAt: now, source: "ui" } });
    await writeAudit(tx, {
      actor: principal,
      action: "exception.created",
      target: auditTarget(row.id),
      outcome: "success",
      sourceIp: principal.ip,
      detail: { exception: describe(row), reason: row.reason, owner: row.owner, expiresAt: row.expiresAt.toISOString(), ...(principal.viaToken ? { token: principal.viaToken } : {}) },
    });
    return row;
  });
}

export async function revokeException(prisma: PrismaClient, principal: Principal, id: string, now = new Date()) {
  const row = await prisma.cveException.findUnique({ where: { id } });
  if (!row) throw new NotFoundError(`no exception ${id}`);
  await requireApprover(prisma, principal, row);
  if (row.source === "config") throw new UserFacingError("this exception is declared in dockmaster.yaml: remove it there", "conflict");
  if (row.revokedAt) throw new UserFacingError(`this exception was already revoked by ${row.revokedBy}`, "conflict");
  return prisma.$transaction(async (tx) => {
    const updated = await tx.cveException.update({ where: { id }, data: { revokedAt: now, revokedBy: principal.email } });
    await writeAudit(tx, {
      actor: principal,
      action: "exception.revoked",
      target: auditTarget(id),
      outcome: "success",
      sourceIp: principal.ip,
      detail: { exception: describe(row), wasActive: isActive(row, now), ...(principal.viaToken ? { token: principal.viaToken } : {}) },
    });
    return updated;
  });
}

export type ExceptionStatus = "active" | "expired" | "revoked";

function statusOf(e: { revokedAt: Date | null; expiresAt: Date }, now: Date): ExceptionStatus {
  return e.revokedAt ? "revoked" : isActive(e, now) ? "active" : "expired";
}

/** The ledger, newest first; by default what still applies. */
export async function listExceptions(prisma: PrismaClient, options: { status?: ExceptionStatus | "all"; now?: Date } = {}) {
  const now = options.now ?? new Date();
  const status = options.status ?? "active";
  const where =
    status === "active"
      ? { revokedAt: null, expiresAt: { gt: now } }
      : status === "expired"
        ? { revokedAt: null, expiresAt: { lte: now } }
        : status === "revoked"
          ? { revokedAt: { not: null } }
          : {};
  const rows = await prisma.cveException.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 500 });
  return rows.map((r) => ({ ...r, status: statusOf(r, now) }));
}

/** The API's view of one exception: the ledger's fields, no internal keys. */
export function exceptionJson(e: ExceptionRule & { createdAt: Date; revokedBy: string | null; status: ExceptionStatus }) {
  return {
    id: e.id,
    cve: e.cveId,
    package: e.packageName,
    scope: e.scope,
    registry: e.registry,
    repository: e.repository,
    digest: e.digest,
    environment: e.environment,
    reason: e.reason,
    owner: e.owner,
    expiresAt: e.expiresAt.toISOString(),
    createdBy: e.createdBy,
    approvedBy: e.approvedBy,
    createdAt: e.createdAt.toISOString(),
    revokedAt: e.revokedAt?.toISOString() ?? null,
    revokedBy: e.revokedBy,
    source: e.source,
    status: e.status,
  };
}
