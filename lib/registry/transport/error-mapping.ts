/**
 * HTTP status + distribution error JSON → RegistryError. As a step it enforces `request.expect`, so
 * endpoint code only ever sees the statuses it asked for.
 */
import { STATUS_CODES } from "node:http";
import { RegistryError, type RegistryErrorDetail, type RegistryErrorKind } from "../errors";
import { parseAuthChallenges } from "./auth-challenge";
import { readErrorText } from "./body";
import { parseRetryAfter } from "./retry";
import { describeTarget, discard, header, headerValues, type RegistryResponse, type Step } from "./types";

/** At most this many of the registry's error entries, each message cut to this many characters. */
const MAX_DETAILS = 3;
const MAX_MESSAGE = 200;
const MAX_DETAIL_JSON = 1024;

/** Control characters (and the rest of a multi-line message) never reach our messages or logs. */
function clean(text: string, max: number): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function smallDetail(detail: unknown): boolean {
  try {
    return (JSON.stringify(detail) ?? "").length <= MAX_DETAIL_JSON;
  } catch {
    return false;
  }
}

/**
 * `{"errors":[{code,message,detail}]}`; tolerates the `{message}` shape some proxies use. Bounded: a few
 * entries, short single-line messages, codes that look like codes (UPPER_SNAKE in the spec), small details only.
 */
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
      .slice(0, MAX_DETAILS)
      .map((e) => ({
        code: typeof e.code === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(e.code) ? e.code : "UNKNOWN",
        message: typeof e.message === "string" ? clean(e.message, MAX_MESSAGE) : "",
        ...(e.detail !== undefined && smallDetail(e.detail) ? { detail: e.detail } : {}),
      }));
  }
  const message = (json as { message?: unknown }).message;
  return typeof message === "string" ? [{ code: "UNKNOWN", message: clean(message, MAX_MESSAGE) }] : [];
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

/** Only the registry's parsed error codes and messages are repeated; raw text never is. */
function statusPhrase(status: number, details: RegistryErrorDetail[]): string {
  if (details.length > 0) {
    const parts = details.map((d) => (d.message ? `${d.code}: ${d.message}` : d.code));
    return `${status} ${parts.join("; ")}`;
  }
  return `${status} ${STATUS_CODES[status] ?? "unexpected status"}`;
}

interface ErrorMappingOptions {
  /**
   * The answer came from a host other than the registry (object storage after a redirect, a token
   * service): its body is not the registry's to speak for, so nothing of it is repeated or kept.
   */
  foreign?: boolean;
}

export function errorFromResponse(res: RegistryResponse, text: string, options: ErrorMappingOptions = {}): RegistryError {
  const req = res.request;
  const host = req.url.host;
  const status = res.status;
  const details = options.foreign ? [] : parseErrorBody(text);
  const kind = kindFor(status);
  const target = describeTarget(req);
  const phrase = statusPhrase(status, details);
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

/** `origin`: the registry's (or API's) own origin; error bodies from anywhere else are not read. */
export function errorStep(origin: URL): Step {
  return (next) => async (req) => {
    const res = await next(req);
    if (!req.expect || req.expect.includes(res.status)) return res;
    if (req.url.origin !== origin.origin) {
      await discard(res);
      throw errorFromResponse(res, "", { foreign: true });
    }
    throw errorFromResponse(res, await readErrorText(res));
  };
}
