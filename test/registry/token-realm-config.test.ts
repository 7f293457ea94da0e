/**
 * `tokenRealms:` travels from dockmaster.yaml (validated, file:line errors) through the registry row's
 * options to the provider connection the realm policy reads. A registry added in the Settings form has
 * none, so it only ever authenticates against its own host.
 */
import { describe, expect, it } from "vitest";
import type { Registry } from "@/lib/db/generated/client";
import { ConfigError, parseConfig } from "@/lib/config/load";
import { connectionFor } from "@/lib/inventory/connection";

const yaml = (realms: string) => `
registries:
  - name: gitlab
    kind: oci
    url: https://registry.gitlab.example.com
    tokenRealms: ${realms}
`;

function row(options: unknown): Registry {
  const now = new Date();
  return { id: "r1", name: "gitlab", kind: "oci", url: "https://registry.gitlab.example.com", username: null, secretEnvRef: null, secretCiphertext: null, insecureSkipVerify: false, caFile: null, options: options as Registry["options"], source: "config", createdAt: now, updatedAt: now };
}

describe("tokenRealms configuration", () => {
  it("is read from dockmaster.yaml and refuses what is not an http(s) URL, with its line", () => {
    expect(parseConfig(yaml("[https://gitlab.example.com]"), "dockmaster.yaml", {}).registries[0]!.tokenRealms).toEqual(["https://gitlab.example.com"]);
    try {
      parseConfig(yaml("[ftp://gitlab.example.com]"), "dockmaster.yaml", {});
      throw new Error("expected a ConfigError");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems[0]).toMatch(/^dockmaster\.yaml:6: registries\[0\]\.tokenRealms\[0\]: must be an http:\/\/ or https:\/\/ URL of a token service/);
    }
  });

  it("reaches the provider connection from the registry row, and is absent for a registry added in the UI", () => {
    expect(connectionFor(row({ region: null, tokenRealms: ["https://gitlab.example.com"] })).tokenRealms).toEqual(["https://gitlab.example.com"]);
    expect(connectionFor({ ...row(null), source: "ui" }).tokenRealms).toBeUndefined();
  });
});
