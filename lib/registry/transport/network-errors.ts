/**
 * Socket-level failures (before or while reading a response) → RegistryError. Kept apart from the
 * HTTP-status mapping because it is needed both when sending and when streaming a body.
 */
import { RegistryError } from "../errors";
import { describeTarget, type RegistryRequest } from "./types";

const CONNECT_FAILURES: Record<string, string> = {
  ECONNREFUSED: "refused the connection (nothing listening on that port?)",
  ENOTFOUND: "could not be resolved (DNS lookup failed)",
  EAI_AGAIN: "could not be resolved (DNS temporarily unavailable)",
  EHOSTUNREACH: "is unreachable (no route to host)",
  ENETUNREACH: "is unreachable (network unreachable)",
  UND_ERR_CONNECT_TIMEOUT: "did not accept a connection in time (firewall dropping packets?)",
  ETIMEDOUT: "did not accept a connection in time (firewall dropping packets?)",
};

const DROPPED = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ECONNABORTED"]);
const TIMEOUTS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function isTlsFailure(code: string | undefined, message: string): boolean {
  if (!code) return /ssl|tls|certificate/i.test(message);
  return (
    code.startsWith("ERR_TLS") ||
    code.startsWith("ERR_SSL") ||
    code === "EPROTO" ||
    code.includes("CERT") ||
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
    code === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
  );
}

/**
 * `phase` tells whether the failure happened before the response headers or while reading the body;
 * it changes what the ops engineer should look at.
 */
export function mapNetworkError(
  err: unknown,
  req: RegistryRequest,
  host: string,
  phase: "request" | "body" = "request",
): unknown {
  if (err instanceof RegistryError) return err;
  if (req.signal?.aborted) {
    const reason: unknown = req.signal.reason;
    if (reason instanceof RegistryError) return reason;
    return reason ?? err;
  }
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const target = describeTarget(req);
  const base = { registry: host, url: req.url.toString(), method: req.method, cause: err };

  if (code && CONNECT_FAILURES[code]) {
    return new RegistryError({ ...base, kind: "unreachable", message: `registry ${host} ${CONNECT_FAILURES[code]} for ${target}` });
  }
  if (code && TIMEOUTS.has(code)) {
    const what = code === "UND_ERR_HEADERS_TIMEOUT" ? "sent no response headers" : "stopped sending the body";
    return new RegistryError({ ...base, kind: "timeout", message: `registry ${host} ${what} in time for ${target}` });
  }
  if (isTlsFailure(code, message)) {
    return new RegistryError({
      ...base,
      kind: "unreachable",
      message: `TLS with registry ${host} failed (${code ?? message}) for ${target}; check the URL scheme, the CA certificate (tls.caPem) or tls.insecureSkipVerify`,
    });
  }
  if (code && DROPPED.has(code)) {
    const when = phase === "body" ? "while sending the response body" : "before answering";
    return new RegistryError({
      ...base,
      kind: "unreachable",
      transient: true,
      message: `registry ${host} closed the connection ${when} for ${target} (${code})`,
    });
  }
  return new RegistryError({
    ...base,
    kind: "unreachable",
    message: `request to registry ${host} failed for ${target}: ${message}${code ? ` (${code})` : ""}`,
  });
}
