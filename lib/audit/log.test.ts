import { describe, expect, it } from "vitest";
import { isSecretKey, redactSecrets, writeAudit } from "./log";

describe("audit redaction", () => {
  it("hides secrets under any key that names one, nested or in arrays", () => {
    const detail = {
      password: "hunter2",
      passwordHash: "$argon2id$…",
      secret_access_key: "AKIA…",
      apiToken: "dm_abc",
      registry: { username: "ci", credentials: "c3VwZXI=", secretCiphertext: "v1:…" },
      targets: [{ name: "a", privateKey: "-----BEGIN" }],
    };
    expect(redactSecrets(detail)).toEqual({
      password: "[redacted]",
      passwordHash: "[redacted]",
      secret_access_key: "[redacted]",
      apiToken: "[redacted]",
      registry: { username: "ci", credentials: "[redacted]", secretCiphertext: "[redacted]" },
      targets: [{ name: "a", privateKey: "[redacted]" }],
    });
  });

  it("keeps gate results, environments and other words that merely contain a secret word", () => {
    const detail = { gatesPassed: false, failedGates: ["scan"], passed: true, approvalsRequired: 2, environment: "prod", bypass: "window", compass: "north", tokenizer: "x" };
    expect(redactSecrets(detail)).toEqual(detail);
    expect(isSecretKey("gatesPassed")).toBe(false);
    expect(isSecretKey("bypass")).toBe(false);
    expect(isSecretKey("keyId")).toBe(false);
  });

  it("keeps yes/no and counts under a secret's name: they say whether, not what", () => {
    expect(redactSecrets({ secretStored: true, tokens: 3, password: "" })).toEqual({ secretStored: true, tokens: 3, password: "" });
  });

  it("writes the redacted detail to the audit row", async () => {
    const rows: unknown[] = [];
    const db = { auditEvent: { create: async (args: { data: unknown }) => void rows.push(args.data) } } as unknown as Parameters<typeof writeAudit>[0];
    await writeAudit(db, { action: "promotion.request", outcome: "success", detail: { gatesPassed: true, password: "x" } });
    expect(rows).toMatchObject([{ action: "promotion.request", detail: { gatesPassed: true, password: "[redacted]" } }]);
  });
});
