import { DigestLocationsTable } from "@/components/inventory/digest-locations";
import { CopyDigest } from "@/components/registry/copy-digest";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { authorizePage } from "@/lib/auth/page";
import { shortDigest } from "@/lib/format";
import { visibleEnvironments } from "@/lib/inventory/index/access";
import { digestLocations } from "@/lib/inventory/index/reads";
import { getPrisma } from "@/lib/runtime";

export const metadata = { title: "Digest locations" };
export const dynamic = "force-dynamic";

/** /inventory/digest/sha256:… — everywhere the digest is or was, in the environments the caller may see (filtered per row). */
export default async function DigestPage({ params }: { params: Promise<{ digest: string }> }) {
  const access = await authorizePage();
  if (!access.ok) return <Forbidden message={access.message} />;
  const digest = decodeURIComponent((await params).digest);
  if (!/^sha(256|512):[0-9a-f]{64,128}$/.test(digest)) return <EmptyState title="Not a digest">Expected sha256:&lt;64 hex&gt;.</EmptyState>;
  const prisma = await getPrisma();
  const locations = await digestLocations(prisma, await visibleEnvironments(prisma, access.principal.grants), digest);
  return (
    <>
      <PageHeader title={shortDigest(digest)} description="Every environment, repository and tag where this digest is or was, from the inventory index." />
      <p className="mb-4 text-sm">
        <CopyDigest digest={digest} short={digest} />
      </p>
      <DigestLocationsTable locations={locations} testId="digest-locations" />
    </>
  );
}
