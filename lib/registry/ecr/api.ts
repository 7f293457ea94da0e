/** The ECR API calls Dockmaster makes, each mapping SDK errors to RegistryError and following nextToken (the SDK's paginators). */
import {
  DescribeImageReplicationStatusCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  type DescribeRegistryCommandOutput,
  type ECRClient,
  type ImageDetail,
  type ImageReplicationStatus,
  type ImageScanFindings,
  type ImageScanStatus,
  type LifecyclePolicyPreviewResult,
  type Repository,
  paginateDescribeImages,
  paginateDescribeImageScanFindings,
  paginateDescribeRepositories,
  paginateGetLifecyclePolicyPreview,
} from "@aws-sdk/client-ecr";
import { isEcrError, mapEcrError } from "./errors";

export interface EcrApi {
  client: ECRClient;
  host: string;
}

const MAX_PAGES = 200;

/** The pages of an SDK paginator, at most MAX_PAGES: a service that keeps sending tokens must not hold us forever. */
async function* bounded<T>(paginator: AsyncIterable<T>): AsyncGenerator<T> {
  let n = 0;
  for await (const page of paginator) {
    yield page;
    if (++n >= MAX_PAGES) return;
  }
}

async function call<T>(api: EcrApi, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapEcrError(err, api.host, what);
  }
}

export async function repositoryPage(api: EcrApi, pageSize: number, nextToken?: string): Promise<{ repositories: Repository[]; nextToken?: string }> {
  const out = await call(api, "repositories", () => api.client.send(new DescribeRepositoriesCommand({ maxResults: pageSize, ...(nextToken ? { nextToken } : {}) })));
  return { repositories: out.repositories ?? [], ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
}

export async function allRepositories(api: EcrApi): Promise<Repository[]> {
  return call(api, "repositories", async () => {
    const out: Repository[] = [];
    for await (const page of bounded(paginateDescribeRepositories({ client: api.client, pageSize: 1000 }, {}))) out.push(...(page.repositories ?? []));
    return out;
  });
}

export async function describeRepository(api: EcrApi, name: string): Promise<Repository> {
  const out = await call(api, `repository ${name}`, () => api.client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })));
  const repo = out.repositories?.[0];
  if (!repo) throw mapEcrError({ name: "RepositoryNotFoundException", message: `no repository ${name}` }, api.host, `repository ${name}`);
  return repo;
}

export async function allImages(api: EcrApi, repositoryName: string): Promise<ImageDetail[]> {
  return call(api, `images of ${repositoryName}`, async () => {
    const out: ImageDetail[] = [];
    for await (const page of bounded(paginateDescribeImages({ client: api.client, pageSize: 1000 }, { repositoryName }))) out.push(...(page.imageDetails ?? []));
    return out;
  });
}

/** All findings of the latest scan (basic or enhanced, whichever the registry runs); null if never scanned. */
export async function scanFindings(api: EcrApi, repositoryName: string, imageDigest: string): Promise<{ status?: ImageScanStatus; findings: ImageScanFindings } | null> {
  const merged: ImageScanFindings = {};
  let status: ImageScanStatus | undefined;
  try {
    for await (const page of bounded(paginateDescribeImageScanFindings({ client: api.client, pageSize: 1000 }, { repositoryName, imageId: { imageDigest } }))) {
      status = page.imageScanStatus;
      const f = page.imageScanFindings;
      if (f) {
        merged.imageScanCompletedAt ??= f.imageScanCompletedAt;
        merged.vulnerabilitySourceUpdatedAt ??= f.vulnerabilitySourceUpdatedAt;
        merged.findingSeverityCounts ??= f.findingSeverityCounts;
        if (f.findings) merged.findings = [...(merged.findings ?? []), ...f.findings];
        if (f.enhancedFindings) merged.enhancedFindings = [...(merged.enhancedFindings ?? []), ...f.enhancedFindings];
      }
    }
  } catch (err) {
    if (isEcrError(err, "ScanNotFoundException")) return null;
    throw mapEcrError(err, api.host, `scan findings of ${repositoryName}@${imageDigest}`);
  }
  return { ...(status ? { status } : {}), findings: merged };
}

export async function lifecyclePolicy(api: EcrApi, repositoryName: string): Promise<string | null> {
  try {
    return (await api.client.send(new GetLifecyclePolicyCommand({ repositoryName }))).lifecyclePolicyText ?? null;
  } catch (err) {
    if (isEcrError(err, "LifecyclePolicyNotFoundException")) return null;
    throw mapEcrError(err, api.host, `lifecycle policy of ${repositoryName}`);
  }
}

/** The latest lifecycle preview (a dry run someone started), with the policy text it ran with; null when there is none. */
export async function lifecyclePreview(api: EcrApi, repositoryName: string): Promise<{ status?: string; policyText?: string; results: LifecyclePolicyPreviewResult[] } | null> {
  const results: LifecyclePolicyPreviewResult[] = [];
  let status: string | undefined;
  let policyText: string | undefined;
  try {
    // 100 is GetLifecyclePolicyPreview's maximum page (LifecyclePreviewMaxResults); ECR refuses more
    for await (const page of bounded(paginateGetLifecyclePolicyPreview({ client: api.client, pageSize: 100 }, { repositoryName }))) {
      status = page.status;
      policyText ??= page.lifecyclePolicyText;
      results.push(...(page.previewResults ?? []));
    }
  } catch (err) {
    if (isEcrError(err, "LifecyclePolicyPreviewNotFoundException")) return null;
    throw mapEcrError(err, api.host, `lifecycle preview of ${repositoryName}`);
  }
  return { ...(status ? { status } : {}), ...(policyText ? { policyText } : {}), results };
}

export async function registryReplication(api: EcrApi): Promise<DescribeRegistryCommandOutput> {
  return call(api, "registry settings", () => api.client.send(new DescribeRegistryCommand({})));
}

export async function imageReplication(api: EcrApi, repositoryName: string, imageDigest: string): Promise<ImageReplicationStatus[]> {
  const out = await call(api, `replication status of ${repositoryName}@${imageDigest}`, () => api.client.send(new DescribeImageReplicationStatusCommand({ repositoryName, imageId: { imageDigest } })));
  return out.replicationStatuses ?? [];
}
