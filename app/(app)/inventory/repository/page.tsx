import Link from "next/link";
import { z } from "zod";
import { CopyDigest } from "@/components/registry/copy-digest";
import { Forbidden } from "@/components/shell/forbidden";
import { PageHeader } from "@/components/shell/page-header";
import { Breadcrumbs } from "@/components/shell/breadcrumbs";
import { indexCrumbs } from "@/lib/browse/breadcrumbs";
import { EmptyState } from "@/components/ui/empty-state";
import { authorizePage } from "@/lib/auth/page";
import { shortDigest } from "@/lib/format";
import { repositoryTags } from "@/lib/inventory/index/reads";
import { tagUrl } from "@/lib/inventory/index/urls";
import { getPrisma } from "@/lib/runtime";
import { Time } from "@/components/ui/time";

export const metadata = { title: "Indexed repository" };
export const dynamic = "force-dynamic";

const query = z.object({ environment: z.string().min(1).max(64), repository: z.string().min(1).max(512) });

/** /inventory/repository?environment=dev&repository=team/api — the repository's current tags, each linking to its lifecycle. */
export default async function IndexedRepositoryPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const parsed = query.safeParse(await searchParams);
  const access = parsed.success ? await authorizePage("environment.view", { environment: parsed.data.environment }) : await authorizePage();
  if (!access.ok) return <Forbidden message={access.message} />;
  if (!parsed.success) return <EmptyState title="No repository given">Open a repository from the search in the top bar.</EmptyState>;
  const { environment, repository } = parsed.data;
  const tags = await repositoryTags(await getPrisma(), [environment], { environment, repository });
  return (
    <>
      <Breadcrumbs crumbs={indexCrumbs({ environment, repository })} />
      <PageHeader title={repository} description={`Current tags in ${environment}, from the inventory index.`} />
      <div className="card overflow-x-auto">
        <table className="table" data-testid="indexed-tags">
          <thead>
            <tr>
              <th>Tag</th>
              <th>Digest</th>
              <th>Since</th>
              <th>Last confirmed</th>
            </tr>
          </thead>
          <tbody>
            {tags.length === 0 && (
              <tr>
                <td colSpan={4} className="py-6 text-center text-slate-500">
                  No tags indexed for this repository.
                </td>
              </tr>
            )}
            {tags.map((t) => (
              <tr key={t.tag}>
                <td className="font-mono text-xs">
                  <Link className="text-sky-700 hover:underline" href={tagUrl(environment, repository, t.tag)}>
                    {t.tag}
                  </Link>
                </td>
                <td>
                  <CopyDigest digest={t.digest} short={shortDigest(t.digest)} />
                </td>
                <td className="whitespace-nowrap font-mono text-xs">
                  <Time at={t.since} />
                </td>
                <td className="whitespace-nowrap font-mono text-xs">
                  <Time at={t.seenAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
