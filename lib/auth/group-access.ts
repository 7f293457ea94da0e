/**
 * Roles granted by directory groups (dockmaster.yaml `access:`). Not stored as grants: they are
 * computed on every request from the groups the identity provider or directory last reported for the
 * account (User.groups, refreshed at each sign-in) and the rules of the running config, so a group
 * that disappears from a person's claims, or a rule removed from the file, takes its roles with it.
 */
import type { AccessRule } from "./identity-config";
import type { Grant } from "./policy";

const holder = globalThis as unknown as { __dmAccessRules?: readonly AccessRule[] };

/** Called once the config is loaded (lib/runtime.ts). */
export function setAccessRules(rules: readonly AccessRule[]): void {
  holder.__dmAccessRules = rules;
}

/** Group names compare case-insensitively: directories disagree on the case of the same group. */
export function groupGrants(groups: readonly string[], rules: readonly AccessRule[] = holder.__dmAccessRules ?? []): Grant[] {
  if (!groups.length || !rules.length) return [];
  const held = new Set(groups.map((g) => g.toLowerCase()));
  return rules.filter((r) => held.has(r.group.toLowerCase())).map((r) => ({ role: r.role, environment: r.environment ?? null, group: r.group }));
}
