/**
 * Optional interfaces a provider implements on top of RegistryProvider when its registry offers more
 * than the distribution API (Harbor, ECR, Docker Hub). Pages ask through the guards at the bottom
 * (`scanSource(p)`, `replicationSource(p)`…) instead of switching on the registry kind, so a new provider
 * only has to implement the interface to light up the views.
 *
 * The models here are provider-neutral where the views compare registries (replication, lifecycle,
 * namespaces); scan reports stay in the vendor's own shape and are normalized in lib/scan.
 */
import type { ImageScanFindings } from "@aws-sdk/client-ecr";
import type { components as HarborScanner } from "./harbor/generated/scanner-v1.1";
import type { RegistryProvider } from "./provider";

export type HarborVulnerabilityReport = HarborScanner["schemas"]["HarborVulnerabilityReport"];

/** A scan report as the registry serves it; lib/scan turns each format into the normalized model. */
export type VendorScanReport =
  | { format: "harbor"; mimeType: string; report: HarborVulnerabilityReport }
  | { format: "ecr"; scanType: "basic" | "enhanced"; status?: string; findings: ImageScanFindings };

export interface ScanSource {
  /** null when the registry holds no report for the artifact (never scanned, or scan not finished) */
  getScanReport(repository: string, digest: string): Promise<VendorScanReport | null>;
}

export interface ReplicationPolicyInfo {
  id: string;
  name: string;
  description?: string;
  /** where content comes from ("this registry" when local) */
  source?: string;
  destination: string;
  destinationNamespace?: string;
  /** "manual", "scheduled (0 0 * * *)", "event_based", "on push" */
  trigger: string;
  enabled: boolean;
  filters: string[];
  /** whether Dockmaster can start a run of it */
  triggerable: boolean;
}

export interface ReplicationExecutionInfo {
  id: string;
  policyId: string;
  status: string;
  trigger?: string;
  startedAt?: string;
  endedAt?: string;
  message?: string;
  total: number;
  succeeded: number;
  failed: number;
  inProgress: number;
  stopped: number;
}

export interface ReplicationTaskInfo {
  id: string;
  executionId: string;
  status: string;
  operation?: string;
  source?: string;
  destination?: string;
  startedAt?: string;
  endedAt?: string;
}

export interface ImageReplicationState {
  /** destination, e.g. "eu-central-1 / 123456789012" */
  destination: string;
  status: string;
  failureCode?: string;
}

export interface ReplicationSource {
  replicationPolicies(): Promise<ReplicationPolicyInfo[]>;
  /** newest first */
  replicationExecutions(options?: { policyId?: string; limit?: number }): Promise<ReplicationExecutionInfo[]>;
  replicationTasks(executionId: string): Promise<ReplicationTaskInfo[]>;
  triggerReplication?(policyId: string): Promise<{ executionId: string }>;
  /** per-image replication status, where the registry tracks one (ECR) */
  imageReplicationStatus?(repository: string, digest: string): Promise<ImageReplicationState[]>;
}

export interface TagLifecycle {
  tag: string;
  digest?: string;
  pushedAt?: string;
  /** absent when never pulled or not recorded */
  lastPulledAt?: string;
  immutable?: boolean;
  /** set when the registry's retention / lifecycle policy would remove this tag */
  wouldBeRemoved?: { by: string; detail?: string };
}

export interface LifecycleReport {
  tags: TagLifecycle[];
  /** the policy the removal predictions come from, if the registry has one */
  policy?: { kind: "harbor-retention" | "ecr-lifecycle"; summary: string; evaluatedAt?: string; status?: string };
  /** whether immutability is known per tag (Harbor rules, ECR repository setting) */
  immutability: boolean;
  /** whether the registry records pulls */
  pullTimes: boolean;
  /** the registry has more tags than Dockmaster reads: tags beyond them have no lifecycle data */
  truncated?: boolean;
}

export interface LifecycleSource {
  tagLifecycle(repository: string): Promise<LifecycleReport>;
}

export interface NamespaceInfo {
  name: string;
  repositoryCount?: number;
  public?: boolean;
  quotaUsedBytes?: number;
  /** -1 when unlimited; absent when unknown (not reported to this account), never read as unlimited */
  quotaLimitBytes?: number;
  /** read-only summaries of the namespace's policies (Harbor: retention rules, tag immutability rules) */
  retention?: string;
  immutability?: string[];
  /** parts the registry did not tell this account, with the reason ("not permitted for this account") */
  unknown?: Partial<Record<"quota" | "retention" | "immutability", string>>;
}

export interface StorageVolume {
  totalBytes: number;
  freeBytes: number;
}

export interface NamespaceSource {
  listNamespaces(): Promise<NamespaceInfo[]>;
  storageVolumes?(): Promise<StorageVolume[]>;
}

/** A namespace's storage quota as the registry reports it. */
export type StorageQuota =
  | { kind: "limited"; usedBytes: number; limitBytes: number }
  /** the registry sets no limit (Harbor: hard limit -1) */
  | { kind: "unlimited"; usedBytes?: number }
  /** the registry keeps a quota but does not tell this account (Harbor leaves it out without permission) */
  | { kind: "unknown"; reason: string };

export interface QuotaSource {
  /** the quota of the project/account that holds `namespace` */
  storageQuota(namespace: string): Promise<StorageQuota>;
}

export interface RepositoryInfo {
  name: string;
  description?: string;
  pullCount?: number;
  lastUpdated?: string;
  artifactCount?: number;
  private?: boolean;
  tagMutability?: "MUTABLE" | "IMMUTABLE" | string;
  scanOnPush?: boolean;
  encryption?: string;
}

export interface RepositoryInfoSource {
  repositoryInfo(options?: { namespace?: string }): Promise<RepositoryInfo[]>;
}

export interface ArtifactLabel {
  name: string;
  color?: string;
  description?: string;
}

export interface ArtifactAccessory {
  digest: string;
  type: string;
  size: number;
}

export interface ArtifactMetadata {
  digest: string;
  tags: string[];
  pushedAt?: string;
  lastPulledAt?: string;
  labels: ArtifactLabel[];
  accessories: ArtifactAccessory[];
  immutableTags: string[];
  scan?: { status: string; severity?: string; total?: number; fixable?: number; counts: Record<string, number>; scanner?: string; completedAt?: string };
}

export interface ArtifactMetadataSource {
  artifactMetadata(repository: string, reference: string): Promise<ArtifactMetadata | null>;
}

/** Whether the registry accepted the configured credentials as a login (Harbor falls back to anonymous silently). */
export type CredentialCheck = { ok: true } | { ok: false; reason: "anonymous_fallback"; message: string };

export interface CredentialSource {
  verifyCredentials(): Promise<CredentialCheck>;
}

export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  windowSeconds?: number;
  /** e.g. the client address Docker Hub counts against */
  source?: string;
  checkedAt: string;
}

export interface RateLimitSource {
  /** the account's pull allowance; null when the registry sent no rate-limit headers (the limit is unknown) */
  rateLimit(): Promise<RateLimitInfo | null>;
}

/** A tag and what it points at, as the registry's own API lists it (no manifest request behind it). */
export interface TagDigest {
  tag: string;
  digest: string;
  /** when the tag last changed (pushed or moved), by the registry's clock */
  changedAt?: string;
  /** when it was last pulled, by the registry's clock (see pullTime); absent: never, where the listing has pullTimes */
  pulledAt?: string;
  /** what the registry's API says about the manifest, when it says enough to index it without reading it */
  manifest?: { mediaType: string; size: number; platforms: { os: string; architecture: string; variant?: string; digest: string }[]; artifactType?: string };
}

export interface TagDigestListing {
  tags: TagDigest[];
  /**
   * true: every tag of the repository is listed, so a tag missing from it is deleted. false: `since`
   * cut the listing short (newest first), so a missing tag is merely unchanged since then.
   */
  complete: boolean;
  /** how many tags the repository has in all, when the registry says: an incomplete listing then still tells whether a tag went away */
  total?: number;
  /** tags listed without a digest: they exist, but what they point at must be asked of the registry */
  unresolved?: string[];
  /** the registry reports pulls: a listed tag without `pulledAt` was never pulled (not merely unknown) */
  pullTimes?: true;
}

/** A pull time from further ahead than this is the registry's clock or data gone wrong, not a pull. */
const PULL_TIME_SKEW_MS = 86_400_000;

/**
 * A registry's pull time as the index may keep it: a valid date no more than a day ahead of `now`
 * (registry data is hostile; a far-future pull would shield a tag from retention forever), as ISO.
 */
export function pullTime(value: string | Date | null | undefined, now = Date.now()): string | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms) || ms > now + PULL_TIME_SKEW_MS || ms <= 0) return undefined;
  return new Date(ms).toISOString();
}

/**
 * "What changed since T" for the inventory's sync: Harbor's artifacts by push time, ECR's
 * DescribeImages with imagePushedAt, Docker Hub's tags with last_updated and their digests. A sync
 * through it needs no tag list, HEAD or GET per tag from the registry, which matters most for Docker
 * Hub, whose pull limit counts manifest GETs.
 */
export interface TagDigestSource {
  /** `since`: the provider may stop reading once the rest is older (the listing is then incomplete) */
  tagDigests(repository: string, options?: { since?: Date }): Promise<TagDigestListing>;
}

const has = <K extends string>(p: unknown, method: K): p is Record<K, (...args: never[]) => unknown> =>
  typeof p === "object" && p !== null && typeof (p as Record<string, unknown>)[method] === "function";

export const scanSource = (p: RegistryProvider): (RegistryProvider & ScanSource) | null =>
  p.capabilities.scanReports && has(p, "getScanReport") ? (p as RegistryProvider & ScanSource) : null;
export const replicationSource = (p: RegistryProvider): (RegistryProvider & ReplicationSource) | null =>
  p.capabilities.replication && has(p, "replicationPolicies") ? (p as RegistryProvider & ReplicationSource) : null;
export const lifecycleSource = (p: RegistryProvider): (RegistryProvider & LifecycleSource) | null =>
  has(p, "tagLifecycle") ? (p as RegistryProvider & LifecycleSource) : null;
export const quotaSource = (p: RegistryProvider): (RegistryProvider & QuotaSource) | null =>
  has(p, "storageQuota") ? (p as RegistryProvider & QuotaSource) : null;
export const namespaceSource = (p: RegistryProvider): (RegistryProvider & NamespaceSource) | null =>
  has(p, "listNamespaces") ? (p as RegistryProvider & NamespaceSource) : null;
export const repositoryInfoSource = (p: RegistryProvider): (RegistryProvider & RepositoryInfoSource) | null =>
  has(p, "repositoryInfo") ? (p as RegistryProvider & RepositoryInfoSource) : null;
export const artifactMetadataSource = (p: RegistryProvider): (RegistryProvider & ArtifactMetadataSource) | null =>
  has(p, "artifactMetadata") ? (p as RegistryProvider & ArtifactMetadataSource) : null;
export const credentialSource = (p: RegistryProvider): (RegistryProvider & CredentialSource) | null =>
  has(p, "verifyCredentials") ? (p as RegistryProvider & CredentialSource) : null;
export const rateLimitSource = (p: RegistryProvider): (RegistryProvider & RateLimitSource) | null =>
  has(p, "rateLimit") ? (p as RegistryProvider & RateLimitSource) : null;
export const tagDigestSource = (p: RegistryProvider): (RegistryProvider & TagDigestSource) | null =>
  has(p, "tagDigests") ? (p as RegistryProvider & TagDigestSource) : null;

/**
 * How a registry deletes, as retention execution must know before it calls anything: whether a tag can
 * go alone (Distribution 2.8 answers DELETE /v2/<name>/manifests/<tag> with 405 UNSUPPORTED, so there a
 * tag goes only with its manifest, when all of its tags go), and when freed space returns.
 */
export interface DeletionSupport {
  /** one tag can be removed while its manifest and other tags stay */
  tagDelete: boolean;
  /** a manifest can be removed by digest, with every tag on it */
  manifestDelete: boolean;
  /**
   * when the storage comes back: "offline-gc" (Distribution: `registry garbage-collect` with the
   * registry stopped or read-only), "gc-api" (Harbor: a GC job Dockmaster can start), "immediate" (ECR)
   * or "registry-managed" (Docker Hub: untagged images are the registry's own business)
   */
  reclaim: "offline-gc" | "gc-api" | "immediate" | "registry-managed";
  /** the same in plain words, shown with an execution's result */
  note: string;
}

export interface ImageDeleteSource {
  readonly deletion: DeletionSupport;
  /** removes the manifest and every tag on it (deletion.manifestDelete) */
  deleteImage?(repository: string, digest: string): Promise<void>;
  /** removes one tag (deletion.tagDelete); the manifest stays */
  deleteTag?(repository: string, tag: string): Promise<void>;
}

export interface GarbageCollectionSource {
  /** starts the registry's garbage collection now; the id of the job it started */
  triggerGarbageCollection(): Promise<{ id: string }>;
}

export const imageDeleteSource = (p: RegistryProvider): (RegistryProvider & ImageDeleteSource) | null =>
  typeof p === "object" && p !== null && typeof (p as unknown as Record<string, unknown>).deletion === "object" ? (p as RegistryProvider & ImageDeleteSource) : null;
export const garbageCollectionSource = (p: RegistryProvider): (RegistryProvider & GarbageCollectionSource) | null =>
  has(p, "triggerGarbageCollection") ? (p as RegistryProvider & GarbageCollectionSource) : null;
