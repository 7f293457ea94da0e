/**
 * An Amazon ECR simulator speaking the AWS JSON 1.1 protocol (POST /, X-Amz-Target:
 * AmazonEC2ContainerRegistry_V20150921.<Operation>), for the operations Dockmaster uses. Requests must
 * carry a valid SigV4 signature for the configured key pair. Every response is checked against the
 * Smithy model (ecrSpec); the real @aws-sdk/client-ecr deserialises them in the tests on top.
 *
 * Content lives in a real docker-registry with htpasswd user "AWS" whose password is the token that
 * GetAuthorizationToken issues, as ECR's registry accepts `AWS:<token>` Basic credentials.
 *
 * Behaviour the model's shapes do not show, reproduced as the service does it:
 *  - input is checked against the model (the SDK does not): a `maxResults` outside the operation's
 *    range (1–1000; 1–100 for GetLifecyclePolicyPreview) is an InvalidParameterException;
 *  - paginated operations return up to 100 results when `maxResults` is absent (the model's
 *    documentation of each), and a `nextToken` until the last page; a token is opaque and only valid
 *    for the request it came from; `maxResults` with `repositoryNames` / `imageIds` is refused;
 *  - throttling is HTTP 400 with `ThrottlingException` (AWS JSON protocol), not 429 (see throttle()).
 */
import type { EnhancedImageScanFinding, ImageScanFinding } from "@aws-sdk/client-ecr";
import { openBacking, type BackingImage } from "../backing";
import { startHttpSim, type RunningSim, type SimReply, type SimRequest } from "../http-sim";
import { ecrSpec } from "../spec/specs";
import { verifySigV4 } from "./sigv4";

const TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921.";

/** Errors any AWS service may return for any operation (protocol level, not in a service model). */
const COMMON_AWS_ERRORS = ["AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException", "ThrottlingException", "ExpiredTokenException", "IncompleteSignature", "InternalFailure", "ServiceUnavailable"];

export interface EcrRepositoryFixture {
  mutability?: "MUTABLE" | "IMMUTABLE";
  scanOnPush?: boolean;
  encryption?: { type: "AES256" | "KMS"; kmsKey?: string };
  createdAt?: string;
  lifecycle?: {
    policyText: string;
    /** the images the last preview (dry run) would expire; absent: no preview was ever started */
    preview?: Array<{ tag: string; priority: number }>;
    /** the preview's state; an unfinished, failed or expired preview lists no results */
    previewStatus?: "IN_PROGRESS" | "COMPLETE" | "EXPIRED" | "FAILED";
    /** the policy the preview ran with, when the policy was changed after it (ECR keeps the old preview) */
    previewPolicyText?: string;
  };
}

export interface EcrImageFixture {
  pushedAt?: string;
  lastPulledAt?: string;
  scan?: { status?: "COMPLETE" | "IN_PROGRESS" | "FAILED"; completedAt?: string; basic?: ImageScanFinding[]; enhanced?: EnhancedImageScanFinding[] };
  replication?: Array<{ region: string; registryId: string; status: "COMPLETE" | "IN_PROGRESS" | "FAILED"; failureCode?: string }>;
}

export interface EcrSim extends RunningSim {
  registryId: string;
  region: string;
  setRepository(name: string, f: EcrRepositoryFixture): void;
  setImage(repository: string, reference: string, f: EcrImageFixture): Promise<string>;
  setReplicationRules(rules: Array<{ destinations: Array<{ region: string; registryId: string }>; prefixes?: string[] }>): void;
  /** the next GetAuthorizationToken answers hand out these registry passwords instead of the real one */
  issueTokens(tokens: string[]): void;
  tokenRequests(): number;
  /** operations called, in order */
  calls: string[];
  /** the next `times` calls of `operation` are throttled as AWS does it: HTTP 400, ThrottlingException */
  throttle(operation: string, times: number): { hits(): number };
}

export interface EcrSimOptions {
  registryUrl: string;
  /** the htpasswd password of user "AWS" on the registry */
  registryPassword: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
  registryId?: string;
  tokenTtlSeconds?: number;
}

const epoch = (iso: string) => Date.parse(iso) / 1000;

/** A request the service refuses with InvalidParameterException before running it. */
class InvalidParameter extends Error {}
const DEFAULT_TIME = "2026-01-10T12:00:00Z";

export async function startEcrSim(options: EcrSimOptions): Promise<EcrSim> {
  const backing = openBacking(options.registryUrl, { kind: "basic", username: "AWS", password: options.registryPassword });
  const spec = ecrSpec();
  const region = options.region ?? "eu-west-1";
  const registryId = options.registryId ?? "123456789012";
  const repos = new Map<string, EcrRepositoryFixture>();
  const images = new Map<string, EcrImageFixture>();
  let rules: Array<{ destinations: Array<{ region: string; registryId: string }>; repositoryFilters?: Array<{ filter: string; filterType: "PREFIX_MATCH" }> }> = [];
  let pendingTokens: string[] = [];
  let tokenRequests = 0;
  const calls: string[] = [];

  const error = (type: string, message: string, status = 400): SimReply => ({
    status,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": type },
    json: { __type: type, message },
  });
  const ok = (body: unknown): SimReply => ({ status: 200, headers: { "content-type": "application/x-amz-json-1.1" }, json: body });

  async function repositoryNames(): Promise<string[]> {
    return [...new Set([...(await backing.repositories()), ...repos.keys()])].sort();
  }

  const throttled = new Map<string, { left: number; hits: number }>();

  /**
   * One page: `maxResults` items (its range is checked with the rest of the input), 100 without it.
   * The token names the operation and request it belongs to, so one from elsewhere is refused, as ECR
   * refuses a token it did not issue for this request.
   */
  function page<T>(op: string, items: T[], input: Record<string, unknown>): { items: T[]; nextToken?: string } {
    const scope = `${op}\u0000${typeof input.repositoryName === "string" ? input.repositoryName : ""}\u0000${JSON.stringify(input.imageId ?? null)}`;
    let start = 0;
    if (input.nextToken !== undefined) {
      const [tokenScope, offset] = Buffer.from(String(input.nextToken), "base64url").toString().split("\u0001");
      if (tokenScope !== scope || !/^\d+$/.test(offset ?? "")) throw new InvalidParameter("Invalid parameter at 'nextToken' failed to satisfy constraint: 'The token is not valid for this request'");
      start = Number(offset);
    }
    const size = typeof input.maxResults === "number" ? input.maxResults : 100;
    const slice = items.slice(start, start + size);
    return { items: slice, ...(start + size < items.length ? { nextToken: Buffer.from(`${scope}\u0001${start + size}`).toString("base64url") } : {}) };
  }

  async function imagesOf(repository: string): Promise<BackingImage[] | null> {
    if (!(await repositoryNames()).includes(repository)) return null;
    return backing.images(repository).catch(() => []);
  }

  function findingsOf(f: EcrImageFixture) {
    const scan = f.scan!;
    const severities: Record<string, number> = {};
    for (const x of scan.basic ?? []) severities[x.severity ?? "UNDEFINED"] = (severities[x.severity ?? "UNDEFINED"] ?? 0) + 1;
    for (const x of scan.enhanced ?? []) severities[x.severity ?? "UNDEFINED"] = (severities[x.severity ?? "UNDEFINED"] ?? 0) + 1;
    return { severities, completedAt: epoch(scan.completedAt ?? DEFAULT_TIME) };
  }

  const toWire = (value: unknown): unknown => {
    if (value instanceof Date) return value.getTime() / 1000;
    if (Array.isArray(value)) return value.map(toWire);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toWire(v)]));
    return value;
  };

  function detail(repository: string, img: BackingImage) {
    const f = images.get(img.digest) ?? {};
    const scan = f.scan;
    return {
      registryId,
      repositoryName: repository,
      imageDigest: img.digest,
      ...(img.tags.length ? { imageTags: img.tags } : {}),
      imageSizeInBytes: img.platforms.length > 1 ? Math.max(...img.platforms.map((p) => p.size)) : img.size,
      imagePushedAt: epoch(f.pushedAt ?? img.created ?? DEFAULT_TIME),
      imageManifestMediaType: img.mediaType,
      ...(img.configMediaType ? { artifactMediaType: img.configMediaType } : {}),
      ...(f.lastPulledAt ? { lastRecordedPullTime: epoch(f.lastPulledAt) } : {}),
      ...(scan
        ? {
            imageScanStatus: { status: scan.status ?? "COMPLETE", description: "The scan was completed successfully." },
            ...(scan.status === undefined || scan.status === "COMPLETE" ? { imageScanFindingsSummary: { imageScanCompletedAt: findingsOf(f).completedAt, vulnerabilitySourceUpdatedAt: findingsOf(f).completedAt, findingSeverityCounts: findingsOf(f).severities } } : {}),
          }
        : {}),
    };
  }

  async function resolve(repository: string, imageId: unknown): Promise<BackingImage | null | "no-repo"> {
    const list = await imagesOf(repository);
    if (!list) return "no-repo";
    const id = (imageId ?? {}) as { imageDigest?: string; imageTag?: string };
    return list.find((i) => (id.imageDigest ? i.digest === id.imageDigest : id.imageTag ? i.tags.includes(id.imageTag) : false)) ?? null;
  }

  async function operation(op: string, input: Record<string, unknown>): Promise<SimReply> {
    const repoName = typeof input.repositoryName === "string" ? input.repositoryName : "";
    const noRepo = () => error("RepositoryNotFoundException", `The repository with name '${repoName}' does not exist in the registry with id '${registryId}'`);
    switch (op) {
      case "GetAuthorizationToken": {
        tokenRequests++;
        const password = pendingTokens.shift() ?? options.registryPassword;
        return ok({
          authorizationData: [
            {
              authorizationToken: Buffer.from(`AWS:${password}`).toString("base64"),
              expiresAt: Math.floor(Date.now() / 1000) + (options.tokenTtlSeconds ?? 12 * 3600),
              proxyEndpoint: options.registryUrl,
            },
          ],
        });
      }
      case "DescribeRepositories": {
        let names = await repositoryNames();
        if (Array.isArray(input.repositoryNames)) {
          if (input.maxResults !== undefined || input.nextToken !== undefined) throw new InvalidParameter("Invalid parameter: maxResults and nextToken cannot be used with repositoryNames");
          const wanted = input.repositoryNames as string[];
          const missing = wanted.find((n) => !names.includes(n));
          if (missing) return error("RepositoryNotFoundException", `The repository with name '${missing}' does not exist in the registry with id '${registryId}'`);
          names = wanted;
        }
        const p = page(op, names, input);
        return ok({
          repositories: p.items.map((name) => {
            const f = repos.get(name) ?? {};
            return {
              repositoryArn: `arn:aws:ecr:${region}:${registryId}:repository/${name}`,
              registryId,
              repositoryName: name,
              repositoryUri: `${registryId}.dkr.ecr.${region}.amazonaws.com/${name}`,
              createdAt: epoch(f.createdAt ?? DEFAULT_TIME),
              imageTagMutability: f.mutability ?? "MUTABLE",
              imageScanningConfiguration: { scanOnPush: f.scanOnPush ?? false },
              encryptionConfiguration: { encryptionType: f.encryption?.type ?? "AES256", ...(f.encryption?.kmsKey ? { kmsKey: f.encryption.kmsKey } : {}) },
            };
          }),
          ...(p.nextToken ? { nextToken: p.nextToken } : {}),
        });
      }
      case "DescribeImages": {
        const list = await imagesOf(repoName);
        if (!list) return noRepo();
        let selected = list;
        if (Array.isArray(input.imageIds)) {
          if (input.maxResults !== undefined || input.nextToken !== undefined) throw new InvalidParameter("Invalid parameter: maxResults and nextToken cannot be used with imageIds");
          selected = [];
          for (const id of input.imageIds) {
            const found = await resolve(repoName, id);
            if (!found || found === "no-repo") return error("ImageNotFoundException", `The image with imageId ${JSON.stringify(id)} does not exist within the repository with name '${repoName}'`);
            selected.push(found);
          }
        }
        const p = page(op, selected, input);
        return ok({ imageDetails: p.items.map((i) => detail(repoName, i)), ...(p.nextToken ? { nextToken: p.nextToken } : {}) });
      }
      case "ListImages": {
        const list = await imagesOf(repoName);
        if (!list) return noRepo();
        const ids = list.flatMap((i) => (i.tags.length ? i.tags.map((t) => ({ imageDigest: i.digest, imageTag: t })) : [{ imageDigest: i.digest }]));
        const p = page(op, ids, input);
        return ok({ imageIds: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) });
      }
      case "DescribeImageScanFindings": {
        const img = await resolve(repoName, input.imageId);
        if (img === "no-repo") return noRepo();
        if (!img) return error("ImageNotFoundException", `The image does not exist within the repository with name '${repoName}'`);
        const f = images.get(img.digest);
        if (!f?.scan) return error("ScanNotFoundException", `Image scan does not exist for the image with '${JSON.stringify(input.imageId)}' in the repository with name '${repoName}' in the registry with id '${registryId}'`);
        const status = f.scan.status ?? "COMPLETE";
        const basic = page(op, f.scan.basic ?? [], input);
        const enhanced = page(op, f.scan.enhanced ?? [], input);
        const next = f.scan.enhanced ? enhanced.nextToken : basic.nextToken;
        return ok({
          registryId,
          repositoryName: repoName,
          imageId: { imageDigest: img.digest, ...(img.tags[0] ? { imageTag: img.tags[0] } : {}) },
          imageScanStatus: { status, description: status === "COMPLETE" ? "The scan was completed successfully." : `scan ${status.toLowerCase()}` },
          ...(status === "COMPLETE"
            ? {
                imageScanFindings: toWire({
                  imageScanCompletedAt: findingsOf(f).completedAt,
                  vulnerabilitySourceUpdatedAt: findingsOf(f).completedAt,
                  findingSeverityCounts: findingsOf(f).severities,
                  ...(f.scan.enhanced ? { enhancedFindings: enhanced.items } : { findings: basic.items }),
                }),
              }
            : {}),
          ...(next ? { nextToken: next } : {}),
        });
      }
      case "GetLifecyclePolicy": {
        if (!(await repositoryNames()).includes(repoName)) return noRepo();
        const lc = repos.get(repoName)?.lifecycle;
        if (!lc) return error("LifecyclePolicyNotFoundException", `Lifecycle policy does not exist for the repository with name '${repoName}' in the registry with id '${registryId}'`);
        return ok({ registryId, repositoryName: repoName, lifecyclePolicyText: lc.policyText, lastEvaluatedAt: epoch(DEFAULT_TIME) });
      }
      case "GetLifecyclePolicyPreview": {
        const list = await imagesOf(repoName);
        if (!list) return noRepo();
        const lc = repos.get(repoName)?.lifecycle;
        if (!lc?.preview) return error("LifecyclePolicyPreviewNotFoundException", `There is no dry run for the repository with name '${repoName}' in the registry with id '${registryId}'`);
        const status = lc.previewStatus ?? "COMPLETE";
        const results = (status === "COMPLETE" ? lc.preview : []).flatMap((x) => {
          const img = list.find((i) => i.tags.includes(x.tag));
          return img ? [{ imageTags: img.tags, imageDigest: img.digest, imagePushedAt: epoch(images.get(img.digest)?.pushedAt ?? img.created ?? DEFAULT_TIME), action: { type: "EXPIRE" }, appliedRulePriority: x.priority }] : [];
        });
        const p = page(op, results, input);
        return ok({
          registryId,
          repositoryName: repoName,
          lifecyclePolicyText: lc.previewPolicyText ?? lc.policyText,
          status,
          previewResults: p.items,
          ...(status === "COMPLETE" ? { summary: { expiringImageTotalCount: results.length } } : {}),
          ...(p.nextToken ? { nextToken: p.nextToken } : {}),
        });
      }
      case "BatchDeleteImage": {
        const list = await imagesOf(repoName);
        if (!list) return noRepo();
        // each id on its own: the call succeeds and reports the ids it could not delete in `failures`
        const deleted: Array<{ imageDigest: string; imageTag?: string }> = [];
        const failures: Array<{ imageId: unknown; failureCode: string; failureReason: string }> = [];
        for (const raw of input.imageIds as Array<{ imageDigest?: string; imageTag?: string }>) {
          const current = (await imagesOf(repoName)) ?? [];
          if (!raw.imageDigest && !raw.imageTag) {
            failures.push({ imageId: raw, failureCode: "MissingDigestAndTag", failureReason: "Invalid request parameters: both tag and digest cannot be null" });
            continue;
          }
          if (raw.imageDigest && !/^sha256:[0-9a-f]{64}$/.test(raw.imageDigest)) {
            failures.push({ imageId: raw, failureCode: "InvalidImageDigest", failureReason: "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'" });
            continue;
          }
          const byTag = raw.imageTag ? current.find((i) => i.tags.includes(raw.imageTag!)) : undefined;
          if (raw.imageTag && raw.imageDigest && byTag && byTag.digest !== raw.imageDigest) {
            failures.push({ imageId: raw, failureCode: "ImageTagDoesNotMatchDigest", failureReason: "Invalid request parameters: given tag does not match the given digest" });
            continue;
          }
          const img = raw.imageTag ? byTag : current.find((i) => i.digest === raw.imageDigest);
          if (!img) {
            failures.push({ imageId: raw, failureCode: "ImageNotFound", failureReason: "Requested image not found" });
            continue;
          }
          if (raw.imageTag) {
            await backing.removeTag(repoName, raw.imageTag);
            deleted.push({ imageDigest: img.digest, imageTag: raw.imageTag });
          } else {
            await backing.deleteImage(repoName, img.digest);
            deleted.push(...(img.tags.length ? img.tags.map((t) => ({ imageDigest: img.digest, imageTag: t })) : [{ imageDigest: img.digest }]));
          }
        }
        // both lists have a minimum length of 1 in the model: an empty one is left out
        return ok({ ...(deleted.length ? { imageIds: deleted } : {}), ...(failures.length ? { failures } : {}) });
      }
      case "DescribeRegistry":
        return ok({ registryId, replicationConfiguration: { rules } });
      case "DescribeImageReplicationStatus": {
        const img = await resolve(repoName, input.imageId);
        if (img === "no-repo") return noRepo();
        if (!img) return error("ImageNotFoundException", `The image does not exist within the repository with name '${repoName}'`);
        return ok({ repositoryName: repoName, imageId: { imageDigest: img.digest, ...(img.tags[0] ? { imageTag: img.tags[0] } : {}) }, replicationStatuses: images.get(img.digest)?.replication ?? [] });
      }
      default:
        return error("InvalidParameterException", `the simulator does not implement ${op}`);
    }
  }

  async function handle(req: SimRequest): Promise<SimReply> {
    const target = String(req.headers["x-amz-target"] ?? "");
    if (req.method !== "POST" || req.rawPath !== "/" || !target.startsWith(TARGET_PREFIX)) return error("UnknownOperationException", `unsupported request ${req.method} ${req.rawPath} ${target}`);
    const sig = verifySigV4(req, (k) => (k === options.accessKeyId ? options.secretAccessKey : undefined));
    if (!sig.ok) {
      return sig.reason === "unknown-key"
        ? error("UnrecognizedClientException", "The security token included in the request is invalid.")
        : error("InvalidSignatureException", `${sig.detail}. Check your AWS Secret Access Key and signing method.`, 403);
    }
    if (sig.service !== "ecr" || sig.region !== region) return error("InvalidSignatureException", `Credential should be scoped to a valid region (${region}) and service ecr`, 403);
    const op = target.slice(TARGET_PREFIX.length);
    calls.push(op);
    const throttle = throttled.get(op);
    if (throttle && throttle.left > 0) {
      throttle.left--;
      throttle.hits++;
      return error("ThrottlingException", "Rate exceeded");
    }
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(req.body.toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      return error("SerializationException", "the request body is not JSON");
    }
    if (spec.operations().includes(op)) {
      const [problem] = spec.checkInput(op, input);
      if (problem) return error("InvalidParameterException", `Invalid parameter at '${problem.split(":")[0]!.replace(/^\./, "")}' failed to satisfy constraint: '${problem.slice(problem.indexOf(":") + 2)}'`);
    }
    try {
      return await operation(op, input);
    } catch (err) {
      if (err instanceof InvalidParameter) return error("InvalidParameterException", err.message);
      throw err;
    }
  }

  const opOf = (req: SimRequest) => String(req.headers["x-amz-target"] ?? "").slice(TARGET_PREFIX.length) || undefined;

  const sim = await startHttpSim({
    name: "ecr",
    handle,
    tagOf: opOf,
    check: (x) => {
      const op = x.tag;
      if (!op) return [`${x.method} ${x.path}: not an ECR operation`];
      if (!(x.contentType ?? "").startsWith("application/x-amz-json-1.1")) return [`${op}: Content-Type ${x.contentType} is not application/x-amz-json-1.1`];
      let body: unknown;
      try {
        body = JSON.parse(x.body.toString("utf8"));
      } catch (err) {
        return [`${op}: body is not JSON: ${(err as Error).message}`];
      }
      if (x.status === 200) return spec.checkOutput(op, body);
      const type = String((body as { __type?: unknown }).__type ?? "");
      if (COMMON_AWS_ERRORS.includes(type)) return typeof (body as { message?: unknown }).message === "string" ? [] : [`${op}: ${type} without a message`];
      return spec.checkError(op, body);
    },
    errorReply: (status) => {
      // the HTTP status is the one asked for; the error type is what AWS sends in that situation
      if (status === 429) return error("ThrottlingException", "Rate exceeded", status);
      if (status >= 500) return error("ServerException", "We encountered an internal error. Please try again.", status);
      if (status === 403) return error("AccessDeniedException", "User: arn:aws:iam::123456789012:user/dockmaster is not authorized to perform this action", status);
      if (status === 404) return error("RepositoryNotFoundException", "The repository does not exist in the registry", status);
      return error("UnrecognizedClientException", "The security token included in the request is invalid.", status);
    },
  });

  return {
    ...sim,
    registryId,
    region,
    calls,
    setRepository(name, f) {
      repos.set(name, { ...repos.get(name), ...f });
    },
    async setImage(repository, reference, f) {
      const img = await backing.image(repository, reference);
      if (!img) throw new Error(`ecr sim: ${repository}:${reference} is not in the registry`);
      images.set(img.digest, { ...images.get(img.digest), ...f });
      return img.digest;
    },
    setReplicationRules(r) {
      rules = r.map((x) => ({ destinations: x.destinations, ...(x.prefixes ? { repositoryFilters: x.prefixes.map((p) => ({ filter: p, filterType: "PREFIX_MATCH" as const })) } : {}) }));
    },
    issueTokens(tokens) {
      pendingTokens = [...tokens];
    },
    tokenRequests: () => tokenRequests,
    throttle(operation, times) {
      const entry = { left: times, hits: 0 };
      throttled.set(operation, entry);
      return { hits: () => entry.hits };
    },
    stop: async () => {
      await sim.stop();
      await backing.close();
    },
  };
}
