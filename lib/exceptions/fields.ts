/**
 * What one CVE exception says, validated the same way wherever it comes from: an entry of
 * dockmaster.yaml's `exceptions.entries`, the "Accept this CVE…" form, or POST /api/v1/exceptions.
 */
import { z } from "zod";
import { isDigest } from "@/lib/registry";
import { isCveId } from "@/lib/scan/model";
import { EXCEPTION_SCOPES } from "./apply";

export const DEFAULT_MAX_DAYS = 90;
export const DEFAULT_WARN_DAYS = 7;

/** Forms send "" for a field left empty: the same as leaving it out. */
const optionalText = (max: number) => z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v), z.string().max(max).optional());

/** "2027-01-10" (end of that day, UTC) or a full ISO timestamp. */
const expiry = z.union([z.string(), z.date()]).transform((v, ctx) => {
  if (v instanceof Date) return v;
  const s = v.trim();
  const at = /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T23:59:59.999Z`) : new Date(s);
  if (Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: "custom", message: "must be a date (YYYY-MM-DD) or an ISO timestamp" });
    return z.NEVER;
  }
  return at;
});

const shape = {
  cve: optionalText(64),
  package: optionalText(256),
  scope: z.enum(EXCEPTION_SCOPES, { error: `must be one of ${EXCEPTION_SCOPES.join(", ")}` }),
  registry: optionalText(63),
  repository: optionalText(255),
  digest: optionalText(100),
  environment: optionalText(63),
  reason: z.preprocess((v) => (typeof v === "string" ? v.trim() : v), z.string({ error: "is required: say why this finding is acceptable" }).min(3, "is required: say why this finding is acceptable (at least 3 characters)").max(2000)),
  owner: z.preprocess((v) => (typeof v === "string" ? v.trim() : v), z.string({ error: "is required" }).min(1, "is required").max(200)),
  expiresAt: expiry,
};

type Raw = z.output<z.ZodObject<typeof shape>>;

/** Which location fields each scope names; the others are dropped, so matching never depends on them. */
const SCOPE_FIELDS: Record<string, readonly ("registry" | "repository" | "digest" | "environment")[]> = {
  digest: ["registry", "repository", "digest"],
  repository: ["registry", "repository"],
  environment: ["environment"],
  global: [],
};

function check(e: Raw, ctx: z.RefinementCtx): void {
  if (!e.cve === !e.package) ctx.addIssue({ code: "custom", path: [e.cve ? "package" : "cve"], message: "give either a CVE id or a package name (one of them)" });
  if (e.cve && !isCveId(e.cve) && !/^(GHSA|ALAS|RHSA|DSA|USN)-[\w.:-]+$/i.test(e.cve)) ctx.addIssue({ code: "custom", path: ["cve"], message: "is not a vulnerability id (CVE-YYYY-NNNN, GHSA-…)" });
  for (const field of SCOPE_FIELDS[e.scope] ?? []) {
    if (!e[field]) ctx.addIssue({ code: "custom", path: [field], message: `is required for scope ${e.scope}` });
  }
  if (e.digest && !isDigest(e.digest)) ctx.addIssue({ code: "custom", path: ["digest"], message: "is not a digest (sha256:…)" });
}

function normalize(e: Raw) {
  const keep = (f: "registry" | "repository" | "digest" | "environment") => (SCOPE_FIELDS[e.scope]!.includes(f) ? e[f]! : null);
  return {
    cveId: e.cve ? e.cve.toUpperCase() : null,
    packageName: e.package ?? null,
    scope: e.scope,
    registry: keep("registry"),
    repository: keep("repository"),
    digest: keep("digest"),
    environment: keep("environment"),
    reason: e.reason,
    owner: e.owner,
    expiresAt: e.expiresAt,
  };
}

/** The form and the REST API: unknown fields are ignored (forms carry Next's own). */
export const exceptionFields = z.object(shape).superRefine(check).transform(normalize);

/** A dockmaster.yaml entry: strict (a misspelt key is an error on its line), and may say who approved it. */
export const exceptionEntry = z
  .strictObject({ ...shape, approvedBy: z.string().trim().min(1).max(200).optional() })
  .superRefine(check)
  .transform((e) => ({ ...normalize(e), approvedBy: e.approvedBy ?? null }));

export type ExceptionFields = z.output<typeof exceptionFields>;

/** Why an expiry is refused, or null: it must lie in the future and at most maxDays ahead. */
export function expiryProblem(expiresAt: Date, maxDays: number, now: Date): string | null {
  if (expiresAt.getTime() <= now.getTime()) return "must be in the future";
  // a date-only expiry means the end of that day (UTC): the last allowed day is allowed whole
  const last = new Date(now.getTime() + maxDays * 86_400_000);
  const limit = Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate(), 23, 59, 59, 999);
  if (expiresAt.getTime() > limit) return `is more than ${maxDays} days away: exceptions may last at most ${maxDays} days (exceptions.maxDays)`;
  return null;
}
