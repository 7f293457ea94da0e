import { redirect } from "next/navigation";
import { CenteredCard } from "@/components/auth/centered-card";
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
  const oidc = (await getRuntime()).config.auth?.oidc;
  const initialError = sp.error ? signInErrorText(sp.error, oidc?.name) : undefined;
  return (
    <CenteredCard title="Sign in" subtitle="Use your Dockmaster account.">
      {oidc && (
        <div className="mb-4">
          <SsoSignInButton name={oidc.name} callbackUrl={callbackUrl} />
        </div>
      )}
      <SignInForm callbackUrl={callbackUrl} initialError={initialError} />
    </CenteredCard>
  );
}
