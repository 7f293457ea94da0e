/**
 * Deleting through each provider (retention execution's only way to remove content), against the
 * simulators and a real docker-registry: Harbor's artifact and tag delete and manual GC, ECR's
 * BatchDeleteImage with its per-id failures, Docker Hub's tag delete, plain Distribution by digest.
 * Every simulated answer is checked against the vendor's spec (afterEach: no violations), and the real
 * registry behind each simulator confirms what is gone and what stayed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { garbageCollectionSource, imageDeleteSource } from "../../lib/registry/capabilities";
import { createDockerHubProvider, type DockerHubProvider } from "../../lib/registry/dockerhub/provider";
import { createEcrProvider, type EcrProvider } from "../../lib/registry/ecr/provider";
import { RegistryError } from "../../lib/registry/errors";
import { createHarborProvider, type HarborProvider } from "../../lib/registry/harbor/provider";
import { createOciProvider, type OciProvider } from "../../lib/registry/oci/provider";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { startTokenServer, type RunningTokenServer } from "../harness/token-server";
import { startHubSim, type HubSim } from "../sim/dockerhub/server";
import { startEcrSim, type EcrSim } from "../sim/ecr/server";
import { startHarborSim, type HarborSim } from "../sim/harbor/server";

const fast = { retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 20 } };
const registries: RunningRegistry[] = [];
const tagsOf = async (p: OciProvider, repo: string) => (await p.listTags(repo).catch(() => ({ items: [] as string[] }))).items.sort();

afterAll(async () => {
  for (const r of registries) await r.stop();
});

describe("plain Distribution (docker-registry 2.8)", () => {
  let oci: OciProvider;
  beforeAll(async () => {
    const registry = await startRegistry({ auth: "none" });
    registries.push(registry);
    oci = createOciProvider({ name: "oci", url: registry.url, auth: { kind: "anonymous" } }, fast);
  });
  afterAll(() => oci.close());

  it("says it deletes manifests by digest only and that space needs an offline garbage-collect", () => {
    const d = imageDeleteSource(oci)!;
    expect(d.deletion).toMatchObject({ tagDelete: false, manifestDelete: true, reclaim: "offline-gc" });
    expect(d.deletion.note).toContain("registry garbage-collect");
    expect(d.deleteTag).toBeUndefined();
    expect(garbageCollectionSource(oci)).toBeNull();
  });

  it("deleting by digest removes the manifest and every tag on it, nothing else", async () => {
    const image = buildImage({ layerCount: 1 });
    const digest = await pushImage(oci, "dev/app", image, "1.0");
    await pushImage(oci, "dev/app", image, "stable");
    await pushImage(oci, "dev/app", buildImage({ layerCount: 1 }), "2.0");
    await oci.deleteImage!("dev/app", digest);
    expect(await oci.headManifest("dev/app", digest)).toBeNull();
    expect(await tagsOf(oci, "dev/app")).toEqual(["2.0"]);
  });

  it("names a missing digest as not found", async () => {
    await expect(oci.deleteImage!("dev/app", `sha256:${"0".repeat(64)}`)).rejects.toMatchObject({ kind: "not_found", status: 404 });
  });

  it("says deletes are disabled when the registry answers 405", async () => {
    const locked = await startRegistry({ auth: "none", deleteEnabled: false });
    registries.push(locked);
    const p = createOciProvider({ name: "locked", url: locked.url, auth: { kind: "anonymous" } }, fast);
    const digest = await pushImage(p, "dev/app", buildImage({ layerCount: 1 }), "1.0");
    const err = (await p.deleteImage!("dev/app", digest).catch((e: unknown) => e)) as RegistryError;
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toMatchObject({ kind: "unsupported", status: 405 });
    expect(err.message).toContain("storage.delete.enabled: true");
    expect(await tagsOf(p, "dev/app")).toEqual(["1.0"]);
    await p.close();
  });
});

describe("Harbor", () => {
  const users = [{ username: "admin", password: "Harbor12345" }];
  let sim: HarborSim;
  let harbor: HarborProvider;
  let backing: OciProvider;
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    const registry = await startRegistry({ auth: "htpasswd", users });
    registries.push(registry);
    sim = await startHarborSim({
      registryUrl: registry.url,
      users,
      accounts: [
        { username: "dev", password: "dev-pass-1", kind: "developer", projects: ["team"] },
        { username: "keeper", password: "keeper-pass-1", kind: "maintainer", projects: ["team"] },
      ],
    });
    backing = createOciProvider({ name: "backing", url: registry.url, auth: { kind: "basic", ...users[0]! } }, fast);
    const shared = buildImage({ layerCount: 1 });
    digests.shared = await pushImage(backing, "team/app", shared, "1.0");
    await pushImage(backing, "team/app", shared, "stable");
    digests.other = await pushImage(backing, "team/app", buildImage({ layerCount: 1 }), "2.0");
    digests.locked = await pushImage(backing, "team/app", buildImage({ layerCount: 1 }), "release-1");
    sim.setProject("team", { immutableRules: [{ id: 1, disabled: false, action: "immutable", template: "immutable_template", tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern: "release-*" }], scope_selectors: { repository: [{ kind: "doublestar", decoration: "repoMatches", pattern: "**" }] } }] });
    harbor = createHarborProvider({ name: "harbor", url: sim.url, auth: { kind: "basic", ...users[0]! } }, fast);
  });
  afterEach(() => {
    sim.clearFaults();
    expect(sim.takeViolations()).toEqual([]);
  });
  afterAll(async () => {
    await harbor.close();
    await backing.close();
    await sim.stop();
  });

  it("deletes one tag and keeps the artifact with its other tags", async () => {
    expect(harbor.deletion).toMatchObject({ tagDelete: true, manifestDelete: true, reclaim: "gc-api" });
    await harbor.deleteTag!("team/app", "stable");
    expect(await tagsOf(backing, "team/app")).toEqual(["1.0", "2.0", "release-1"]);
    expect((await backing.headManifest("team/app", "1.0"))?.digest).toBe(digests.shared);
    expect(sim.deletions.at(-1)).toEqual({ kind: "tag", repository: "team/app", reference: "stable", user: "admin" });
  });

  it("deletes an artifact by digest with its tags", async () => {
    await harbor.deleteImage!("team/app", digests.other!);
    expect(await tagsOf(backing, "team/app")).toEqual(["1.0", "release-1"]);
    expect(sim.deletions.at(-1)).toMatchObject({ kind: "artifact", reference: digests.other });
  });

  it("reports a missing artifact as not found (404)", async () => {
    await expect(harbor.deleteImage!("team/app", digests.other!)).rejects.toMatchObject({ kind: "not_found", status: 404 });
    await expect(harbor.deleteTag!("team/app", "no-such-tag")).rejects.toMatchObject({ kind: "not_found", status: 404 });
  });

  it("refuses an immutable tag (412) and leaves it", async () => {
    await expect(harbor.deleteImage!("team/app", digests.locked!)).rejects.toMatchObject({ status: 412 });
    expect(await tagsOf(backing, "team/app")).toContain("release-1");
  });

  it("a developer may not delete (403), anonymous is 401", async () => {
    const dev = createHarborProvider({ name: "h", url: sim.url, auth: { kind: "basic", username: "dev", password: "dev-pass-1" } }, fast);
    const anon = createHarborProvider({ name: "h", url: sim.url, auth: { kind: "anonymous" } }, fast);
    await expect(dev.deleteTag!("team/app", "1.0")).rejects.toMatchObject({ kind: "forbidden", status: 403 });
    // the project is public, so anonymous may read the artifact but not delete it
    await expect(anon.deleteImage!("team/app", digests.shared!)).rejects.toMatchObject({ kind: "unauthorized", status: 401 });
    expect(await tagsOf(backing, "team/app")).toContain("1.0");
    await Promise.all([dev.close(), anon.close()]);
  });

  it("maps 429 and 5xx to rate_limited and an internal error", async () => {
    sim.fault({ method: "DELETE", path: /\/tags\//, status: 429, retryAfter: "7" });
    await expect(harbor.deleteTag!("team/app", "1.0")).rejects.toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 7000 });
    sim.fault({ method: "DELETE", path: /\/artifacts\//, status: 500 });
    const err = (await harbor.deleteImage!("team/app", digests.shared!).catch((e: unknown) => e)) as RegistryError;
    expect(err).toMatchObject({ kind: "bad_response", status: 500, transient: true });
    expect(err.message).toContain("internal error");
  });

  it("starts a manual garbage collection as an admin only", async () => {
    const gc = garbageCollectionSource(harbor)!;
    expect(await gc.triggerGarbageCollection()).toEqual({ id: "1" });
    expect(sim.gcRuns[0]).toMatchObject({ user: "admin", parameters: { delete_untagged: false } });
    // one run at a time: Harbor answers 409 while one is running
    await expect(gc.triggerGarbageCollection()).rejects.toMatchObject({ status: 409 });
    sim.finishGc();
    const keeper = createHarborProvider({ name: "h", url: sim.url, auth: { kind: "basic", username: "keeper", password: "keeper-pass-1" } }, fast);
    await expect(keeper.triggerGarbageCollection()).rejects.toMatchObject({ kind: "forbidden", status: 403 });
    await keeper.close();
  });
});

describe("Amazon ECR", () => {
  const TOKEN = "ecr-registry-token-del";
  const KEYS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
  let sim: EcrSim;
  let ecr: EcrProvider;
  let backing: OciProvider;
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    const registry = await startRegistry({ auth: "htpasswd", users: [{ username: "AWS", password: TOKEN }] });
    registries.push(registry);
    sim = await startEcrSim({ registryUrl: registry.url, registryPassword: TOKEN, ...KEYS, region: "eu-west-1" });
    backing = createOciProvider({ name: "backing", url: registry.url, auth: { kind: "basic", username: "AWS", password: TOKEN } }, fast);
    const shared = buildImage({ layerCount: 1 });
    digests.shared = await pushImage(backing, "prod/api", shared, "1.0");
    await pushImage(backing, "prod/api", shared, "latest");
    digests.old = await pushImage(backing, "prod/api", buildImage({ layerCount: 1 }), "0.9");
    ecr = createEcrProvider({ name: "ecr", url: registry.url, auth: { kind: "anonymous" }, aws: { region: "eu-west-1", ...KEYS, endpoint: sim.url } }, { maxAttempts: 1, ...fast });
  });
  afterEach(() => {
    sim.clearFaults();
    expect(sim.takeViolations()).toEqual([]);
  });
  afterAll(async () => {
    await ecr.close();
    await backing.close();
    await sim.stop();
  });

  it("deletes one tag by imageTag, keeping the image's other tag", async () => {
    expect(ecr.deletion).toMatchObject({ tagDelete: true, manifestDelete: true, reclaim: "immediate" });
    await ecr.deleteTag!("prod/api", "latest");
    expect(await tagsOf(backing, "prod/api")).toEqual(["0.9", "1.0"]);
    expect(sim.calls.at(-1)).toBe("BatchDeleteImage");
  });

  it("deletes an image by imageDigest", async () => {
    await ecr.deleteImage!("prod/api", digests.old!);
    expect(await tagsOf(backing, "prod/api")).toEqual(["1.0"]);
  });

  it("turns a per-id failure into a not_found error naming ECR's failure code", async () => {
    const err = (await ecr.deleteImage!("prod/api", digests.old!).catch((e: unknown) => e)) as RegistryError;
    expect(err).toMatchObject({ kind: "not_found", codes: ["ImageNotFound"] });
    expect(err.message).toContain(`prod/api@${digests.old}`);
  });

  it("an unknown repository, denied access and throttling are precise errors", async () => {
    await expect(ecr.deleteTag!("prod/none", "1")).rejects.toMatchObject({ kind: "not_found", codes: ["RepositoryNotFoundException"] });
    sim.fault({ tag: "BatchDeleteImage", status: 403 });
    await expect(ecr.deleteTag!("prod/api", "1.0")).rejects.toMatchObject({ kind: "forbidden", status: 403 });
    sim.throttle("BatchDeleteImage", 1);
    await expect(ecr.deleteTag!("prod/api", "1.0")).rejects.toMatchObject({ kind: "rate_limited" });
    sim.fault({ tag: "BatchDeleteImage", status: 500 });
    await expect(ecr.deleteTag!("prod/api", "1.0")).rejects.toMatchObject({ status: 500, transient: true });
    expect(await tagsOf(backing, "prod/api")).toEqual(["1.0"]);
  });
});

describe("Docker Hub", () => {
  const USER = { username: "acmebot", password: "dckr_pat_2b3e36beeb386dfdaacb9b46004ccb7c" };
  let tokens: RunningTokenServer;
  let sim: HubSim;
  let hub: DockerHubProvider;
  let backing: OciProvider;

  beforeAll(async () => {
    tokens = await startTokenServer({ users: [USER, { username: "other", password: "other-pat" }], anonymousPull: true });
    const registry = await startRegistry({ auth: "token", token: tokens.config });
    registries.push(registry);
    sim = await startHubSim({ registryUrl: registry.url, users: [USER, { username: "other", password: "other-pat" }], tokenRealm: tokens.realm });
    backing = createOciProvider({ name: "push", url: sim.url, auth: { kind: "basic", ...USER }, tokenRealms: [tokens.realm] }, fast);
    const image = buildImage({ layerCount: 1 });
    await pushImage(backing, "acmebot/web", image, "1.0");
    await pushImage(backing, "acmebot/web", image, "edge");
    hub = createDockerHubProvider({ name: "hub", url: sim.url, auth: { kind: "basic", ...USER }, namespaces: ["acmebot"], tokenRealms: [tokens.realm] }, fast);
  });
  afterEach(() => {
    sim.clearFaults();
    expect(sim.takeViolations()).toEqual([]);
  });
  afterAll(async () => {
    await hub.close();
    await backing.close();
    await sim.stop();
    await tokens.stop();
  });

  it("deletes tags only: no manifest delete, the untagged image is Hub's to clean up", async () => {
    expect(hub.deletion).toMatchObject({ tagDelete: true, manifestDelete: false, reclaim: "registry-managed" });
    expect(hub.deleteImage).toBeUndefined();
    await hub.deleteTag!("acmebot/web", "edge");
    expect(await tagsOf(backing, "acmebot/web")).toEqual(["1.0"]);
    expect(sim.deletedTags).toEqual(["acmebot/web:edge"]);
  });

  it("a missing tag is not found; another account's namespace is forbidden", async () => {
    await expect(hub.deleteTag!("acmebot/web", "edge")).rejects.toMatchObject({ kind: "not_found", status: 404 });
    const other = createDockerHubProvider({ name: "hub", url: sim.url, auth: { kind: "basic", username: "other", password: "other-pat" }, tokenRealms: [tokens.realm] }, fast);
    await expect(other.deleteTag!("acmebot/web", "1.0")).rejects.toMatchObject({ kind: "forbidden", status: 403 });
    await other.close();
    expect(await tagsOf(backing, "acmebot/web")).toEqual(["1.0"]);
  });

  it("rate limiting and server errors are named", async () => {
    sim.fault({ method: "DELETE", path: /\/tags\//, status: 429, retryAfter: "30" });
    await expect(hub.deleteTag!("acmebot/web", "1.0")).rejects.toMatchObject({ kind: "rate_limited", retryAfterMs: 30_000 });
    sim.fault({ method: "DELETE", path: /\/tags\//, status: 503 });
    await expect(hub.deleteTag!("acmebot/web", "1.0")).rejects.toMatchObject({ kind: "unreachable", status: 503 });
  });
});
