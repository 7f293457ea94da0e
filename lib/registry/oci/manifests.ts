/**
 * Manifests by tag or digest: GET (verified), HEAD (digest-only checks), PUT, DELETE.
 */
import { InvalidInputError, RegistryError } from "../errors";
import { isImageManifestMediaType, isIndexMediaType, MANIFEST_ACCEPT, MediaType, stripMediaTypeParams } from "../media-types";
import { isIndexJson, type ManifestHead, type ManifestJson, type ManifestResult } from "../provider";
import { parseManifestRef } from "../reference";
import { badShape, contentLength, LIMITS, parseJson, readBody } from "../transport/body";
import { manifestUrl, refLabel, repoUrl, scope, type OciClient } from "./client";
import { describeIssues, imageIndexSchema, imageManifestSchema } from "./schemas";
import { header, type RegistryResponse } from "../transport/types";
import { checkAdvertisedDigest, sha256, verifyContent } from "./verify";

/**
 * Validates parsed manifest JSON. Returns the effective media type: the document's own `mediaType`,
 * else the Content-Type it was served with, else what its shape says.
 */
function validateManifestJson(
  json: unknown,
  contentType: string | undefined,
): { ok: true; mediaType: string; json: ManifestJson } | { ok: false; unsupported?: boolean; problem: string } {
  if (!json || typeof json !== "object" || Array.isArray(json)) return { ok: false, problem: "manifest is not a JSON object" };
  const declared = (json as { mediaType?: unknown }).mediaType;
  let mediaType = typeof declared === "string" && declared ? declared : stripMediaTypeParams(contentType);
  if (mediaType === MediaType.DockerSchema1Signed || mediaType === MediaType.DockerSchema1 || (json as { schemaVersion?: unknown }).schemaVersion === 1) {
    return { ok: false, unsupported: true, problem: "Docker schema 1 manifests are deprecated and not supported; re-push the image with a current client" };
  }
  if (!mediaType || (!isIndexMediaType(mediaType) && !isImageManifestMediaType(mediaType))) {
    // OCI allows omitting mediaType; generic servers may send application/json
    const guessed = isIndexJson(json as ManifestJson) ? MediaType.OciIndex : MediaType.OciManifest;
    if (mediaType && mediaType !== "application/json" && mediaType !== "application/octet-stream") {
      return { ok: false, unsupported: true, problem: `unsupported manifest media type "${mediaType}"` };
    }
    mediaType = guessed;
  }
  const schema = isIndexMediaType(mediaType) ? imageIndexSchema : imageManifestSchema;
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: describeIssues(parsed.error) };
  return { ok: true, mediaType, json: parsed.data as ManifestJson };
}

function manifestFromResponse(res: RegistryResponse, bytes: Uint8Array, digest: string, what: string): ManifestResult {
  const json = parseJson(bytes, res, what);
  const checked = validateManifestJson(json, header(res, "content-type"));
  if (!checked.ok) {
    if (checked.unsupported) {
      throw new RegistryError({
        kind: "unsupported",
        status: res.status,
        registry: res.request.url.host,
        url: res.request.url.toString(),
        method: res.request.method,
        message: `${what} on registry ${res.request.url.host}: ${checked.problem}`,
      });
    }
    throw badShape(res, what, checked.problem);
  }
  return { digest, mediaType: checked.mediaType, size: bytes.length, bytes, json: checked.json };
}

/** GET or HEAD of a manifest: the one request both reads make, with what they need to check the answer. */
async function readManifest(client: OciClient, method: "GET" | "HEAD", repository: string, reference: string, accept: readonly string[], expect: number[]) {
  const ref = parseManifestRef(reference);
  const what = `manifest ${refLabel(repository, reference)}`;
  const res = await client.send({
    method,
    url: repoUrl(client, repository, "manifests", reference),
    headers: { accept: accept.join(", ") },
    scopes: [scope.pull(repository)],
    expect,
    what,
  });
  return { res, ref, what };
}

export async function getManifest(
  client: OciClient,
  repository: string,
  reference: string,
  accept: readonly string[] = MANIFEST_ACCEPT,
): Promise<ManifestResult> {
  const { res, ref, what } = await readManifest(client, "GET", repository, reference, accept, [200]);
  const bytes = await readBody(res, LIMITS.manifest);
  const digest = verifyContent(bytes, {
    requested: ref.kind === "digest" ? ref.digest : undefined,
    advertised: header(res, "docker-content-digest"),
    what,
    request: res.request,
  });
  return manifestFromResponse(res, bytes, digest, what);
}

export async function headManifest(
  client: OciClient,
  repository: string,
  reference: string,
  accept: readonly string[] = MANIFEST_ACCEPT,
): Promise<ManifestHead | null> {
  const { res, ref, what } = await readManifest(client, "HEAD", repository, reference, accept, [200, 404]);
  res.body.resume();
  if (res.status === 404) return null;

  const advertised = header(res, "docker-content-digest");
  const mediaType = stripMediaTypeParams(header(res, "content-type"));
  const size = contentLength(res);
  if (!advertised || !mediaType || size === undefined) {
    // some registries omit these on HEAD; the content itself is the authority
    const manifest = await getManifest(client, repository, reference, accept);
    return { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size };
  }
  if (ref.kind === "digest") checkAdvertisedDigest(res, client.host, ref.digest, (advertised) => `registry ${client.host} answered HEAD for ${what} with Docker-Content-Digest ${advertised}`);
  return { digest: advertised, mediaType, size };
}

export interface PutManifestResponse {
  digest: string;
  location?: string;
  /** the registry processed `subject` itself (OCI-Subject header), so no fallback index is needed */
  subjectProcessed: boolean;
  json: ManifestJson;
}

export async function putManifest(
  client: OciClient,
  repository: string,
  reference: string,
  bytes: Uint8Array,
  mediaType: string,
): Promise<PutManifestResponse> {
  const url = manifestUrl(client, repository, reference);
  const ref = parseManifestRef(reference);
  const digest = sha256(bytes);
  if (ref.kind === "digest" && ref.digest !== digest) {
    throw new InvalidInputError(`manifest bytes hash to ${digest}, not to the reference ${ref.digest} they are pushed under`, reference);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch (e) {
    throw new InvalidInputError(`manifest to push is not valid JSON: ${(e as Error).message}`, refLabel(repository, reference));
  }
  const checked = validateManifestJson(json, mediaType);
  if (!checked.ok) throw new InvalidInputError(`manifest to push is invalid: ${checked.problem}`, refLabel(repository, reference));
  if (checked.mediaType !== mediaType) {
    throw new InvalidInputError(
      `manifest declares mediaType "${checked.mediaType}" but is pushed as "${mediaType}"; they must match`,
      refLabel(repository, reference),
    );
  }

  const what = `manifest ${refLabel(repository, reference)}`;
  const res = await client.send({
    method: "PUT",
    url,
    headers: { "content-type": mediaType },
    body: bytes,
    scopes: [scope.push(repository)],
    expect: [201],
    what,
  });
  res.body.resume();
  checkAdvertisedDigest(res, client.host, digest, (advertised) => `registry ${client.host} stored ${what} as ${advertised}, but the pushed bytes hash to ${digest}`);
  const location = header(res, "location");
  return {
    digest,
    ...(location ? { location: new URL(location, url).toString() } : {}),
    subjectProcessed: header(res, "oci-subject") !== undefined,
    json: checked.json,
  };
}

export async function deleteManifest(client: OciClient, repository: string, digest: string): Promise<void> {
  const ref = parseManifestRef(digest);
  if (ref.kind !== "digest") throw new InvalidInputError(`manifests are deleted by digest, not by tag "${digest}"`, digest);
  const res = await client.send({
    method: "DELETE",
    url: manifestUrl(client, repository, digest),
    scopes: [scope.delete(repository)],
    expect: [202, 200],
    what: `manifest ${refLabel(repository, digest)}`,
  });
  res.body.resume();
}
