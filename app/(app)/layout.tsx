import { Providers } from "@/components/providers";
import { AppShell } from "@/components/shell/app-shell";
import { describeGrants } from "@/lib/auth/describe";
import { redirectToSignIn } from "@/lib/auth/requested-path";
import { currentPrincipal } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const me = await currentPrincipal();
  if (!me) return redirectToSignIn();
  return (
    <Providers>
      <AppShell user={me.email} roles={describeGrants(me.grants)}>
        {children}
      </AppShell>
    </Providers>
  );
}
