/**
 * The `exceptions:` section of dockmaster.yaml: the ledger's limits, and exceptions declared as code
 * (mirrored into the database by config-sync.ts, read-only in the UI). Added to the config in
 * lib/app-config.ts; references to registries and environments are checked there, once the whole
 * file is parsed.
 *
 *   exceptions:
 *     maxDays: 90        # no exception may last longer (UI, API and this file alike)
 *     warnDays: 7        # banner and webhook this many days before an exception expires
 *     entries:
 *       - { cve: CVE-2024-1234, scope: repository, registry: dev, repository: team/api,
 *           reason: "not reachable: no TLS in this service", owner: alice, expiresAt: 2027-01-10 }
 */
import { z } from "zod";
import { configKeyOf } from "./config-sync";
import { DEFAULT_MAX_DAYS, DEFAULT_WARN_DAYS, exceptionEntry, expiryProblem } from "./fields";

export const exceptionsConfig = z
  .strictObject({
    maxDays: z.number().int().min(1).max(3650).default(DEFAULT_MAX_DAYS),
    warnDays: z.number().int().min(0).max(365).default(DEFAULT_WARN_DAYS),
    entries: z.array(exceptionEntry).default([]),
  })
  .superRefine(
    (cfg, ctx) => {
      // checked against the time of loading: an entry that was acceptable stays so as its day nears
      const now = new Date();
      const maxDays = typeof cfg.maxDays === "number" ? cfg.maxDays : DEFAULT_MAX_DAYS;
      (Array.isArray(cfg.entries) ? cfg.entries : []).forEach((e, i) => {
        // run even when other entries are invalid (see `when`): only entries whose expiry parsed
        if (!(e?.expiresAt instanceof Date) || e.expiresAt.getTime() <= now.getTime()) return;
        const problem = expiryProblem(e.expiresAt, maxDays, now);
        if (problem) ctx.addIssue({ code: "custom", path: ["entries", i, "expiresAt"], message: problem });
      });
    },
    // every refused entry is reported at once, not the expiries only after the rest is fixed
    { when: () => true },
  );

export type ExceptionsConfig = z.output<typeof exceptionsConfig>;
export type ExceptionSettings = Pick<ExceptionsConfig, "maxDays" | "warnDays">;

export const defaultExceptionSettings: ExceptionSettings = { maxDays: DEFAULT_MAX_DAYS, warnDays: DEFAULT_WARN_DAYS };

type RefContext = { addIssue(issue: { code: "custom"; path: PropertyKey[]; message: string }): void };

export function checkExceptionReferences(cfg: { registries: { name: string }[]; environments: { name: string }[]; exceptions?: ExceptionsConfig }, ctx: RefContext): void {
  const registries = new Set(cfg.registries.map((r) => r.name));
  const environments = new Set(cfg.environments.map((e) => e.name));
  const keys = new Set<string>();
  cfg.exceptions?.entries.forEach((e, i) => {
    const key = configKeyOf(e);
    if (keys.has(key)) ctx.addIssue({ code: "custom", path: ["exceptions", "entries", i], message: "the same subject and scope are declared twice" });
    keys.add(key);
    if (typeof e.registry === "string" && !registries.has(e.registry)) ctx.addIssue({ code: "custom", path: ["exceptions", "entries", i, "registry"], message: `refers to registry "${e.registry}", which is not declared under registries` });
    if (typeof e.environment === "string" && !environments.has(e.environment)) ctx.addIssue({ code: "custom", path: ["exceptions", "entries", i, "environment"], message: `refers to environment "${e.environment}", which is not declared under environments` });
  });
}
