/**
 * The permission policy: the one place that decides who may do what. Pure (no I/O), so it can be
 * tested exhaustively, action × role × scope; lib/auth/require.ts feeds it the caller's grants.
 */
export const roles = ["viewer", "developer", "approver", "admin"] as const;
export type Role = (typeof roles)[number];

/** Actions that concern one environment; a grant scoped to that environment counts for them. */
export const environmentActions = [
  "environment.view",
  "promotion.view",
  "promotion.request",
  "promotion.approve",
  "promotion.reject",
  "promotion.rollback",
  "promotion.override",
  // the CVE exception ledger (lib/exceptions): accepting a finding for a while is an approver's sign-off
  "exception.manage",
  // applying a stored retention plan (deletes content): admins, and approvers of the environment where
  // its retention config says executeBy: approver (Resource.retentionExecuteBy)
  "retention.execute",
] as const;

/** Actions about the whole installation; only global grants count for them. */
export const globalActions = [
  "registry.view",
  "scan.view",
  "replication.view",
  "probe.view",
  "token.manage",
  "account.manage",
  "audit.view",
  "registry.manage",
  "environment.manage",
  "replication.trigger",
  "probe.manage",
  "probe.acknowledge",
  "user.manage",
  "settings.manage",
] as const;

/** About the caller's own account: any grant, global or scoped, counts. */
export const selfActions = ["token.manage", "account.manage"] as const;

export type EnvironmentAction = (typeof environmentActions)[number];
export type GlobalAction = (typeof globalActions)[number];
export type Action = EnvironmentAction | GlobalAction;
export const actions: readonly Action[] = [...environmentActions, ...globalActions];

/** What each role may do. Roles are cumulative in this order, except where the matrix says otherwise. */
const allowed: Record<Role, ReadonlySet<Action>> = (() => {
  // token.manage: a person's own API tokens, which never carry more than that person's roles.
  // account.manage: a person's own password and sessions.
  const viewer: Action[] = ["environment.view", "promotion.view", "registry.view", "scan.view", "replication.view", "probe.view", "token.manage", "account.manage"];
  const developer: Action[] = [...viewer, "promotion.request"];
  // Approvers sign off on and back out promotions; they read the audit trail they are part of.
  // They are also the ones on call, so they may acknowledge probe alerts.
  const approver: Action[] = [...developer, "promotion.approve", "promotion.reject", "promotion.rollback", "exception.manage", "audit.view", "probe.acknowledge"];
  const admin: Action[] = [...actions];
  return {
    viewer: new Set(viewer),
    developer: new Set(developer),
    approver: new Set(approver),
    admin: new Set(admin),
  };
})();

export interface Grant {
  role: Role;
  /** Environment name, or null for a global grant. */
  environment: string | null;
}

export interface Resource {
  environment?: string;
  /** retention.execute only: who the environment's retention config lets execute plans (default admin) */
  retentionExecuteBy?: "admin" | "approver";
}

export function isEnvironmentAction(action: Action): action is EnvironmentAction {
  return (environmentActions as readonly string[]).includes(action);
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

export function decide(grants: readonly Grant[], action: Action, resource: Resource = {}): Decision {
  const env = resource.environment;
  if (isEnvironmentAction(action) && !env) {
    return { allowed: false, reason: `${action} needs an environment` };
  }
  const self = (selfActions as readonly string[]).includes(action);
  const counts = (g: Grant) => g.environment === null || self || (isEnvironmentAction(action) && g.environment === env);
  if (grants.some((g) => counts(g) && allowed[g.role].has(action))) return { allowed: true };
  if (action === "retention.execute" && resource.retentionExecuteBy === "approver" && grants.some((g) => counts(g) && g.role === "approver")) return { allowed: true };
  const scope = isEnvironmentAction(action) ? ` in environment "${env}"` : "";
  return { allowed: false, reason: `no role grants ${action}${scope}` };
}
