import Link from "next/link";
import { cookies } from "next/headers";
import { Suspense } from "react";
import { navigationFor } from "@/lib/auth/navigation";
import type { Grant } from "@/lib/auth/policy";
import { parseTheme, THEME_COOKIE } from "@/lib/ui/theme";
import { GlobalSearch } from "./global-search";
import { MobileMenu } from "./mobile-menu";
import { NavigationProgress } from "./navigation-progress";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out-button";
import { SkipLink } from "./skip-link";
import { ThemeToggle } from "./theme-toggle";

/** `promotionsBadge`: the count of promotions awaiting the user's decision, streamed in beside "Promotions". */
export async function AppShell({ user, roles, grants, promotionsBadge, children }: { user: string; roles: string; grants: readonly Grant[]; promotionsBadge?: React.ReactNode; children: React.ReactNode }) {
  // sections whose page would only refuse this person are not offered
  const nav = navigationFor(grants);
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  // one element, placed twice: the fixed column from md up, the Menu button's panel below it
  const navigation = (
    <>
      <div className="mb-6 px-3 text-lg font-semibold tracking-tight text-shell-strong">
        <span className="text-shell-accent">Dock</span>master
      </div>
      <nav className="space-y-1" aria-label="Main navigation">
        {nav.map((n) => (
          <NavLink key={n.href} href={n.href}>
            {n.label}
            {n.href === "/promotions" && promotionsBadge}
          </NavLink>
        ))}
      </nav>
    </>
  );
  return (
    <div className="flex min-h-screen">
      <SkipLink target="main" />
      {/* useSearchParams needs a Suspense boundary of its own; the bar has no server fallback */}
      <Suspense fallback={null}>
        <NavigationProgress />
      </Suspense>
      <aside className="hidden w-56 shrink-0 border-r border-slate-200 bg-shell px-3 py-5 md:block">{navigation}</aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex flex-wrap items-center justify-end gap-x-4 gap-y-2 border-b border-slate-200 bg-white px-4 py-3 md:px-6">
          <MobileMenu>{navigation}</MobileMenu>
          <div className="order-last w-full lg:order-none lg:mr-auto lg:w-auto">
            <GlobalSearch />
          </div>
          <div className="min-w-0 text-right text-sm">
            <div className="truncate font-medium" data-testid="current-user">
              {user}
            </div>
            <div className="text-xs text-slate-500" data-testid="current-roles">
              {roles}
            </div>
          </div>
          <ThemeToggle initial={theme} />
          <Link href="/account" className="text-sm text-sky-700 hover:underline">
            Account
          </Link>
          <Link href="/account/tokens" className="text-sm text-sky-700 hover:underline">
            API tokens
          </Link>
          <SignOutButton />
        </header>
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 p-4 focus:outline-none md:p-6">
          {children}
        </main>
      </div>
    </div>
  );
}
