import { z } from "zod";
import { configName, ENV_REF } from "./names";

/**
 * Retention of an environment (`retention:` on an environment in dockmaster.yaml, issue 14). Planning
 * lives in lib/retention; this is only the written policy, validated so that a typo is a
 * dockmaster.yaml:LINE error at start-up rather than a surprise in a plan.
 *
 *   retention:
 *     rules:
 *       - { repositories: "*", keepTags: "^(v\\d+\\.\\d+\\.\\d+|latest)$", keepLast: 10, deleteOlderThanDays: 30 }
 *       - { repositories: "api*", untaggedOlderThanDays: 7 }
 *     recentPromotionDays: 14        # a digest promoted this recently is protected (default 7)
 *     protectedEnvironments: [prod]  # a digest held there is protected (default: every protected environment)
 *     pinned: [{ repository: api, tag: "1.0.0", reason: "customer LTS" }]
 *     executeBy: approver            # who may execute a plan: admin (default) or also this environment's approvers
 *     schedule: { everyHours: 24 }   # compute a plan periodically and send it to the webhook for review
 *     webhook: ${RETENTION_WEBHOOK}  # default: probes.webhook.url
 */

/** A repository pattern within the environment's namespace: names, `/`, and `*` / `?` wildcards. */
const repositoryGlob = z.string().regex(/^[a-z0-9*?][a-z0-9._/*?-]*$/, 'must be a repository name pattern within the environment\'s namespace, e.g. "*" or "api*" (lowercase, "/", "*" and "?")');

/** Compiled once here so that an invalid pattern is refused at its line, with the engine's own words. */
const tagPattern = z.string().superRefine((value, ctx) => {
  try {
    new RegExp(value);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, "")}` });
  }
});

function days(what: string) {
  return z.number({ error: `must be a number of days (${what}), e.g. 30` }).int("must be a whole number of days").min(1, "must be at least 1 day").max(36_500, "must be at most 36500 days");
}

export const retentionRule = z
  .strictObject({
    repositories: repositoryGlob,
    /** tags matching this pattern are kept */
    keepTags: tagPattern.optional(),
    /** the newest N tags by push time are kept */
    keepLast: z.number().int("must be a whole number").min(0, "must be 0 or more").optional(),
    /** only tags pushed at least this long ago are candidates */
    deleteOlderThanDays: days("tags pushed longer ago are candidates").optional(),
    /** ... unless pulled this recently (where the registry reports pulls) */
    unlessPulledWithinDays: days("tags pulled this recently are kept").optional(),
    /** manifests without a tag for this long are deleted */
    untaggedOlderThanDays: days("untagged for longer").optional(),
    /** this rule may delete every tag of a repository */
    allowEmpty: z.boolean().optional(),
    /** a scheduled plan of this rule may be executed without a person (never in a protected environment) */
    autoExecute: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.unlessPulledWithinDays !== undefined && r.deleteOlderThanDays === undefined && r.keepLast === undefined && r.keepTags === undefined) {
      // without any other selector the rule would delete every tag not pulled lately: say it plainly
      ctx.addIssue({ code: "custom", path: ["unlessPulledWithinDays"], message: "narrows deleteOlderThanDays, keepLast or keepTags; give at least one of them" });
    }
  });

const pin = z
  .strictObject({
    /** the repository within the environment's namespace */
    repository: z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/, "must be a repository name within the environment's namespace"),
    tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be a tag name").optional(),
    digest: z.string().regex(/^sha(256|512):[0-9a-f]{64,128}$/, 'must be a digest "sha256:…"').optional(),
    reason: z.string().min(1).optional(),
  })
  .refine((p) => p.tag !== undefined || p.digest !== undefined, { message: "needs a tag or a digest to pin" });

export const retentionSchema = z.strictObject({
  rules: z.array(retentionRule).min(1, "needs at least one rule"),
  /** every rule may delete every tag of a repository */
  allowEmpty: z.boolean().default(false),
  /** a digest held in these environments is protected; default: every environment marked protected */
  protectedEnvironments: z.array(configName).optional(),
  /** a promotion of a digest this recent (or still open) protects it */
  recentPromotionDays: z.number().int("must be a whole number of days").min(0).max(3650).default(7),
  pinned: z.array(pin).default([]),
  /** who may execute a plan of this environment: admins only, or its approvers too */
  executeBy: z.enum(["admin", "approver"], { error: 'must be "admin" or "approver"' }).default("admin"),
  schedule: z.strictObject({ everyHours: z.number().int("must be a whole number of hours").min(1).max(24 * 90) }).optional(),
  /** where scheduled plans are sent for review (URL or ${ENV}); default: probes.webhook.url */
  webhook: z
    .string()
    .refine((v) => ENV_REF.test(v) || /^https?:\/\/\S+$/.test(v), { message: "must be an http(s) URL or an environment variable reference like ${RETENTION_WEBHOOK}" })
    .optional(),
});

export type RetentionPolicy = z.output<typeof retentionSchema>;
export type RetentionRule = z.output<typeof retentionRule>;

type RefContext = { addIssue(issue: { code: "custom"; path: PropertyKey[]; message: string }): void };

/** References that need the whole file: other environments, and the environment's own protection. */
export function checkRetentionReferences(environments: readonly { name: string; protected: boolean; retention?: RetentionPolicy }[], ctx: RefContext): void {
  const names = new Set(environments.map((e) => e.name));
  environments.forEach((e, i) => {
    e.retention?.protectedEnvironments?.forEach((p, j) => {
      if (!names.has(p)) ctx.addIssue({ code: "custom", path: ["environments", i, "retention", "protectedEnvironments", j], message: `refers to environment "${p}", which is not declared under environments` });
    });
    if (!e.protected) return;
    e.retention?.rules.forEach((r, j) => {
      if (r.autoExecute) ctx.addIssue({ code: "custom", path: ["environments", i, "retention", "rules", j, "autoExecute"], message: `cannot be true in the protected environment "${e.name}": its plans are executed only by a person who confirms the plan's hash` });
    });
  });
}
