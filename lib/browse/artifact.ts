import { describeRegistryError, isIndexJson, isReferrersTag, type ArtifactDetails, type Descriptor, type Referrer, type RegistryProvider } from "@/lib/registry";
import { allTags } from "./repositories";
import { describeRef, resolveTag } from "./tags";

export interface ArtifactView {
  details: ArtifactDetails;
  layers: Descriptor[];
  tags: string[];
  referrers: { ok: true; items: Referrer[]; via: string } | { ok: false; message: string };
}

/** Everything the artifact page shows; referrers failing does not hide the artifact itself. */
export async function describeArtifactPage(p: RegistryProvider, repo: string, ref: string): Promise<ArtifactView> {
  const details = await describeRef(p, repo, ref);
  const layers = isIndexJson(details.manifest.json) ? [] : details.manifest.json.layers;
  const [tags, referrers] = await Promise.all([
    tagsFor(p, repo, details.digest),
    p
      .listReferrers(repo, details.digest)
      .then((r) => ({ ok: true as const, items: r.referrers, via: r.via }))
      .catch((e) => ({ ok: false as const, message: describeRegistryError(e).message })),
  ]);
  return { details, layers, tags, referrers };
}

/** Tags of the repository that currently point at digest (the referrers fallback tag excluded). */
async function tagsFor(p: RegistryProvider, repo: string, digest: string): Promise<string[]> {
  const tags = (await allTags(p, repo)).filter((t) => !isReferrersTag(t));
  if (tags.length > 200) return [];
  const heads = await Promise.all(tags.map(async (t) => ({ t, d: (await resolveTag(p, repo, t).catch(() => null))?.digest })));
  return heads.filter((h) => h.d === digest).map((h) => h.t);
}
