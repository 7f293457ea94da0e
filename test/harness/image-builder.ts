/**
 * Builds valid OCI / Docker schema2 images in memory: gzip'd tar layers with correct diff_ids, an
 * image config with the fields the UI shows, manifests, indexes, and referrer artifacts. Nothing here
 * talks to a registry (see seed.ts), so tests can also hand-craft content.
 */
import crypto from "node:crypto";
import zlib from "node:zlib";
import { MediaType } from "../../lib/registry/media-types";
import type { Descriptor, ImageIndexJson, ImageManifestJson, Platform } from "../../lib/registry/provider";

export interface BuiltBlob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Uint8Array;
}

export interface BuiltManifest {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Uint8Array;
}

export interface BuiltImage {
  manifest: BuiltManifest;
  config: BuiltBlob;
  layers: BuiltBlob[];
  platform: Platform;
  /** the config document as built */
  configJson: Record<string, unknown>;
  /** manifest + config + layers */
  totalSize: number;
}

export interface ImageSpec {
  platform?: Platform;
  format?: "oci" | "docker";
  layerCount?: number;
  layerSize?: number;
  created?: string;
  labels?: Record<string, string>;
  env?: string[];
  entrypoint?: string[];
  cmd?: string[];
  annotations?: Record<string, string>;
  /** reuse these layers instead of generating random ones (bulk seeding) */
  layers?: BuiltBlob[];
  diffIds?: string[];
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${crypto.createHash("sha256").update(bytes).digest("hex")}`;
}

function blob(mediaType: string, bytes: Uint8Array): BuiltBlob {
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

function descriptorOf(item: { mediaType: string; digest: string; size: number }, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType: item.mediaType, digest: item.digest, size: item.size, ...extra };
}

function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** A POSIX ustar archive holding one regular file. */
function tarWithFile(name: string, content: Uint8Array, mtimeSeconds = 1_700_000_000): Buffer {
  const header = Buffer.alloc(512, 0);
  const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, "0") + "\0";
  header.write(name.slice(0, 99), 0, "utf8");
  header.write(octal(0o644, 8), 100, "ascii");
  header.write(octal(0, 8), 108, "ascii");
  header.write(octal(0, 8), 116, "ascii");
  header.write(octal(content.length, 12), 124, "ascii");
  header.write(octal(mtimeSeconds, 12), 136, "ascii");
  header.write("        ", 148, "ascii");
  header.write("0", 156, "ascii");
  header.write("ustar\0", 257, "ascii");
  header.write("00", 263, "ascii");
  header.write("root", 265, "ascii");
  header.write("root", 297, "ascii");
  let checksum = 0;
  for (const byte of header) checksum += byte;
  header.write(`${checksum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, Buffer.from(content), padding, Buffer.alloc(1024, 0)]);
}

/** A gzip'd tar layer with `size` random bytes; returns the layer blob and its diff_id. */
export function randomLayer(format: "oci" | "docker", size: number, name = "data.bin"): { layer: BuiltBlob; diffId: string } {
  const tar = tarWithFile(name, crypto.randomBytes(size));
  const gz = zlib.gzipSync(tar, { level: 1 });
  return {
    layer: blob(format === "oci" ? MediaType.OciLayerGzip : MediaType.DockerLayerGzip, gz),
    diffId: sha256(tar),
  };
}

export function buildImage(spec: ImageSpec = {}): BuiltImage {
  const format = spec.format ?? "oci";
  const platform = spec.platform ?? { os: "linux", architecture: "amd64" };
  const created = spec.created ?? "2026-01-15T10:00:00Z";
  let layers: BuiltBlob[];
  let diffIds: string[];
  if (spec.layers) {
    layers = spec.layers;
    diffIds = spec.diffIds ?? spec.layers.map((l) => l.digest);
  } else {
    const built = Array.from({ length: spec.layerCount ?? 2 }, (_, i) => randomLayer(format, spec.layerSize ?? 2048, `layer-${i}.bin`));
    layers = built.map((b) => b.layer);
    diffIds = built.map((b) => b.diffId);
  }

  const entrypoint = spec.entrypoint ?? ["/app/run"];
  const configJson: Record<string, unknown> = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {
      Env: spec.env ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_ENV=test"],
      Entrypoint: entrypoint,
      Cmd: spec.cmd ?? ["--serve"],
      WorkingDir: "/app",
      Labels: spec.labels ?? { "org.opencontainers.image.title": "dockmaster-test", "org.opencontainers.image.version": "1.0.0" },
    },
    rootfs: { type: "layers", diff_ids: diffIds },
    history: [
      ...layers.map((_, i) => ({ created, created_by: `COPY layer-${i}.bin /data/ # dockmaster seed` })),
      { created, created_by: `ENTRYPOINT ${JSON.stringify(entrypoint)}`, empty_layer: true },
    ],
  };
  const config = blob(format === "oci" ? MediaType.OciConfig : MediaType.DockerConfig, jsonBytes(configJson));

  const manifestMediaType = format === "oci" ? MediaType.OciManifest : MediaType.DockerManifest;
  const manifestJson: ImageManifestJson = {
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: descriptorOf(config),
    layers: layers.map((l) => descriptorOf(l)),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const manifest = blob(manifestMediaType, jsonBytes(manifestJson));
  return {
    manifest,
    config,
    layers,
    platform,
    configJson,
    totalSize: manifest.size + config.size + layers.reduce((s, l) => s + l.size, 0),
  };
}

export function buildIndex(images: BuiltImage[], options: { format?: "oci" | "docker"; annotations?: Record<string, string> } = {}): BuiltManifest {
  const mediaType = options.format === "docker" ? MediaType.DockerManifestList : MediaType.OciIndex;
  const json: ImageIndexJson = {
    schemaVersion: 2,
    mediaType,
    manifests: images.map((img) => descriptorOf(img.manifest, { platform: img.platform })),
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
  return blob(mediaType, jsonBytes(json));
}

const EMPTY_CONFIG: BuiltBlob = blob(MediaType.OciEmpty, new TextEncoder().encode("{}"));

export interface BuiltReferrer {
  manifest: BuiltManifest;
  blobs: BuiltBlob[];
  artifactType: string;
  annotations: Record<string, string>;
}

/** An OCI 1.1 artifact manifest: empty config, one payload layer, `subject` = the image. */
export function buildReferrer(
  subject: { mediaType: string; digest: string; size: number },
  options: { artifactType: string; payload: Uint8Array; payloadMediaType: string; annotations?: Record<string, string> },
): BuiltReferrer {
  const payload = blob(options.payloadMediaType, options.payload);
  const annotations = { "org.opencontainers.image.created": "2026-01-15T10:05:00Z", ...options.annotations };
  const json: ImageManifestJson = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: options.artifactType,
    config: descriptorOf(EMPTY_CONFIG, { data: "e30=" }),
    layers: [descriptorOf(payload)],
    subject: descriptorOf(subject),
    annotations,
  };
  return { manifest: blob(MediaType.OciManifest, jsonBytes(json)), blobs: [EMPTY_CONFIG, payload], artifactType: options.artifactType, annotations };
}
