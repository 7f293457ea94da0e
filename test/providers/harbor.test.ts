/**
 * Contract tests of the Harbor provider, through its real client code, against the Harbor simulator
 * (test/sim/harbor). Content goes through the simulator to a real docker-registry; every API response
 * the simulator sends is checked against Harbor's swagger, and a test fails on any mismatch.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHarborProvider, type HarborProvider } from "../../lib/registry/harbor/provider";
import { createOciProvider } from "../../lib/registry/oci/provider";
import { RegistryError } from "../../lib/registry/errors";
import { vulnerabilitySummary } from "../../lib/registry/harbor/artifacts";
import { staticProbeContext } from "../../lib/probe/context";
import { runProbe } from "../../lib/probe/kinds";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { buildImage } from "../harness/image-builder";
import { pushImage, seedStandardImages, type SeededStandardImages } from "../harness/seed";
import { CVES, HARBOR_IMMUTABLE_1X, HARBOR_RETAIN_LATEST, harborReport } from "../sim/fixtures";
import { startHarborSim, type HarborSim } from "../sim/harbor/server";
import { harborSpec } from "../sim/spec/specs";

const users = [{ username: "admin", password: "Harbor12345" }];
const auth = { kind: "basic" as const, username: "admin", password: "Harbor12345" };
const fastRetry = { retry: { baseDelayMs: 5, maxDelayMs: 20 } };

let registry: RunningRegistry;
let sim: HarborSim;
let harbor: HarborProvider;
let seeded: SeededStandardImages;
let oldDigest: string;
/** ret/app: one artifact tagged 0.1 and stable (removed by the dry run), one tagged 0.2 */
let retOld: string;

beforeAll(async () => {
  registry = await startRegistry({ auth: "htpasswd", users });
  sim = await startHarborSim({ registryUrl: registry.url, users });
  // seeded through the simulator's /v2/, as a `docker push` to Harbor would go
  const pusher = createOciProvider({ name: "push", url: sim.url, auth });
  seeded = await seedStandardImages(pusher, { namespace: "library" });
  oldDigest = await pushImage(pusher, "library/single", buildImage({ layerCount: 1, created: "2025-06-01T00:00:00Z" }), "0.9.0");
  // retention fixtures: an artifact with two tags, a second repository, a project whose logs were swept
  const retOldImage = buildImage({ layerCount: 1, created: "2025-07-01T00:00:00Z" });
  retOld = await pushImage(pusher, "ret/app", retOldImage, "0.1");
  await pushImage(pusher, "ret/app", retOldImage, "stable");
  await pushImage(pusher, "ret/app", buildImage({ layerCount: 1, created: "2025-08-01T00:00:00Z" }), "0.2");
  await pushImage(pusher, "ret/other", buildImage({ layerCount: 1, created: "2025-08-02T00:00:00Z" }), "1");
  await pushImage(pusher, "swept/app", buildImage({ layerCount: 1, created: "2025-08-03T00:00:00Z" }), "1");
  // a repository name with a slash inside its project (URL-encoded twice in Harbor's API)
  await pushImage(pusher, "nested/team/app", buildImage({ layerCount: 1, created: "2025-08-04T00:00:00Z" }), "1.0");
  await pusher.close();
  sim.setProject("ret", {
    retention: {
      rules: [HARBOR_RETAIN_LATEST],
      // 25 scheduled runs after the dry run push it past the first page of executions
      dryRun: { startTime: "2026-02-02T03:00:00Z", removals: [{ repository: "ret/app", tag: "0.1" }], laterRuns: 25 },
    },
  });
  sim.setProject("swept", { public: false, retention: { rules: [HARBOR_RETAIN_LATEST], dryRun: { startTime: "2026-01-01T03:00:00Z", removals: [{ repository: "swept/app", tag: "1" }], logExpired: true } } });
  // a project whose name is a number: Harbor reads it as an id without X-Is-Resource-Name
  sim.setProject("2024", { quotaBytes: 1024 ** 3 });

  sim.setProject("library", {
    quotaBytes: 10 * 1024 ** 3,
    immutableRules: [HARBOR_IMMUTABLE_1X],
    retention: {
      rules: [HARBOR_RETAIN_LATEST],
      dryRun: { startTime: "2026-02-02T03:00:00Z", removals: [{ repository: "library/single", tag: "0.9.0" }] },
    },
  });
  await sim.setArtifact("library/single", "1.0.0", {
    pushTime: "2026-01-20T10:00:00Z",
    pullTime: "2026-02-03T09:30:00Z",
    labels: [{ name: "release", color: "#00AA00", description: "shipped" }],
    report: harborReport([CVES.musl, CVES.bash, CVES.openssl]),
  });
  sim.addReplicationPolicy({ name: "to-dr", destination: "harbor-dr.example.com", destNamespace: "library", trigger: "scheduled", cron: "0 0 2 * * *", filters: [{ type: "name", value: "library/**" }] });
  sim.addReplicationPolicy({ name: "disabled-one", destination: "backup.example.com", enabled: false });
  sim.addReplicationExecution({
    policy: "to-dr",
    status: "Failed",
    trigger: "scheduled",
    startTime: "2026-02-01T02:00:00Z",
    endTime: "2026-02-01T02:03:00Z",
    statusText: "1 of 2 tasks failed",
    tasks: [
      { status: "Succeed", src: "library/single:1.0.0", dst: "library/single:1.0.0" },
      { status: "Failed", src: "library/multi:2.0.0", dst: "library/multi:2.0.0" },
    ],
  });
  harbor = createHarborProvider({ name: "harbor", url: sim.url, auth }, fastRetry);
});

afterEach(() => {
  sim.clearFaults();
  expect(sim.takeViolations()).toEqual([]);
});

afterAll(async () => {
  await harbor?.close();
  await sim?.stop();
  await registry?.stop();
});

describe("Harbor provider against the simulator", () => {
  it("lists repositories of every project through the API, page by page", async () => {
    const first = await harbor.listRepositories({ pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.next).toBe("2");
    const all: string[] = [...first.items];
    let cursor = first.next;
    while (cursor) {
      const page = await harbor.listRepositories({ pageSize: 2, cursor });
      all.push(...page.items);
      cursor = page.next;
    }
    expect(all.sort()).toEqual(["library/docker", "library/multi", "library/signed", "library/single", "nested/team/app", "ret/app", "ret/other", "swept/app"]);
  });

  it("reads tags and manifests through the OCI client behind Harbor's /v2/", async () => {
    expect((await harbor.listTags("library/single")).items.sort()).toEqual(["0.9.0", "1.0.0"]);
    const d = await harbor.describeArtifact("library/multi", "2.0.0");
    expect(d.digest).toBe(seeded.multiArch.digest);
    expect(d.platforms.map((p) => p.architecture).sort()).toEqual(["amd64", "arm", "arm64"]);
    expect(sim.forwarded.some((f) => f.path.startsWith("/v2/library/multi/manifests/"))).toBe(true);
  });

  it("lists projects with their quota and the storage volumes", async () => {
    const projects = await harbor.listNamespaces();
    const library = projects.find((p) => p.name === "library");
    expect(library).toMatchObject({ repositoryCount: 4, public: true, quotaLimitBytes: 10 * 1024 ** 3 });
    expect(library!.quotaUsedBytes).toBeGreaterThan(seeded.single.image.totalSize);
    expect(library!.retention).toBe('latestPushedK (latestPushedK=1) repositories repoMatches ** tags matches **');
    expect(library!.immutability).toEqual(["immutable_template repositories repoMatches ** tags matches 1.*"]);
    expect(await harbor.storageVolumes!()).toEqual([{ totalBytes: 100 * 1024 ** 3, freeBytes: 60 * 1024 ** 3 }]);
  });

  it("describes an artifact with labels, immutable tags, push/pull times and its scan overview", async () => {
    const m = await harbor.artifactMetadata("library/single", "1.0.0");
    expect(m).toMatchObject({
      digest: seeded.single.digest,
      tags: ["1.0.0"],
      pushedAt: "2026-01-20T10:00:00Z",
      lastPulledAt: "2026-02-03T09:30:00Z",
      labels: [{ name: "release", color: "#00AA00", description: "shipped" }],
      immutableTags: ["1.0.0"],
      scan: { status: "Success", severity: "Critical", total: 3, fixable: 2, counts: { Critical: 1, High: 1, Medium: 1 } },
    });
    // never pulled: Harbor's zero time is not a date
    expect((await harbor.artifactMetadata("library/single", "0.9.0"))?.lastPulledAt).toBeUndefined();
  });

  it("lists accessories (signature and SBOM) of a signed artifact", async () => {
    const m = await harbor.artifactMetadata("library/signed", "1.0.0");
    expect(m?.accessories.map((a) => a.type).sort()).toEqual(["harbor.sbom", "signature.cosign"]);
    expect(m?.accessories.map((a) => a.digest).sort()).toEqual(seeded.signed.referrers.map((r) => r.digest).sort());
  });

  it("fetches the vulnerability report in the v1.1 format, and null for an unscanned artifact", async () => {
    const report = await harbor.getScanReport("library/single", seeded.single.digest);
    expect(report?.format).toBe("harbor");
    if (report?.format !== "harbor") throw new Error("unreachable");
    expect(report.mimeType).toBe("application/vnd.security.vulnerability.report; version=1.1");
    expect(report.report.vulnerabilities?.map((v) => v.id)).toEqual([CVES.musl.id, CVES.bash.id, CVES.openssl.id]);
    expect(await harbor.getScanReport("library/docker", seeded.docker.digest)).toBeNull();
  });

  it("reads replication policies, executions with their failures, and tasks", async () => {
    const policies = await harbor.replicationPolicies();
    expect(policies.map((p) => [p.name, p.trigger, p.enabled, p.destination])).toEqual([
      ["to-dr", "scheduled (0 0 2 * * *)", true, "harbor-dr.example.com (https://harbor-dr.example.com)"],
      ["disabled-one", "manual", false, "backup.example.com (https://backup.example.com)"],
    ]);
    const [execution] = await harbor.replicationExecutions({ policyId: policies[0]!.id });
    expect(execution).toMatchObject({ status: "Failed", message: "1 of 2 tasks failed", total: 2, succeeded: 1, failed: 1, startedAt: "2026-02-01T02:00:00Z", endedAt: "2026-02-01T02:03:00Z" });
    const tasks = await harbor.replicationTasks(execution!.id);
    expect(tasks.map((t) => [t.status, t.source])).toEqual([
      ["Succeed", "library/single:1.0.0"],
      ["Failed", "library/multi:2.0.0"],
    ]);
  });

  it("starts a replication execution and returns its id from Location", async () => {
    const policy = (await harbor.replicationPolicies())[0]!;
    const { executionId } = await harbor.triggerReplication!(policy.id);
    expect(sim.startedExecutions.at(-1)).toEqual({ id: Number(executionId), policyId: Number(policy.id), user: "admin" });
    const latest = await harbor.replicationExecutions({ policyId: policy.id, limit: 1 });
    expect(latest[0]).toMatchObject({ id: executionId, status: "InProgress", trigger: "manual" });
  });

  it("reports tag lifecycle: immutable per Harbor's rules, pull times, and the retention dry run's removals", async () => {
    const life = await harbor.tagLifecycle("library/single");
    expect(life.policy).toMatchObject({ kind: "harbor-retention", evaluatedAt: "2026-02-02T03:00:00Z", status: "Success" });
    expect(life.policy!.summary).toContain("latestPushedK");
    const byTag = Object.fromEntries(life.tags.map((t) => [t.tag, t]));
    expect(byTag["1.0.0"]).toMatchObject({ digest: seeded.single.digest, immutable: true, lastPulledAt: "2026-02-03T09:30:00Z" });
    expect(byTag["1.0.0"]!.wouldBeRemoved).toBeUndefined();
    expect(byTag["0.9.0"]).toMatchObject({ digest: oldDigest, immutable: false });
    expect(byTag["0.9.0"]!.wouldBeRemoved?.by).toBe("retention dry run 2026-02-02");
  });
});

describe("Harbor provider failures", () => {
  it("wrong credentials: Harbor answers as anonymous (public content, 200); the projects degrade instead of failing", async () => {
    const wrong = createHarborProvider({ name: "harbor", url: sim.url, auth: { kind: "basic", username: "admin", password: "nope" } }, fastRetry);
    try {
      // the private project "swept" is missing: the catalog quietly shrinks to public content
      const repos = await wrong.listRepositories({ pageSize: 100 });
      expect(repos.items).toContain("library/single");
      expect(repos.items).not.toContain("swept/app");
      const projects = await wrong.listNamespaces();
      expect(projects.map((p) => p.name)).not.toContain("swept");
      const library = projects.find((p) => p.name === "library")!;
      expect(library.quotaLimitBytes).toBeUndefined();
      expect(library.unknown).toMatchObject({ quota: expect.any(String), retention: expect.stringContaining("not permitted"), immutability: expect.stringContaining("not permitted") });
    } finally {
      await wrong.close();
    }
  });

  it("403: a forbidden API call is reported as forbidden with Harbor's message", async () => {
    sim.fault({ path: "/api/v2.0/replication/policies", status: 403, body: { errors: [{ code: "FORBIDDEN", message: "robot account lacks replication access" }] } });
    const err = await harbor.replicationPolicies().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toMatchObject({ kind: "forbidden", status: 403 });
    expect((err as RegistryError).message).toContain("robot account lacks replication access");
  });

  it("404: an unknown repository is not_found; a missing artifact has no metadata", async () => {
    await expect(harbor.tagLifecycle("library/nothing-here")).rejects.toMatchObject({ kind: "not_found", status: 404 });
    expect(await harbor.artifactMetadata("library/single", "9.9.9")).toBeNull();
  });

  it("429 with Retry-After: waits as asked, then succeeds", async () => {
    const fault = sim.fault({ path: "/api/v2.0/replication/policies", status: 429, retryAfter: "1" });
    const started = Date.now();
    expect((await harbor.replicationPolicies()).length).toBe(2);
    expect(fault.hits()).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("429 with a Retry-After longer than we wait: rate_limited, carrying the delay", async () => {
    sim.fault({ path: "/api/v2.0/replication/policies", status: 429, retryAfter: "120" });
    await expect(harbor.replicationPolicies()).rejects.toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 120_000 });
  });

  it("5xx: a transient 503 is retried; a persistent 500 fails after the retries", async () => {
    const transient = sim.fault({ path: "/api/v2.0/systeminfo/volumes", status: 503, times: 2 });
    expect((await harbor.storageVolumes!()).length).toBe(1);
    expect(transient.hits()).toBe(2);
    const persistent = sim.fault({ path: "/api/v2.0/systeminfo/volumes", status: 500, times: 10 });
    await expect(harbor.storageVolumes!()).rejects.toMatchObject({ kind: "bad_response", status: 500 });
    expect(persistent.hits()).toBe(4);
  });

  it("malformed body: a cut-off JSON answer is bad_response, not a crash", async () => {
    sim.fault({ path: "/api/v2.0/replication/policies", malformed: true });
    await expect(harbor.replicationPolicies()).rejects.toMatchObject({ kind: "bad_response" });
  });

  it("a well-formed body of the wrong shape is bad_response too", async () => {
    sim.fault({ path: "/api/v2.0/replication/policies", status: 200, body: { not: "a list" } });
    await expect(harbor.replicationPolicies()).rejects.toMatchObject({ kind: "bad_response" });
    // and the spec check noticed the simulator broke the contract
    expect(sim.takeViolations().join("\n")).toContain("listReplicationPolicies");
  });
});

describe("the swagger check itself", () => {
  it("rejects a response that breaks the schema (so a passing run means something)", () => {
    const body = Buffer.from(JSON.stringify([{ project_id: "one", name: "library", surprise: true }]));
    const { problems } = harborSpec().check({ method: "GET", path: "/api/v2.0/projects", status: 200, contentType: "application/json", body });
    expect(problems.join("\n")).toContain("project_id must be integer");
    expect(problems.join("\n")).toContain("(surprise)");
  });

  it("checked every API response the simulator sent in this file", () => {
    expect(sim.checkedCount()).toBeGreaterThan(30);
    expect(sim.exchanges.filter((x) => !x.fault).every((x) => x.path.startsWith("/api/v2.0/"))).toBe(true);
  });
});

describe("Harbor behaviour beyond the schema (issue 16)", () => {
  const raw = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${sim.url}/api/v2.0${path}`, { headers: { authorization: `Basic ${Buffer.from("admin:Harbor12345").toString("base64")}`, ...headers } });

  it("retention dry run: one row per artifact with comma-joined tags; every tag of a removed artifact would be removed", async () => {
    const life = await harbor.tagLifecycle("ret/app");
    const byTag = Object.fromEntries(life.tags.map((t) => [t.tag, t]));
    expect(byTag["0.1"]).toMatchObject({ digest: retOld, wouldBeRemoved: { by: "retention dry run 2026-02-02" } });
    expect(byTag["stable"]!.wouldBeRemoved?.by).toBe("retention dry run 2026-02-02");
    expect(byTag["0.2"]!.wouldBeRemoved).toBeUndefined();
  });

  it("retention: finds the latest dry run past the 20 newest executions, and reads only the viewed repository's task log", async () => {
    const before = sim.exchanges.length;
    const life = await harbor.tagLifecycle("ret/app");
    expect(life.policy).toMatchObject({ evaluatedAt: "2026-02-02T03:00:00Z", status: "Success" });
    const logs = sim.exchanges.slice(before).filter((x) => /\/retentions\/\d+\/executions\/\d+\/tasks\/\d+$/.test(x.path));
    expect(logs).toHaveLength(1);
  });

  it("retention: an expired task log (404) says so instead of failing the lifecycle view", async () => {
    const life = await harbor.tagLifecycle("swept/app");
    expect(life.policy).toMatchObject({ kind: "harbor-retention", status: "dry-run log expired (run a new dry run)" });
    expect(life.tags.map((t) => [t.tag, t.wouldBeRemoved])).toEqual([["1", undefined]]);
  });

  it("scan overview: the client asks for the report types by X-Accept-Vulnerabilities; the simulator keys by the native type without it", async () => {
    const before = sim.exchanges.length;
    expect((await harbor.artifactMetadata("library/single", "1.0.0"))?.scan).toMatchObject({ severity: "Critical", total: 3 });
    const artifactCalls = sim.exchanges.slice(before).filter((x) => x.path.includes("/artifacts/"));
    expect(artifactCalls.length).toBeGreaterThan(0);
    for (const x of artifactCalls) expect(String(x.requestHeaders?.["x-accept-vulnerabilities"])).toContain("application/vnd.security.vulnerability.report; version=1.1");
    const plain = (await (await raw("/projects/library/repositories/single/artifacts/1.0.0?with_scan_overview=true")).json()) as { scan_overview: Record<string, unknown> };
    expect(Object.keys(plain.scan_overview)).toEqual(["application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0"]);
  });

  it("scan overview: mime types are matched exactly, an unknown report type is not taken for a vulnerability summary", () => {
    const summary = { scan_status: "Success", severity: "High" };
    expect(vulnerabilitySummary({ scan_overview: { "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0": summary } })).toBe(summary);
    expect(vulnerabilitySummary({ scan_overview: { "application/vnd.example.sbom.report; version=1.0": summary } })).toBeUndefined();
  });

  it("storage volumes of total 0 are 'not reported', not a full disk", async () => {
    sim.setVolumes([{ total: 0, free: 0 }]);
    try {
      expect(await harbor.storageVolumes!()).toEqual([]);
    } finally {
      sim.setVolumes([{ total: 100 * 1024 ** 3, free: 60 * 1024 ** 3 }]);
    }
  });

  it("a numeric project name is sent with X-Is-Resource-Name: true (Harbor would read it as an id)", async () => {
    expect((await raw("/projects/2024/summary")).status).toBe(404);
    const p2024 = (await harbor.listNamespaces()).find((p) => p.name === "2024");
    expect(p2024).toMatchObject({ quotaLimitBytes: 1024 ** 3 });
  });

  it("page_size over 100 is rejected like Harbor's swagger validation (422), and the client never asks for more", async () => {
    const res = await raw("/projects?page_size=101");
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("page_size in query should be less than or equal to 100");
    // every other request of this file came from the client
    const sizes = sim.exchanges.filter((x) => !x.path.endsWith("page_size=101")).map((x) => Number(new URL(x.path, "http://x").searchParams.get("page_size") ?? 0));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
  });

  it("repository names are URL-encoded twice: the simulator refuses a singly-encoded slash, the client gets through", async () => {
    expect((await raw("/projects/nested/repositories/team%2Fapp/artifacts")).status).toBe(404);
    expect((await raw("/projects/nested/repositories/team%252Fapp/artifacts")).status).toBe(200);
    expect((await harbor.artifactMetadata("nested/team/app", "1.0"))?.tags).toEqual(["1.0"]);
  });
});

describe("Harbor credentials: the anonymous fallback is detected", () => {
  const provider = (username: string, password: string) => createHarborProvider({ name: "harbor", url: sim.url, auth: { kind: "basic", username, password } }, fastRetry);

  it("verifyCredentials: a user or robot login is accepted; a wrong password or a disabled robot is 'answered as anonymous'", async () => {
    sim.addAccount({ username: "robot$library+ci", password: "robot-secret", kind: "project-robot", projects: ["library"] });
    sim.addAccount({ username: "robot$library+old", password: "rotated-away", kind: "project-robot", projects: ["library"], disabled: true });
    const cases: Array<[string, string, boolean]> = [
      ["admin", "Harbor12345", true],
      ["robot$library+ci", "robot-secret", true],
      ["admin", "nope", false],
      ["robot$library+ci", "old-secret", false],
      ["robot$library+old", "rotated-away", false],
    ];
    for (const [user, password, ok] of cases) {
      const p = provider(user, password);
      try {
        const check = await p.verifyCredentials();
        expect(check.ok, `${user}:${password}`).toBe(ok);
        if (!check.ok) expect(check).toMatchObject({ reason: "anonymous_fallback", message: "credentials rejected (Harbor answered as anonymous)" });
      } finally {
        await p.close();
      }
    }
  });

  it("the credentials probe fails with its own error class when Harbor answered as anonymous", async () => {
    const ctx = staticProbeContext([
      { kind: "harbor", name: "harbor-right", url: sim.url, auth },
      { kind: "harbor", name: "harbor-wrong", url: sim.url, auth: { kind: "basic", username: "admin", password: "nope" } },
    ]);
    const target = (registryName: string) => ({ id: registryName, name: registryName, kind: "credentials" as const, registryName, params: {}, intervalSeconds: 60, timeoutMs: 3000, enabled: true });
    try {
      expect(await runProbe(target("harbor-right"), ctx)).toMatchObject({ ok: true });
      expect(await runProbe(target("harbor-wrong"), ctx)).toMatchObject({ ok: false, errorClass: "anonymous_fallback", message: "credentials rejected (Harbor answered as anonymous)" });
    } finally {
      await ctx.close();
    }
  });
});
