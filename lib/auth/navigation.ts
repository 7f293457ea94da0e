import { decide, type Action, type Grant } from "./policy";

/**
 * The sections of the main navigation and the permission each section's page checks first
 * (authorizePage in its page.tsx). A section whose page would only answer "Access denied" is left
 * out of the navigation; pages without one filter their content per item, so everyone sees them.
 */
export const navigationSections: { href: string; label: string; requires?: Action; inSomeEnvironment?: Action }[] = [
  { href: "/", label: "Environments" },
  { href: "/registries", label: "Registries", requires: "registry.view" },
  { href: "/promotions", label: "Promotions" },
  { href: "/scans", label: "Scans", requires: "scan.view" },
  { href: "/exceptions", label: "Exceptions", requires: "scan.view" },
  // the page lists the environments where the person may compute plans
  { href: "/retention", label: "Retention", inSomeEnvironment: "retention.plan" },
  { href: "/replication", label: "Replication", requires: "replication.view" },
  { href: "/probes", label: "Probes", requires: "probe.view" },
  { href: "/audit", label: "Audit", requires: "audit.view" },
  { href: "/settings", label: "Settings", requires: "settings.manage" },
];

/** Whether some grant allows the environment action somewhere (a global grant: everywhere). */
const heldSomewhere = (grants: readonly Grant[], action: Action) => grants.some((g) => decide([g], action, { environment: g.environment ?? "(any)" }).allowed);

export function navigationFor(grants: readonly Grant[]): { href: string; label: string }[] {
  return navigationSections
    .filter((s) => (!s.requires || decide(grants, s.requires).allowed) && (!s.inSomeEnvironment || heldSomewhere(grants, s.inSomeEnvironment)))
    .map(({ href, label }) => ({ href, label }));
}
