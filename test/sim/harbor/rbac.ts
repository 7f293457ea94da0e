/**
 * Who may do what in the Harbor simulator: the accounts it knows and the subset of Harbor's role
 * policies that the endpoints Dockmaster calls check. Harbor decides per request from the security
 * context (src/server/middleware/security/*) and the project role or robot permissions
 * (src/common/rbac/project/rbac_role.go, src/common/rbac/project/util.go for public projects); a
 * handler's RequireProjectAccess / RequireSystemAccess (src/server/v2.0/handler/base.go) answers
 * 401 to anonymous callers and 403 to authenticated ones without the permission.
 */

export type HarborAccountKind = "admin" | "maintainer" | "developer" | "guest" | "project-robot" | "system-robot";

export interface HarborAccount {
  username: string;
  password: string;
  kind: HarborAccountKind;
  /** projects the user is a member of with its role, or the project robot belongs to */
  projects?: string[];
  /** a disabled or expired account: its login fails and Harbor carries on as anonymous */
  disabled?: boolean;
}

/** Project-level permissions (resource:action) the simulated endpoints check. */
export type ProjectPermission =
  | "project:read"
  | "quota:read"
  | "repository:list"
  | "artifact:read"
  | "tag-retention:read"
  | "tag-retention:list"
  | "immutable-tag:list"
  | "artifact:delete"
  | "tag:delete";

/** System-level permissions: only system admins and system robots granted them have these. */
export type SystemPermission = "gc:create" | "system-volumes:read" | "replication-policy:list" | "replication-policy:read" | "replication:list" | "replication:read" | "replication:create";

const ALL_PROJECT: ProjectPermission[] = ["project:read", "quota:read", "repository:list", "artifact:read", "tag-retention:read", "tag-retention:list", "immutable-tag:list", "artifact:delete", "tag:delete"];

/**
 * src/common/rbac/project/rbac_role.go: maintainer and project admin list immutable-tag rules and
 * delete artifacts and tags, a developer does neither, a guest reads no retention either.
 */
const ROLE_PROJECT: Record<"maintainer" | "developer" | "guest", ProjectPermission[]> = {
  maintainer: ALL_PROJECT,
  developer: ["project:read", "quota:read", "repository:list", "artifact:read", "tag-retention:read", "tag-retention:list"],
  guest: ["project:read", "quota:read", "repository:list", "artifact:read"],
};

/** src/common/rbac/project/util.go publicProjectPolicies: anyone may read a public project's content, but not its quota. */
const PUBLIC_PROJECT: ProjectPermission[] = ["project:read", "repository:list", "artifact:read"];

/**
 * Robots carry explicit permission lists (src/common/rbac/project/robot.go); these are the ones a
 * typical pull robot gets in Harbor's UI ("pull repository", "list artifact", "read artifact").
 */
const ROBOT_PROJECT: ProjectPermission[] = ["project:read", "repository:list", "artifact:read"];

/** A system robot created for replication monitoring: it may read replication, not the system volumes. */
const SYSTEM_ROBOT: SystemPermission[] = ["replication-policy:list", "replication-policy:read", "replication:list", "replication:read"];

const ALL_SYSTEM: SystemPermission[] = ["gc:create", "system-volumes:read", "replication-policy:list", "replication-policy:read", "replication:list", "replication:read", "replication:create"];

/** The caller of a request: an account, or undefined for anonymous (no or rejected credentials). */
export type Caller = HarborAccount | undefined;

export function projectPermissions(caller: Caller, project: string, isPublic: boolean): Set<ProjectPermission> {
  if (caller?.kind === "admin") return new Set(ALL_PROJECT);
  const member = caller && (caller.kind === "system-robot" || (caller.projects ?? []).includes(project));
  if (member) {
    const own = caller.kind === "project-robot" || caller.kind === "system-robot" ? ROBOT_PROJECT : ROLE_PROJECT[caller.kind as keyof typeof ROLE_PROJECT];
    // a member of a public project also has the public policies (they are a subset here)
    return new Set(own);
  }
  return new Set(isPublic ? PUBLIC_PROJECT : []);
}

export function systemPermissions(caller: Caller): Set<SystemPermission> {
  if (caller?.kind === "admin") return new Set(ALL_SYSTEM);
  if (caller?.kind === "system-robot") return new Set(SYSTEM_ROBOT);
  return new Set();
}

/** Harbor's project listing: a system admin (and a system robot covering all projects) sees every project, others the public ones and their own. */
export function seesProject(caller: Caller, project: string, isPublic: boolean): boolean {
  return projectPermissions(caller, project, isPublic).has("project:read");
}
