/**
 * Reading response bodies into memory with a size cap and truncation detection. Streaming blob bodies
 * go through verify.ts instead.
 */
import { RegistryError } from "../errors";
import { mapNetworkError } from "./network-errors";
import { describeTarget, header, type RegistryResponse } from "./types";

export const LIMITS = {
  manifest: 4 * 1024 * 1024,
  config: 16 * 1024 * 1024,
  json: 8 * 1024 * 1024,
  errorBody: 64 * 1024,
} as const;

export function contentLength(res: RegistryResponse): number | undefined {
  const raw = header(res, "content-length");
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}

/** A response Dockmaster cannot use, described with the request that produced it. */
export function badResponse(res: RegistryResponse, message: string, cause?: unknown): RegistryError {
  const req = res.request;
  return new RegistryError({
    kind: "bad_response",
    status: res.status,
    registry: req.url.host,
    url: req.url.toString(),
    method: req.method,
    ...(cause === undefined ? {} : { cause }),
    message,
  });
}

function truncated(res: RegistryResponse, received: number, expected: number, cause?: unknown): RegistryError {
  const req = res.request;
  return badResponse(res, `registry ${req.url.host} sent a truncated body for ${describeTarget(req)}: got ${received} of ${expected} bytes announced by Content-Length`, cause);
}

export async function readBody(res: RegistryResponse, maxBytes: number): Promise<Uint8Array> {
  const req = res.request;
  const expected = contentLength(res);
  if (expected !== undefined && expected > maxBytes) {
    res.body.destroy();
    throw badResponse(res, `registry ${req.url.host} announced ${expected} bytes for ${describeTarget(req)}, more than the ${maxBytes}-byte limit`);
  }

  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > maxBytes) {
        res.body.destroy();
        throw badResponse(res, `registry ${req.url.host} sent more than ${maxBytes} bytes for ${describeTarget(req)}`);
      }
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    const mapped = mapNetworkError(err, req, req.url.host, "body");
    // a body cut short is a broken response first and a network problem second
    if (expected !== undefined && received < expected && !(mapped instanceof RegistryError && mapped.kind === "timeout")) {
      throw truncated(res, received, expected, err);
    }
    throw mapped;
  }
  if (expected !== undefined && received !== expected && req.method !== "HEAD") {
    throw truncated(res, received, expected);
  }
  return Buffer.concat(chunks, received);
}

/** Reads a short body as text for error messages; never throws. */
export async function readErrorText(res: RegistryResponse): Promise<string> {
  try {
    return Buffer.from(await readBody(res, LIMITS.errorBody)).toString("utf8");
  } catch {
    res.body.destroy();
    return "";
  }
}

/**
 * The body is described, never quoted: it may come from a host other than the registry (a token
 * service, a proxy's error page), and even JSON.parse's own message repeats the start of the text.
 */
export function parseJson(bytes: Uint8Array, res: RegistryResponse, what: string): unknown {
  const req = res.request;
  const text = Buffer.from(bytes).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    const type = header(res, "content-type")?.split(";")[0]?.trim();
    const looksLike = /^\s*</.test(text) ? " (it looks like HTML or XML)" : "";
    throw badResponse(res, `registry ${req.url.host} returned malformed JSON for ${what} (${describeTarget(req)}): ${bytes.length} bytes${type ? ` of ${type}` : ""} that do not parse as JSON${looksLike}`);
  }
}

export function badShape(res: RegistryResponse, what: string, problem: string): RegistryError {
  const req = res.request;
  return badResponse(res, `registry ${req.url.host} returned an invalid ${what} (${describeTarget(req)}): ${problem}`);
}
