/**
 * verifyNotationEnvelope against certificates issued in the test by openssl (root → intermediate →
 * leaf, EC P-256 and RSA-3072 signing keys) and envelopes signed with node:crypto in the Notation
 * JWS format. Each case changes one thing and expects its own reason.
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki, type Issued, type TestPki } from "@/test/support/notation-pki";
import { signNotationEnvelope, type SignOptions } from "@/test/support/notation-signer";
import { verifyNotationEnvelope, type SignedTarget } from "./notation-envelope";
import { Rejection } from "./rejection";
import type { NotationTrust } from "./types";

const target = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: `sha256:${"ab".repeat(32)}`, size: 1234 };
const otherDigest = `sha256:${"cd".repeat(32)}`;
const DAY = 24 * 3600_000;

let pki: TestPki;
let otherPki: TestPki;
let leaf: Issued;
let trust: NotationTrust;

beforeAll(() => {
  pki = createTestPki();
  otherPki = createTestPki();
  leaf = pki.issueLeaf();
  trust = { anchors: [pki.root.cert], identities: ["x509.subject: C=US, ST=WA, O=Corp, CN=release"] };
});
afterAll(() => {
  pki?.close();
  otherPki?.close();
});

/** "ok <signer>" or the rejection's reason */
function outcome(envelope: Buffer, options: { target?: SignedTarget; trust?: NotationTrust; now?: Date } = {}): string {
  try {
    return `ok ${verifyNotationEnvelope(envelope, options.target ?? target, options.trust ?? trust, options.now ?? new Date()).signer}`;
  } catch (err) {
    if (err instanceof Rejection) return err.reason;
    throw err;
  }
}

function sign(overrides: Partial<SignOptions> = {}, by: Issued = leaf, chain = pki.chainOf(by)): Buffer {
  return signNotationEnvelope({ keyPem: by.keyPem, chain, target, ...overrides });
}

/** The envelope JSON with `edit` applied after signing (what an attacker can do without the key). */
function edit(envelope: Buffer, change: (doc: Record<string, unknown>) => void): Buffer {
  const doc = JSON.parse(envelope.toString("utf8")) as Record<string, unknown>;
  change(doc);
  return Buffer.from(JSON.stringify(doc));
}

describe("a good signature", () => {
  it("verifies with an EC P-256 key (ES256) and names the signer", () => {
    expect(outcome(sign())).toBe("ok CN=release,O=Corp,ST=WA,C=US");
  });

  it("verifies with an RSA-3072 key (PS384)", () => {
    const rsaLeaf = pki.issueLeaf({ keyType: "rsa-3072", subject: "/C=US/ST=WA/O=Corp/CN=release" });
    const envelope = sign({}, rsaLeaf);
    expect(JSON.parse(Buffer.from(JSON.parse(envelope.toString()).protected, "base64url").toString()).alg).toBe("PS384");
    expect(outcome(envelope)).toBe("ok CN=release,O=Corp,ST=WA,C=US");
  });

  it("verifies when the store holds the intermediate instead of the root", () => {
    expect(outcome(sign(), { trust: { ...trust, anchors: [pki.intermediate.cert] } })).toMatch(/^ok /);
  });

  it("accepts any identity with *, and a partial identity in any order", () => {
    expect(outcome(sign(), { trust: { ...trust, identities: ["*"] } })).toMatch(/^ok /);
    expect(outcome(sign(), { trust: { ...trust, identities: ["x509.subject: CN=release,O=Corp"] } })).toMatch(/^ok /);
  });

  it("verifies with an expiry still ahead", () => {
    expect(outcome(sign({ expiry: new Date(Date.now() + DAY) }))).toMatch(/^ok /);
  });
});

describe("trust and identity", () => {
  it("fails when the chain leads to another CA", () => {
    expect(outcome(sign(), { trust: { ...trust, anchors: [otherPki.root.cert] } })).toBe("certificate not trusted by the trust store");
  });

  it("fails for a look-alike PKI (same subjects, other keys)", () => {
    const impostor = otherPki.issueLeaf();
    expect(outcome(sign({}, impostor, otherPki.chainOf(impostor)))).toBe("certificate not trusted by the trust store");
  });

  it("fails when the signer's subject is not a trusted identity", () => {
    const ci = pki.issueLeaf({ subject: "/C=US/ST=WA/O=Corp/CN=ci" });
    expect(outcome(sign({}, ci))).toBe("identity not trusted: CN=ci,O=Corp,ST=WA,C=US");
  });
});

describe("integrity", () => {
  it("fails when the payload was changed after signing", () => {
    const forged = Buffer.from(JSON.stringify({ targetArtifact: { ...target, digest: otherDigest } })).toString("base64url");
    expect(outcome(edit(sign(), (doc) => (doc.payload = forged)), { target: { ...target, digest: otherDigest } })).toBe("signature does not verify");
  });

  it("fails when the protected header was changed after signing", () => {
    const header = Buffer.from(JSON.stringify({ alg: "ES256", cty: "application/vnd.cncf.notary.payload.v1+json", "io.cncf.notary.signingScheme": "notary.x509", "io.cncf.notary.signingTime": "2030-01-01T00:00:00Z", crit: ["io.cncf.notary.signingScheme"] })).toString("base64url");
    expect(outcome(edit(sign(), (doc) => (doc.protected = header)))).toBe("signature does not verify");
  });

  it("fails for a corrupted signature and for a DER-encoded ECDSA signature", () => {
    expect(outcome(edit(sign(), (doc) => (doc.signature = `A${String(doc.signature).slice(1)}`)))).toBe("signature does not verify");
    const input = (doc: Record<string, unknown>) => Buffer.from(`${String(doc.protected)}.${String(doc.payload)}`);
    const der = edit(sign(), (doc) => (doc.signature = crypto.sign("sha256", input(doc), leaf.keyPem).toString("base64url")));
    expect(outcome(der)).toBe("signature does not verify");
  });

  it("fails when the signed payload names another digest, media type or size", () => {
    expect(outcome(sign({ target: { ...target, digest: otherDigest } }))).toBe("payload digest mismatch");
    expect(outcome(sign({ target: { ...target, mediaType: "application/vnd.oci.image.index.v1+json" } }))).toMatch(/^payload media type mismatch/);
    expect(outcome(sign({ target: { ...target, size: 99 } }))).toMatch(/^payload size mismatch/);
  });

  it("refuses an alg that does not match the signing key (algorithm substitution) and non-Notation algs", () => {
    expect(outcome(sign({ alg: "ES384" }))).toBe("not a valid signature: alg ES384 does not match the signing key (ec-prime256v1 signs with ES256)");
    expect(outcome(edit(sign(), (doc) => (doc.protected = Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url"))))).toBe('not a valid signature: unsupported alg "none"');
  });
});

describe("protected header", () => {
  it("requires the Notation payload content type", () => {
    expect(outcome(sign({ protectedHeader: { cty: "application/json" } }))).toMatch(/^not a valid signature: content type "application\/json"/);
  });

  it("requires the signing scheme to be critical and refuses unknown critical headers", () => {
    expect(outcome(sign({ protectedHeader: { crit: ["io.cncf.notary.expiry"] } }))).toMatch(/^not a valid signature: critical header io.cncf.notary.expiry is absent/);
    expect(outcome(sign({ protectedHeader: { crit: [] } }))).toBe("not a valid signature: the crit header is missing");
    expect(outcome(sign({ protectedHeader: { "com.example.x": 1, crit: ["io.cncf.notary.signingScheme", "com.example.x"] } }))).toBe("not a valid signature: unknown critical header com.example.x");
    expect(outcome(sign({ expiry: new Date(Date.now() + DAY), protectedHeader: { crit: ["io.cncf.notary.signingScheme"] } }))).toBe("not a valid signature: header io.cncf.notary.expiry is not marked critical");
  });

  it("says that the signing-authority scheme and verification plugins are not supported", () => {
    const authority = sign({
      protectedHeader: {
        "io.cncf.notary.signingScheme": "notary.x509.signingAuthority",
        "io.cncf.notary.signingTime": undefined,
        "io.cncf.notary.authenticSigningTime": "2026-01-01T00:00:00Z",
        crit: ["io.cncf.notary.signingScheme", "io.cncf.notary.authenticSigningTime"],
      },
    });
    expect(outcome(authority)).toBe("signing scheme notary.x509.signingAuthority is not supported (only notary.x509)");
    const plugin = sign({ protectedHeader: { "io.cncf.notary.verificationPlugin": "com.example.v", crit: ["io.cncf.notary.signingScheme", "io.cncf.notary.verificationPlugin"] } });
    expect(outcome(plugin)).toBe('signature requires verification plugin "com.example.v", which is not supported');
  });

  it("requires an RFC 3339 signing time", () => {
    expect(outcome(sign({ protectedHeader: { "io.cncf.notary.signingTime": "yesterday" } }))).toBe("not a valid signature: io.cncf.notary.signingTime is not an RFC 3339 time");
  });
});

describe("time", () => {
  it("fails once the signature's expiry has passed", () => {
    const expiry = new Date(Date.now() + DAY);
    expect(outcome(sign({ expiry }), { now: expiry })).toMatch(/^expired signature/);
  });

  it("fails once a certificate of the chain has expired", () => {
    expect(outcome(sign(), { now: new Date(Date.now() + 60 * DAY) })).toMatch(/^expired certificate: CN=release,O=Corp,ST=WA,C=US expired at /);
  });

  it("fails when the claimed signing time lies outside the certificate's validity", () => {
    expect(outcome(sign({ signingTime: new Date(Date.now() - 10 * DAY) }))).toMatch(/^certificate CN=release.* was not valid at the signing time/);
  });
});

describe("certificate chain", () => {
  it("requires a complete chain ending with a root", () => {
    expect(outcome(sign({}, leaf, [leaf.der, pki.intermediate.der]), { trust: { ...trust, anchors: [pki.intermediate.cert] } })).toMatch(
      /^certificate chain invalid: it does not end with a root certificate/,
    );
  });

  it("requires each certificate to be issued by the next", () => {
    expect(outcome(sign({}, leaf, [leaf.der, otherPki.intermediate.der, pki.root.der]))).toMatch(/^certificate chain invalid: CN=Corp Signing CA,O=Corp,C=US did not issue CN=release/);
  });

  it("requires a code-signing leaf: critical digitalSignature key usage, no TLS usages", () => {
    const noKeyUsage = pki.issueLeaf({ extensions: ["extendedKeyUsage = codeSigning"] });
    expect(outcome(sign({}, noKeyUsage))).toBe("signing certificate not valid for code signing: it has no critical key usage extension");
    const tls = pki.issueLeaf({ extensions: ["keyUsage = critical,digitalSignature", "extendedKeyUsage = serverAuth"] });
    expect(outcome(sign({}, tls))).toBe("signing certificate not valid for code signing: its extended key usage includes serverAuth");
    const encipher = pki.issueLeaf({ extensions: ["keyUsage = critical,digitalSignature,keyEncipherment"] });
    expect(outcome(sign({}, encipher))).toBe("signing certificate not valid for code signing: its key usage includes keyEncipherment");
  });

  it("enforces a CA's path length constraint", () => {
    // the test intermediate allows no CA below it (pathlen:0)
    const subCa = pki.issueLeaf({ subject: "/C=US/O=Corp/CN=Sub CA", extensions: ["basicConstraints = critical,CA:TRUE", "keyUsage = critical,keyCertSign"] });
    const below = pki.issueLeaf({ issuer: subCa });
    expect(outcome(sign({}, below, [below.der, subCa.der, pki.intermediate.der, pki.root.der]))).toBe(
      "certificate chain invalid: CA CN=Corp Signing CA,O=Corp,C=US allows a path length of 0, the chain has 1",
    );
  });

  it("refuses a chain whose intermediate is not a CA", () => {
    // a leaf-profile certificate used to issue another one: openssl ca does not stop it, the verifier must
    const notCa = pki.issueLeaf({ subject: "/C=US/O=Corp/CN=not a CA", extensions: ["keyUsage = critical,keyCertSign"] });
    const below = pki.issueLeaf({ issuer: notCa });
    expect(outcome(sign({}, below, [below.der, notCa.der, pki.intermediate.der, pki.root.der]))).toBe(
      "certificate chain invalid: CA CN=not a CA,O=Corp,C=US is not marked as a CA (basic constraints)",
    );
  });
});

describe("malformed envelopes", () => {
  it("are not valid signatures, each with its own words", () => {
    expect(outcome(Buffer.from("not json"))).toBe("not a valid signature: the envelope is not JSON");
    expect(outcome(Buffer.from("[]"))).toBe("not a valid signature: the envelope is not a JSON object");
    expect(outcome(edit(sign(), (doc) => (doc.extra = 1)))).toBe("not a valid signature: unexpected envelope field extra");
    expect(outcome(edit(sign(), (doc) => (doc.header = {})))).toBe("not a valid signature: the certificate chain (x5c) is missing");
    expect(outcome(edit(sign(), (doc) => (doc.header = { x5c: ["AAAA"] })))).toBe("not a valid signature: certificate 1 of the chain cannot be parsed");
    expect(outcome(edit(sign(), (doc) => (doc.signature = "not base64url!")))).toBe("not a valid signature: the signature is not base64url");
    expect(outcome(sign({ payload: Buffer.from("{}") }))).toBe("not a valid signature: the payload has no targetArtifact descriptor (mediaType, digest, size)");
  });
});
