/**
 * The plain OCI distribution provider: any registry speaking the v2 API (CNCF Distribution, Zot, …).
 * Other providers reuse the same client functions for content and add their management APIs.
 */
import type { ImageDeleteSource } from "../capabilities";
import type { RegistryCapabilities, RegistryConnection, RegistryProvider } from "../provider";
import { LIMITS } from "../transport/body";
import { fetchBlobBytes, headBlob, openBlob } from "./blobs";
import { listRepositories, listTags } from "./catalog";
import { createOciClient, type OciClient, type OciClientOptions } from "./client";
import { deleteImageByDigest, OCI_DELETION } from "./delete";
import { describeArtifact, getConfig } from "./describe";
import { getManifest, headManifest } from "./manifests";
import { ping } from "./ping";
import { pushManifest, removeManifest } from "./push-manifest";
import { listReferrers } from "./referrers";
import { mountBlob, uploadBlob, uploadBlobStream } from "./upload";

const OCI_CAPABILITIES: RegistryCapabilities = {
  referrers: true,
  scanReports: false,
  replication: false,
  blobMount: true,
};

export interface OciProvider extends RegistryProvider, ImageDeleteSource {
  /** the underlying client, for code that needs lower-level calls (copy engine, seeding) */
  readonly client: OciClient;
}

export function createOciProvider(conn: RegistryConnection, options: OciClientOptions = {}): OciProvider {
  const client = createOciClient(conn, options);
  return {
    kind: "oci",
    name: conn.name,
    host: client.host,
    capabilities: OCI_CAPABILITIES,
    client,
    ping: () => ping(client),
    listRepositories: (opts) => listRepositories(client, opts),
    listTags: (repo, opts) => listTags(client, repo, opts),
    getManifest: (repo, ref, accept) => getManifest(client, repo, ref, accept),
    headManifest: (repo, ref) => headManifest(client, repo, ref),
    getConfig: (repo, digest) => getConfig(client, repo, digest),
    headBlob: (repo, digest) => headBlob(client, repo, digest),
    openBlob: (repo, digest) => openBlob(client, repo, digest),
    getBlob: async (repo, digest, maxBytes = LIMITS.config) => (await fetchBlobBytes(client, repo, digest, maxBytes)).bytes,
    listReferrers: (repo, digest, opts) => listReferrers(client, repo, digest, opts),
    describeArtifact: (repo, ref) => describeArtifact(client, repo, ref),
    putManifest: (repo, ref, bytes, mediaType) => pushManifest(client, repo, ref, bytes, mediaType),
    deleteManifest: (repo, digest) => removeManifest(client, repo, digest),
    deletion: OCI_DELETION,
    deleteImage: (repo, digest) => deleteImageByDigest(client, repo, digest),
    uploadBlob: (repo, bytes, opts) => uploadBlob(client, repo, bytes, opts),
    uploadBlobStream: (repo, source, opts) => uploadBlobStream(client, repo, source, opts),
    mountBlob: (repo, digest, from) => mountBlob(client, repo, digest, from),
    close: () => client.close(),
  };
}
