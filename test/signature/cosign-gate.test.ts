/**
 * The signature gate against a real docker-registry (Distribution 2.8: no referrers API, so referrers
 * go through the referrers tag schema that lib/registry maintains and reads back). Signatures are made
 * with Node's crypto in cosign's exact on-registry form (test/harness/cosign.ts): the `cosign` CLI is
 * not available on this machine (`which cosign` finds nothing; Debian has no package for it).
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOciProvider, type RegistryProvider } from "@/lib/registry";
import { evaluateGates, type GateResult } from "@/lib/promotion/gates";
import { defaultVerifiers } from "@/lib/signature/default-verifiers";
import type { SignatureTrust, SignatureVerifiers } from "@/lib/signature/discover";
import { parsePublicKey } from "@/lib/signature/keys";
import type { SignatureVerdict } from "@/lib/signature/types";
import { buildSignatureManifest, pushSignature, sigTag, signPayload, simpleSigningPayload, type SignatureLayer } from "../harness/cosign";
import { buildImage, buildIndex, buildReferrer, type BuiltImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushIndex, pushReferrer } from "../harness/seed";

let reg: RunningRegistry;
let provider: RegistryProvider;
const REPO = "dev/app";
const release = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const ci = crypto.generateKeyPairSync("ed25519");
const stranger = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const pem = (k: crypto.KeyObject) => k.export({ type: "spki", format: "pem" }).toString();
const keys = { release: parsePublicKey("release", pem(release.publicKey)), ci: parsePublicKey("ci", pem(ci.publicKey)) };

beforeAll(async () => {
  reg = await startRegistry();
  provider = createOciProvider({ name: "dev", url: reg.url, auth: { kind: "anonymous" } });
}, 60_000);

afterAll(async () => {
  await provider?.close();
  await reg?.stop();
});

async function newImage(): Promise<{ image: BuiltImage; digest: string }> {
  const image = buildImage({ layerCount: 1, layerSize: 64 });
  return { image, digest: await pushImage(provider, REPO, image) };
}

const signed = (digest: string, key: crypto.KeyObject = release.privateKey, payload = simpleSigningPayload(digest)): SignatureLayer => ({ payload, signature: signPayload(key, payload) });

async function gate(digest: string, trust: Partial<SignatureTrust> = {}, verifiers: SignatureVerifiers = defaultVerifiers): Promise<GateResult> {
  const results = await evaluateGates({
    policy: { signature: { keys: [], minSignatures: trust.minSignatures ?? 1 } },
    source: { provider, repository: REPO, digest },
    target: { provider, repository: "prod/app", tag: "1.0", environment: "prod" },
    currentTargetDigest: null,
    scans: async () => ({ summary: null, evidence: [] }),
    signatures: { trust: { keys: [keys.release], minSignatures: 1, ...trust }, verifiers },
  });
  const g = results.find((r) => r.id === "signature");
  if (!g) throw new Error("no signature gate evaluated");
  return g;
}

/** An image signed under its `.sig` tag with `layers`; returns the gate's verdict on it. */
async function tagSigned(layers: (digest: string) => SignatureLayer[], trust?: Partial<SignatureTrust>) {
  const { digest } = await newImage();
  await pushSignature(provider, REPO, buildSignatureManifest(layers(digest)), sigTag(digest));
  return { digest, gate: await gate(digest, trust) };
}

const only = (g: GateResult): SignatureVerdict => {
  expect(g.signatures).toHaveLength(1);
  return g.signatures![0]!;
};

describe("cosign signatures on a real registry", () => {
  it("an image signed with the configured ECDSA P-256 key under its .sig tag passes", async () => {
    const { digest, gate: g } = await tagSigned((d) => [signed(d)]);
    expect(g.status).toBe("pass");
    const sigManifest = await provider.headManifest(REPO, sigTag(digest));
    expect(only(g)).toEqual({ format: "cosign", foundVia: "tag", manifestDigest: sigManifest!.digest, verified: true, signer: "key release (ecdsa-p256)", reason: "signed by key release (ecdsa-p256)" });
  });

  it("a referrer-form cosign signature (found through the referrers tag schema on Distribution 2.8) passes; an SBOM next to it is not listed", async () => {
    const { image, digest } = await newImage();
    const sig = buildSignatureManifest([signed(digest, ci.privateKey)], { subject: image.manifest });
    const sigDigest = await pushSignature(provider, REPO, sig);
    const sbom = buildReferrer(image.manifest, { artifactType: "application/spdx+json", payloadMediaType: "application/spdx+json", payload: new TextEncoder().encode("{}") });
    await pushReferrer(provider, REPO, sbom);
    expect((await provider.listReferrers(REPO, digest)).via).toBe("tag-schema");
    const g = await gate(digest, { keys: [keys.release, keys.ci] });
    expect(g.status).toBe("pass");
    expect(only(g)).toMatchObject({ format: "cosign", foundVia: "referrer", manifestDigest: sigDigest, verified: true, reason: "signed by key ci (ed25519)" });
  });

  it("an unsigned image fails, saying where it looked", async () => {
    const { digest } = await newImage();
    const g = await gate(digest);
    expect(g).toMatchObject({ status: "fail", signatures: [] });
    expect(g.detail).toContain(sigTag(digest));
  });

  it("a signature by another key: unknown key", async () => {
    const { gate: g } = await tagSigned((d) => [signed(d, stranger.privateKey)]);
    expect(g.status).toBe("fail");
    expect(only(g)).toMatchObject({ verified: false, reason: "unknown key: verifies with none of the configured keys (release)" });
  });

  it("a payload naming another digest, signed with the configured key: payload digest mismatch", async () => {
    const other = `sha256:${"ab".repeat(32)}`;
    const { gate: g } = await tagSigned(() => [signed(other, release.privateKey, simpleSigningPayload(other))]);
    expect(g.status).toBe("fail");
    expect(only(g).reason).toBe(`payload digest mismatch (names ${other})`);
  });

  it("a corrupted signature does not verify; a flipped bit inside the numbers cannot be told from another key's signature", async () => {
    const truncated = await tagSigned((d) => {
      const layer = signed(d);
      return [{ ...layer, signature: Buffer.from(layer.signature!, "base64").subarray(0, 40).toString("base64") }];
    });
    expect(truncated.gate.status).toBe("fail");
    expect(only(truncated.gate).reason).toBe("signature does not verify: not a well-formed signature for any configured key (release)");

    const flipped = await tagSigned((d) => {
      const layer = signed(d);
      const raw = Buffer.from(layer.signature!, "base64");
      raw[10]! ^= 0x01; // inside r: still well-formed DER
      return [{ ...layer, signature: raw.toString("base64") }];
    });
    expect(flipped.gate.status).toBe("fail");
    expect(only(flipped.gate).reason).toMatch(/^unknown key: /);
  });

  it("a signature manifest copied from another image fails as a payload digest mismatch", async () => {
    const { digest: original } = await tagSigned((d) => [signed(d)]);
    const copied = await provider.getManifest(REPO, sigTag(original));
    const { digest: target } = await newImage();
    await provider.putManifest(REPO, sigTag(target), copied.bytes, copied.mediaType);
    const g = await gate(target);
    expect(g.status).toBe("fail");
    expect(only(g)).toMatchObject({ verified: false, reason: `payload digest mismatch (names ${original})` });
  });

  it("malformed content is 'not a valid signature: …', never a pass", async () => {
    const noAnnotation = await tagSigned((d) => [{ payload: simpleSigningPayload(d) }]);
    expect(only(noAnnotation.gate).reason).toBe("not a valid signature: no dev.cosignproject.cosign/signature annotation");

    const badBase64 = await tagSigned((d) => [{ payload: simpleSigningPayload(d), signature: "not base64!" }]);
    expect(only(badBase64.gate).reason).toBe("not a valid signature: the signature is not base64");

    const unknownType = await tagSigned((d) => [{ ...signed(d), mediaType: "application/vnd.example.unknown+json" }]);
    expect(only(unknownType.gate).reason).toBe('not a valid signature: unknown media type "application/vnd.example.unknown+json"');

    const notJson = await tagSigned(() => [signed("", release.privateKey, new TextEncoder().encode("{not json"))]);
    expect(only(notJson.gate).reason).toBe("not a valid signature: the payload is not JSON");

    const wrongType = await tagSigned((d) => [signed(d, release.privateKey, simpleSigningPayload(d, { type: "something else" }))]);
    expect(only(wrongType.gate).reason).toBe('not a valid signature: critical.type is "something else", not "cosign container image signature"');

    const oversized = await tagSigned((d) => {
      const payload = new TextEncoder().encode(JSON.stringify({ critical: { image: { "docker-manifest-digest": d }, type: "cosign container image signature" }, optional: { pad: "x".repeat(70_000) } }));
      return [signed(d, release.privateKey, payload)];
    });
    expect(only(oversized.gate).reason).toMatch(/^not a valid signature: payload larger than 65536 bytes/);

    // an index under the .sig tag is no signature manifest
    const { digest } = await newImage();
    const inner = buildImage({ layerCount: 1, layerSize: 32 });
    await pushIndex(provider, REPO, buildIndex([inner]), [inner], sigTag(digest));
    expect(only(await gate(digest)).reason).toBe("not a valid signature: an image index, not a signature manifest");

    for (const g of [noAnnotation, badBase64, unknownType, notJson, wrongType, oversized]) expect(g.gate.status).toBe("fail");
  });

  it("keyless signatures (certificate annotation, no configured key verifies) are reported as not verifiable here", async () => {
    const { gate: g } = await tagSigned((d) => [{ ...signed(d, stranger.privateKey), annotations: { "dev.sigstore.cosign/certificate": "-----BEGIN CERTIFICATE-----\n…" } }]);
    expect(g.status).toBe("fail");
    expect(only(g).reason).toBe("keyless (Sigstore) signature: needs an online transparency log, not verifiable here");
  });

  it("minSignatures 2: one key fails (two signatures by it count once); two keys pass", async () => {
    const twice = await tagSigned((d) => [signed(d), signed(d, release.privateKey, simpleSigningPayload(d, { optional: { run: 2 } }))], { minSignatures: 2, keys: [keys.release, keys.ci] });
    expect(twice.gate.status).toBe("fail");
    expect(twice.gate.signatures!.map((s) => s.verified)).toEqual([true, true]);
    expect(twice.gate.detail).toMatch(/^1 of 2 required verified/);

    const both = await tagSigned((d) => [signed(d), signed(d, ci.privateKey)], { minSignatures: 2, keys: [keys.release, keys.ci] });
    expect(both.gate.status).toBe("pass");
    expect(both.gate.signatures!.map((s) => s.signer)).toEqual(["key release (ecdsa-p256)", "key ci (ed25519)"]);
  });

  it("an index is signed by its own digest; a signature naming one of its platform manifests does not count for it", async () => {
    const platform = buildImage({ layerCount: 1, layerSize: 32 });
    const index = buildIndex([platform]);
    const indexDigest = await pushIndex(provider, REPO, index, [platform]);
    await pushSignature(provider, REPO, buildSignatureManifest([signed(platform.manifest.digest)]), sigTag(indexDigest));
    expect(only(await gate(indexDigest)).reason).toBe(`payload digest mismatch (names ${platform.manifest.digest})`);
    await pushSignature(provider, REPO, buildSignatureManifest([signed(indexDigest)]), sigTag(indexDigest));
    expect((await gate(indexDigest)).status).toBe("pass");
  });

  it("Notation referrers go to the injected verifier; the default one (lib/signature/notation.ts) says no trust store is configured; Sigstore bundles are keyless", async () => {
    const { image, digest } = await newImage();
    const notation = buildReferrer(image.manifest, { artifactType: "application/vnd.cncf.notary.signature", payloadMediaType: "application/jose+json", payload: new TextEncoder().encode("{}") });
    const bundle = buildReferrer(image.manifest, { artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json", payloadMediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", payload: new TextEncoder().encode("{}") });
    const notationDigest = (await pushReferrer(provider, REPO, notation)).digest;
    await pushReferrer(provider, REPO, bundle);

    const byDefault = await gate(digest);
    expect(byDefault.status).toBe("fail");
    expect(byDefault.signatures!.map((s) => [s.format, s.reason])).toEqual([
      ["notation", "no Notation trust store is configured (gates.signature.notation)"],
      ["sigstore-bundle", "keyless (Sigstore) signature: needs an online transparency log, not verifiable here"],
    ]);

    const asked: unknown[] = [];
    const injected: SignatureVerifiers = {
      async notation(input) {
        asked.push({ repository: input.repository, subjectDigest: input.subjectDigest, signatureManifestDigest: input.signatureManifestDigest });
        return { format: "notation", foundVia: "referrer", manifestDigest: input.signatureManifestDigest, verified: true, signer: "CN=release,O=Corp", reason: "signed by CN=release,O=Corp" };
      },
    };
    expect((await gate(digest, {}, injected)).status).toBe("pass");
    expect(asked).toEqual([{ repository: REPO, subjectDigest: digest, signatureManifestDigest: notationDigest }]);
  });

  it("a declared signature gate with nothing loaded for the environment fails rather than being skipped", async () => {
    const { digest } = await tagSigned((d) => [signed(d)]);
    const [, g] = await evaluateGates({
      policy: { signature: { keys: [], minSignatures: 1 } },
      source: { provider, repository: REPO, digest },
      target: { provider, repository: "prod/app", tag: "1.0", environment: "prod" },
      currentTargetDigest: null,
      scans: async () => ({ summary: null, evidence: [] }),
    });
    expect(g).toMatchObject({ id: "signature", status: "fail", detail: "no signature keys or trust store were loaded for prod at start-up" });
  });
});
