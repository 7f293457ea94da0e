/**
 * The Harbor permission matrix: the registry page's Projects, Volumes and Replication panels and the
 * repository page's Retention line, read through the same loaders and panel decisions the pages use,
 * for each kind of Harbor account the simulator models (test/sim/harbor/rbac.ts). Every panel either
 * shows its data or says "not permitted for this account"; none fails, and a missing quota is
 * "unknown", never "unlimited".
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { NOT_PERMITTED, panelState, policyLines, quotaText, volumesText } from "../../components/registry/panel-state";
import { load } from "../../lib/browse/result";
import { createHarborProvider } from "../../lib/registry/harbor/provider";
import { createOciProvider } from "../../lib/registry/oci/provider";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { HARBOR_IMMUTABLE_1X, HARBOR_RETAIN_LATEST } from "../sim/fixtures";
import { startHarborSim, type HarborAccount, type HarborAccountKind, type HarborSim } from "../sim/harbor/server";

const admin = { username: "admin", password: "Harbor12345" };
const ACCOUNTS: HarborAccount[] = [
  { username: "maria", password: "maintainer-pw", kind: "maintainer", projects: ["prod"] },
  { username: "dev", password: "developer-pw", kind: "developer", projects: ["prod"] },
  { username: "gus", password: "guest-pw", kind: "guest", projects: ["prod"] },
  { username: "robot$prod+pull", password: "robot-pw", kind: "project-robot", projects: ["prod"] },
  { username: "robot$monitor", password: "system-robot-pw", kind: "system-robot" },
];
const credentialsOf = (kind: HarborAccountKind) => {
  const { username, password } = kind === "admin" ? admin : ACCOUNTS.find((a) => a.kind === kind)!;
  return { username, password };
};

let registry: RunningRegistry;
let sim: HarborSim;

beforeAll(async () => {
  registry = await startRegistry({ auth: "htpasswd", users: [admin] });
  sim = await startHarborSim({ registryUrl: registry.url, users: [admin], accounts: ACCOUNTS });
  const pusher = createOciProvider({ name: "push", url: sim.url, auth: { kind: "basic", ...admin } });
  await pushImage(pusher, "prod/web", buildImage({ layerCount: 1, created: "2026-01-01T00:00:00Z" }), "1.0");
  // the public project every Harbor has
  await pushImage(pusher, "library/web", buildImage({ layerCount: 1, created: "2026-01-02T00:00:00Z" }), "1.0");
  await pusher.close();
  sim.setProject("prod", {
    public: false,
    quotaBytes: 2 * 1024 ** 3,
    immutableRules: [HARBOR_IMMUTABLE_1X],
    retention: { rules: [HARBOR_RETAIN_LATEST], dryRun: { startTime: "2026-02-02T03:00:00Z", removals: [] } },
  });
  sim.addReplicationPolicy({ name: "prod-to-dr", destination: "harbor-dr.example.com" });
});

afterEach(() => {
  expect(sim.takeViolations()).toEqual([]);
});

afterAll(async () => {
  await sim?.stop();
  await registry?.stop();
});

/** What each panel shows for one account, in a form a table can compare. */
async function panels(kind: HarborAccountKind) {
  const provider = createHarborProvider({ name: "harbor", url: sim.url, auth: { kind: "basic", ...credentialsOf(kind) } }, { retry: { maxAttempts: 1 } });
  try {
    const projects = panelState(await load("harbor", () => provider.listNamespaces()));
    const volumes = panelState(await load("harbor", () => provider.storageVolumes!()));
    const replication = panelState(await load("harbor", () => provider.replicationPolicies()));
    const lifecycle = panelState(await load("harbor", () => provider.tagLifecycle("prod/web")));
    const quota = (text: string) => (text.startsWith("unknown") ? "unknown" : text.split(" of ")[1]);
    return {
      projects:
        projects.state === "ok"
          ? Object.fromEntries(projects.data.map((p) => [p.name, { quota: quota(quotaText(p)), policies: policyLines(p) }]))
          : projects.state,
      volumes: volumes.state === "ok" ? volumesText(volumes.data) : volumes.state,
      replication: replication.state === "ok" ? replication.data.map((p) => p.name) : replication.state,
      retention: lifecycle.state === "ok" ? (lifecycle.data.policy?.status ?? "none") : lifecycle.state,
    };
  } finally {
    await provider.close();
  }
}

const RETAIN = "Retention: latestPushedK (latestPushedK=1) repositories repoMatches ** tags matches **";
const IMMUTABLE = "Immutable: immutable_template repositories repoMatches ** tags matches 1.*";
const RETENTION_UNKNOWN = `Retention: unknown (${NOT_PERMITTED})`;
const IMMUTABLE_UNKNOWN = `Immutable tags: unknown (${NOT_PERMITTED})`;

describe("Harbor panels per account kind", () => {
  it.each<[HarborAccountKind, Awaited<ReturnType<typeof panels>>]>([
    [
      "admin",
      {
        projects: { library: { quota: "unlimited", policies: [] }, prod: { quota: "2.0 GiB", policies: [RETAIN, IMMUTABLE] } },
        volumes: "60.0 GiB free of 100 GiB",
        replication: ["prod-to-dr"],
        retention: "Success",
      },
    ],
    [
      "maintainer",
      {
        // library: public, not a member: no quota read, no immutable-tag list
        projects: { library: { quota: "unknown", policies: [IMMUTABLE_UNKNOWN] }, prod: { quota: "2.0 GiB", policies: [RETAIN, IMMUTABLE] } },
        volumes: "not_permitted",
        replication: "not_permitted",
        retention: "Success",
      },
    ],
    [
      "developer",
      {
        projects: { library: { quota: "unknown", policies: [IMMUTABLE_UNKNOWN] }, prod: { quota: "2.0 GiB", policies: [RETAIN, IMMUTABLE_UNKNOWN] } },
        volumes: "not_permitted",
        replication: "not_permitted",
        retention: "Success",
      },
    ],
    [
      "guest",
      {
        projects: { library: { quota: "unknown", policies: [IMMUTABLE_UNKNOWN] }, prod: { quota: "2.0 GiB", policies: [RETENTION_UNKNOWN, IMMUTABLE_UNKNOWN] } },
        volumes: "not_permitted",
        replication: "not_permitted",
        retention: NOT_PERMITTED,
      },
    ],
    [
      "project-robot",
      {
        projects: { library: { quota: "unknown", policies: [IMMUTABLE_UNKNOWN] }, prod: { quota: "unknown", policies: [RETENTION_UNKNOWN, IMMUTABLE_UNKNOWN] } },
        volumes: "not_permitted",
        replication: "not_permitted",
        retention: NOT_PERMITTED,
      },
    ],
    [
      "system-robot",
      {
        projects: { library: { quota: "unknown", policies: [IMMUTABLE_UNKNOWN] }, prod: { quota: "unknown", policies: [RETENTION_UNKNOWN, IMMUTABLE_UNKNOWN] } },
        volumes: "not_permitted",
        replication: ["prod-to-dr"],
        retention: NOT_PERMITTED,
      },
    ],
  ])("%s", async (kind, expected) => {
    expect(await panels(kind)).toEqual(expected);
  });

  it("with per-project quotas off even an admin gets no quota: unknown, never unlimited", async () => {
    sim.setQuotaPerProject(false);
    try {
      const p = await panels("admin");
      expect(p.projects).toMatchObject({ prod: { quota: "unknown" }, library: { quota: "unknown" } });
    } finally {
      sim.setQuotaPerProject(true);
    }
  });
});
