/**
 * API token scopes: THE one table of what each scope lets a token do. A scope never adds to its
 * owner's roles: a token may do an action only if the owner's grants allow it (lib/auth/policy.ts)
 * AND one of the token's scopes lists it here (decide() checks both). Every route declares its
 * action (lib/auth/route.ts), so this table decides every route; test/auth/token-routes.test.ts
 * walks app/api/v1 and /metrics to prove it.
 */
import type { Action } from "./policy";

export const tokenScopes = ["read", "promote", "approve", "metrics", "events", "admin"] as const;
export type TokenScope = (typeof tokenScopes)[number];

/** Never through a token, whatever its scopes: a leaked token must not mint more tokens or change its owner's password. */
export const sessionOnlyActions: readonly Action[] = ["token.manage", "account.manage"];

const read: Action[] = ["environment.view", "promotion.view", "registry.view", "scan.view", "replication.view", "probe.view", "audit.view", "audit.export"];
const promote: Action[] = ["promotion.request"];
// decisions on promotions and findings, and acknowledging alerts: what an approver on call does
// and retention plans (computing a dry run, executing one), which the roles keep to approvers and admins
const approve: Action[] = ["promotion.approve", "promotion.reject", "promotion.rollback", "promotion.override", "exception.manage", "probe.acknowledge", "retention.plan", "retention.execute"];
// Prometheus scraping only: a scraper's token can read nothing else (and read tokens cannot scrape)
const metrics: Action[] = ["metrics.view"];
// a registry delivering notifications with a token instead of its events secret
const events: Action[] = ["events.deliver"];
const adminOnly: Action[] = ["registry.manage", "environment.manage", "replication.trigger", "probe.manage", "user.manage", "settings.manage"];

export const scopeActions: Record<TokenScope, ReadonlySet<Action>> = {
  read: new Set(read),
  promote: new Set(promote),
  approve: new Set(approve),
  metrics: new Set(metrics),
  events: new Set(events),
  // everything a token can do at all; still no more than the owner's roles
  admin: new Set([...read, ...promote, ...approve, ...metrics, ...events, ...adminOnly]),
};

/** Tokens created before scopes existed (empty `scopes` column) act as read+promote until rotated. */
export const legacyScopes: readonly TokenScope[] = ["read", "promote"];

export const scopeDescriptions: Record<TokenScope, string> = {
  read: "read environments, promotions, registries, scans, probes, audit",
  promote: "request promotions",
  approve: "approve, reject, roll back, override promotions; CVE exceptions; acknowledge alerts; retention plans",
  metrics: "scrape /metrics (Prometheus)",
  events: "deliver registry notifications to /api/v1/events",
  admin: "everything a token can do (still limited by your roles)",
};

/** What narrows a token's grants: its scopes and, if any, the environments it is restricted to. */
export interface TokenLimit {
  scopes: readonly TokenScope[];
  /** null: every environment the owner's roles reach */
  environments: readonly string[] | null;
}

export function isTokenScope(s: string): s is TokenScope {
  return (tokenScopes as readonly string[]).includes(s);
}

/** The narrowest scope that allows the action (admin last), for "needs the X scope" messages. */
export function scopeNeededFor(action: Action): TokenScope | null {
  return tokenScopes.find((s) => s !== "admin" && scopeActions[s].has(action)) ?? (scopeActions.admin.has(action) ? "admin" : null);
}

/** Why the token's scopes refuse the action, or null if a scope allows it. Environments are not looked at. */
export function scopeRefusal(limit: TokenLimit, action: Action): string | null {
  if (limit.scopes.some((s) => scopeActions[s].has(action))) return null;
  const needed = scopeNeededFor(action);
  if (!needed) return `${action} cannot be done with an API token: sign in to Dockmaster`;
  return `this API token lacks the "${needed}" scope needed for ${action} (its scopes: ${limit.scopes.join(", ")})`;
}
