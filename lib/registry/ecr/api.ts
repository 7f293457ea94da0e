/** The ECR API calls Dockmaster makes, each mapping SDK errors to RegistryError and following nextToken. */
import {
  DescribeImageReplicationStatusCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  type DescribeRegistryCommandOutput,
  type ECRClient,
  type ImageDetail,
  type ImageReplicationStatus,
  type ImageScanFindings,
  type ImageScanStatus,
  type LifecyclePolicyPreviewResult,
  type Repository,
} from "@aws-sdk/client-ecr";
import { isEcrError, mapEcrError } from "./errors";

export interface EcrApi {
  client: ECRClient;
  host: string;
}

const MAX_PAGES = 200;

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
  const out: Repository[] = [];
  let token: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await repositoryPage(api, 1000, token);
    out.push(...page.repositories);
    token = page.nextToken;
    if (!token) break;
  }
  return out;
}

export async function describeRepository(api: EcrApi, name: string): Promise<Repository> {
  const out = await call(api, `repository ${name}`, () => api.client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })));
  const repo = out.repositories?.[0];
  if (!repo) throw mapEcrError({ name: "RepositoryNotFoundException", message: `no repository ${name}` }, api.host, `repository ${name}`);
  return repo;
}

export async function allImages(api: EcrApi, repositoryName: string): Promise<ImageDetail[]> {
  const out: ImageDetail[] = [];
  let nextToken: string | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page = await call(api, `images of ${repositoryName}`, () => api.client.send(new DescribeImagesCommand({ repositoryName, maxResults: 1000, ...(nextToken ? { nextToken } : {}) })));
    out.push(...(page.imageDetails ?? []));
    nextToken = page.nextToken;
    if (!nextToken) break;
  }
  return out;
}

/** All findings of the latest scan (basic or enhanced, whichever the registry runs); null if never scanned. */
export async function scanFindings(api: EcrApi, repositoryName: string, imageDigest: string): Promise<{ status?: ImageScanStatus; findings: ImageScanFindings } | null> {
  const merged: ImageScanFindings = {};
  let status: ImageScanStatus | undefined;
  let nextToken: string | undefined;
  try {
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await api.client.send(new DescribeImageScanFindingsCommand({ repositoryName, imageId: { imageDigest }, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }));
      status = page.imageScanStatus;
      const f = page.imageScanFindings;
      if (f) {
        merged.imageScanCompletedAt ??= f.imageScanCompletedAt;
        merged.vulnerabilitySourceUpdatedAt ??= f.vulnerabilitySourceUpdatedAt;
        merged.findingSeverityCounts ??= f.findingSeverityCounts;
        if (f.findings) merged.findings = [...(merged.findings ?? []), ...f.findings];
        if (f.enhancedFindings) merged.enhancedFindings = [...(merged.enhancedFindings ?? []), ...f.enhancedFindings];
      }
      nextToken = page.nextToken;
      if (!nextToken) break;
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

/** The latest lifecycle preview (a dry run someone started); null when there is none. */
export async function lifecyclePreview(api: EcrApi, repositoryName: string): Promise<{ status?: string; results: LifecyclePolicyPreviewResult[] } | null> {
  const results: LifecyclePolicyPreviewResult[] = [];
  let status: string | undefined;
  let nextToken: string | undefined;
  try {
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await api.client.send(new GetLifecyclePolicyPreviewCommand({ repositoryName, maxResults: 100, ...(nextToken ? { nextToken } : {}) }));
      status = page.status;
      results.push(...(page.previewResults ?? []));
      nextToken = page.nextToken;
      if (!nextToken) break;
    }
  } catch (err) {
    if (isEcrError(err, "LifecyclePolicyPreviewNotFoundException")) return null;
    throw mapEcrError(err, api.host, `lifecycle preview of ${repositoryName}`);
  }
  return { ...(status ? { status } : {}), results };
}

export async function registryReplication(api: EcrApi): Promise<DescribeRegistryCommandOutput> {
  return call(api, "registry settings", () => api.client.send(new DescribeRegistryCommand({})));
}

export async function imageReplication(api: EcrApi, repositoryName: string, imageDigest: string): Promise<ImageReplicationStatus[]> {
  const out = await call(api, `replication status of ${repositoryName}@${imageDigest}`, () => api.client.send(new DescribeImageReplicationStatusCommand({ repositoryName, imageId: { imageDigest } })));
  return out.replicationStatuses ?? [];
}
