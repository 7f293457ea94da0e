/**
 * verifyNotationSignature on a real CNCF Distribution 2.8 registry. The `notation` CLI is not
 * installed here (no Debian package), so signatures are made as `notation sign` stores them: a
 * signature manifest (artifactType application/vnd.cncf.notary.signature, subject = the image) whose
 * one layer is the JWS envelope, signed with node:crypto under certificates openssl issues in the test.
 * Distribution 2.8 has no referrers API: pushing through our provider maintains the referrers tag
 * schema index (`sha256-<hex>`), and discovery goes through it, as a gate's discovery will.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOciProvider } from "@/lib/registry/oci/provider";
import { MediaType, RegistryError, referrersTagFor, type RegistryProvider } from "@/lib/registry";
import { evaluateGates } from "@/lib/promotion/gates";
import { defaultVerifiers } from "@/lib/signature/default-verifiers";
import { verifyNotationSignature } from "@/lib/signature/notation";
import type { NotationTrust } from "@/lib/signature/types";
import { buildImage, buildReferrer, type BuiltImage } from "../harness/image-builder";
import { startRegistry, type RunningRegistry } from "../harness/registry";
import { pushImage, pushReferrer } from "../harness/seed";
import { createTestPki, type Issued, type TestPki } from "../support/notation-pki";
import { NOTATION_SIGNATURE_TYPE, notationSignatureManifest, signNotationEnvelope, type SignOptions } from "../support/notation-signer";

const repo = "team/app";
let registry: RunningRegistry;
let provider: RegistryProvider;
let pki: TestPki;
let otherPki: TestPki;
let leaf: Issued;
let imageA: BuiltImage;
let imageB: BuiltImage;
let trust: NotationTrust;

const descriptorOf = (image: BuiltImage) => ({ mediaType: image.manifest.mediaType, digest: image.manifest.digest, size: image.manifest.size });

beforeAll(async () => {
  // the other CA is all RSA-3072 (root, intermediate, leaf), the main one EC P-256
  [registry, pki, otherPki] = await Promise.all([startRegistry(), Promise.resolve(createTestPki()), Promise.resolve(createTestPki({ keyType: "rsa-3072" }))]);
  provider = createOciProvider({ name: "local", url: registry.url, auth: { kind: "anonymous" } });
  leaf = pki.issueLeaf({ subject: "/C=US/ST=WA/O=Corp/CN=release" });
  imageA = buildImage();
  imageB = buildImage();
  await pushImage(provider, repo, imageA, "a");
  await pushImage(provider, repo, imageB, "b");
  trust = { anchors: [pki.root.cert], identities: ["x509.subject: CN=release, O=Corp"] };
});

afterAll(async () => {
  await provider?.close();
  await registry?.stop();
  pki?.close();
  otherPki?.close();
});

/** Signs `target` (default: image A's descriptor) and pushes a signature manifest whose subject is `subject`. */
async function pushSignature(
  options: { subject?: BuiltImage; sign?: Partial<SignOptions>; by?: Issued; chain?: Buffer[]; envelope?: Buffer; envelopeMediaType?: string } = {},
): Promise<string> {
  const by = options.by ?? leaf;
  const chain = options.chain ?? pki.chainOf(by);
  const envelope = options.envelope ?? signNotationEnvelope({ keyPem: by.keyPem, chain, target: descriptorOf(imageA), ...options.sign });
  const manifest = notationSignatureManifest(descriptorOf(options.subject ?? imageA), envelope, chain, options.envelopeMediaType);
  return (await pushReferrer(provider, repo, manifest)).digest;
}

function verify(signatureManifestDigest: string, overrides: { subjectDigest?: string; trust?: NotationTrust | undefined; now?: Date } = {}) {
  return verifyNotationSignature({
    provider,
    repository: repo,
    subjectDigest: overrides.subjectDigest ?? imageA.manifest.digest,
    signatureManifestDigest,
    trust: "trust" in overrides ? overrides.trust : trust,
    now: overrides.now ?? new Date(),
  });
}

describe("a Notation signature on Distribution 2.8", () => {
  it("is discovered through the referrers tag schema and verifies with the right trust store", async () => {
    const digest = await pushSignature();
    // no referrers API here: the index under the sha256-<hex> tag lists the signature
    expect(await provider.headManifest(repo, referrersTagFor(imageA.manifest.digest))).not.toBeNull();
    const found = await provider.listReferrers(repo, imageA.manifest.digest, { artifactType: NOTATION_SIGNATURE_TYPE });
    expect(found.via).toBe("tag-schema");
    expect(found.referrers.map((r) => r.digest)).toContain(digest);

    expect(await verify(digest)).toEqual({
      format: "notation",
      foundVia: "referrer",
      manifestDigest: digest,
      verified: true,
      signer: "CN=release,O=Corp,ST=WA,C=US",
      reason: "signed by CN=release,O=Corp,ST=WA,C=US (notation)",
    });
  });

  it("verifies the legacy form (config.mediaType instead of artifactType)", async () => {
    const envelope = signNotationEnvelope({ keyPem: leaf.keyPem, chain: pki.chainOf(leaf), target: descriptorOf(imageA) });
    const modern = notationSignatureManifest(descriptorOf(imageA), envelope, pki.chainOf(leaf));
    const json = JSON.parse(Buffer.from(modern.manifest.bytes).toString("utf8")) as Record<string, unknown>;
    delete json.artifactType;
    json.config = { mediaType: NOTATION_SIGNATURE_TYPE, digest: modern.blobs[0]!.digest, size: modern.blobs[0]!.size };
    const bytes = new TextEncoder().encode(JSON.stringify(json));
    for (const b of modern.blobs) await provider.uploadBlob(repo, b.bytes);
    const { digest } = await provider.putManifest(repo, "legacy-sig", bytes, MediaType.OciManifest);
    expect((await verify(digest)).reason).toBe("signed by CN=release,O=Corp,ST=WA,C=US (notation)");
  });

  it("fails with a trust store of another CA", async () => {
    const digest = await pushSignature();
    expect(await verify(digest, { trust: { ...trust, anchors: [otherPki.root.cert] } })).toMatchObject({ verified: false, reason: "certificate not trusted by the trust store" });
  });

  it("verifies an all RSA-3072 chain (PS384) against that CA's store, and not against the EC one", async () => {
    const rsaLeaf = otherPki.issueLeaf();
    const digest = await pushSignature({ by: rsaLeaf, chain: otherPki.chainOf(rsaLeaf) });
    expect(await verify(digest, { trust: { ...trust, anchors: [otherPki.root.cert] } })).toMatchObject({ verified: true, reason: "signed by CN=release,O=Corp,ST=WA,C=US (notation)" });
    expect(await verify(digest)).toMatchObject({ verified: false, reason: "certificate not trusted by the trust store" });
  });

  it("fails when no trust store is configured", async () => {
    const digest = await pushSignature();
    expect(await verify(digest, { trust: undefined })).toMatchObject({ verified: false, reason: "no Notation trust store is configured (gates.signature.notation)" });
  });

  it("fails when the payload was tampered with after signing", async () => {
    const signed = JSON.parse(signNotationEnvelope({ keyPem: leaf.keyPem, chain: pki.chainOf(leaf), target: descriptorOf(imageA) }).toString()) as Record<string, unknown>;
    signed.payload = Buffer.from(JSON.stringify({ targetArtifact: { ...descriptorOf(imageA), annotations: { "io.example": "x" } } })).toString("base64url");
    const digest = await pushSignature({ envelope: Buffer.from(JSON.stringify(signed)) });
    expect(await verify(digest)).toMatchObject({ verified: false, reason: "signature does not verify" });
  });

  it("fails for another image: the signature manifest of A does not count for B", async () => {
    const digest = await pushSignature();
    expect(await verify(digest, { subjectDigest: imageB.manifest.digest })).toMatchObject({ verified: false, reason: "not a signature of this image" });
  });

  it("fails when A's envelope is copied into a signature manifest for B (payload names A)", async () => {
    const digest = await pushSignature({ subject: imageB });
    expect(await verify(digest, { subjectDigest: imageB.manifest.digest })).toMatchObject({ verified: false, reason: "payload digest mismatch" });
  });

  it("fails when the signer is not a trusted identity", async () => {
    const ci = pki.issueLeaf({ subject: "/C=US/ST=WA/O=Corp/CN=ci" });
    const digest = await pushSignature({ by: ci });
    expect(await verify(digest)).toMatchObject({ verified: false, reason: "identity not trusted: CN=ci,O=Corp,ST=WA,C=US" });
  });

  it("fails when the signing certificate has expired (issued for 2020 only, signed then)", async () => {
    const old = pki.issueLeaf({ notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2021-01-01T00:00:00Z") });
    const digest = await pushSignature({ by: old, sign: { signingTime: new Date("2020-06-01T00:00:00Z") } });
    expect(await verify(digest)).toMatchObject({ verified: false, reason: "expired certificate: CN=release,O=Corp,ST=WA,C=US expired at 2021-01-01T00:00:00Z" });
  });

  it("fails with an expired signature", async () => {
    const digest = await pushSignature({ sign: { expiry: new Date(Date.now() - 1000) } });
    expect((await verify(digest)).reason).toMatch(/^expired signature/);
  });

  it("says COSE envelopes are not supported", async () => {
    const digest = await pushSignature({ envelope: Buffer.from([0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40]), envelopeMediaType: "application/cose" });
    expect(await verify(digest)).toMatchObject({ verified: false, reason: "COSE envelopes are not supported" });
  });

  it("refuses an oversized envelope without reading it, and an unknown envelope type", async () => {
    const big = await pushSignature({ envelope: Buffer.alloc(300 * 1024, 0x20) });
    expect(await verify(big)).toMatchObject({ verified: false, reason: "not a valid signature: the envelope has 307200 bytes, more than 262144" });
    // a descriptor understating the size: the blob is still not read beyond the cap
    const honest = notationSignatureManifest(descriptorOf(imageA), Buffer.alloc(300 * 1024, 0x21), pki.chainOf(leaf));
    const json = JSON.parse(Buffer.from(honest.manifest.bytes).toString("utf8")) as { layers: { size: number }[] };
    json.layers[0]!.size = 1000;
    for (const b of honest.blobs) await provider.uploadBlob(repo, b.bytes);
    const lying = await provider.putManifest(repo, "lying-size", new TextEncoder().encode(JSON.stringify(json)), MediaType.OciManifest);
    expect(await verify(lying.digest)).toMatchObject({ verified: false, reason: "not a valid signature: the registry serves 307200 bytes for the envelope, more than 262144" });
    const odd = await pushSignature({ envelope: Buffer.from("{}"), envelopeMediaType: "application/octet-stream" });
    expect(await verify(odd)).toMatchObject({ verified: false, reason: 'not a valid signature: unknown envelope media type "application/octet-stream"' });
  });

  it("refuses a referrer that is not a Notation signature", async () => {
    const sbom = buildReferrer(descriptorOf(imageA), { artifactType: "application/spdx+json", payload: Buffer.from("{}"), payloadMediaType: "application/spdx+json" });
    const { digest } = await pushReferrer(provider, repo, sbom);
    expect(await verify(digest)).toMatchObject({ verified: false, reason: 'not a valid signature: artifact type "application/spdx+json" is not a Notation signature' });
  });

  it("lets a registry error propagate as RegistryError (the signature manifest does not exist)", async () => {
    await expect(verify(`sha256:${"0".repeat(64)}`)).rejects.toSatisfy((err: unknown) => err instanceof RegistryError && err.kind === "not_found");
  });
});

describe("the signature gate with Notation (default verifiers, trust as loaded from dockmaster.yaml)", () => {
  const imageC = buildImage();
  async function gate(notation: NotationTrust | undefined) {
    const results = await evaluateGates({
      policy: { signature: { keys: [], minSignatures: 1 } },
      source: { provider, repository: repo, digest: imageC.manifest.digest },
      target: { provider, repository: "prod/app", tag: "1.0", environment: "prod" },
      currentTargetDigest: null,
      scans: async () => ({ summary: null, evidence: [] }),
      signatures: { trust: { keys: [], minSignatures: 1, ...(notation ? { notation } : {}) }, verifiers: defaultVerifiers },
    });
    const g = results.find((r) => r.id === "signature");
    if (!g) throw new Error("no signature gate evaluated");
    return g;
  }

  it("passes with the right trust store and fails with another CA's, saying why", async () => {
    // an image of its own: the tests above attached signatures of other images to B
    await pushImage(provider, repo, imageC, "c");
    await pushSignature({ subject: imageC, sign: { target: descriptorOf(imageC) } });
    const right = await gate(trust);
    expect(right.status).toBe("pass");
    expect(right.signatures!.filter((s) => s.format === "notation").map((s) => [s.verified, s.reason])).toEqual([[true, "signed by CN=release,O=Corp,ST=WA,C=US (notation)"]]);
    const other = await gate({ anchors: [otherPki.root.cert], identities: ["*"] });
    expect(other.status).toBe("fail");
    expect(other.signatures!.map((s) => s.reason)).toEqual(["certificate not trusted by the trust store"]);
  });
});
