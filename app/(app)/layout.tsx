import { Suspense } from "react";
import { AwaitingDecisionBadge } from "@/components/promotions/awaiting-badge";
import { Providers } from "@/components/providers";
import { AppShell } from "@/components/shell/app-shell";
import { BrowserZoneReporter, TimeZoneProvider } from "@/components/ui/time";
import { describeGrants } from "@/lib/auth/describe";
import { redirectToSignIn } from "@/lib/auth/requested-path";
import { currentPrincipal } from "@/lib/auth/session";
import { currentTimeZone } from "@/lib/auth/time-zone";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const me = await currentPrincipal();
  if (!me) return redirectToSignIn();
  const time = await currentTimeZone();
  return (
    <Providers>
      <TimeZoneProvider zone={time.zone}>
        <BrowserZoneReporter followsBrowser={time.stored === null} renderedIn={time.zone} />
        <AppShell
          user={me.email}
          roles={describeGrants(me.grants)}
          grants={me.grants}
          promotionsBadge={
            <Suspense fallback={null}>
              <AwaitingDecisionBadge me={me} />
            </Suspense>
          }
        >
          {children}
        </AppShell>
      </TimeZoneProvider>
    </Providers>
  );
}
