/**
 * gates.signature at start-up: keys and the Notation trust store are read and parsed while the config
 * loads, so a bad one stops start-up naming its dockmaster.yaml line.
 */
import crypto from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadAppConfig, parseAppConfig } from "@/lib/app-config";
import { ConfigError } from "@/lib/config/load";
import { loopbackCertificate } from "../harness/tls-cert";

const pem = (k: crypto.KeyObject) => k.export({ type: "spki", format: "pem" }).toString();
const p256 = pem(crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey);
const dir = mkdtempSync(path.join(tmpdir(), "dm-sigcfg-"));
writeFileSync(path.join(dir, "cosign.pub"), p256);
writeFileSync(path.join(dir, "garbage.pub"), "this is not a key\n");
writeFileSync(path.join(dir, "k1.pub"), pem(crypto.generateKeyPairSync("ec", { namedCurve: "secp256k1" }).publicKey));
writeFileSync(path.join(dir, "ca.pem"), loopbackCertificate().certPem);
writeFileSync(path.join(dir, "bad-ca.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

const yaml = (signature: string) => `registries:
  - { name: local, kind: oci, url: "http://127.0.0.1:5000" }
environments:
  - name: prod
    order: 1
    registry: local
    gates:
      signature:
${signature}
`;
const file = path.join(dir, "dockmaster.yaml");

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseAppConfig(text, file, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => p.replace(file, "dockmaster.yaml"));
  }
  throw new Error("expected the config to be refused");
}

describe("gates.signature at start-up", () => {
  it("reads keys from a path relative to the config file, from ${ENV} and inline; the trust store's certificates are parsed", () => {
    const ed = pem(crypto.generateKeyPairSync("ed25519").publicKey);
    const cfg = parseAppConfig(
      yaml(`        keys:
          - { name: release, publicKey: cosign.pub }
          - { name: ci, publicKey: "\${CI_COSIGN_PUB}" }
          - name: inline
            publicKey: |
${ed.trim().split("\n").map((l) => `              ${l}`).join("\n")}
        notation:
          trustStore: ${path.join(dir, "ca.pem")}
          identities: ["x509.subject: CN=release,O=Corp"]
        minSignatures: 2`),
      file,
      { CI_COSIGN_PUB: pem(crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey) },
    );
    const trust = cfg.signatureTrust.get("prod")!;
    expect(trust.keys.map((k) => `${k.name} ${k.algorithm}`)).toEqual(["release ecdsa-p256", "ci rsa-2048", "inline ed25519"]);
    expect(trust.minSignatures).toBe(2);
    expect(trust.notation!.anchors).toHaveLength(1);
    expect(trust.notation!.anchors[0]!.subject).toContain("CN=127.0.0.1");
    expect(trust.notation!.identities).toEqual(["x509.subject: CN=release,O=Corp"]);
    // what is mirrored into the database is the policy as written, never a parsed key
    expect(cfg.environments[0]!.gates!.signature!.keys[0]).toEqual({ name: "release", publicKey: "cosign.pub" });
  });

  it("an unparseable key, an unsupported key type, a missing file or an unset variable stop start-up at the key's line", () => {
    expect(problems(yaml("        keys: [{ name: release, publicKey: garbage.pub }]"))).toEqual([
      expect.stringMatching(/^dockmaster\.yaml:9: environments\[0\]\.gates\.signature\.keys\[0\]\.publicKey: key release: not a PEM public key/),
    ]);
    expect(problems(yaml("        keys:\n          - { name: a, publicKey: cosign.pub }\n          - { name: b, publicKey: k1.pub }"))).toEqual([
      "dockmaster.yaml:11: environments[0].gates.signature.keys[1].publicKey: key b: unsupported key type: an EC key on curve secp256k1 (supported: ECDSA P-256, P-384, P-521; Ed25519; RSA)",
    ]);
    expect(problems(yaml("        keys: [{ name: release, publicKey: absent.pub }]"))).toEqual([
      `dockmaster.yaml:9: environments[0].gates.signature.keys[0].publicKey: cannot read ${path.join(dir, "absent.pub")}: ENOENT`,
    ]);
    expect(problems(yaml('        keys: [{ name: ci, publicKey: "${CI_COSIGN_PUB}" }]'))).toEqual([
      "dockmaster.yaml:9: environments[0].gates.signature.keys[0].publicKey: environment variable CI_COSIGN_PUB is not set",
    ]);
  });

  it("an unparseable trust store or one without certificates stops start-up at its line", () => {
    const notation = (store: string) => yaml(`        notation:\n          trustStore: ${store}\n          identities: ["*"]`);
    expect(problems(notation("bad-ca.pem"))).toEqual([expect.stringMatching(/^dockmaster\.yaml:10: environments\[0\]\.gates\.signature\.notation\.trustStore: certificate 1 of the trust store does not parse/)]);
    expect(problems(notation("cosign.pub"))).toEqual(["dockmaster.yaml:10: environments[0].gates.signature.notation.trustStore: the trust store holds no PEM certificate (-----BEGIN CERTIFICATE-----)"]);
    expect(problems(yaml('        notation:\n          trustStore: ca.pem\n          identities: ["CN=release"]'))).toEqual([
      'dockmaster.yaml:11: environments[0].gates.signature.notation.identities[0]: must be "*" or "x509.subject: CN=…,O=…"',
    ]);
  });

  it("the app's loader reads the file and its keys the same way", async () => {
    writeFileSync(file, yaml("        keys: [{ name: release, publicKey: cosign.pub }]"));
    expect((await loadAppConfig(file, {})).signatureTrust.get("prod")!.keys[0]!.algorithm).toBe("ecdsa-p256");
    writeFileSync(file, yaml("        requireSignature: true").replace("      signature:\n", ""));
    await expect(loadAppConfig(file, {})).rejects.toThrow(/dockmaster\.yaml:8: environments\[0\]\.gates\.requireSignature: is no longer supported: presence alone no longer counts/);
  });
});
