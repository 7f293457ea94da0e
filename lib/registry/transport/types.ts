/**
 * The unit every transport step works on. A step is `(next: Send) => Send`; the stack is assembled in
 * transport.ts. Requests carry what the upper steps need to decide (scopes for the token, which statuses
 * are acceptable, whether the body may be replayed) so that no step has to guess from the URL.
 */
import type { Readable } from "node:stream";

export type HttpMethod = "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";

export interface RegistryRequest {
  method: HttpMethod;
  url: URL;
  headers?: Record<string, string>;
  /** Uint8Array bodies can be replayed (retry, auth refresh); streams are sent once */
  body?: Uint8Array | Readable;
  /** token scopes, e.g. "repository:team/app:pull" */
  scopes?: string[];
  /** acceptable statuses; anything else becomes a RegistryError in the error step */
  expect?: number[];
  /** human words for messages: "manifest team/app:latest" */
  what?: string;
  /** the caller will stream the body: the overall timeout stops at the headers */
  stream?: boolean;
  /** safe to repeat after a 5xx or a reset connection; defaults by method */
  idempotent?: boolean;
  signal?: AbortSignal;
  /** set by the timeout step: epoch ms after which the call has failed */
  deadline?: number;
  /** overrides the connection's timeout for this call */
  timeoutMs?: number;
}

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface RegistryResponse {
  status: number;
  /** lower-cased names */
  headers: ResponseHeaders;
  body: Readable;
  /** the request as finally sent */
  request: RegistryRequest;
  /** how many times it was sent (set by the retry step) */
  attempts?: number;
}

export type Send = (request: RegistryRequest) => Promise<RegistryResponse>;
export type Step = (next: Send) => Send;

export function header(res: { headers: ResponseHeaders }, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function headerValues(res: { headers: ResponseHeaders }, name: string): string[] {
  const value = res.headers[name.toLowerCase()];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function isReplayable(req: RegistryRequest): boolean {
  return req.body === undefined || req.body instanceof Uint8Array;
}

export function isIdempotent(req: RegistryRequest): boolean {
  if (req.idempotent !== undefined) return req.idempotent;
  return req.method === "GET" || req.method === "HEAD" || req.method === "PUT" || req.method === "DELETE";
}

/** "/v2/app/blobs/uploads/uuid?_state=…" without the opaque upload state, for messages */
export function describeTarget(req: RegistryRequest): string {
  const url = new URL(req.url);
  url.searchParams.delete("_state");
  const path = url.pathname + url.search;
  return `${req.method} ${path.length > 200 ? `${path.slice(0, 200)}…` : path}`;
}

/** Frees the connection of a response we are not going to read. */
export async function discard(res: RegistryResponse): Promise<void> {
  const body = res.body as Readable & { dump?: () => Promise<void> };
  try {
    if (typeof body.dump === "function") await body.dump();
    else body.destroy();
  } catch {
    // the body was already broken; nothing left to free
  }
}
