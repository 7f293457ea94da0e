import { z } from "zod";
import { ExceptionForm } from "@/components/exceptions/exception-form";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { authorizePage } from "@/lib/auth/page";
import { currentExceptionSettings } from "@/lib/exceptions/default-settings";
import { getPrisma } from "@/lib/runtime";
import { createExceptionAction } from "../actions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Accept a vulnerability" };

const text = z.string().max(300).optional().catch(undefined);
const query = z.object({ cve: text, package: text, registry: text, repository: text, digest: text, environment: text, returnTo: text });

/**
 * The "Accept this CVE…" form, opened from a scan with the finding and the digest filled in. Anyone
 * who may read scans sees it; saving needs the approver role where the exception reaches (checked
 * by the server action).
 */
export default async function NewExceptionPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const access = await authorizePage("scan.view");
  if (!access.ok) return <Forbidden message={access.message} />;
  const q = query.parse(await searchParams);
  const environments = (await (await getPrisma()).environment.findMany({ orderBy: { order: "asc" }, select: { name: true } })).map((e) => e.name);
  const { maxDays } = await currentExceptionSettings();
  return (
    <>
      <PageHeader title="Accept a vulnerability" description="Scan gates and scan views leave the accepted findings out until the expiry date; then they count again. Creating one needs the approver role in every environment it reaches, and is audited." />
      <ExceptionForm action={createExceptionAction} environments={environments} maxDays={maxDays} defaults={{ ...q, owner: access.principal.email }} />
    </>
  );
}
