import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserInputError } from "@/lib/auth/users";
import { parseAppConfig as parseConfig } from "@/lib/app-config";
import { acknowledgeAlert, listAlerts } from "@/lib/probe/alerts/list";
import { createAlertRule, deleteAlertRule, setAlertRuleEnabled } from "@/lib/probe/alerts/rules";
import { syncProbeConfig } from "@/lib/probe/config-sync";
import { probeMetrics, refreshDbGauges } from "@/lib/probe/metrics";
import { probesOverview } from "@/lib/probe/overview";
import { storeResult } from "@/lib/probe/results";
import { addBasicProbesForRegistries, createProbeTarget, deleteProbeTarget, updateProbeTarget } from "@/lib/probe/targets";
import { toSpec } from "@/lib/probe/types";
import { dbKinds, openTestDatabase, type TestDatabase } from "../support/db";

const ctx = { actor: { id: "u1", email: "admin@x.io" }, ip: "10.0.0.1" };

const config = (probes: string) =>
  parseConfig(`
registries:
  - { name: dev-reg, kind: oci, url: "http://127.0.0.1:5000" }
  - { name: prod-reg, kind: oci, url: "http://127.0.0.1:5001" }
environments:
  - { name: dev, order: 1, registry: dev-reg, namespace: dev }
  - { name: prod, order: 2, registry: prod-reg, namespace: prod }
${probes}`);

describe.each(dbKinds)("probe services on %s", (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    for (const name of ["dev-reg", "prod-reg"]) await db.prisma.registry.create({ data: { name, kind: "oci", url: "http://127.0.0.1:5000" } });
    for (const [i, name] of ["dev", "prod"].entries()) {
      const reg = await db.prisma.registry.findUniqueOrThrow({ where: { name: `${name}-reg` } });
      await db.prisma.environment.create({ data: { name, order: i, registryId: reg.id, namespace: name } });
    }
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("mirrors dockmaster.yaml targets and rules, with defaults, and removes what the file drops", async () => {
    const cfg = config(`
probes:
  intervalSeconds: 20
  targets:
    - { name: dev-up, kind: reachability, registry: dev-reg }
    - { name: app-same, kind: tag_consistency, environments: [dev, prod], repository: app, tag: stable, intervalSeconds: 300, timeoutMs: 4000 }
  alerts:
    - { name: two-strikes, kind: consecutive_failures, threshold: 2 }
    - { name: slow, kind: p99_latency, threshold: 750, target: dev-up }
`);
    expect(await syncProbeConfig(db.prisma, cfg)).toEqual({ targets: 2, rules: 2 });
    const targets = await db.prisma.probeTarget.findMany({ orderBy: { name: "asc" } });
    expect(targets.map((t) => [t.name, t.kind, t.registryName, t.intervalSeconds, t.timeoutMs, t.source])).toEqual([
      ["app-same", "tag_consistency", null, 300, 4000, "config"],
      ["dev-up", "reachability", "dev-reg", 20, 10_000, "config"],
    ]);
    expect(targets[0]!.params).toEqual({ repository: "app", tag: "stable", environments: ["dev", "prod"] });
    const rules = await db.prisma.probeAlertRule.findMany({ orderBy: { name: "asc" } });
    expect(rules.map((r) => [r.name, r.kind, r.threshold, r.targetName])).toEqual([
      ["slow", "p99_latency", 750, "dev-up"],
      ["two-strikes", "consecutive_failures", 2, null],
    ]);

    await syncProbeConfig(db.prisma, config(`
probes:
  targets:
    - { name: dev-up, kind: reachability, registry: dev-reg, intervalSeconds: 45 }
`));
    expect((await db.prisma.probeTarget.findMany()).map((t) => [t.name, t.intervalSeconds])).toEqual([["dev-up", 45]]);
    // no alerts declared: the default rule, 3 consecutive failures on any target
    expect((await db.prisma.probeAlertRule.findMany()).map((r) => [r.name, r.kind, r.threshold, r.targetName])).toEqual([["consecutive-failures", "consecutive_failures", 3, null]]);
  });

  it("creates, changes and deletes UI targets and rules, each audited; file entries stay read-only", async () => {
    const t = await createProbeTarget(db.prisma, ctx, { name: "prod-pull", kind: "pull_latency", registryName: "prod-reg", params: { repository: "prod/app", tag: "1.0" }, intervalSeconds: 60, timeoutMs: 5000 });
    await expect(createProbeTarget(db.prisma, ctx, { name: "bad", kind: "reachability", registryName: "nope", params: {}, intervalSeconds: 60, timeoutMs: 5000 })).rejects.toThrow(/no registry named "nope"/);
    await expect(createProbeTarget(db.prisma, ctx, { name: "bad", kind: "tag_consistency", registryName: null, params: { environments: ["dev", "qa"], repository: "a", tag: "b" }, intervalSeconds: 60, timeoutMs: 5000 })).rejects.toThrow(UserInputError);
    await updateProbeTarget(db.prisma, ctx, t.id, { intervalSeconds: 120, enabled: false });
    expect(await db.prisma.probeTarget.findUniqueOrThrow({ where: { id: t.id } })).toMatchObject({ intervalSeconds: 120, enabled: false });
    const fromFile = await db.prisma.probeTarget.findUniqueOrThrow({ where: { name: "dev-up" } });
    await expect(updateProbeTarget(db.prisma, ctx, fromFile.id, { enabled: false })).rejects.toThrow(/declared in dockmaster\.yaml/);
    await expect(deleteProbeTarget(db.prisma, ctx, fromFile.id)).rejects.toThrow(/declared in dockmaster\.yaml/);

    const rule = await createAlertRule(db.prisma, ctx, { name: "pull-slow", kind: "p99_latency", threshold: 900, windowSeconds: 600, targetName: "prod-pull" });
    await expect(createAlertRule(db.prisma, ctx, { name: "x", kind: "consecutive_failures", threshold: 2.5, windowSeconds: null, targetName: null })).rejects.toThrow(/whole number/);
    await setAlertRuleEnabled(db.prisma, ctx, rule.id, false);
    await deleteAlertRule(db.prisma, ctx, rule.id);
    await deleteProbeTarget(db.prisma, ctx, t.id);

    const audit = await db.prisma.auditEvent.findMany({ where: { action: { startsWith: "probe." } }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.action, a.targetId, a.actorEmail, a.sourceIp])).toEqual([
      ["probe.target.create", "prod-pull", "admin@x.io", "10.0.0.1"],
      ["probe.target.update", "prod-pull", "admin@x.io", "10.0.0.1"],
      ["probe.rule.create", "pull-slow", "admin@x.io", "10.0.0.1"],
      ["probe.rule.update", "pull-slow", "admin@x.io", "10.0.0.1"],
      ["probe.rule.delete", "pull-slow", "admin@x.io", "10.0.0.1"],
      ["probe.target.delete", "prod-pull", "admin@x.io", "10.0.0.1"],
    ]);
    expect(audit[1]!.detail).toEqual({ before: { intervalSeconds: 60, timeoutMs: 5000, enabled: true }, after: { intervalSeconds: 120, enabled: false } });
  });

  it("adds reachability and credentials probes for registries lacking them, once", async () => {
    expect((await addBasicProbesForRegistries(db.prisma, ctx)).sort()).toEqual(["dev-reg-credentials", "prod-reg-credentials", "prod-reg-reachability"]);
    expect(await addBasicProbesForRegistries(db.prisma, ctx)).toEqual([]);
  });

  it("shows state per registry, acknowledges alerts with an audit row, and exports gauges for Prometheus", async () => {
    const up = toSpec(await db.prisma.probeTarget.findUniqueOrThrow({ where: { name: "dev-up" } }));
    const creds = toSpec(await db.prisma.probeTarget.findUniqueOrThrow({ where: { name: "prod-reg-credentials" } }));
    const now = Date.now();
    await storeResult(db.prisma, up, { ok: true, latencyMs: 12 }, { at: new Date(now - 2000) });
    await storeResult(db.prisma, creds, { ok: false, latencyMs: 30, errorClass: "unauthorized", message: "registry 127.0.0.1:5001 rejected the credentials" }, { at: new Date(now - 1000) });
    const rule = await db.prisma.probeAlertRule.findUniqueOrThrow({ where: { name: "consecutive-failures" } });
    const alert = await db.prisma.probeAlert.create({ data: { ruleId: rule.id, targetId: creds.id, kind: rule.kind, message: "prod-reg-credentials failed 3 times in a row" } });

    const o = await probesOverview(db.prisma, "1h", now);
    const group = (name: string) => o.groups.find((g) => g.registry === name)!;
    expect(group("dev-reg")).toMatchObject({ state: "green", count: 1, successRate: 1 });
    expect(group("dev-reg").targets.find((t) => t.name === "dev-reg-credentials")!.state).toBe("unknown");
    expect(group("prod-reg")).toMatchObject({ state: "red", successRate: 0, stateReason: "prod-reg-credentials: registry 127.0.0.1:5001 rejected the credentials" });
    expect(o.failures[0]).toMatchObject({ target: "prod-reg-credentials", errorClass: "unauthorized" });
    expect(o.alerts.map((a) => [a.target, a.resolvedAt])).toEqual([["prod-reg-credentials", null]]);

    await acknowledgeAlert(db.prisma, ctx, alert.id);
    await expect(acknowledgeAlert(db.prisma, ctx, alert.id)).rejects.toThrow(/already acknowledged by admin@x\.io/);
    expect((await listAlerts(db.prisma, { openOnly: true }))[0]).toMatchObject({ acknowledgedBy: "admin@x.io" });
    expect(await db.prisma.auditEvent.count({ where: { action: "probe.alert.acknowledge", targetId: "prod-reg-credentials" } })).toBe(1);

    const promotion = { sourceEnv: "dev", targetEnv: "prod", sourceRepository: "dev/app", targetRepository: "prod/app", targetTag: "1.0", reason: "metrics", requestedById: "u1", requestedByEmail: "dev@x.io", approvalsRequired: 1, gates: [], gatesPassed: true };
    for (const [i, status] of (["requested", "requested", "verified"] as const).entries()) {
      await db.prisma.promotion.create({ data: { ...promotion, status, digest: `sha256:${String(i).repeat(64)}` } });
    }
    await refreshDbGauges(db.prisma);
    const text = await probeMetrics().registry.metrics();
    expect(text).toContain('dockmaster_promotions{status="requested",target_env="prod"} 2');
    expect(text).toContain('dockmaster_promotions{status="verified",target_env="prod"} 1');
    expect(text).toContain('dockmaster_probe_up{target="dev-up",kind="reachability",registry="dev-reg"} 1');
    expect(text).toContain('dockmaster_probe_up{target="prod-reg-credentials",kind="credentials",registry="prod-reg"} 0');
    expect(text).toContain('dockmaster_probe_alerts_open{rule="consecutive-failures",target="prod-reg-credentials"} 1');
  });
});
