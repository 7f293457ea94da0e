import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { parsePublicKey, verifiesWith } from "./keys";

const payload = new TextEncoder().encode('{"critical":{"type":"cosign container image signature"}}');
const pem = (k: crypto.KeyObject) => k.export({ type: "spki", format: "pem" }).toString();

describe("cosign public keys", () => {
  it("ECDSA P-256 (cosign's default): a DER signature over SHA-256 of the payload verifies, another payload does not", () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const key = parsePublicKey("release", pem(publicKey));
    expect(key.algorithm).toBe("ecdsa-p256");
    const sig = crypto.sign("sha256", payload, privateKey);
    expect(verifiesWith(key, payload, sig)).toBe(true);
    expect(verifiesWith(key, new TextEncoder().encode("other"), sig)).toBe(false);
  });

  it("Ed25519 signs the payload itself", () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
    const key = parsePublicKey("ci", pem(publicKey));
    expect(key.algorithm).toBe("ed25519");
    expect(verifiesWith(key, payload, crypto.sign(null, payload, privateKey))).toBe(true);
    expect(verifiesWith(key, payload, Buffer.alloc(64))).toBe(false);
  });

  it("RSA: PKCS#1 v1.5 and PSS with SHA-256 both verify", () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const key = parsePublicKey("legacy", pem(publicKey));
    expect(key.algorithm).toBe("rsa-2048");
    const v15 = crypto.sign("sha256", payload, { key: privateKey, padding: crypto.constants.RSA_PKCS1_PADDING });
    const pss = crypto.sign("sha256", payload, { key: privateKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    expect(verifiesWith(key, payload, v15)).toBe(true);
    expect(verifiesWith(key, payload, pss)).toBe(true);
    expect(verifiesWith(key, payload, crypto.sign("sha512", payload, privateKey))).toBe(false);
  });

  it("a signature by another key of the same type, or of another type's shape, does not verify", () => {
    const a = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const b = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const key = parsePublicKey("release", pem(a.publicKey));
    expect(verifiesWith(key, payload, crypto.sign("sha256", payload, b.privateKey))).toBe(false);
    expect(verifiesWith(key, payload, new Uint8Array([1, 2, 3]))).toBe(false);
  });

  it("refuses what is no key, and key types cosign does not sign with", () => {
    expect(() => parsePublicKey("x", "hello")).toThrow(/^not a PEM public key/);
    expect(() => parsePublicKey("x", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")).toThrow(/^not a PEM public key/);
    expect(() => parsePublicKey("x", pem(crypto.generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey))).toThrow("unsupported key type: an EC key on curve secp256k1");
    expect(() => parsePublicKey("x", pem(crypto.generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey))).toThrow("unsupported key type: a 1024-bit RSA key");
    expect(() => parsePublicKey("x", pem(crypto.generateKeyPairSync("x25519").publicKey))).toThrow("unsupported key type: x25519");
  });
});
