/**
 * Amazon ECR: management through @aws-sdk/client-ecr (repositories, images, scan findings, lifecycle
 * policy previews, replication), content through the OCI client with the short-lived `AWS:<token>`
 * credentials GetAuthorizationToken issues (see token.ts).
 */
import type { ImageDeleteSource, LifecycleSource, RepositoryInfoSource, ReplicationSource, ScanSource, TagDigestSource } from "../capabilities";
import { RegistryError } from "../errors";
import { inNamespace } from "../namespace";
import type { OciClientOptions } from "../oci/client";
import type { OciProvider } from "../oci/provider";
import { normalizeRegistryUrl } from "../transport/transport";
import type { RegistryCapabilities, RegistryConnection, RegistryProvider } from "../provider";
import { allRepositories, imageReplication, registryReplication, repositoryPage, scanFindings, type EcrApi } from "./api";
import { createEcrApiClient, type EcrClientOptions } from "./client";
import { ECR_DELETION, ecrDeleteImage, ecrDeleteTag } from "./delete";
import { ecrTagLifecycle } from "./lifecycle";
import { ecrTagDigests } from "./tag-digests";
import { createTokenSource } from "./token";

const ECR_CAPABILITIES: RegistryCapabilities = {
  referrers: true,
  scanReports: true,
  replication: true,
  blobMount: false,
};

export type EcrProvider = RegistryProvider & ScanSource & ReplicationSource & LifecycleSource & RepositoryInfoSource & TagDigestSource & ImageDeleteSource & { tokenExpiresAt(): number | undefined };

export function createEcrProvider(conn: RegistryConnection, options: OciClientOptions & EcrClientOptions = {}): EcrProvider {
  const client = createEcrApiClient(conn, options);
  const apiHost = conn.aws?.endpoint ? new URL(conn.aws.endpoint).host : `api.ecr.${conn.aws?.region}.amazonaws.com`;
  const api: EcrApi = { client, host: apiHost };
  const tokens = createTokenSource(conn, client, apiHost, options);
  const host = normalizeRegistryUrl(conn.url).host;

  /** Runs a content call; a refused token is replaced once (rotated keys, revoked token). */
  async function withOci<T>(fn: (oci: OciProvider) => Promise<T>, replayable = true): Promise<T> {
    const oci = await tokens.oci();
    try {
      return await fn(oci);
    } catch (err) {
      if (!(replayable && err instanceof RegistryError && err.kind === "unauthorized")) throw err;
      tokens.invalidate(oci);
      return fn(await tokens.oci());
    }
  }

  return {
    kind: "ecr",
    name: conn.name,
    host,
    capabilities: ECR_CAPABILITIES,
    tokenExpiresAt: () => tokens.tokenExpiresAt(),
    ping: () => withOci((o) => o.ping()),
    async listRepositories(opts = {}) {
      const page = await repositoryPage(api, Math.min(Math.max(opts.pageSize ?? 100, 1), 1000), opts.cursor);
      return { items: page.repositories.map((r) => r.repositoryName ?? "").filter(Boolean), ...(page.nextToken ? { next: page.nextToken } : {}) };
    },
    listTags: (repo, opts) => withOci((o) => o.listTags(repo, opts)),
    getManifest: (repo, ref, accept) => withOci((o) => o.getManifest(repo, ref, accept)),
    headManifest: (repo, ref) => withOci((o) => o.headManifest(repo, ref)),
    getConfig: (repo, digest) => withOci((o) => o.getConfig(repo, digest)),
    headBlob: (repo, digest) => withOci((o) => o.headBlob(repo, digest)),
    openBlob: (repo, digest) => withOci((o) => o.openBlob(repo, digest)),
    getBlob: (repo, digest, maxBytes) => withOci((o) => o.getBlob(repo, digest, maxBytes)),
    listReferrers: (repo, digest, opts) => withOci((o) => o.listReferrers(repo, digest, opts)),
    describeArtifact: (repo, ref) => withOci((o) => o.describeArtifact(repo, ref)),
    putManifest: (repo, ref, bytes, mediaType) => withOci((o) => o.putManifest(repo, ref, bytes, mediaType)),
    deleteManifest: (repo, digest) => withOci((o) => o.deleteManifest(repo, digest)),
    deletion: ECR_DELETION,
    deleteImage: (repo, digest) => ecrDeleteImage(api, repo, digest),
    deleteTag: (repo, tag) => ecrDeleteTag(api, repo, tag),
    uploadBlob: (repo, bytes, opts) => withOci((o) => o.uploadBlob(repo, bytes, opts)),
    uploadBlobStream: (repo, source, opts) => withOci((o) => o.uploadBlobStream(repo, source, opts), false),
    mountBlob: (repo, digest, from) => withOci((o) => o.mountBlob(repo, digest, from)),

    async getScanReport(repo, digest) {
      const found = await scanFindings(api, repo, digest);
      if (!found) return null;
      return { format: "ecr", scanType: found.findings.enhancedFindings ? "enhanced" : "basic", ...(found.status?.status ? { status: found.status.status } : {}), findings: found.findings };
    },
    async replicationPolicies() {
      const registry = await registryReplication(api);
      return (registry.replicationConfiguration?.rules ?? []).map((rule, i) => ({
        id: `rule-${i + 1}`,
        name: `replication rule ${i + 1}`,
        source: `this registry (${registry.registryId ?? "?"})`,
        destination: (rule.destinations ?? []).map((d) => `${d.region} / ${d.registryId}`).join(", "),
        trigger: "on push",
        enabled: true,
        filters: (rule.repositoryFilters ?? []).map((f) => `${(f.filterType ?? "PREFIX_MATCH").toLowerCase().replace("_", " ")} ${f.filter}`),
        // ECR replicates on push by itself; there is nothing to start
        triggerable: false,
      }));
    },
    // ECR keeps no execution history: per-image status is what it offers
    replicationExecutions: async () => [],
    replicationTasks: async () => [],
    async imageReplicationStatus(repo, digest) {
      return (await imageReplication(api, repo, digest)).map((s) => ({ destination: `${s.region} / ${s.registryId}`, status: s.status ?? "UNKNOWN", ...(s.failureCode ? { failureCode: s.failureCode } : {}) }));
    },
    tagLifecycle: (repo) => ecrTagLifecycle(api, repo),
    // whole every time: ECR cannot list by push time, so `since` has nothing to cut
    tagDigests: (repo) => ecrTagDigests(api, repo),
    async repositoryInfo(opts = {}) {
      return (await allRepositories(api))
        .filter((r) => inNamespace(r.repositoryName ?? "", opts.namespace))
        .map((r) => ({
          name: r.repositoryName ?? "",
          ...(r.imageTagMutability ? { tagMutability: r.imageTagMutability } : {}),
          scanOnPush: r.imageScanningConfiguration?.scanOnPush ?? false,
          ...(r.encryptionConfiguration?.encryptionType ? { encryption: [r.encryptionConfiguration.encryptionType, r.encryptionConfiguration.kmsKey].filter(Boolean).join(" ") } : {}),
          ...(r.createdAt ? { lastUpdated: r.createdAt.toISOString() } : {}),
        }));
    },
    close: async () => {
      await tokens.close();
      client.destroy();
    },
  };
}
