/**
 * Blob uploads: POST to open a session, then either one PUT with the whole blob (in memory or
 * streamed) or PATCH chunks followed by a closing PUT (`?digest=`), plus cross-repository mount. Distribution 2.8 ignores the
 * single-request `POST ?digest=` form (it answers 202 and discards the body), so we always POST first.
 */
import { pipeline, Readable, Transform } from "node:stream";
import { createHash } from "node:crypto";
import { RegistryError } from "../errors";
import type { BlobHead, StreamUploadSource, UploadOptions } from "../provider";
import { parseDigest, validateRepositoryName } from "../reference";
import { badResponse } from "../transport/body";
import { repoUrl, scope, sendByOrigin, type OciClient } from "./client";
import { discard, header, type RegistryResponse } from "../transport/types";
import { checkAdvertisedDigest, sha256 } from "./verify";

function locationOf(res: RegistryResponse, what: string): URL {
  const location = header(res, "location");
  if (!location) throw badResponse(res, `registry ${res.request.url.host} answered ${res.status} for ${what} without a Location header`);
  return new URL(location, res.request.url);
}

async function startUpload(client: OciClient, repository: string): Promise<URL> {
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

async function cancelUpload(client: OciClient, location: URL, repository: string): Promise<void> {
  try {
    const res = await sendByOrigin(client, { method: "DELETE", url: location, scopes: [scope.push(repository)], expect: [204, 200, 202, 404] });
    await discard(res);
  } catch {
    // abandoned sessions are garbage-collected by the registry; the original error matters more
  }
}

async function patchChunk(client: OciClient, repository: string, location: URL, chunk: Uint8Array, offset: number): Promise<URL> {
  const end = offset + chunk.length - 1;
  const res = await sendByOrigin(client, {
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
  const res = await sendByOrigin(client, {
    method: "PUT",
    url,
    headers: { "content-type": "application/octet-stream" },
    body: body ?? new Uint8Array(0),
    scopes: [scope.push(repository)],
    expect: [201],
    what: `blob ${repository}@${digest}`,
  });
  await discard(res);
  checkStored(client, res, repository, digest);
}

function checkStored(client: OciClient, res: RegistryResponse, repository: string, digest: string): void {
  checkAdvertisedDigest(res, client.host, digest, (advertised) => `registry ${client.host} stored the upload to ${repository} as ${advertised}, expected ${digest}`);
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

/** A streamed upload that has moved no byte (or, once all are sent, got no answer) for this long has stalled. */
const STREAM_STALL_MS = 60_000;

function toReadable(stream: StreamUploadSource["stream"]): Readable {
  return stream instanceof Readable ? stream : Readable.from(stream);
}

/**
 * Hashes and counts the bytes passing through, and fails the body at its end when they do not hash
 * to the digest or miss the announced size: the request is aborted instead of completed (and should
 * every byte already be out, the registry's own `?digest=` check refuses the blob). A self-verifying
 * source is only counted: hashing a 300 MB copy a second time costs ~0.4 s of CPU.
 */
function verifyingBody(client: OciClient, repository: string, source: StreamUploadSource, algorithm: string, onProgress: () => void) {
  const hash = source.selfVerifying ? undefined : createHash(algorithm);
  const state: { sent: number; failure?: RegistryError } = { sent: 0 };
  const fail = (failure: RegistryError) => (state.failure = failure);
  const body = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onProgress();
      hash?.update(chunk);
      state.sent += chunk.length;
      if (source.size !== undefined && state.sent > source.size) {
        return cb(fail(new RegistryError({ kind: "bad_response", registry: client.host, message: `blob streamed into ${repository} is longer than the expected ${source.size} bytes; the upload was abandoned` })));
      }
      cb(null, chunk);
    },
    flush(cb) {
      onProgress();
      if (source.size !== undefined && state.sent !== source.size) {
        return cb(fail(new RegistryError({ kind: "bad_response", registry: client.host, message: `blob streamed into ${repository} was ${state.sent} bytes, expected ${source.size}; the upload was abandoned` })));
      }
      const actual = hash ? `${algorithm}:${hash.digest("hex")}` : source.digest;
      if (actual !== source.digest) {
        return cb(fail(new RegistryError({ kind: "digest_mismatch", registry: client.host, message: `blob streamed into ${repository} hashes to ${actual}, expected ${source.digest}; the upload was abandoned` })));
      }
      cb();
    },
  });
  return { body, state };
}

/**
 * The whole blob as the body of the closing `PUT ?digest=` (the spec's monolithic upload), streamed
 * straight from the source: no buffering here, one request, and the source is read while the
 * registry writes. Content-Length is sent when the size is known, chunked encoding otherwise.
 */
async function putStream(client: OciClient, repository: string, location: URL, source: StreamUploadSource, algorithm: string): Promise<number> {
  const stalled = new AbortController();
  const timer = setTimeout(
    () => stalled.abort(new RegistryError({ kind: "timeout", registry: client.host, message: `upload of ${source.digest} to ${repository} on ${client.host} made no progress for ${STREAM_STALL_MS / 1000} s` })),
    STREAM_STALL_MS,
  );
  const { body, state } = verifyingBody(client, repository, source, algorithm, () => timer.refresh());
  // A source failure (digest mismatch, cut connection) fails the body, which aborts the request.
  // It is the real cause of a failed upload, ahead of what the registry says about a broken body.
  const piped = new Promise<unknown>((resolve) => pipeline(toReadable(source.stream), body, resolve));
  const url = new URL(location);
  url.searchParams.set("digest", source.digest);
  try {
    const res = await sendByOrigin(client, {
      method: "PUT",
      url,
      headers: { "content-type": "application/octet-stream", ...(source.size !== undefined ? { "content-length": String(source.size) } : {}) },
      body,
      scopes: [scope.push(repository)],
      expect: [201],
      what: `blob ${repository}@${source.digest}`,
      signal: stalled.signal,
      // A large blob legitimately takes longer than the per-call deadline: the stall timer above
      // replaces it. undici's headers timeout still applies while the registry stops reading and
      // once the body is sent (it is suspended only while bytes are being written).
      timeoutMs: 0,
    });
    await discard(res);
    checkStored(client, res, repository, source.digest);
  } catch (err) {
    body.destroy();
    const sourceFailure = await piped;
    throw state.failure ?? (sourceFailure instanceof RegistryError ? sourceFailure : err);
  } finally {
    clearTimeout(timer);
  }
  if (state.failure) throw state.failure;
  return state.sent;
}

/** PATCH chunks of `chunkSize` (for proxies that cap request bodies), then an empty closing PUT. */
async function patchStream(client: OciClient, repository: string, session: { location: URL }, source: StreamUploadSource, algorithm: string, chunkSize: number): Promise<number> {
  // a self-verifying source fails its own iteration on a wrong digest, as in putStream's verifyingBody
  const hash = source.selfVerifying ? undefined : createHash(algorithm);
  let buffered: Buffer[] = [];
  let bufferedBytes = 0;
  let offset = 0;

  const flush = async () => {
    const chunk = Buffer.concat(buffered, bufferedBytes);
    buffered = [];
    bufferedBytes = 0;
    session.location = await patchChunk(client, repository, session.location, chunk, offset);
    offset += chunk.length;
  };

  for await (const piece of toReadable(source.stream) as AsyncIterable<Uint8Array>) {
    const chunk = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    hash?.update(chunk);
    buffered.push(chunk);
    bufferedBytes += chunk.length;
    if (bufferedBytes >= chunkSize) await flush();
  }
  const total = offset + bufferedBytes;
  const actual = hash ? `${algorithm}:${hash.digest("hex")}` : source.digest;
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
    await finishUpload(client, repository, session.location, source.digest, Buffer.concat(buffered, bufferedBytes));
  } else {
    if (bufferedBytes > 0) await flush();
    await finishUpload(client, repository, session.location, source.digest);
  }
  return total;
}

/**
 * Streams a blob into the registry, hashing it on the way; the upload is committed only if the
 * bytes hash to `source.digest`, so a corrupted source never becomes a blob in the target. By
 * default one streamed PUT; with `options.chunkSize`, PATCH chunks of that size.
 */
export async function uploadBlobStream(
  client: OciClient,
  repository: string,
  source: StreamUploadSource,
  options: UploadOptions = {},
): Promise<BlobHead> {
  const { algorithm } = parseDigest(source.digest);
  const session = { location: await startUpload(client, repository) };
  try {
    const size = options.chunkSize
      ? await patchStream(client, repository, session, source, algorithm, options.chunkSize)
      : await putStream(client, repository, session.location, source, algorithm);
    return { digest: source.digest, size };
  } catch (err) {
    await cancelUpload(client, session.location, repository);
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
