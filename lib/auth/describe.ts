import type { Grant } from "./policy";

/** "admin", or "developer · approver@prod" — how the top bar names the caller's roles. */
export function describeGrants(grants: readonly Grant[]): string {
  if (grants.length === 0) return "no role";
  const order = ["admin", "approver", "developer", "viewer"];
  return [...grants]
    .sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role) || (a.environment ?? "").localeCompare(b.environment ?? ""))
    .map((g) => (g.environment ? `${g.role}@${g.environment}` : g.role))
    .join(" · ");
}
