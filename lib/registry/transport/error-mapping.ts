/**
 * HTTP status + distribution error JSON → RegistryError. As a step it enforces `request.expect`, so
 * endpoint code only ever sees the statuses it asked for.
 */
import { STATUS_CODES } from "node:http";
import { RegistryError, type RegistryErrorDetail, type RegistryErrorKind } from "../errors";
import { parseAuthChallenges } from "./auth-challenge";
import { readErrorText } from "./body";
import { parseRetryAfter } from "./retry";
import { describeTarget, header, headerValues, type RegistryResponse, type Step } from "./types";

/** `{"errors":[{code,message,detail}]}`; tolerates the `{message}` shape some proxies use. */
export function parseErrorBody(text: string): RegistryErrorDetail[] {
  if (!text) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  if (!json || typeof json !== "object") return [];
  const errors = (json as { errors?: unknown }).errors;
  if (Array.isArray(errors)) {
    return errors
      .filter((e): e is Record<string, unknown> => !!e && typeof e === "object")
      .map((e) => ({
        code: typeof e.code === "string" ? e.code : "UNKNOWN",
        message: typeof e.message === "string" ? e.message : "",
        ...(e.detail !== undefined ? { detail: e.detail } : {}),
      }));
  }
  const message = (json as { message?: unknown }).message;
  return typeof message === "string" ? [{ code: "UNKNOWN", message }] : [];
}

function kindFor(status: number): RegistryErrorKind {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status === 405 || status === 501) return "unsupported";
  if (status === 502 || status === 503 || status === 504) return "unreachable";
  return "bad_response";
}

function statusPhrase(status: number, details: RegistryErrorDetail[], text: string): string {
  if (details.length > 0) {
    const parts = details.map((d) => (d.message ? `${d.code}: ${d.message}` : d.code));
    return `${status} ${parts.join("; ")}`;
  }
  const snippet = text.trim().replace(/\s+/g, " ").slice(0, 120);
  const reason = STATUS_CODES[status] ?? "unexpected status";
  return snippet && !snippet.startsWith("<") ? `${status} ${reason}: ${snippet}` : `${status} ${reason}`;
}

export function errorFromResponse(res: RegistryResponse, text: string): RegistryError {
  const req = res.request;
  const host = req.url.host;
  const status = res.status;
  const details = parseErrorBody(text);
  const kind = kindFor(status);
  const target = describeTarget(req);
  const phrase = statusPhrase(status, details, text);
  const retryAfterMs = parseRetryAfter(header(res, "retry-after"));
  const tries = res.attempts && res.attempts > 1 ? ` after ${res.attempts} attempts` : "";
  const sentCredentials = req.headers?.authorization !== undefined;

  let message: string;
  switch (kind) {
    case "unauthorized": {
      // Distribution answers 401 (not 403) when a valid token lacks the needed access
      const insufficient = parseAuthChallenges(headerValues(res, "www-authenticate")).find(
        (c) => c.params.error === "insufficient_scope",
      );
      message = insufficient
        ? `registry ${host} refused access to ${insufficient.params.scope ?? "the requested scope"}, which the credentials do not grant (${phrase}) for ${target}`
        : sentCredentials
        ? `registry ${host} rejected the credentials (${phrase}) for ${target}`
        : `registry ${host} requires authentication (${phrase}) for ${target}; configure credentials for it`;
      break;
    }
    case "forbidden":
      message = `registry ${host} denied access (${phrase}) for ${target}`;
      break;
    case "not_found":
      message = `registry ${host} has no ${req.what ?? "such resource"} (${phrase}) for ${target}`;
      break;
    case "rate_limited":
      message = `registry ${host} is rate limiting requests (${phrase}) for ${target}${tries}${
        retryAfterMs !== undefined ? `; it asks to retry after ${Math.ceil(retryAfterMs / 1000)} s` : ""
      }`;
      break;
    case "unsupported":
      message = `registry ${host} does not support ${target} (${phrase})`;
      break;
    case "unreachable":
      message = `registry ${host} is unavailable (${phrase}) for ${target}${tries}`;
      break;
    default:
      message =
        status >= 500
          ? `registry ${host} failed with an internal error (${phrase}) for ${target}${tries}`
          : `registry ${host} refused ${target} (${phrase})`;
  }

  return new RegistryError({
    kind,
    message,
    status,
    registry: host,
    url: req.url.toString(),
    method: req.method,
    errors: details,
    transient: status >= 500 || status === 429,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

export const errorStep: Step = (next) => async (req) => {
  const res = await next(req);
  if (!req.expect || req.expect.includes(res.status)) return res;
  const text = await readErrorText(res);
  throw errorFromResponse(res, text);
};
