/**
 * The provider-neutral contract every registry kind (oci, harbor, ecr, dockerhub) implements.
 * Harbor, ECR and Hub all speak the OCI distribution API for content, so their providers are expected
 * to delegate manifests and blobs to the OCI client and add their own management APIs on top.
 */
import type { Readable } from "node:stream";

export type RegistryKind = "oci" | "harbor" | "ecr" | "dockerhub";

export type RegistryAuth =
  | { kind: "anonymous" }
  | { kind: "basic"; username: string; password: string }
  /** sent verbatim as "Authorization: Bearer <token>", no token exchange */
  | { kind: "bearer-token"; token: string };

export interface RegistryConnection {
  /** display name, used in error messages only when the URL is not enough */
  name: string;
  /** "https://registry.example.com", "http://127.0.0.1:5000"; a bare host means https (http for localhost) */
  url: string;
  auth: RegistryAuth;
  tls?: { insecureSkipVerify?: boolean; caPem?: string };
  /**
   * Token services (Bearer realms) on another host that may receive this registry's credentials, as
   * origins or URLs ("https://auth.example.com"). The registry's own host never needs listing.
   */
  tokenRealms?: string[];
  /** overall deadline per call, including retries and token exchange; default 30 s */
  timeoutMs?: number;
  /** ECR only: the AWS API behind the registry (keys absent: the SDK's default credential chain) */
  aws?: { region: string; accessKeyId?: string; secretAccessKey?: string; sessionToken?: string; endpoint?: string };
}

/**
 * Flags that something reads: referrers (lib/scan), scanReports and replication (the guards in
 * capabilities.ts), blobMount (the copy plan). Everything else a provider offers shows as the
 * optional interfaces of capabilities.ts, found by their methods.
 */
export interface RegistryCapabilities {
  referrers: boolean;
  scanReports: boolean;
  replication: boolean;
  /** cross-repository blob mount within the same registry */
  blobMount: boolean;
}

export interface Page<T> {
  items: T[];
  /** opaque cursor for the next page; absent on the last page */
  next?: string;
  /** the registry had more than Dockmaster reads (a listing cap was reached): the list is incomplete */
  truncated?: boolean;
}

export interface ListOptions {
  /** page size hint (`n`); registries may ignore it (Distribution 2.8 does for tags) */
  pageSize?: number;
  /** start after this name (first page only) */
  last?: string;
  /** `next` from the previous page; takes precedence over pageSize/last */
  cursor?: string;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  "os.version"?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
  data?: string;
}

export interface ImageManifestJson {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndexJson {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export type ManifestJson = ImageManifestJson | ImageIndexJson;

export function isIndexJson(json: ManifestJson): json is ImageIndexJson {
  return Array.isArray((json as ImageIndexJson).manifests);
}

export interface ManifestResult {
  digest: string;
  mediaType: string;
  size: number;
  /** the exact bytes served, already verified against the digest */
  bytes: Uint8Array;
  json: ManifestJson;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface BlobHead {
  digest: string;
  size: number;
}

export interface PlatformSummary {
  os: string;
  architecture: string;
  variant?: string;
  /** digest of the platform's image manifest */
  digest: string;
  /** manifest + config + layers of this platform */
  size: number;
  created?: string;
}

export interface ArtifactSummary {
  digest: string;
  mediaType: string;
  /** manifest + config + layers; for an index, the index itself plus the sum of its platforms */
  size: number;
  platforms: PlatformSummary[];
  created?: string;
  labels?: Record<string, string>;
  /** set for non-image artifacts (signatures, SBOMs…) */
  artifactType?: string;
}

export interface HistoryEntry {
  created?: string;
  createdBy?: string;
  comment?: string;
  emptyLayer: boolean;
}

export interface ImageConfigSummary {
  created?: string;
  os: string;
  architecture: string;
  variant?: string;
  env: string[];
  entrypoint: string[];
  cmd: string[];
  workingDir?: string;
  user?: string;
  labels: Record<string, string>;
  history: HistoryEntry[];
}

export interface ArtifactDetails extends ArtifactSummary {
  manifest: ManifestResult;
  /** config of a single-platform image; for an index, see platformConfigs */
  config?: ImageConfigSummary;
  /** per platform manifest digest → its config (index only) */
  platformConfigs?: Record<string, ImageConfigSummary>;
}

export interface Referrer {
  digest: string;
  mediaType: string;
  artifactType?: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface ReferrersResult {
  referrers: Referrer[];
  /** "referrers-api" when the registry implements OCI 1.1 referrers, "tag-schema" for the fallback tag */
  via: "referrers-api" | "tag-schema";
}

export interface PingResult {
  latencyMs: number;
  /** how the registry asked us to authenticate on GET /v2/ */
  authScheme: "none" | "basic" | "bearer";
  /** Docker-Distribution-Api-Version header, e.g. "registry/2.0" */
  apiVersion?: string;
}

export interface PutManifestResult {
  digest: string;
  location?: string;
  /** true when we had to maintain the referrers tag-schema index ourselves */
  referrersIndexUpdated: boolean;
}

export interface UploadOptions {
  /** upload in PATCH chunks of this size instead of one PUT */
  chunkSize?: number;
}

export interface StreamUploadSource {
  stream: Readable | AsyncIterable<Uint8Array>;
  digest: string;
  size?: number;
  /**
   * The stream checks itself: it fails at its end unless its bytes hash to `digest`, as
   * BlobStream.stream from openBlob does. The upload then does not hash the bytes a second time
   * (the registry still checks them against `?digest=`).
   */
  selfVerifying?: boolean;
}

export interface BlobStream {
  size?: number;
  /**
   * Bytes of the blob. The stream fails with RegistryError "digest_mismatch" at the end if the content
   * does not hash to the requested digest, or "bad_response" if it is shorter than announced.
   */
  stream: Readable;
}

export interface RegistryProvider {
  readonly kind: RegistryKind;
  readonly name: string;
  /** host[:port], as shown in messages */
  readonly host: string;
  readonly capabilities: RegistryCapabilities;

  ping(): Promise<PingResult>;
  listRepositories(options?: ListOptions): Promise<Page<string>>;
  listTags(repository: string, options?: ListOptions): Promise<Page<string>>;

  getManifest(repository: string, reference: string, accept?: readonly string[]): Promise<ManifestResult>;
  /** null when the manifest does not exist */
  headManifest(repository: string, reference: string): Promise<ManifestHead | null>;
  getConfig(repository: string, digest: string): Promise<ImageConfigSummary>;
  /** null when the blob does not exist */
  headBlob(repository: string, digest: string): Promise<BlobHead | null>;
  openBlob(repository: string, digest: string): Promise<BlobStream>;
  /** a whole small blob (a config, an attached report), verified; refused beyond maxBytes (default: a config's cap) */
  getBlob(repository: string, digest: string, maxBytes?: number): Promise<Uint8Array>;
  listReferrers(repository: string, digest: string, options?: { artifactType?: string }): Promise<ReferrersResult>;
  describeArtifact(repository: string, reference: string): Promise<ArtifactDetails>;

  putManifest(repository: string, reference: string, bytes: Uint8Array, mediaType: string): Promise<PutManifestResult>;
  deleteManifest(repository: string, digest: string): Promise<void>;
  uploadBlob(repository: string, bytes: Uint8Array, options?: UploadOptions): Promise<BlobHead>;
  uploadBlobStream(repository: string, source: StreamUploadSource, options?: UploadOptions): Promise<BlobHead>;
  /** true when mounted; false when the registry declined (the caller must upload instead) */
  mountBlob(repository: string, digest: string, fromRepository: string): Promise<boolean>;

  /** releases pooled connections */
  close(): Promise<void>;
}
