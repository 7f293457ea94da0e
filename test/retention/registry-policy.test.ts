/**
 * Harbor's and ECR's own retention next to a Dockmaster plan, read through the real providers from the
 * simulators (every answer checked against the vendor's spec): which digests their policy would delete,
 * and the disagreements, the dangerous one first: their policy deletes a digest Dockmaster protects.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RegistryPolicyComparison } from "@/components/retention/registry-policy-comparison";
import { createEcrProvider, type EcrProvider } from "@/lib/registry/ecr/provider";
import { createHarborProvider, type HarborProvider } from "@/lib/registry/harbor/provider";
import { createOciProvider } from "@/lib/registry/oci/provider";
import { comparePolicies, readRegistryPolicy } from "@/lib/retention/registry-policy";
import type { RetentionPlanItem } from "@/lib/retention/types";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { startEcrSim, type EcrSim } from "../sim/ecr/server";
import { HARBOR_RETAIN_LATEST } from "../sim/fixtures";
import { startHarborSim, type HarborSim } from "../sim/harbor/server";

const fast = { retry: { maxAttempts: 1, baseDelayMs: 5, maxDelayMs: 20 } };
const registries: RunningRegistry[] = [];
afterAll(async () => {
  for (const r of registries) await r.stop();
});

const item = (repository: string, tag: string, digest: string): RetentionPlanItem => ({ repository, tag, digest, rule: "rules[0] (*)", bytes: 1, deletesManifest: true });

describe("Harbor tag retention side by side", () => {
  const users = [{ username: "admin", password: "Harbor12345" }];
  let sim: HarborSim;
  let harbor: HarborProvider;
  const d: Record<string, string> = {};

  beforeAll(async () => {
    const registry = await startRegistry({ auth: "htpasswd", users });
    registries.push(registry);
    sim = await startHarborSim({ registryUrl: registry.url, users });
    const pusher = createOciProvider({ name: "push", url: registry.url, auth: { kind: "basic", ...users[0]! } });
    d.old = await pushImage(pusher, "team/app", buildImage({ layerCount: 1, created: "2025-01-01T00:00:00Z" }), "0.1");
    d.prod = await pushImage(pusher, "team/app", buildImage({ layerCount: 1, created: "2025-02-01T00:00:00Z" }), "0.2");
    d.mid = await pushImage(pusher, "team/app", buildImage({ layerCount: 1, created: "2025-03-01T00:00:00Z" }), "0.3");
    d.new = await pushImage(pusher, "team/app", buildImage({ layerCount: 1, created: "2025-04-01T00:00:00Z" }), "0.4");
    await pusher.close();
    // Harbor's dry run removes 0.1, 0.2 and 0.3 (keeps the newest)
    sim.setProject("team", { retention: { rules: [HARBOR_RETAIN_LATEST], dryRun: { startTime: "2026-02-02T03:00:00Z", removals: ["0.1", "0.2", "0.3"].map((tag) => ({ repository: "team/app", tag })) } } });
    harbor = createHarborProvider({ name: "harbor", url: sim.url, auth: { kind: "basic", ...users[0]! } }, fast);
  });
  afterEach(() => expect(sim.takeViolations()).toEqual([]));
  afterAll(async () => {
    await harbor.close();
    await sim.stop();
  });

  it("flags the digest running in prod that Harbor's dry run would delete, and the other differences", async () => {
    const policy = (await readRegistryPolicy(harbor, ["team/app"]))!;
    expect(policy).toMatchObject({ kind: "harbor-retention", status: "Success", unreadable: [] });
    expect(policy.deletions.map((x) => x.tags[0]).sort()).toEqual(["0.1", "0.2", "0.3"]);
    const plan = { environment: "dev", items: [item("team/app", "0.1", d.old!), item("team/app", "0.4", d.new!)], protected: [] };
    // the protection check knows 0.2's digest runs in prod; the plan never considered it
    const disagreements = await comparePolicies(plan, policy, async (q) => (q.digest === d.prod ? "running in prod (prod/app:0.2)" : null));
    expect(disagreements.map((x) => [x.kind, x.tags.join(",")])).toEqual([
      ["deletes-protected", "0.2"],
      ["deletes-kept", "0.3"],
      ["keeps-planned", "0.4"],
    ]);
    expect(disagreements[0]!.detail).toBe("retention dry run 2026-02-02 would delete it, but Dockmaster protects it: running in prod (prod/app:0.2)");

    const html = renderToStaticMarkup(createElement(RegistryPolicyComparison, { policy, disagreements }));
    expect(html).toContain("Harbor tag retention");
    expect(html).toContain("1 digest that Dockmaster protects would be deleted by the registry&#x27;s own policy.");
    expect(html).toContain("running in prod (prod/app:0.2)");
  });

  it("a candidate the plan itself saved counts as protected without asking the protection check", async () => {
    const policy = (await readRegistryPolicy(harbor, ["team/app"]))!;
    const plan = { environment: "dev", items: [item("team/app", "0.1", d.old!)], protected: [{ repository: "team/app", tag: "0.3", digest: d.mid!, reason: "open promotion #7" }] };
    const disagreements = await comparePolicies(plan, policy);
    expect(disagreements.filter((x) => x.kind === "deletes-protected").map((x) => x.detail)).toEqual(["retention dry run 2026-02-02 would delete it, but Dockmaster protects it: open promotion #7"]);
  });
});

describe("ECR lifecycle policy side by side", () => {
  const TOKEN = "ecr-token-policy";
  const KEYS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
  let sim: EcrSim;
  let ecr: EcrProvider;
  const d: Record<string, string> = {};

  beforeAll(async () => {
    const registry = await startRegistry({ auth: "htpasswd", users: [{ username: "AWS", password: TOKEN }] });
    registries.push(registry);
    sim = await startEcrSim({ registryUrl: registry.url, registryPassword: TOKEN, ...KEYS, region: "eu-west-1" });
    const pusher = createOciProvider({ name: "push", url: registry.url, auth: { kind: "basic", username: "AWS", password: TOKEN } });
    d.a = await pushImage(pusher, "prod/api", buildImage({ layerCount: 1 }), "1.0");
    d.b = await pushImage(pusher, "prod/api", buildImage({ layerCount: 1 }), "1.1");
    d.c = await pushImage(pusher, "prod/api", buildImage({ layerCount: 1 }), "1.2");
    await pusher.close();
    const policyText = JSON.stringify({ rules: [{ rulePriority: 1, description: "keep one release", selection: { tagStatus: "tagged", tagPrefixList: ["1."], countType: "imageCountMoreThan", countNumber: 1 }, action: { type: "expire" } }] });
    sim.setRepository("prod/api", { lifecycle: { policyText, preview: [{ tag: "1.0", priority: 1 }, { tag: "1.1", priority: 1 }] } });
    ecr = createEcrProvider({ name: "ecr", url: registry.url, auth: { kind: "anonymous" }, aws: { region: "eu-west-1", ...KEYS, endpoint: sim.url } }, { maxAttempts: 1, ...fast });
  });
  afterEach(() => expect(sim.takeViolations()).toEqual([]));
  afterAll(async () => {
    await ecr.close();
    await sim.stop();
  });

  it("reads the lifecycle preview per digest and flags the protected one", async () => {
    const policy = (await readRegistryPolicy(ecr, ["prod/api", "prod/none"]))!;
    expect(policy.kind).toBe("ecr-lifecycle");
    expect(policy.deletions.map((x) => x.digest).sort()).toEqual([d.a, d.b].sort());
    expect(policy.unreadable).toEqual([{ repository: "prod/none", error: expect.stringContaining("RepositoryNotFoundException") }]);
    const plan = { environment: "prod", items: [item("prod/api", "1.0", d.a!)], protected: [] };
    const disagreements = await comparePolicies(plan, policy, async (q) => (q.digest === d.b ? "running in prod (prod/api:1.1)" : null));
    expect(disagreements).toEqual([{ kind: "deletes-protected", repository: "prod/api", digest: d.b, tags: ["1.1"], detail: "lifecycle rule 1 would delete it, but Dockmaster protects it: running in prod (prod/api:1.1)" }]);
  });

  it("a registry without a policy of its own has nothing to compare", async () => {
    const registry = registries[0]!;
    const oci = createOciProvider({ name: "plain", url: registry.url, auth: { kind: "anonymous" } });
    expect(await readRegistryPolicy(oci, ["team/app"])).toBeNull();
    await oci.close();
  });
});
