import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, parseSecretKey, SecretKeyError } from "./secrets";

const key = randomBytes(32).toString("base64");
const otherKey = randomBytes(32).toString("hex");

describe("sealed registry secrets", () => {
  it("round-trips, with a fresh IV each time", () => {
    const a = encryptSecret("s3cr3t-påss", key);
    const b = encryptSecret("s3cr3t-påss", key);
    expect(a).not.toEqual(b);
    expect(a).not.toContain("s3cr3t");
    expect(decryptSecret(a, key)).toBe("s3cr3t-påss");
    expect(decryptSecret(b, key)).toBe("s3cr3t-påss");
  });

  it("accepts a hex key as well as base64", () => {
    expect(decryptSecret(encryptSecret("x", otherKey), otherKey)).toBe("x");
  });

  it("refuses to seal without a key", () => {
    expect(() => encryptSecret("x", undefined)).toThrow(/refuses to store registry secrets without an encryption key/);
  });

  it("rejects keys of the wrong length", () => {
    expect(() => parseSecretKey(randomBytes(16).toString("base64"))).toThrow(/must be 32 bytes.*got 16/);
  });

  it("names a wrong key by fingerprint instead of failing cryptically", () => {
    const sealed = encryptSecret("x", key);
    expect(() => decryptSecret(sealed, otherKey)).toThrow(/different DOCKMASTER_SECRET_KEY/);
  });

  it("detects tampering", () => {
    const sealed = encryptSecret("hello world", key).split(":");
    const ct = Buffer.from(sealed[4]!, "base64");
    ct[0] = ct[0]! ^ 0xff;
    sealed[4] = ct.toString("base64");
    expect(() => decryptSecret(sealed.join(":"), key)).toThrow(SecretKeyError);
    expect(() => decryptSecret(sealed.join(":"), key)).toThrow(/integrity check/);
  });

  it("rejects unknown formats", () => {
    expect(() => decryptSecret("plaintext", key)).toThrow(/format/);
  });
});
