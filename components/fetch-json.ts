/**
 * Client-side refresh of data the server already rendered (live polling only: pages load their data
 * as server components). A non-2xx answer throws body.error (or "HTTP <status>"); a 2xx body is
 * returned as is.
 */
export async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error((await res.json().catch(() => null))?.error ?? `HTTP ${res.status}`);
  return res.json();
}
