import { redirect } from "next/navigation";
import { CenteredCard } from "@/components/auth/centered-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { setupRequired } from "@/lib/auth/bootstrap";
import { currentPrincipal } from "@/lib/auth/session";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

/** Only same-site paths: an absolute callbackUrl would make this page an open redirect. */
function safeCallback(raw: string | undefined): string {
  return raw && raw.startsWith("/") && !raw.startsWith("//") ? raw : "/";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  if (await setupRequired(await getPrisma())) redirect("/setup");
  const sp = await searchParams;
  if (await currentPrincipal()) redirect(safeCallback(sp.callbackUrl));
  const initialError = sp.error ? (sp.error === "CredentialsSignin" ? "Wrong email or password." : sp.error) : undefined;
  return (
    <CenteredCard title="Sign in" subtitle="Use your Dockmaster account.">
      <SignInForm callbackUrl={safeCallback(sp.callbackUrl)} initialError={initialError} />
    </CenteredCard>
  );
}
