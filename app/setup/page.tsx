import { redirect } from "next/navigation";
import { CenteredCard } from "@/components/auth/centered-card";
import { SetupForm } from "@/components/auth/setup-form";
import { createFirstAdmin } from "./actions";
import { setupRequired } from "@/lib/auth/bootstrap";
import { getPrisma } from "@/lib/runtime";

export const dynamic = "force-dynamic";
export const metadata = { title: "First-time setup" };

export default async function SetupPage() {
  if (!(await setupRequired(await getPrisma()))) redirect("/signin");
  return (
    <CenteredCard title="Create the first administrator" subtitle="This page is shown once, until an administrator exists.">
      <SetupForm action={createFirstAdmin} />
    </CenteredCard>
  );
}
