/**
 * @aws-sdk/client-ecr errors → RegistryError, so ECR failures read like every other registry's.
 * The SDK has already retried throttling and 5xx by the time an error gets here.
 */
import { RegistryError, type RegistryErrorKind } from "../errors";

const NOT_FOUND = new Set([
  "RepositoryNotFoundException",
  "ImageNotFoundException",
  "LifecyclePolicyNotFoundException",
  "LifecyclePolicyPreviewNotFoundException",
  "ScanNotFoundException",
  "RepositoryPolicyNotFoundException",
]);
const UNAUTHORIZED = new Set(["UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "IncompleteSignature", "CredentialsProviderError", "InvalidClientTokenId"]);
const FORBIDDEN = new Set(["AccessDeniedException", "AccessDenied"]);
const THROTTLED = new Set(["ThrottlingException", "TooManyRequestsException", "LimitExceededException", "RequestLimitExceeded"]);
const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "EPIPE"]);

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $response?: { statusCode?: number; headers?: Record<string, string> };
}

export function isEcrError(err: unknown, ...names: string[]): boolean {
  return typeof err === "object" && err !== null && names.includes((err as SdkErrorLike).name ?? "");
}

export function mapEcrError(err: unknown, host: string, what: string): RegistryError {
  if (err instanceof RegistryError) return err;
  const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as SdkErrorLike;
  const name = e.name ?? "Error";
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const retryAfter = Number(e.$response?.headers?.["retry-after"]);
  const attempts = e.$metadata?.attempts && e.$metadata.attempts > 1 ? ` after ${e.$metadata.attempts} attempts` : "";

  let kind: RegistryErrorKind;
  if (NOT_FOUND.has(name) || status === 404) kind = "not_found";
  else if (UNAUTHORIZED.has(name) || status === 401) kind = "unauthorized";
  else if (FORBIDDEN.has(name) || status === 403) kind = "forbidden";
  else if (THROTTLED.has(name) || status === 429) kind = "rate_limited";
  else if (name === "TimeoutError" || e.code === "ETIMEDOUT" || name === "RequestTimeout") kind = "timeout";
  else if (NETWORK_CODES.has(e.code ?? "") || status === 502 || status === 503 || status === 504) kind = "unreachable";
  else kind = "bad_response";

  // a 2xx that failed to deserialise is the SDK's verdict on the body, not the server's
  const malformed = kind === "bad_response" && status !== undefined && status < 300;
  const detail = malformed ? `an unreadable response (${e.message ?? name})` : `${name}${e.message ? `: ${e.message}` : ""}`;
  return new RegistryError({
    kind,
    message: `ECR API ${host} ${kind === "not_found" ? "has no" : "failed"} ${what}: ${detail}${status ? ` (HTTP ${status})` : ""}${attempts}`,
    registry: host,
    ...(status !== undefined ? { status } : {}),
    ...(Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : {}),
    errors: [{ code: name, message: e.message ?? "" }],
    transient: kind === "rate_limited" || kind === "unreachable" || (status !== undefined && status >= 500),
    cause: err,
  });
}
