import { Suspense } from "react";
import { GlobalSearch } from "./global-search";
import { NavigationProgress } from "./navigation-progress";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out-button";

const nav = [
  { href: "/", label: "Environments" },
  { href: "/registries", label: "Registries" },
  { href: "/promotions", label: "Promotions" },
  { href: "/scans", label: "Scans" },
  { href: "/exceptions", label: "Exceptions" },
  { href: "/retention", label: "Retention" },
  { href: "/replication", label: "Replication" },
  { href: "/probes", label: "Probes" },
  { href: "/audit", label: "Audit" },
  { href: "/settings", label: "Settings" },
];

export function AppShell({ user, roles, children }: { user: string; roles: string; children: React.ReactNode }) {
  return (
    <div className="flex min-h-screen">
      {/* useSearchParams needs a Suspense boundary of its own; the bar has no server fallback */}
      <Suspense fallback={null}>
        <NavigationProgress />
      </Suspense>
      <aside className="w-56 shrink-0 bg-slate-900 px-3 py-5">
        <div className="mb-6 px-3 text-lg font-semibold tracking-tight text-white">
          <span className="text-sky-400">Dock</span>master
        </div>
        <nav className="space-y-1" aria-label="Main navigation">
          {nav.map((n) => (
            <NavLink key={n.href} href={n.href}>
              {n.label}
            </NavLink>
          ))}
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-end gap-4 border-b border-slate-200 bg-white px-6 py-3">
          <GlobalSearch />
          <div className="text-right text-sm">
            <div className="font-medium" data-testid="current-user">
              {user}
            </div>
            <div className="text-xs text-slate-500" data-testid="current-roles">
              {roles}
            </div>
          </div>
          <a href="/account" className="text-sm text-sky-700 hover:underline">
            Account
          </a>
          <a href="/account/tokens" className="text-sm text-sky-700 hover:underline">
            API tokens
          </a>
          <SignOutButton />
        </header>
        <main className="flex-1 p-6">{children}</main>
      </div>
    </div>
  );
}
