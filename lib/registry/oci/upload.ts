/**
 * Blob uploads: POST to open a session, then either one PUT with the whole blob or PATCH chunks
 * followed by a closing PUT (`?digest=`), plus cross-repository mount. Distribution 2.8 ignores the
 * single-request `POST ?digest=` form (it answers 202 and discards the body), so we always POST first.
 */
import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { RegistryError } from "../errors";
import type { BlobHead, StreamUploadSource, UploadOptions } from "../provider";
import { parseDigest, validateRepositoryName } from "../reference";
import { repoUrl, scope, type OciClient } from "./client";
import { discard, header, type RegistryRequest, type RegistryResponse } from "./types";
import { sha256 } from "./verify";

const DEFAULT_STREAM_CHUNK = 8 * 1024 * 1024;

function sendTo(client: OciClient, req: RegistryRequest): Promise<RegistryResponse> {
  return req.url.origin === client.registryUrl.origin ? client.send(req) : client.sendPlain(req);
}

function locationOf(res: RegistryResponse, what: string): URL {
  const location = header(res, "location");
  if (!location) {
    throw new RegistryError({
      kind: "bad_response",
      status: res.status,
      registry: res.request.url.host,
      url: res.request.url.toString(),
      method: res.request.method,
      message: `registry ${res.request.url.host} answered ${res.status} for ${what} without a Location header`,
    });
  }
  return new URL(location, res.request.url);
}

export async function startUpload(client: OciClient, repository: string): Promise<URL> {
  const url = repoUrl(client, repository, "blobs", "uploads", "");
  const res = await client.send({
    method: "POST",
    url,
    scopes: [scope.push(repository)],
    expect: [202],
    idempotent: true,
    what: `upload session in ${repository}`,
  });
  await discard(res);
  return locationOf(res, `upload session in ${repository}`);
}

export async function cancelUpload(client: OciClient, location: URL, repository: string): Promise<void> {
  try {
    const res = await sendTo(client, { method: "DELETE", url: location, scopes: [scope.push(repository)], expect: [204, 200, 202, 404] });
    await discard(res);
  } catch {
    // abandoned sessions are garbage-collected by the registry; the original error matters more
  }
}

async function patchChunk(client: OciClient, repository: string, location: URL, chunk: Uint8Array, offset: number): Promise<URL> {
  const end = offset + chunk.length - 1;
  const res = await sendTo(client, {
    method: "PATCH",
    url: location,
    headers: { "content-type": "application/octet-stream", "content-range": `${offset}-${end}` },
    body: chunk,
    scopes: [scope.push(repository)],
    expect: [202],
    what: `upload chunk ${offset}-${end} in ${repository}`,
  });
  await discard(res);
  const range = header(res, "range");
  if (range && range !== `0-${end}`) {
    throw new RegistryError({
      kind: "bad_response",
      status: res.status,
      registry: client.host,
      url: location.toString(),
      method: "PATCH",
      message: `registry ${client.host} acknowledged upload range ${range} after sending bytes up to ${end} in ${repository}`,
    });
  }
  return locationOf(res, `upload chunk in ${repository}`);
}

async function finishUpload(client: OciClient, repository: string, location: URL, digest: string, body?: Uint8Array): Promise<void> {
  const url = new URL(location);
  url.searchParams.set("digest", digest);
  const res = await sendTo(client, {
    method: "PUT",
    url,
    headers: { "content-type": "application/octet-stream" },
    ...(body ? { body } : { body: new Uint8Array(0) }),
    scopes: [scope.push(repository)],
    expect: [201],
    what: `blob ${repository}@${digest}`,
  });
  await discard(res);
  const advertised = header(res, "docker-content-digest");
  if (advertised && advertised !== digest) {
    throw new RegistryError({
      kind: "digest_mismatch",
      status: res.status,
      registry: client.host,
      url: url.toString(),
      method: "PUT",
      message: `registry ${client.host} stored the upload to ${repository} as ${advertised}, expected ${digest}`,
    });
  }
}

export async function uploadBlob(
  client: OciClient,
  repository: string,
  bytes: Uint8Array,
  options: UploadOptions = {},
): Promise<BlobHead> {
  const digest = sha256(bytes);
  let location = await startUpload(client, repository);
  try {
    if (options.chunkSize && bytes.length > options.chunkSize) {
      for (let offset = 0; offset < bytes.length; offset += options.chunkSize) {
        location = await patchChunk(client, repository, location, bytes.subarray(offset, offset + options.chunkSize), offset);
      }
      await finishUpload(client, repository, location, digest);
    } else {
      await finishUpload(client, repository, location, digest, bytes);
    }
  } catch (err) {
    await cancelUpload(client, location, repository);
    throw err;
  }
  return { digest, size: bytes.length };
}

/**
 * Streams a blob of unknown size through PATCH chunks, hashing as it goes; the session is closed only
 * if the bytes hash to `source.digest`, so a corrupted source never becomes a blob in the target.
 */
export async function uploadBlobStream(
  client: OciClient,
  repository: string,
  source: StreamUploadSource,
  options: UploadOptions = {},
): Promise<BlobHead> {
  const { algorithm } = parseDigest(source.digest);
  validateRepositoryName(repository);
  const chunkSize = options.chunkSize ?? DEFAULT_STREAM_CHUNK;
  const hash = createHash(algorithm);
  let location = await startUpload(client, repository);
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let offset = 0;

  const flush = async () => {
    const chunk = Buffer.concat(buffered, bufferedBytes);
    buffered = [];
    bufferedBytes = 0;
    location = await patchChunk(client, repository, location, chunk, offset);
    offset += chunk.length;
  };

  try {
    const input = source.stream instanceof Readable ? source.stream : Readable.from(source.stream);
    for await (const piece of input as AsyncIterable<Uint8Array>) {
      const chunk = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      hash.update(chunk);
      buffered.push(chunk);
      bufferedBytes += chunk.length;
      if (bufferedBytes >= chunkSize) await flush();
    }
    const total = offset + bufferedBytes;
    const actual = `${algorithm}:${hash.digest("hex")}`;
    if (actual !== source.digest) {
      throw new RegistryError({
        kind: "digest_mismatch",
        registry: client.host,
        message: `blob streamed into ${repository} hashes to ${actual}, expected ${source.digest}; the upload was abandoned`,
      });
    }
    if (source.size !== undefined && total !== source.size) {
      throw new RegistryError({
        kind: "bad_response",
        registry: client.host,
        message: `blob streamed into ${repository} was ${total} bytes, expected ${source.size}; the upload was abandoned`,
      });
    }
    if (offset === 0) {
      await finishUpload(client, repository, location, source.digest, Buffer.concat(buffered, bufferedBytes));
    } else {
      if (bufferedBytes > 0) await flush();
      await finishUpload(client, repository, location, source.digest);
    }
    return { digest: source.digest, size: total };
  } catch (err) {
    await cancelUpload(client, location, repository);
    throw err;
  }
}

/** true: mounted from `fromRepository`; false: the registry opened an upload session instead (cancelled here). */
export async function mountBlob(client: OciClient, repository: string, digest: string, fromRepository: string): Promise<boolean> {
  parseDigest(digest);
  validateRepositoryName(fromRepository);
  const url = repoUrl(client, repository, "blobs", "uploads", "");
  url.searchParams.set("mount", digest);
  url.searchParams.set("from", fromRepository);
  const res = await client.send({
    method: "POST",
    url,
    scopes: [scope.push(repository), scope.pull(fromRepository)],
    expect: [201, 202],
    idempotent: true,
    what: `blob mount of ${digest} from ${fromRepository} into ${repository}`,
  });
  await discard(res);
  if (res.status === 201) return true;
  const location = header(res, "location");
  if (location) await cancelUpload(client, new URL(location, url), repository);
  return false;
}
