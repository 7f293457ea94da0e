import type { Loaded } from "@/lib/browse/result";

/**
 * Client-side reads of the app's own /api/v1 routes. Two contracts, kept apart on purpose:
 * - fetchLoaded: routes answering a Loaded<T> — a registry failure comes back as { ok: false, … }
 *   with HTTP 502 and is data for the caller to show, so any body with `ok` is returned whatever
 *   the status; anything else throws body.error (or `statusMessage`).
 * - fetchJson: plain routes — a non-2xx answer throws body.error (or "HTTP <status>"), a 2xx body is returned as is.
 */
export async function fetchLoaded<T>(url: string, statusMessage: (status: number) => string = (status) => `HTTP ${status}`): Promise<Loaded<T>> {
  const res = await fetch(url);
  const body = await res.json().catch(() => null);
  if (body && typeof body === "object" && "ok" in body) return body as Loaded<T>;
  throw new Error(body?.error ?? statusMessage(res.status));
}

export async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error((await res.json().catch(() => null))?.error ?? `HTTP ${res.status}`);
  return res.json();
}
