import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { RegistryError, type ManifestResult } from "@/lib/registry";
import { verifyCosignManifest } from "./cosign";
import { parsePublicKey } from "./keys";

const SUBJECT = `sha256:${"1".repeat(64)}`;
const rsa = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
const key = parsePublicKey("legacy", rsa.publicKey.export({ type: "spki", format: "pem" }).toString());
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** One signature layer over `payload`, served by a fake registry read; the size may lie. */
async function verdictFor(payload: Uint8Array, options: { declaredSize?: number; read?: () => Promise<Uint8Array> } = {}) {
  const signature = crypto.sign("sha256", payload, rsa.privateKey).toString("base64");
  const manifest = {
    digest: `sha256:${"2".repeat(64)}`,
    json: {
      schemaVersion: 2,
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: `sha256:${"3".repeat(64)}`, size: 2 },
      layers: [{ mediaType: "application/vnd.dev.cosign.simplesigning.v1+json", digest: `sha256:${"4".repeat(64)}`, size: options.declaredSize ?? payload.length, annotations: { "dev.cosignproject.cosign/signature": signature } }],
    },
  } as unknown as ManifestResult;
  const [v] = await verifyCosignManifest(manifest, { foundVia: "tag", subjectDigest: SUBJECT, keys: [key], readPayload: options.read ?? (async () => payload) });
  return v!;
}

const critical = (image: Record<string, unknown>, extra: Record<string, unknown> = {}) => enc({ critical: { identity: { "docker-reference": "r/app" }, image, type: "cosign container image signature", ...extra } });

describe("cosign simple-signing payloads", () => {
  it("an RSA PKCS#1 v1.5 signature verifies; the digest member is matched without regard to case, as cosign's decoder does", async () => {
    expect(await verdictFor(critical({ "docker-manifest-digest": SUBJECT }))).toMatchObject({ verified: true, reason: "signed by key legacy (rsa-2048)" });
    expect(await verdictFor(critical({ "Docker-manifest-digest": SUBJECT }))).toMatchObject({ verified: true });
  });

  it("refuses two spellings of the digest, unexpected critical members and the wrong type", async () => {
    expect((await verdictFor(critical({ "docker-manifest-digest": SUBJECT, "Docker-Manifest-Digest": `sha256:${"9".repeat(64)}` }))).reason).toBe(
      "not a valid signature: critical.image must hold exactly one docker-manifest-digest",
    );
    expect((await verdictFor(critical({ "docker-manifest-digest": SUBJECT }, { extra: 1 }))).reason).toBe("not a valid signature: unexpected member critical.extra in the payload");
    expect((await verdictFor(enc({ critical: { image: { "docker-manifest-digest": SUBJECT }, type: "atomic container signature" } }))).verified).toBe(true);
    expect((await verdictFor(enc([1, 2]))).reason).toBe("not a valid signature: the payload has no critical section");
  });

  it("a payload larger than its descriptor claims is cut off by the read cap, not trusted", async () => {
    const read = async () => {
      throw new RegistryError({ kind: "bad_response", registry: "r", message: "registry r sent more than 65536 bytes for blob x" });
    };
    expect((await verdictFor(critical({ "docker-manifest-digest": SUBJECT }), { declaredSize: 100, read })).reason).toBe("not a valid signature: payload larger than 65536 bytes");
    const unreachable = async () => {
      throw new RegistryError({ kind: "unreachable", registry: "r", message: "registry r is unreachable" });
    };
    expect(await verdictFor(critical({ "docker-manifest-digest": SUBJECT }), { read: unreachable })).toMatchObject({ verified: false, reason: "could not read the payload: registry r is unreachable" });
  });
});
