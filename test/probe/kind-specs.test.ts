/**
 * A probe kind is described in one place. This file swaps one kind module (credentials.ts) for a
 * made-up kind, as adding a kind file and its line in the index would, and checks that every reader
 * follows without another change: the config schema, the form, the form's validation, the target
 * service, the alert evaluator and the runner.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parseAppConfig } from "@/lib/app-config";
import { ConfigError } from "@/lib/config/load";
import { ruleApplies } from "@/lib/probe/alerts/evaluate";
import { staticProbeContext } from "@/lib/probe/context";
import { newTargetForm } from "@/lib/probe/form";
import { kindForms, kindLabel, probeKinds, probeKindSpec, runProbe } from "@/lib/probe/kinds";
import { createProbeTarget } from "@/lib/probe/targets";
import { openTestDatabase, type TestDatabase } from "../support/db";

vi.mock("@/lib/probe/kinds/credentials", async () => {
  const { z } = await import("zod");
  const { defineProbeKind } = await import("@/lib/probe/kinds/spec");
  return {
    credentials: defineProbeKind({
      kind: "disk_free",
      label: "Free disk",
      registry: "required",
      params: z.strictObject({ mount: z.string().startsWith("/").describe("the mount point to measure") }),
      form: [{ name: "mount", label: "Mount point", placeholder: "/data" }],
      alerts: ["consecutive_failures", "quota_percent"],
      async run(target, { mount }) {
        return { ok: true, value: 42, detail: { mount, registry: target.registryName } };
      },
    }),
  };
});

const yaml = (targets: string) => `
registries:
  - { name: local, kind: oci, url: "http://127.0.0.1:5000" }
probes:
  targets:
${targets}`;

function problems(text: string): string {
  try {
    parseAppConfig(text, "dockmaster.yaml", {});
    return "";
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.join("\n");
    throw err;
  }
}

describe("a probe kind described in one file", () => {
  it("is a kind dockmaster.yaml accepts, with its own settings and their rules", () => {
    expect(probeKinds).toContain("disk_free");
    expect(probeKinds).not.toContain("credentials");
    const cfg = parseAppConfig(yaml("    - { name: disk, kind: disk_free, registry: local, mount: /data }"), "dockmaster.yaml", {});
    expect(cfg.probes?.targets[0]).toMatchObject({ kind: "disk_free", mount: "/data" });
    const p = problems(yaml("    - { name: a, kind: disk_free, registry: local }\n    - { name: b, kind: disk_free, registry: local, mount: /x, tag: v1 }\n    - { name: c, kind: credentials, registry: local }"));
    expect(p).toMatch(/probes\.targets\[0\]\.mount: is required for kind disk_free \(the mount point to measure\)/);
    expect(p).toMatch(/probes\.targets\[1\]\.tag: is not a setting of kind disk_free/);
    expect(p).toMatch(/probes\.targets\[2\]\.kind: Invalid option/);
  });

  it("shows in the form with its fields, and the form's input is checked by its rules", () => {
    const form = kindForms().find((k) => k.kind === "disk_free");
    expect(form).toEqual({ kind: "disk_free", label: "Free disk", registry: "required", fields: [{ name: "mount", label: "Mount point", placeholder: "/data", required: true }] });
    expect(kindLabel("disk_free")).toBe("Free disk");
    const ok = newTargetForm.safeParse({ name: "disk", kind: "disk_free", registryName: "local", intervalSeconds: "60", timeoutMs: "1000", mount: " /data ", repository: "ignored" });
    expect(ok.success && ok.data).toEqual({ name: "disk", kind: "disk_free", registryName: "local", params: { mount: "/data" }, intervalSeconds: 60, timeoutMs: 1000 });
    const bad = newTargetForm.safeParse({ name: "disk", kind: "disk_free", registryName: "", intervalSeconds: "60", timeoutMs: "1000", mount: "data" });
    expect(bad.success).toBe(false);
    const fields = Object.fromEntries((bad.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]));
    expect(fields.registryName).toMatch(/is required for kind disk_free/);
    expect(fields.mount).toMatch(/\//);
  });

  it("every kind's form asks only for settings its schema knows, and every kind may fail", () => {
    for (const form of kindForms()) {
      const spec = probeKindSpec(form.kind)!;
      expect(form.fields.map((f) => f.name).filter((n) => !(n in spec.params.shape))).toEqual([]);
      expect(spec.alerts).toContain("consecutive_failures");
    }
  });

  it("says which alert kinds apply to it", () => {
    const target = { name: "disk", kind: "disk_free" };
    expect(ruleApplies({ kind: "quota_percent", targetName: null }, target)).toBe(true);
    expect(ruleApplies({ kind: "consecutive_failures", targetName: null }, target)).toBe(true);
    expect(ruleApplies({ kind: "p99_latency", targetName: null }, target)).toBe(false);
    expect(ruleApplies({ kind: "cert_expiry_days", targetName: null }, target)).toBe(false);
  });

  it("runs with its settings parsed by its schema", async () => {
    const ctx = staticProbeContext([]);
    const spec = { id: "t1", name: "disk", kind: "disk_free", registryName: "local", intervalSeconds: 60, timeoutMs: 1000, enabled: true };
    expect(await runProbe({ ...spec, params: { mount: "/data" } }, ctx)).toMatchObject({ ok: true, value: 42, detail: { mount: "/data", registry: "local" } });
    const broken = await runProbe({ ...spec, params: { mount: 7 } }, ctx);
    expect(broken.ok).toBe(false);
    expect(broken.message).toMatch(/disk_free settings are invalid: mount/);
    await ctx.close();
  });

  describe("in the target service", () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase("postgres");
      await db.prisma.registry.create({ data: { name: "local", kind: "oci", url: "http://127.0.0.1:5000" } });
    });
    afterAll(async () => {
      await db?.dispose();
    });

    it("is created with its parsed settings, and refused without them", async () => {
      const actor = { actor: { id: "u1", email: "admin@x.io" }, ip: "10.0.0.1" };
      const base = { kind: "disk_free", registryName: "local", intervalSeconds: 60, timeoutMs: 1000 };
      await expect(createProbeTarget(db.prisma, actor, { ...base, name: "no-mount", params: {} })).rejects.toThrow(/mount is required for kind disk_free/);
      await createProbeTarget(db.prisma, actor, { ...base, name: "disk", params: { mount: "/data" } });
      expect((await db.prisma.probeTarget.findUniqueOrThrow({ where: { name: "disk" } })).params).toEqual({ mount: "/data" });
    });
  });
});
