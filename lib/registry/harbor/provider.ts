/**
 * Harbor: content through the OCI client (Harbor's /v2/ with its token service), everything else through
 * the v2.0 REST API with the same credentials: projects with quotas, artifacts with labels, immutability,
 * push/pull times and accessories, vulnerability reports, replication, retention, storage volumes.
 */
import type {
  ArtifactMetadataSource,
  CredentialSource,
  GarbageCollectionSource,
  ImageDeleteSource,
  LifecycleSource,
  NamespaceSource,
  QuotaSource,
  ReplicationSource,
  ScanSource,
  TagDigestSource,
} from "../capabilities";
import { createOciProvider, type OciProvider } from "../oci/provider";
import type { OciClientOptions } from "../oci/client";
import type { RegistryCapabilities, RegistryConnection, RegistryProvider } from "../provider";
import { createHarborApi } from "./api";
import { getArtifact, toArtifactMetadata } from "./artifacts";
import { verifyHarborLogin } from "./credentials";
import { deleteArtifact, deleteTag, HARBOR_DELETION, triggerGc } from "./delete";
import { harborTagLifecycle } from "./lifecycle";
import { listProjects, listRepositoryPage, storageVolumes } from "./projects";
import { projectQuota } from "./quota";
import { listExecutions, listPolicies, listTasks, startExecution } from "./replication";
import { getVulnerabilityReport } from "./scans";
import { harborTagDigests } from "./tag-digests";

const HARBOR_CAPABILITIES: RegistryCapabilities = {
  referrers: true,
  scanReports: true,
  replication: true,
  blobMount: true,
};

export type HarborProvider = RegistryProvider & ScanSource & ReplicationSource & LifecycleSource & NamespaceSource & QuotaSource & ArtifactMetadataSource & CredentialSource & TagDigestSource & ImageDeleteSource & GarbageCollectionSource & { readonly oci: OciProvider };

export interface HarborOptions extends OciClientOptions {
  /** artifacts per page when the index lists them (default and Harbor's cap: 100) */
  artifactPageSize?: number;
}

export function createHarborProvider(conn: RegistryConnection, options: HarborOptions = {}): HarborProvider {
  const oci = createOciProvider(conn, options);
  const api = createHarborApi(conn, options);
  return {
    ...oci,
    kind: "harbor",
    capabilities: HARBOR_CAPABILITIES,
    oci,
    listRepositories: (opts) => listRepositoryPage(api, opts),
    getScanReport: (repo, digest) => getVulnerabilityReport(api, repo, digest),
    replicationPolicies: () => listPolicies(api),
    replicationExecutions: (opts) => listExecutions(api, opts),
    replicationTasks: (id) => listTasks(api, id),
    triggerReplication: (policyId) => startExecution(api, policyId),
    tagLifecycle: (repo) => harborTagLifecycle(api, repo),
    tagDigests: (repo, o = {}) => harborTagDigests(api, repo, (cursor) => oci.listTags(repo, { pageSize: 1000, ...(cursor ? { cursor } : {}) }), { ...o, ...(options.artifactPageSize ? { pageSize: options.artifactPageSize } : {}) }),
    deletion: HARBOR_DELETION,
    deleteImage: (repo, digest) => deleteArtifact(api, repo, digest),
    deleteTag: (repo, tag) => deleteTag(api, repo, tag),
    triggerGarbageCollection: () => triggerGc(api),
    listNamespaces: () => listProjects(api),
    storageVolumes: () => storageVolumes(api),
    storageQuota: (namespace) => projectQuota(api, namespace),
    verifyCredentials: () => verifyHarborLogin(api, conn),
    artifactMetadata: async (repo, ref) => {
      const a = await getArtifact(api, repo, ref);
      return a ? toArtifactMetadata(a) : null;
    },
    close: async () => {
      await Promise.all([oci.close(), api.close()]);
    },
  };
}
