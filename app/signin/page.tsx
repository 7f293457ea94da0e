import { redirect } from "next/navigation";
import { CenteredCard } from "@/components/auth/centered-card";
import { LdapSignInForm } from "@/components/auth/ldap-sign-in-form";
import { SignInForm } from "@/components/auth/sign-in-form";
import { SsoSignInButton } from "@/components/auth/sso-sign-in-button";
import { setupRequired } from "@/lib/auth/bootstrap";
import { safeCallbackPath } from "@/lib/auth/origin";
import { currentPrincipal } from "@/lib/auth/session";
import { signInErrorText } from "@/lib/auth/oidc-errors";
import { getPrisma, getRuntime } from "@/lib/runtime";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  if (await setupRequired(await getPrisma())) redirect("/setup");
  const sp = await searchParams;
  // Only a path on this origin: anything else would make sign-in an open redirect (lib/auth/origin.ts).
  const callbackUrl = safeCallbackPath(sp.callbackUrl);
  if (await currentPrincipal()) redirect(callbackUrl);
  const auth = (await getRuntime()).config.auth;
  const { oidc, ldap } = auth ?? {};
  const initialError = sp.error ? signInErrorText(sp.error, oidc?.name) : undefined;
  return (
    <CenteredCard title="Sign in" subtitle="Use your Dockmaster account.">
      {oidc && (
        <div className="mb-4">
          <SsoSignInButton name={oidc.name} callbackUrl={callbackUrl} />
        </div>
      )}
      {ldap && (
        <div className="mb-6 border-b border-slate-200 pb-6">
          <LdapSignInForm name={ldap.name} callbackUrl={callbackUrl} />
        </div>
      )}
      {auth?.local === false && (
        // said to everyone alike, so a refused password reveals nothing about which account may still use one
        <p className="mb-3 text-sm text-slate-600" data-testid="local-off-note">
          Password sign-in is kept for the break-glass account only (auth.local: false): use single sign-on or the directory.
        </p>
      )}
      <SignInForm callbackUrl={callbackUrl} initialError={initialError} />
    </CenteredCard>
  );
}
