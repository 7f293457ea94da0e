/**
 * Contract tests of the ECR provider against the ECR simulator (test/sim/ecr): the real
 * @aws-sdk/client-ecr signs every request (the simulator verifies SigV4) and deserialises every
 * response, and the simulator checks each response against the ECR Smithy model. Content goes to a
 * real docker-registry with the `AWS:<token>` Basic credentials GetAuthorizationToken issued.
 */
import {
  DescribeImageReplicationStatusCommand,
  DescribeImageScanFindingsCommand,
  DescribeImagesCommand,
  DescribeRegistryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  GetLifecyclePolicyCommand,
  GetLifecyclePolicyPreviewCommand,
  ListImagesCommand,
} from "@aws-sdk/client-ecr";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { allRepositories } from "../../lib/browse/repositories";
import { createEcrApiClient } from "../../lib/registry/ecr/client";
import { createEcrProvider, type EcrProvider } from "../../lib/registry/ecr/provider";
import { createTokenSource, refreshTime } from "../../lib/registry/ecr/token";
import { createOciProvider } from "../../lib/registry/oci/provider";
import type { RegistryConnection } from "../../lib/registry/provider";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { startEcrSim, type EcrSim } from "../sim/ecr/server";
import { CVES, ecrBasicFindings, ecrEnhancedFindings } from "../sim/fixtures";
import { ecrSpec } from "../sim/spec/specs";

const TOKEN = "ecr-registry-token-7f3a";
const KEYS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const REGION = "eu-west-1";

let registry: RunningRegistry;
let sim: EcrSim;
let ecr: EcrProvider;
const digests: Record<string, string> = {};

const conn = (over: Partial<NonNullable<RegistryConnection["aws"]>> = {}): RegistryConnection => ({
  name: "ecr",
  url: registry.url,
  auth: { kind: "anonymous" },
  aws: { region: REGION, ...KEYS, endpoint: sim.url, ...over },
});
const fast = { maxAttempts: 3, retry: { baseDelayMs: 5, maxDelayMs: 20 } };

beforeAll(async () => {
  registry = await startRegistry({ auth: "htpasswd", users: [{ username: "AWS", password: TOKEN }] });
  sim = await startEcrSim({ registryUrl: registry.url, registryPassword: TOKEN, ...KEYS, region: REGION });
  const pusher = createOciProvider({ name: "push", url: registry.url, auth: { kind: "basic", username: "AWS", password: TOKEN } });
  digests.old = await pushImage(pusher, "staging/app", buildImage({ layerCount: 1, created: "2025-12-01T00:00:00Z" }), "1.0.0");
  digests.current = await pushImage(pusher, "staging/app", buildImage({ layerCount: 2, created: "2026-01-15T00:00:00Z" }), "1.1.0");
  await pushImage(pusher, "staging/app", buildImage({ layerCount: 2, created: "2026-01-15T00:00:00Z" }), "latest");
  digests.worker = await pushImage(pusher, "staging/worker", buildImage({ layerCount: 1 }), "v1");
  await pusher.close();

  sim.setRepository("staging/app", {
    mutability: "IMMUTABLE",
    scanOnPush: true,
    encryption: { type: "KMS", kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/abcd" },
    lifecycle: {
      policyText: JSON.stringify({ rules: [{ rulePriority: 1, description: "keep two releases", selection: { tagStatus: "tagged", tagPrefixList: ["1."], countType: "imageCountMoreThan", countNumber: 2 }, action: { type: "expire" } }] }),
      preview: [{ tag: "1.0.0", priority: 1 }],
    },
  });
  await sim.setImage("staging/app", "1.1.0", {
    pushedAt: "2026-01-15T08:00:00Z",
    lastPulledAt: "2026-02-02T10:00:00Z",
    scan: { basic: ecrBasicFindings([CVES.musl, CVES.openssl]), completedAt: "2026-01-15T08:05:00Z" },
    replication: [
      { region: "eu-central-1", registryId: "123456789012", status: "COMPLETE" },
      { region: "us-east-1", registryId: "123456789012", status: "FAILED", failureCode: "REPLICATION_FAILED" },
    ],
  });
  await sim.setImage("staging/worker", "v1", { scan: { enhanced: ecrEnhancedFindings([CVES.zlib, CVES.bash], { repository: "staging/worker", digest: digests.worker! }) } });
  sim.setReplicationRules([{ destinations: [{ region: "eu-central-1", registryId: "123456789012" }, { region: "us-east-1", registryId: "123456789012" }], prefixes: ["staging/"] }]);
  ecr = createEcrProvider(conn(), fast);
});

afterEach(() => {
  sim.clearFaults();
  expect(sim.takeViolations()).toEqual([]);
});

afterAll(async () => {
  await ecr?.close();
  await sim?.stop();
  await registry?.stop();
});

describe("the simulator through the real @aws-sdk/client-ecr", () => {
  it("answers every operation Dockmaster uses with output the SDK deserialises", async () => {
    const client = new ECRClient({ region: REGION, endpoint: sim.url, credentials: KEYS, maxAttempts: 1 });
    try {
      const repos = await client.send(new DescribeRepositoriesCommand({}));
      expect(repos.repositories?.map((r) => r.repositoryName)).toEqual(["staging/app", "staging/worker"]);
      expect(repos.repositories?.[0]?.createdAt).toBeInstanceOf(Date);
      const images = await client.send(new DescribeImagesCommand({ repositoryName: "staging/app" }));
      const current = images.imageDetails?.find((i) => i.imageDigest === digests.current);
      expect(current?.imagePushedAt?.toISOString()).toBe("2026-01-15T08:00:00.000Z");
      expect(current?.lastRecordedPullTime?.toISOString()).toBe("2026-02-02T10:00:00.000Z");
      expect(current?.imageScanFindingsSummary?.findingSeverityCounts).toEqual({ CRITICAL: 1, MEDIUM: 1 });
      expect((await client.send(new ListImagesCommand({ repositoryName: "staging/app" }))).imageIds).toHaveLength(3);
      const findings = await client.send(new DescribeImageScanFindingsCommand({ repositoryName: "staging/worker", imageId: { imageTag: "v1" } }));
      expect(findings.imageScanFindings?.enhancedFindings?.[0]?.firstObservedAt).toBeInstanceOf(Date);
      expect((await client.send(new GetLifecyclePolicyCommand({ repositoryName: "staging/app" }))).lifecyclePolicyText).toContain("keep two releases");
      expect((await client.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: "staging/app" }))).previewResults?.[0]?.imageDigest).toBe(digests.old);
      expect((await client.send(new DescribeRegistryCommand({}))).replicationConfiguration?.rules?.[0]?.destinations).toHaveLength(2);
      expect((await client.send(new DescribeImageReplicationStatusCommand({ repositoryName: "staging/app", imageId: { imageTag: "1.1.0" } }))).replicationStatuses).toHaveLength(2);
      const auth = await client.send(new GetAuthorizationTokenCommand({}));
      expect(Buffer.from(auth.authorizationData![0]!.authorizationToken!, "base64").toString()).toBe(`AWS:${TOKEN}`);
      expect(auth.authorizationData![0]!.expiresAt).toBeInstanceOf(Date);
    } finally {
      client.destroy();
    }
  });

  it("refuses a request signed with the wrong secret (the simulator really checks SigV4)", async () => {
    const client = new ECRClient({ region: REGION, endpoint: sim.url, credentials: { ...KEYS, secretAccessKey: "not-the-secret" }, maxAttempts: 1 });
    try {
      await expect(client.send(new DescribeRepositoriesCommand({}))).rejects.toMatchObject({ name: "InvalidSignatureException" });
    } finally {
      client.destroy();
    }
  });
});

describe("ECR provider", () => {
  it("lists repositories page by page with nextToken", async () => {
    const first = await ecr.listRepositories({ pageSize: 1 });
    expect(first.items).toEqual(["staging/app"]);
    expect(first.next).toBeTruthy();
    const second = await ecr.listRepositories({ pageSize: 1, cursor: first.next });
    expect(second).toEqual({ items: ["staging/worker"] });
  });

  it("reads content through the OCI client with the issued token, fetched once and cached", async () => {
    const p = createEcrProvider(conn(), fast);
    try {
      const before = sim.tokenRequests();
      expect((await p.listTags("staging/app")).items.sort()).toEqual(["1.0.0", "1.1.0", "latest"]);
      expect((await p.describeArtifact("staging/app", "1.1.0")).digest).toBe(digests.current);
      expect((await p.headManifest("staging/worker", "v1"))?.digest).toBe(digests.worker);
      expect(sim.tokenRequests() - before).toBe(1);
      expect(p.tokenExpiresAt()).toBeGreaterThan(Date.now() + 11 * 3600_000);
    } finally {
      await p.close();
    }
  });

  it("keeps the token until shortly before it expires, then fetches a new one", async () => {
    let now = Date.now();
    const client = createEcrApiClient(conn(), { maxAttempts: 1 });
    const source = createTokenSource(conn(), client, sim.host, {}, () => now);
    try {
      const before = sim.tokenRequests();
      const first = await source.oci();
      expect(await source.oci()).toBe(first);
      now += 11 * 3600_000; // within 12 h minus the 5 min margin
      expect(await source.oci()).toBe(first);
      expect(sim.tokenRequests() - before).toBe(1);
      now += 56 * 60_000; // past 12 h - 5 min
      const second = await source.oci();
      expect(second).not.toBe(first);
      expect(sim.tokenRequests() - before).toBe(2);
      expect(refreshTime(0, 600_000)).toBe(540_000); // short tokens: 10 % margin
    } finally {
      await source.close();
      client.destroy();
    }
  });

  it("401 from the registry: a refused token is replaced once and the call succeeds", async () => {
    const p = createEcrProvider(conn(), fast);
    try {
      sim.issueTokens(["revoked-token"]);
      const before = sim.tokenRequests();
      expect((await p.headManifest("staging/app", "1.1.0"))?.digest).toBe(digests.current);
      expect(sim.tokenRequests() - before).toBe(2);
    } finally {
      await p.close();
    }
  });

  it("normalizable scan findings: basic for one image, enhanced for another, null when never scanned", async () => {
    const basic = await ecr.getScanReport("staging/app", digests.current!);
    expect(basic).toMatchObject({ format: "ecr", scanType: "basic", status: "COMPLETE" });
    expect(basic?.format === "ecr" && basic.findings.findings?.map((f) => f.name)).toEqual([CVES.musl.id, CVES.openssl.id]);
    const enhanced = await ecr.getScanReport("staging/worker", digests.worker!);
    expect(enhanced).toMatchObject({ format: "ecr", scanType: "enhanced" });
    expect(enhanced?.format === "ecr" && enhanced.findings.enhancedFindings?.[0]?.packageVulnerabilityDetails?.vulnerablePackages?.[0]?.fixedInVersion).toBe(CVES.zlib.fixed);
    expect(await ecr.getScanReport("staging/app", digests.old!)).toBeNull();
  });

  it("tag lifecycle: pushed, last pulled, immutable repository, and what the lifecycle preview would expire", async () => {
    const life = await ecr.tagLifecycle("staging/app");
    expect(life.policy).toMatchObject({ kind: "ecr-lifecycle", status: "preview complete" });
    expect(life.policy!.summary).toContain("keep two releases");
    const byTag = Object.fromEntries(life.tags.map((t) => [t.tag, t]));
    expect(byTag["1.1.0"]).toMatchObject({ digest: digests.current, pushedAt: "2026-01-15T08:00:00.000Z", lastPulledAt: "2026-02-02T10:00:00.000Z", immutable: true });
    expect(byTag["1.1.0"]!.wouldBeRemoved).toBeUndefined();
    expect(byTag["1.0.0"]!.wouldBeRemoved).toEqual({ by: "lifecycle rule 1", detail: "keep two releases (tags 1.*, beyond the newest 2)" });
    expect(byTag["1.0.0"]!.lastPulledAt).toBeUndefined();
  });

  it("replication: rules as policies, and per-image status with failures", async () => {
    const [rule] = await ecr.replicationPolicies();
    expect(rule).toMatchObject({ destination: "eu-central-1 / 123456789012, us-east-1 / 123456789012", trigger: "on push", filters: ["prefix match staging/"], triggerable: false });
    expect(await ecr.imageReplicationStatus!("staging/app", digests.current!)).toEqual([
      { destination: "eu-central-1 / 123456789012", status: "COMPLETE" },
      { destination: "us-east-1 / 123456789012", status: "FAILED", failureCode: "REPLICATION_FAILED" },
    ]);
  });

  it("repository settings: tag mutability, scan on push, encryption", async () => {
    const info = await ecr.repositoryInfo({ namespace: "staging" });
    expect(info.find((r) => r.name === "staging/app")).toMatchObject({ tagMutability: "IMMUTABLE", scanOnPush: true, encryption: "KMS arn:aws:kms:eu-west-1:123456789012:key/abcd" });
    expect(info.find((r) => r.name === "staging/worker")).toMatchObject({ tagMutability: "MUTABLE", scanOnPush: false, encryption: "AES256" });
  });
});

describe("ECR provider failures", () => {
  it("401: an unknown access key is unauthorized", async () => {
    const p = createEcrProvider(conn({ accessKeyId: "AKIAUNKNOWN000000000" }), fast);
    try {
      await expect(p.listRepositories()).rejects.toMatchObject({ kind: "unauthorized" });
      sim.fault({ tag: "DescribeRepositories", status: 401 });
      await expect(ecr.listRepositories()).rejects.toMatchObject({ kind: "unauthorized", status: 401 });
    } finally {
      await p.close();
    }
  });

  it("403: an IAM denial is forbidden, with AWS's message", async () => {
    sim.fault({ tag: "DescribeRegistry", status: 403 });
    const err = await ecr.replicationPolicies().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "forbidden", status: 403 });
    expect((err as Error).message).toContain("AccessDeniedException");
  });

  it("404: an unknown repository is not_found", async () => {
    await expect(ecr.tagLifecycle("staging/nope")).rejects.toMatchObject({ kind: "not_found" });
  });

  it("429 with Retry-After: the SDK waits as asked and the call succeeds", async () => {
    const fault = sim.fault({ tag: "DescribeRegistry", status: 429, retryAfter: "1" });
    const started = Date.now();
    expect(await ecr.replicationPolicies()).toHaveLength(1);
    expect(fault.hits()).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("429 that persists: rate_limited once the SDK's attempts are spent", async () => {
    sim.fault({ tag: "DescribeRegistry", status: 429, times: 10 });
    await expect(ecr.replicationPolicies()).rejects.toMatchObject({ kind: "rate_limited", status: 429 });
  });

  it("5xx: a transient 503 is retried by the SDK; a persistent 500 fails", async () => {
    const transient = sim.fault({ tag: "DescribeRegistry", status: 503 });
    expect(await ecr.replicationPolicies()).toHaveLength(1);
    expect(transient.hits()).toBe(1);
    const persistent = sim.fault({ tag: "DescribeRegistry", status: 500, times: 10 });
    await expect(ecr.replicationPolicies()).rejects.toMatchObject({ status: 500 });
    expect(persistent.hits()).toBe(3);
  });

  it("malformed body: a cut-off JSON answer is bad_response", async () => {
    sim.fault({ tag: "DescribeRegistry", malformed: true });
    await expect(ecr.replicationPolicies()).rejects.toMatchObject({ kind: "bad_response" });
  });
});

describe("ECR behaviour the SDK's shape checks do not cover", () => {
  const bulk = Array.from({ length: 1003 }, (_, i) => `zz-bulk/repo-${String(i).padStart(4, "0")}`);
  const many = Array.from({ length: 1050 }, (_, i) => ({ ...ecrBasicFindings([CVES.musl])[0]!, name: `CVE-2026-${10_000 + i}` }));
  let manyDigest: string;

  beforeAll(async () => {
    for (const r of bulk) sim.setRepository(r, {});
    manyDigest = await sim.setImage("staging/app", "latest", { scan: { basic: many } });
  });

  it("the simulator refuses what ECR refuses: maxResults out of the model's range, a foreign nextToken, maxResults with repositoryNames", async () => {
    const client = new ECRClient({ region: REGION, endpoint: sim.url, credentials: KEYS, maxAttempts: 1 });
    try {
      await expect(client.send(new DescribeImagesCommand({ repositoryName: "staging/app", maxResults: 1001 }))).rejects.toMatchObject({ name: "InvalidParameterException" });
      await expect(client.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: "staging/app", maxResults: 101 }))).rejects.toMatchObject({ name: "InvalidParameterException" });
      expect((await client.send(new GetLifecyclePolicyPreviewCommand({ repositoryName: "staging/app", maxResults: 100 }))).status).toBe("COMPLETE");
      const first = await client.send(new DescribeRepositoriesCommand({}));
      expect(first.repositories).toHaveLength(100); // up to 100 without maxResults, as the model documents
      await expect(client.send(new DescribeImagesCommand({ repositoryName: "staging/app", nextToken: first.nextToken }))).rejects.toMatchObject({ name: "InvalidParameterException" });
      await expect(client.send(new DescribeRepositoriesCommand({ repositoryNames: ["staging/app"], maxResults: 10 }))).rejects.toMatchObject({ name: "InvalidParameterException" });
    } finally {
      client.destroy();
    }
  });

  it("follows nextToken until it is absent: 1,003 repositories, 1,050 scan findings", async () => {
    const before = sim.calls.length;
    expect((await ecr.repositoryInfo({ namespace: "zz-bulk" })).map((r) => r.name)).toEqual(bulk);
    expect((await allRepositories(ecr)).filter((r) => r.startsWith("zz-bulk/"))).toEqual(bulk);
    const report = await ecr.getScanReport("staging/app", manyDigest);
    expect(report?.format === "ecr" && report.findings.findings?.length).toBe(1050);
    const calls = sim.calls.slice(before);
    expect(calls.filter((c) => c === "DescribeRepositories")).toHaveLength(4);
    expect(calls.filter((c) => c === "DescribeImageScanFindings")).toHaveLength(2);
  });

  it("ThrottlingException as AWS sends it (HTTP 400): retried by the SDK, rate_limited once the attempts are spent", async () => {
    const once = sim.throttle("DescribeRegistry", 1);
    expect(await ecr.replicationPolicies()).toHaveLength(1);
    expect(once.hits()).toBe(1);
    const always = sim.throttle("DescribeRegistry", 10);
    const err = await ecr.replicationPolicies().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "rate_limited", status: 400, transient: true });
    expect((err as Error).message).toContain("ThrottlingException: Rate exceeded");
    expect(always.hits()).toBe(3);
    sim.throttle("DescribeRegistry", 0);
  });

  it("not_found with the service's reason: an image not in the repository, a repository that does not exist", async () => {
    const missing = `sha256:${"0".repeat(64)}`;
    const image = await ecr.getScanReport("staging/app", missing).catch((e: unknown) => e);
    expect(image).toMatchObject({ kind: "not_found" });
    expect((image as Error).message).toContain("ImageNotFoundException");
    const repo = await ecr.getScanReport("staging/nope", missing).catch((e: unknown) => e);
    expect(repo).toMatchObject({ kind: "not_found" });
    expect((repo as Error).message).toContain("RepositoryNotFoundException");
    await expect(ecr.imageReplicationStatus!("staging/app", missing)).rejects.toMatchObject({ kind: "not_found" });
  });

  it("lifecycle: a policy never previewed, a preview still running, and a preview of an earlier policy predict nothing", async () => {
    const policy = (n: number) => JSON.stringify({ rules: [{ rulePriority: 1, description: `keep ${n}`, selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: n }, action: { type: "expire" } }] });
    const removed = async () => (await ecr.tagLifecycle("staging/worker")).tags.filter((t) => t.wouldBeRemoved).map((t) => t.tag);
    sim.setRepository("staging/worker", { lifecycle: { policyText: policy(1) } });
    expect((await ecr.tagLifecycle("staging/worker")).policy).toMatchObject({ status: "no preview yet" });
    expect(await removed()).toEqual([]);
    sim.setRepository("staging/worker", { lifecycle: { policyText: policy(1), preview: [{ tag: "v1", priority: 1 }], previewStatus: "IN_PROGRESS" } });
    expect((await ecr.tagLifecycle("staging/worker")).policy).toMatchObject({ status: "preview in progress" });
    expect(await removed()).toEqual([]);
    sim.setRepository("staging/worker", { lifecycle: { policyText: policy(1), preview: [{ tag: "v1", priority: 1 }], previewStatus: "COMPLETE" } });
    expect(await removed()).toEqual(["v1"]);
    // the policy changed after the dry run: ECR keeps the old preview, whose verdicts are not this policy's
    sim.setRepository("staging/worker", { lifecycle: { policyText: policy(5), preview: [{ tag: "v1", priority: 1 }], previewPolicyText: policy(1) } });
    const stale = await ecr.tagLifecycle("staging/worker");
    expect(stale.policy?.status).toBe("preview is of an earlier policy: start a new preview");
    expect(stale.tags.filter((t) => t.wouldBeRemoved)).toEqual([]);
  });
});

describe("the Smithy check itself", () => {
  it("rejects output that breaks the model (so a passing run means something)", () => {
    const problems = ecrSpec().checkOutput("DescribeImages", { imageDetails: [{ imageDigest: "sha256:x", imagePushedAt: "2026-01-01", imageScanStatus: { status: "DONE" }, extra: 1 }] });
    expect(problems.join("\n")).toContain("imagePushedAt: expected a epoch-seconds timestamp");
    expect(problems.join("\n")).toContain('"DONE" is not one of');
    expect(problems.join("\n")).toContain('member "extra" is not in the model');
  });

  it("checked every response the simulator sent in this file", () => {
    expect(sim.checkedCount()).toBeGreaterThan(30);
  });
});
