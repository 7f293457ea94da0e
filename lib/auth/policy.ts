/**
 * The permission policy: the one place that decides who may do what. Pure (no I/O), so it can be
 * tested exhaustively, action × role × scope; lib/auth/require.ts feeds it the caller's grants.
 */
import { scopeRefusal, type TokenLimit } from "./token-scopes";

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
  // retention (lib/retention): computing a plan deletes nothing, but it is a review an approver owns;
  // executing one is an admin's, or also the environment's approvers' where retention.executeBy says so
  "retention.plan",
  "retention.execute",
] as const;

/** Actions about the whole installation; only global grants count for them. */
export const globalActions = [
  "registry.view",
  "scan.view",
  "replication.view",
  "probe.view",
  // Prometheus scraping of /metrics: its own action so that a token needs the `metrics` scope for it
  "metrics.view",
  "token.manage",
  "account.manage",
  "audit.view",
  "audit.export",
  // registry notifications sent with an API token instead of the registry's events secret
  "events.deliver",
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
  const viewer: Action[] = ["environment.view", "promotion.view", "registry.view", "scan.view", "replication.view", "probe.view", "metrics.view", "token.manage", "account.manage"];
  const developer: Action[] = [...viewer, "promotion.request"];
  // Approvers sign off on and back out promotions; they read the audit trail they are part of.
  // They are also the ones on call, so they may acknowledge probe alerts. Auditors are given the
  // approver role to download the trail (audit.export). They compute retention plans (dry runs) for
  // their environments; executing one is the admin's unless the environment says otherwise.
  const approver: Action[] = [...developer, "promotion.approve", "promotion.reject", "promotion.rollback", "exception.manage", "audit.view", "audit.export", "probe.acknowledge", "retention.plan"];
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
  /** granted through this directory group (dockmaster.yaml `access:`), not stored on the account */
  group?: string;
  /**
   * Set on the grants of a caller holding an API token: the grant counts only for what the token's
   * scopes and environments allow. Carried on each grant so that every decide() caller (visible
   * environments, decisions, lists) narrows a token without knowing about tokens.
   */
  limit?: TokenLimit;
}

/** One artifact exactly: a repository of an environment at one digest. */
export interface ArtifactRef {
  environment: string;
  repository: string;
  digest: string;
}

/** A promotion still awaiting its decision, as the policy needs it: where it would go, exactly what it would copy. */
interface OpenPromotion {
  targetEnv: string;
  source: ArtifactRef;
}

export interface Resource {
  environment?: string;
  /**
   * The one artifact a read concerns, with the open promotions whose source it is (the caller loads
   * them: lib/promotion/source-access.ts). It lets an approver read what they are asked to approve.
   */
  artifact?: ArtifactRef & { openPromotions: readonly OpenPromotion[] };
  /** the environment's retention.executeBy (dockmaster.yaml): "approver" lets its approvers execute plans */
  retentionExecuteBy?: "admin" | "approver";
}

/**
 * Reads a decider may make of an open promotion's source artifact, whatever their grants in its
 * environment: the artifact itself (its manifest, platforms, referrers: the signatures) and its scan.
 * Nothing else of that environment, and nothing that changes it.
 */
const sourceReadActions = ["registry.view", "scan.view"] as const satisfies readonly GlobalAction[];
const decidingActions = ["promotion.approve", "promotion.reject"] as const satisfies readonly EnvironmentAction[];

export function isEnvironmentAction(action: Action): action is EnvironmentAction {
  return (environmentActions as readonly string[]).includes(action);
}

/**
 * A refusal carries two texts: `reason`, the machine key kept in the audit row ("no role grants
 * registry.view"), and `message`, what the person is told in plain words ("You need the viewer role
 * (or higher) for all environments to view registries.").
 */
export type Decision = { allowed: true } | { allowed: false; reason: string; message: string };

/** What each action lets a person do, in words that complete "You need … to …". */
const ACTION_WORDS: Partial<Record<Action, string>> = {
  "environment.view": "see this environment",
  "promotion.view": "see its promotions",
  "promotion.request": "request promotions",
  "promotion.approve": "approve promotions",
  "promotion.reject": "reject promotions",
  "promotion.rollback": "roll back promotions",
  "promotion.override": "override failed gates or a closed change window",
  "exception.manage": "accept CVE exceptions",
  "registry.view": "view registries",
  "scan.view": "view scan reports",
  "replication.view": "view replication",
  "probe.view": "view probes",
  "token.manage": "manage your API tokens",
  "account.manage": "manage your account",
  "audit.view": "read the audit log",
  "registry.manage": "manage registries",
  "environment.manage": "manage environments",
  "replication.trigger": "start replication",
  "probe.manage": "manage probes",
  "probe.acknowledge": "acknowledge probe alerts",
  "user.manage": "manage users",
  "settings.manage": "change settings",
  "metrics.view": "read the Prometheus metrics",
  "audit.export": "export the audit log",
  "events.deliver": "deliver registry events",
  "retention.plan": "compute retention plans",
  "retention.execute": "execute retention plans",
};

/** The least role that grants the action (roles are ordered from least to most). */
export function leastRoleFor(action: Action): Role {
  return roles.find((r) => allowed[r].has(action)) ?? "admin";
}

/** "You need the approver role (or higher) in environment prod to approve promotions." */
export function refusalMessage(action: Action, env?: string): string {
  const role = leastRoleFor(action);
  const needed = role === "admin" ? "the admin role" : `the ${role} role (or higher)`;
  const self = (selfActions as readonly string[]).includes(action);
  const scope = self ? "" : isEnvironmentAction(action) ? ` in environment ${env}` : " for all environments";
  return `You need ${needed}${scope} to ${ACTION_WORDS[action] ?? `do this (${action})`}.`;
}

export function decide(grants: readonly Grant[], action: Action, resource: Resource = {}): Decision {
  const env = resource.environment;
  if (isEnvironmentAction(action) && !env) {
    const reason = `${action} needs an environment`;
    return { allowed: false, reason, message: `This needs an environment (${action}).` };
  }
  const self = (selfActions as readonly string[]).includes(action);
  const counts = (g: Grant) => g.environment === null || self || (isEnvironmentAction(action) && g.environment === env);
  // the one configurable cell of the matrix: approvers execute retention plans where the environment says so
  const may = (g: Grant) => allowed[g.role].has(action) || (action === "retention.execute" && resource.retentionExecuteBy === "approver" && g.role === "approver");
  const permitting = grants.filter((g) => counts(g) && may(g));
  if (permitting.length === 0) {
    // an approver may read exactly the source artifact of a promotion they are asked to decide on
    if (resource.artifact && decidesOnPromotionOf(grants, action, resource.artifact)) return { allowed: true };
    const scope = isEnvironmentAction(action) ? ` in environment "${env}"` : "";
    return { allowed: false, reason: `no role grants ${action}${scope}`, message: refusalMessage(action, env) };
  }
  // the owner's roles allow it; a token may still narrow that (never widen: it only removes grants)
  const refusals = permitting.map((g) => (g.limit ? limitRefusal(g.limit, action, env) : null));
  const refusal = refusals.find((r) => r !== null);
  // a token's refusal is already in plain words, naming the scope or environment it lacks
  return refusals.some((r) => r === null) || !refusal ? { allowed: true } : { allowed: false, reason: refusal, message: `Not allowed: ${refusal}.` };
}

function limitRefusal(limit: TokenLimit, action: Action, env: string | undefined): string | null {
  const byScope = scopeRefusal(limit, action);
  if (byScope) return byScope;
  if (!limit.environments) return null;
  const list = limit.environments.join(", ");
  // a global action reaches every environment's data (all repositories, all probes), so a token
  // restricted to some environments cannot do it
  if (!isEnvironmentAction(action)) return `this API token is restricted to environment(s) ${list}; ${action} concerns every environment`;
  return limit.environments.includes(env!) ? null : `this API token is restricted to environment(s) ${list}, not "${env}"`;
}

const sameArtifact = (a: ArtifactRef, b: ArtifactRef) => a.environment === b.environment && a.repository === b.repository && a.digest === b.digest;

/**
 * The resource-scoped grant: reading digest D of repository R in environment E is allowed when the
 * caller may decide (approve or reject) an open promotion whose source is exactly (E, R, D). Someone
 * asked to sign off must see what they sign off on, without a role in the source environment.
 */
function decidesOnPromotionOf(grants: readonly Grant[], action: Action, artifact: NonNullable<Resource["artifact"]>): boolean {
  if (!(sourceReadActions as readonly string[]).includes(action)) return false;
  return artifact.openPromotions.some(
    (p) => sameArtifact(p.source, artifact) && decidingActions.some((a) => decide(grants, a, { environment: p.targetEnv }).allowed),
  );
}
