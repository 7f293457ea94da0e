import { redirect } from "next/navigation";
import { CenteredCard } from "@/components/auth/centered-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { setupRequired } from "@/lib/auth/bootstrap";
import { safeCallbackPath } from "@/lib/auth/origin";
import { currentPrincipal } from "@/lib/auth/session";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  if (await setupRequired(await getPrisma())) redirect("/setup");
  const sp = await searchParams;
  // Only a path on this origin: anything else would make sign-in an open redirect (lib/auth/origin.ts).
  const callbackUrl = safeCallbackPath(sp.callbackUrl);
  if (await currentPrincipal()) redirect(callbackUrl);
  const initialError = sp.error ? (sp.error === "CredentialsSignin" ? "Wrong email or password." : sp.error) : undefined;
  return (
    <CenteredCard title="Sign in" subtitle="Use your Dockmaster account.">
      <SignInForm callbackUrl={callbackUrl} initialError={initialError} />
    </CenteredCard>
  );
}
