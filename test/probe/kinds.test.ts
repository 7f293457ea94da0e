import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateAlerts } from "@/lib/probe/alerts/evaluate";
import { staticProbeContext } from "@/lib/probe/context";
import { runProbe } from "@/lib/probe/kinds";
import type { ProbeKind } from "@/lib/probe/kinds";
import { storeResult } from "@/lib/probe/results";
import { toSpec, type ProbeParams, type ProbeTargetSpec } from "@/lib/probe/types";
import { createOciProvider, type ProviderConnection } from "@/lib/registry";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy";
import { freePort } from "../harness/free-port";
import { buildImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage } from "../harness/seed";
import { startHarborSim, type HarborSim } from "../sim/harbor/server";
import { openTestDatabase, type TestDatabase } from "../support/db";
import { makeTempDir, removeDir } from "../harness/temp-dir";

const USER = { username: "probe", password: "right-password" };
const LAYER = 3 * 1024 * 1024;

let anon: RunningRegistry;
let basic: RunningRegistry;
let doomed: RunningRegistry;
let slow: FaultProxy;
let closedPort: number;

function target(kind: ProbeKind, registryName: string | null, params: ProbeParams = {}, timeoutMs = 3000): ProbeTargetSpec {
  return { id: `t-${kind}-${registryName}`, name: `${registryName ?? "envs"}-${kind}`, kind, registryName, params, intervalSeconds: 60, timeoutMs, enabled: true };
}

const oci = (name: string, url: string, auth: ProviderConnection["auth"] = { kind: "anonymous" }): ProviderConnection => ({ kind: "oci", name, url, auth });

beforeAll(async () => {
  [anon, basic, doomed] = await Promise.all([startRegistry(), startRegistry({ auth: "htpasswd", users: [USER] }), startRegistry()]);
  slow = await startFaultProxy(anon.url);
  closedPort = await freePort();
  // One image everywhere except where the tests want a difference.
  const image = buildImage({ layerCount: 1, layerSize: LAYER });
  const other = buildImage({ layerCount: 1, layerSize: 1024 });
  await pushImage(createOciProvider(oci("anon", anon.url)), "dev/app", image, "1.0");
  await pushImage(createOciProvider(oci("anon", anon.url)), "dev/app", other, "drifted");
  const basicProvider = createOciProvider(oci("basic", basic.url, { kind: "basic", ...USER }));
  await pushImage(basicProvider, "prod/app", image, "1.0");
  await pushImage(basicProvider, "prod/app", image, "drifted");
}, 60_000);

afterAll(async () => {
  await slow?.stop();
  await Promise.all([anon?.stop(), basic?.stop(), doomed?.stop()]);
});

function context(extra: ProviderConnection[] = []) {
  return staticProbeContext(
    [
      oci("anon", anon.url),
      oci("basic", basic.url, { kind: "basic", ...USER }),
      oci("basic-wrong", basic.url, { kind: "basic", username: USER.username, password: "wrong-password" }),
      oci("basic-none", basic.url),
      oci("slow", slow.url),
      oci("doomed", doomed.url),
      oci("closed", `http://127.0.0.1:${closedPort}`),
      ...extra,
    ],
    [
      { name: "dev", registryName: "anon", namespace: "dev" },
      { name: "prod", registryName: "basic", namespace: "prod" },
      { name: "down", registryName: "closed", namespace: "x" },
    ],
  );
}

describe("reachability", () => {
  it("succeeds on 200 and on 401 (up, asking for credentials)", async () => {
    const ctx = context();
    const a = await runProbe(target("reachability", "anon"), ctx);
    const b = await runProbe(target("reachability", "basic-none"), ctx);
    expect(a).toMatchObject({ ok: true, detail: { status: 200 } });
    expect(b).toMatchObject({ ok: true, detail: { status: 401 } });
    expect(a.latencyMs).toBeGreaterThan(0);
    await ctx.close();
  });

  it("fails as unreachable once the registry is stopped", async () => {
    const ctx = context();
    expect((await runProbe(target("reachability", "doomed"), ctx)).ok).toBe(true);
    await doomed.stop();
    const after = await runProbe(target("reachability", "doomed"), ctx);
    expect(after).toMatchObject({ ok: false, errorClass: "unreachable" });
    expect(after.message).toMatch(/refused the connection/);
    await ctx.close();
  });

  it("fails as timeout when the registry answers slower than the deadline", async () => {
    slow.reset();
    slow.addRule({ path: "/v2/", action: { kind: "delay", ms: 1500 } });
    const ctx = context();
    const r = await runProbe(target("reachability", "slow", {}, 400), ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "timeout" });
    expect(r.latencyMs).toBeLessThan(1400);
    slow.reset();
    expect((await runProbe(target("reachability", "slow", {}, 400), ctx)).ok).toBe(true);
    await ctx.close();
  });
});

describe("credentials", () => {
  it("succeed with the right password, fail as unauthorized with a wrong one or none", async () => {
    const ctx = context();
    expect(await runProbe(target("credentials", "basic"), ctx)).toMatchObject({ ok: true, detail: { authScheme: "basic", credentials: "basic" } });
    const wrong = await runProbe(target("credentials", "basic-wrong"), ctx);
    expect(wrong).toMatchObject({ ok: false, errorClass: "unauthorized" });
    expect((await runProbe(target("credentials", "basic-none"), ctx)).errorClass).toBe("unauthorized");
    expect(await runProbe(target("credentials", "anon"), ctx)).toMatchObject({ ok: true, detail: { authScheme: "none", credentials: "anonymous" } });
    await ctx.close();
  });
});

describe("pull latency", () => {
  it("reads the manifest and samples the largest layer: time to first byte and throughput", async () => {
    const ctx = context();
    const r = await runProbe(target("pull_latency", "anon", { repository: "dev/app", tag: "1.0", sampleBytes: 256 * 1024 }), ctx);
    expect(r.ok).toBe(true);
    const d = r.detail as { sampledBytes: number; layerSize: number; ttfbMs: number; manifestMs: number; throughputBps: number };
    expect(d.layerSize).toBeGreaterThan(LAYER); // gzip of random bytes is slightly larger
    expect(d.sampledBytes).toBeGreaterThanOrEqual(256 * 1024);
    expect(d.sampledBytes).toBeLessThan(d.layerSize); // stopped early, did not pull the whole layer
    expect(d.ttfbMs).toBeGreaterThan(0);
    expect(d.throughputBps).toBeGreaterThan(0);
    expect(Math.round(r.value!)).toBe(d.throughputBps); // the stored measure is the throughput
    await ctx.close();
  });

  it("through a slow proxy: latency shows the delay, and beyond the deadline it is a timeout", async () => {
    slow.reset();
    slow.addRule({ method: "GET", path: /\/blobs\//, action: { kind: "delay", ms: 700 } });
    const ctx = context();
    const delayed = await runProbe(target("pull_latency", "slow", { repository: "dev/app", tag: "1.0" }, 5000), ctx);
    expect(delayed.ok).toBe(true);
    expect((delayed.detail as { ttfbMs: number }).ttfbMs).toBeGreaterThanOrEqual(650);
    const timedOut = await runProbe(target("pull_latency", "slow", { repository: "dev/app", tag: "1.0" }, 400), ctx);
    expect(timedOut).toMatchObject({ ok: false, errorClass: "timeout" });
    slow.reset();
    await ctx.close();
  });

  it("fails as not_found for a tag that does not exist", async () => {
    const ctx = context();
    expect((await runProbe(target("pull_latency", "anon", { repository: "dev/app", tag: "nope" }), ctx)).errorClass).toBe("not_found");
    await ctx.close();
  });
});

describe("tag consistency", () => {
  it("passes when every environment has the same digest, names the drift otherwise", async () => {
    const ctx = context();
    const same = await runProbe(target("tag_consistency", null, { environments: ["dev", "prod"], repository: "app", tag: "1.0" }), ctx);
    expect(same.ok).toBe(true);
    const digests = (same.detail as { digests: Record<string, string> }).digests;
    expect(digests.dev).toMatch(/^sha256:/);
    expect(digests.dev).toBe(digests.prod);

    const drift = await runProbe(target("tag_consistency", null, { environments: ["dev", "prod"], repository: "app", tag: "drifted" }), ctx);
    expect(drift).toMatchObject({ ok: false, errorClass: "mismatch" });
    expect(drift.message).toMatch(/app:drifted differs: dev sha256:.*, prod sha256:/);

    const missing = await runProbe(target("tag_consistency", null, { environments: ["dev", "prod"], repository: "app", tag: "2.0" }), ctx);
    expect(missing).toMatchObject({ ok: false, errorClass: "not_found" });

    const down = await runProbe(target("tag_consistency", null, { environments: ["dev", "down"], repository: "app", tag: "1.0" }), ctx);
    expect(down).toMatchObject({ ok: false, errorClass: "unreachable" });
    expect(down.message).toMatch(/^down: /);
    await ctx.close();
  });
});

describe("TLS certificate expiry", () => {
  let dir: string;
  let server: https.Server;
  let url: string;
  let certPem: string;

  beforeAll(async () => {
    dir = makeTempDir("probe-tls");
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "20", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
    certPem = readFileSync(path.join(dir, "cert.pem"), "utf8");
    server = https.createServer({ key: readFileSync(path.join(dir, "key.pem")), cert: certPem }, (_req, res) => res.end("{}"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    removeDir(dir);
  });

  it("reports days left for a trusted certificate, and fails an untrusted one while still reporting the days", async () => {
    const ctx = context([{ kind: "oci", name: "tls", url, auth: { kind: "anonymous" }, tls: { caPem: certPem } }, oci("tls-untrusted", url)]);
    const trusted = await runProbe(target("tls_expiry", "tls"), ctx);
    expect(trusted.ok).toBe(true);
    expect(trusted.value).toBeGreaterThan(19.5);
    expect(trusted.value).toBeLessThanOrEqual(20);
    const untrusted = await runProbe(target("tls_expiry", "tls-untrusted"), ctx);
    expect(untrusted).toMatchObject({ ok: false, errorClass: "untrusted" });
    expect(untrusted.value).toBeGreaterThan(19.5);
    await ctx.close();
  });

  it("is unsupported on plain http and unreachable on a closed port", async () => {
    const ctx = context([oci("tls-closed", `https://127.0.0.1:${closedPort}`)]);
    expect((await runProbe(target("tls_expiry", "anon"), ctx)).errorClass).toBe("unsupported");
    expect((await runProbe(target("tls_expiry", "tls-closed"), ctx)).errorClass).toBe("unreachable");
    await ctx.close();
  });
});

describe("storage quota", () => {
  const HARBOR_USER = { username: "admin", password: "Harbor12345" };
  const harborAuth = { kind: "basic" as const, ...HARBOR_USER };
  let harborRegistry: RunningRegistry;
  let sim: HarborSim;
  let db: TestDatabase;

  beforeAll(async () => {
    harborRegistry = await startRegistry({ auth: "htpasswd", users: [HARBOR_USER] });
    sim = await startHarborSim({ registryUrl: harborRegistry.url, users: [HARBOR_USER] });
    const pusher = createOciProvider({ name: "push", url: sim.url, auth: harborAuth });
    await pushImage(pusher, "team/app", buildImage({ layerCount: 1, layerSize: 64 * 1024 }), "1.0");
    await pusher.close();
    db = await openTestDatabase("postgres");
  }, 60_000);
  afterAll(async () => {
    await db?.dispose();
    await sim?.stop();
    await harborRegistry?.stop();
  });

  const harbor = () => context([{ kind: "harbor", name: "harbor", url: sim.url, auth: harborAuth }]);

  it("reports the percentage of a Harbor project's quota, and a quota_percent alert fires and resolves on it", async () => {
    const ctx = harbor();
    sim.setProject("team", { quotaBytes: undefined });
    const unlimited = await runProbe(target("storage_quota", "harbor", { project: "team" }), ctx);
    expect(unlimited).toMatchObject({ ok: true, detail: { project: "team", quota: "unlimited" } });
    expect(unlimited.value).toBeUndefined(); // -1 is no limit, not a percentage
    const used = (unlimited.detail as { usedBytes: number }).usedBytes;
    expect(used).toBeGreaterThan(64 * 1024);

    const row = await db.prisma.probeTarget.create({ data: { name: "team-quota", kind: "storage_quota", registryName: "harbor", params: { project: "team" }, intervalSeconds: 60, timeoutMs: 3000 } });
    await db.prisma.probeAlertRule.create({ data: { name: "quota-75", kind: "quota_percent", threshold: 75 } });
    const quotaTarget = toSpec(row);
    const measure = async (at: number) => {
      const outcome = await runProbe(quotaTarget, ctx);
      await storeResult(db.prisma, quotaTarget, outcome, { at: new Date(at) });
      return { outcome, events: await evaluateAlerts(db.prisma, quotaTarget, at) };
    };

    sim.setProject("team", { quotaBytes: Math.round(used / 0.8) });
    const full = await measure(Date.now());
    expect(full.outcome).toMatchObject({ ok: true, detail: { quota: "limited", usedBytes: used, limitBytes: Math.round(used / 0.8), percent: 80 } });
    expect(full.outcome.value).toBeCloseTo(80, 1);
    expect(full.events.map((e) => [e.event, e.alert.rule])).toEqual([["alert.firing", "quota-75"]]);
    expect(full.events[0]!.alert.message).toBe("team-quota quota is 80.0% used (threshold 75%)");

    sim.setProject("team", { quotaBytes: used * 4 });
    const roomy = await measure(Date.now() + 1000);
    expect(roomy.outcome.value).toBeCloseTo(25, 1);
    expect(roomy.events.map((e) => e.event)).toEqual(["alert.resolved"]);
    await ctx.close();
    expect(sim.takeViolations()).toEqual([]);
  });

  it("is unknown, never unlimited, when Harbor does not show this account the quota", async () => {
    const ctx = harbor();
    sim.setProject("team", { quotaHidden: true });
    const r = await runProbe(target("storage_quota", "harbor", { project: "team" }), ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "unknown", detail: { quota: "unknown" } });
    expect(r.message).toMatch(/does not show this account the quota of project team/);
    sim.setProject("team", { quotaHidden: false });
    expect((await runProbe(target("storage_quota", "harbor", { project: "missing" }), ctx)).errorClass).toBe("not_found");
    await ctx.close();
    expect(sim.takeViolations()).toEqual([]);
  });

  it("is a clear unsupported result on a registry that keeps no quotas", async () => {
    const ctx = context();
    const r = await runProbe(target("storage_quota", "anon", { project: "dev" }), ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "unsupported" });
    expect(r.message).toMatch(/keeps no storage quotas/);
    await ctx.close();
  });
});
