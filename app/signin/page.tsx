import { redirect } from "next/navigation";
import { CenteredCard } from "@/components/auth/centered-card";
import { LdapSignInForm } from "@/components/auth/ldap-sign-in-form";
import { SignInForm } from "@/components/auth/sign-in-form";
import { setupRequired } from "@/lib/auth/bootstrap";
import { safeCallbackPath } from "@/lib/auth/origin";
import { currentPrincipal } from "@/lib/auth/session";
import { getPrisma, getRuntime } from "@/lib/runtime";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  if (await setupRequired(await getPrisma())) redirect("/setup");
  const sp = await searchParams;
  // Only a path on this origin: anything else would make sign-in an open redirect (lib/auth/origin.ts).
  const callbackUrl = safeCallbackPath(sp.callbackUrl);
  if (await currentPrincipal()) redirect(callbackUrl);
  const initialError = sp.error ? (sp.error === "CredentialsSignin" ? "Wrong email or password." : sp.error) : undefined;
  const ldap = (await getRuntime()).config.auth?.ldap;
  return (
    <CenteredCard title="Sign in" subtitle="Use your Dockmaster account.">
      {ldap && (
        <div className="mb-6 border-b border-slate-200 pb-6">
          <LdapSignInForm name={ldap.name} callbackUrl={callbackUrl} />
        </div>
      )}
      <SignInForm callbackUrl={callbackUrl} initialError={initialError} />
    </CenteredCard>
  );
}
