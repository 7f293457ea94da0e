/**
 * Blob reads. Registries backed by object storage answer GET with a redirect to a pre-signed URL; that
 * hop is followed without our Authorization header (it belongs to the registry, not to S3/GCS).
 */
import { RegistryError } from "../errors";
import type { BlobHead, BlobStream } from "../provider";
import { parseDigest } from "../reference";
import { contentLength, readBody } from "../transport/body";
import { repoUrl, scope, sendByOrigin, type OciClient } from "./client";
import { discard, header, type HttpMethod, type RegistryResponse } from "../transport/types";
import { checkAdvertisedDigest, verifyContent, verifyingStream } from "./verify";

const REDIRECTS = [301, 302, 303, 307, 308];
const MAX_REDIRECTS = 3;

async function blobResponse(
  client: OciClient,
  repository: string,
  digest: string,
  method: HttpMethod,
  options: { stream?: boolean; allowMissing?: boolean } = {},
): Promise<RegistryResponse> {
  parseDigest(digest);
  const what = `blob ${repository}@${digest}`;
  let url = repoUrl(client, repository, "blobs", digest);
  const ok = options.allowMissing ? [200, 404] : [200];
  // a redirect to object storage is followed without our credentials (sendByOrigin)
  const get = (target: URL) =>
    sendByOrigin(client, { method, url: target, scopes: [scope.pull(repository)], expect: [...ok, ...REDIRECTS], what, ...(options.stream ? { stream: true } : {}) });
  let res = await get(url);
  for (let hop = 0; REDIRECTS.includes(res.status); hop++) {
    const location = header(res, "location");
    await discard(res);
    if (!location || hop >= MAX_REDIRECTS) {
      throw new RegistryError({
        kind: "bad_response",
        status: res.status,
        registry: client.host,
        url: url.toString(),
        method,
        message: `registry ${client.host} redirected ${what} ${location ? "too many times" : "without a Location header"}`,
      });
    }
    url = new URL(location, url);
    res = await get(url);
  }
  return res;
}

export async function headBlob(client: OciClient, repository: string, digest: string): Promise<BlobHead | null> {
  const res = await blobResponse(client, repository, digest, "HEAD", { allowMissing: true });
  res.body.resume();
  if (res.status === 404) return null;
  checkAdvertisedDigest(res, client.host, digest, (advertised) => `registry ${client.host} answered HEAD for blob ${repository}@${digest} with Docker-Content-Digest ${advertised}`);
  const size = contentLength(res);
  if (size === undefined) {
    throw new RegistryError({
      kind: "bad_response",
      status: res.status,
      registry: client.host,
      url: res.request.url.toString(),
      method: "HEAD",
      message: `registry ${client.host} answered HEAD for blob ${repository}@${digest} without a Content-Length`,
    });
  }
  return { digest, size };
}

/** Small blobs (configs, SBOM payloads) into memory, verified against the digest. */
export async function fetchBlobBytes(
  client: OciClient,
  repository: string,
  digest: string,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; response: RegistryResponse }> {
  const res = await blobResponse(client, repository, digest, "GET");
  const bytes = await readBody(res, maxBytes);
  verifyContent(bytes, {
    requested: digest,
    // a redirect target (object storage) speaks for itself; only the registry's own header counts
    advertised: res.request.url.origin === client.registryUrl.origin ? header(res, "docker-content-digest") : undefined,
    what: `blob ${repository}@${digest}`,
    request: res.request,
  });
  return { bytes, response: res };
}

/** Large blobs as a stream; the stream itself fails if the bytes do not match the digest. */
export async function openBlob(client: OciClient, repository: string, digest: string): Promise<BlobStream> {
  const res = await blobResponse(client, repository, digest, "GET", { stream: true });
  const size = contentLength(res);
  const stream = verifyingStream(res.body, {
    digest,
    ...(size !== undefined ? { expectedSize: size } : {}),
    what: `blob ${repository}@${digest}`,
    request: res.request,
  });
  return { ...(size !== undefined ? { size } : {}), stream };
}
