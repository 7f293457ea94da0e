/**
 * A capability flag is a promise the UI and engines act on, so each one must have a reader; what a
 * provider offers beyond the flags is its optional interfaces (capabilities.ts), found by method.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createProvider } from "./index";
import { quotaSource } from "./capabilities";

const root = path.resolve(import.meta.dirname, "../..");

function sources(): string[] {
  return ["lib", "app", "components"].flatMap((dir) =>
    readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.parentPath.includes("generated"))
      .map((e) => readFileSync(path.join(e.parentPath, e.name), "utf8")),
  );
}

describe("registry capability flags", () => {
  it("are each read somewhere", () => {
    const iface = /export interface RegistryCapabilities \{([\s\S]*?)\n\}/.exec(readFileSync(path.join(root, "lib/registry/provider.ts"), "utf8"))![1]!;
    const flags = [...iface.matchAll(/^\s+(\w+): boolean;/gm)].map((m) => m[1]!);
    expect(flags.length).toBeGreaterThan(0);
    const text = sources().join("\n");
    expect(flags.filter((f) => !new RegExp(`capabilities\\.${f}\\b`).test(text))).toEqual([]);
  });

  it("quotas are offered by Harbor only: OCI, ECR and Docker Hub keep none", async () => {
    const anon = { kind: "anonymous" } as const;
    const providers = [
      createProvider({ kind: "harbor", name: "h", url: "https://harbor.example.com", auth: anon }),
      createProvider({ kind: "oci", name: "o", url: "https://registry.example.com", auth: anon }),
      createProvider({ kind: "ecr", name: "e", url: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com", auth: anon, aws: { region: "eu-west-1" } }),
      createProvider({ kind: "dockerhub", name: "d", url: "https://registry-1.docker.io", auth: anon }),
    ];
    expect(providers.map((p) => [p.kind, quotaSource(p) !== null])).toEqual([
      ["harbor", true],
      ["oci", false],
      ["ecr", false],
      ["dockerhub", false],
    ]);
    await Promise.all(providers.map((p) => p.close()));
  });
});
