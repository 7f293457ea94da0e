/**
 * Cosign signatures made with Node's crypto in cosign's exact on-registry form
 * (shared/specs/signing/cosign-SIGNATURE_SPEC.md), because the `cosign` CLI is not installed here
 * (checked: no `cosign` on PATH, and Debian 12 has no package for it). A signature is a
 * simple-signing payload blob (media type application/vnd.dev.cosign.simplesigning.v1+json) listed as
 * a layer of a signature manifest, with the base64 signature over the payload's exact bytes in the
 * layer's `dev.cosignproject.cosign/signature` annotation. `cosign sign` pushes that manifest under
 * the tag `sha256-<hex>.sig`; in its OCI 1.1 mode, as a referrer (artifactType + subject).
 */
import crypto from "node:crypto";
import { MediaType } from "../../lib/registry/media-types";
import type { Descriptor, RegistryProvider } from "../../lib/registry/provider";
import { sha256, type BuiltBlob, type BuiltManifest } from "./image-builder";

const SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
const COSIGN_SIGNATURE_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json";

const bytes = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

/** The payload `cosign sign` writes: critical.identity, critical.image, critical.type; optional claims. */
export function simpleSigningPayload(digest: string, options: { reference?: string; type?: string; optional?: Record<string, unknown> } = {}): Uint8Array {
  return bytes({
    critical: {
      identity: { "docker-reference": options.reference ?? "registry.test/app" },
      image: { "docker-manifest-digest": digest },
      type: options.type ?? "cosign container image signature",
    },
    optional: options.optional ?? null,
  });
}

/** SHA-256 signature over the exact bytes, as cosign makes it for the key's type (ECDSA: DER). */
export function signPayload(privateKey: crypto.KeyObject, payload: Uint8Array): string {
  const algorithm = privateKey.asymmetricKeyType === "ed25519" ? null : "sha256";
  return crypto.sign(algorithm, payload, privateKey).toString("base64");
}

export interface SignatureLayer {
  payload: Uint8Array;
  /** the annotation value as pushed (base64, or anything a test wants to try) */
  signature?: string;
  mediaType?: string;
  annotations?: Record<string, string>;
}

export interface BuiltSignature {
  manifest: BuiltManifest;
  blobs: BuiltBlob[];
}

const blob = (mediaType: string, content: Uint8Array): BuiltBlob => ({ mediaType, digest: sha256(content), size: content.length, bytes: content });

/**
 * A signature manifest. Tag form: an OCI image manifest whose config is the image config go-containerregistry
 * writes for cosign (rootfs listing the payloads). Referrer form: artifactType and subject, empty config.
 */
export function buildSignatureManifest(layers: SignatureLayer[], options: { subject?: { mediaType: string; digest: string; size: number } } = {}): BuiltSignature {
  const payloads = layers.map((l) => blob(l.mediaType ?? SIMPLE_SIGNING, l.payload));
  const descriptors: Descriptor[] = layers.map((l, i) => ({
    mediaType: payloads[i]!.mediaType,
    size: payloads[i]!.size,
    digest: payloads[i]!.digest,
    annotations: { ...(l.signature !== undefined ? { "dev.cosignproject.cosign/signature": l.signature } : {}), ...l.annotations },
  }));
  let config: BuiltBlob;
  let json: Record<string, unknown>;
  if (options.subject) {
    config = blob(MediaType.OciEmpty, bytes("{}"));
    json = { schemaVersion: 2, mediaType: MediaType.OciManifest, artifactType: COSIGN_SIGNATURE_TYPE, config: { mediaType: config.mediaType, size: config.size, digest: config.digest }, layers: descriptors, subject: options.subject };
  } else {
    config = blob(MediaType.OciConfig, bytes({ architecture: "", created: "0001-01-01T00:00:00Z", history: payloads.map(() => ({ created: "0001-01-01T00:00:00Z" })), os: "", rootfs: { type: "layers", diff_ids: payloads.map((p) => p.digest) }, config: {} }));
    json = { schemaVersion: 2, mediaType: MediaType.OciManifest, config: { mediaType: config.mediaType, size: config.size, digest: config.digest }, layers: descriptors };
  }
  return { manifest: blob(MediaType.OciManifest, bytes(json)), blobs: [config, ...payloads] };
}

/** Pushes the blobs, then the manifest under `reference` (the `.sig` tag, or its digest for a referrer). */
export async function pushSignature(provider: RegistryProvider, repository: string, sig: BuiltSignature, reference = sig.manifest.digest): Promise<string> {
  for (const b of sig.blobs) if (!(await provider.headBlob(repository, b.digest))) await provider.uploadBlob(repository, b.bytes);
  return (await provider.putManifest(repository, reference, sig.manifest.bytes, sig.manifest.mediaType)).digest;
}

/** `sha256:abc…` → `sha256-abc….sig`, written out here so the test does not trust the code under test. */
export const sigTag = (digest: string) => `${digest.replace(":", "-")}.sig`;
