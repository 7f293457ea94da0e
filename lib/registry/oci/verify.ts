/**
 * Content addressing is the only integrity guarantee a registry offers, so everything we read by digest
 * is hashed and compared, both with the digest we asked for and with the Docker-Content-Digest the
 * registry claims. A mismatch is never returned silently.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { RegistryError } from "../errors";
import { parseDigest } from "../reference";
import { mapNetworkError } from "../transport/network-errors";
import { header, type RegistryRequest, type RegistryResponse } from "../transport/types";

export type DigestAlgorithm = "sha256" | "sha512";

export function computeDigest(bytes: Uint8Array, algorithm: DigestAlgorithm = "sha256"): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

export function sha256(bytes: Uint8Array): string {
  return computeDigest(bytes, "sha256");
}

function mismatch(req: RegistryRequest, what: string, expected: string, actual: string, source: string): RegistryError {
  return new RegistryError({
    kind: "digest_mismatch",
    registry: req.url.host,
    url: req.url.toString(),
    method: req.method,
    message: `content of ${what} from registry ${req.url.host} hashes to ${actual}, but ${source} says ${expected}`,
  });
}

/**
 * A registry that names another digest in Docker-Content-Digest than the one we asked for, pushed or
 * uploaded has stored or served something else: digest_mismatch, with `message(advertised)` saying what.
 */
export function checkAdvertisedDigest(res: RegistryResponse, registry: string, expected: string, message: (advertised: string) => string): void {
  const advertised = header(res, "docker-content-digest");
  if (advertised && advertised !== expected) {
    throw new RegistryError({ kind: "digest_mismatch", status: res.status, registry, url: res.request.url.toString(), method: res.request.method, message: message(advertised) });
  }
}

/**
 * Hashes `bytes` and checks it against the requested digest and the registry's header, each when
 * known. Returns the digest of the content (in the algorithm of the requested or advertised digest).
 */
export function verifyContent(
  bytes: Uint8Array,
  check: { requested?: string; advertised?: string; what: string; request: RegistryRequest },
): string {
  const algorithmOf = (d: string | undefined) => (d ? parseDigest(d).algorithm : undefined);
  let advertised: string | undefined;
  try {
    advertised = check.advertised ? parseDigest(check.advertised).digest : undefined;
  } catch {
    throw new RegistryError({
      kind: "bad_response",
      registry: check.request.url.host,
      url: check.request.url.toString(),
      method: check.request.method,
      message: `registry ${check.request.url.host} sent an invalid Docker-Content-Digest "${check.advertised}" for ${check.what}`,
    });
  }
  const algorithm = algorithmOf(check.requested) ?? algorithmOf(advertised) ?? "sha256";
  const actual = computeDigest(bytes, algorithm);
  if (check.requested && actual !== check.requested) {
    throw mismatch(check.request, check.what, check.requested, actual, "the requested digest");
  }
  if (advertised) {
    const actualForHeader = algorithmOf(advertised) === algorithm ? actual : computeDigest(bytes, algorithmOf(advertised));
    if (actualForHeader !== advertised) {
      throw mismatch(check.request, check.what, advertised, actualForHeader, "the registry's Docker-Content-Digest header");
    }
  }
  return actual;
}

/**
 * Wraps a body stream: passes bytes through while hashing and counting; at the end fails with
 * digest_mismatch (wrong content) or bad_response (fewer/more bytes than Content-Length).
 */
export function verifyingStream(
  body: Readable,
  check: { digest: string; expectedSize?: number; what: string; request: RegistryRequest },
): Readable {
  const { algorithm } = parseDigest(check.digest);
  const req = check.request;
  const host = req.url.host;

  async function* verify(): AsyncGenerator<Buffer> {
    const hash = createHash(algorithm);
    let received = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (check.expectedSize !== undefined && received > check.expectedSize) {
          throw new RegistryError({
            kind: "bad_response",
            registry: host,
            url: req.url.toString(),
            method: req.method,
            message: `registry ${host} sent more than the announced ${check.expectedSize} bytes for ${check.what}`,
          });
        }
        hash.update(chunk);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof RegistryError) throw err;
      const mapped = mapNetworkError(err, req, host, "body");
      if (check.expectedSize !== undefined && received < check.expectedSize && !(mapped instanceof RegistryError && mapped.kind === "timeout")) {
        throw new RegistryError({
          kind: "bad_response",
          registry: host,
          url: req.url.toString(),
          method: req.method,
          cause: err,
          message: `registry ${host} cut off ${check.what} after ${received} of ${check.expectedSize} bytes`,
        });
      }
      throw mapped;
    } finally {
      if (!body.destroyed) body.destroy();
    }
    if (check.expectedSize !== undefined && received !== check.expectedSize) {
      throw new RegistryError({
        kind: "bad_response",
        registry: host,
        url: req.url.toString(),
        method: req.method,
        message: `registry ${host} sent ${received} of ${check.expectedSize} announced bytes for ${check.what}`,
      });
    }
    const actual = `${algorithm}:${hash.digest("hex")}`;
    if (actual !== check.digest) throw mismatch(req, check.what, check.digest, actual, "the requested digest");
  }

  const out = Readable.from(verify(), { objectMode: false });
  // destroyed before its first read, the generator never starts and its `finally` never runs: the
  // body (and with it the registry connection, which close() waits for) would stay open
  out.once("close", () => {
    if (!body.destroyed) body.destroy();
  });
  return out;
}
