import type { PrismaClient } from "@/lib/db/generated/client";
import type { ArtifactRef, Resource } from "@/lib/auth/policy";
import { environmentOf } from "@/lib/inventory/namespace";
import { isDigest } from "@/lib/registry";

/**
 * The resource for reading one artifact by digest (its page, its scan), carrying the promotions still
 * awaiting a decision whose source it is exactly: the policy (lib/auth/policy.ts) lets whoever may
 * decide one of them read it. Only a digest qualifies: a tag may move after the request was made.
 */
export async function artifactReadResource(
  prisma: PrismaClient,
  at: { repository: string; ref: string; environments: readonly { name: string; namespace: string }[] },
): Promise<Resource> {
  const env = environmentOf(at.repository, at.environments);
  if (!env || !isDigest(at.ref)) return {};
  const artifact: ArtifactRef = { environment: env.name, repository: at.repository, digest: at.ref };
  const open = await prisma.promotion.findMany({
    where: { status: "requested", sourceEnv: artifact.environment, sourceRepository: artifact.repository, digest: artifact.digest },
    select: { targetEnv: true, sourceEnv: true, sourceRepository: true, digest: true },
  });
  return {
    artifact: {
      ...artifact,
      openPromotions: open.map((p) => ({ targetEnv: p.targetEnv, source: { environment: p.sourceEnv, repository: p.sourceRepository, digest: p.digest } })),
    },
  };
}
