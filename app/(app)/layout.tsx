import { redirect } from "next/navigation";
import { Suspense } from "react";
import { AwaitingDecisionBadge } from "@/components/promotions/awaiting-badge";
import { Providers } from "@/components/providers";
import { AppShell } from "@/components/shell/app-shell";
import { describeGrants } from "@/lib/auth/describe";
import { currentPrincipal } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const me = await currentPrincipal();
  if (!me) redirect("/signin");
  return (
    <Providers>
      <AppShell
        user={me.email}
        roles={describeGrants(me.grants)}
        promotionsBadge={
          <Suspense fallback={null}>
            <AwaitingDecisionBadge me={me} />
          </Suspense>
        }
      >
        {children}
      </AppShell>
    </Providers>
  );
}
