/**
 * Reading a whole listing page by page, bounded. A registry decides whether there is a next page, so a
 * broken or hostile one could keep us reading forever (one answered every catalog page with
 * `rel="next"`: 1,500 requests in 34 s, memory growing). Every listing therefore stops at a page
 * limit, an item limit, a cursor it has already seen, and an overall deadline, and says why it stopped.
 */
import { RegistryError } from "../errors";
import type { Page } from "../provider";
import { raceAbort } from "./challenge-discovery";
import { expectArray, type ApiCall, type JsonApi } from "./json-api";

export interface ListingLimits {
  maxItems?: number;
  maxPages?: number;
  /** for the whole listing, all pages together */
  deadlineMs?: number;
}

/** For a listing a page of the UI is built from: generous for real registries, small enough to stay quick. */
export const UI_LISTING_LIMITS: Required<ListingLimits> = { maxItems: 10_000, maxPages: 200, deadlineMs: 60_000 };

export type TruncationReason = "max-items" | "max-pages" | "repeated-cursor" | "deadline" | "registry-limit";

export interface Truncation {
  reason: TruncationReason;
  /** for the UI: "the registry kept returning more pages; showing the first 10000" */
  message: string;
  pages: number;
  items: number;
}

export interface Listing<T> {
  items: T[];
  /** absent when the registry said there was nothing more */
  truncated?: Truncation;
}

function truncation(reason: TruncationReason, pages: number, items: number, deadlineMs: number): Truncation {
  const why =
    reason === "repeated-cursor"
      ? "the registry sent the same next page again"
      : reason === "deadline"
        ? `reading every page took longer than ${deadlineMs >= 1000 ? `${Math.round(deadlineMs / 1000)} s` : `${deadlineMs} ms`}`
        : reason === "registry-limit"
          ? "the registry's API listed only part"
          : "the registry kept returning more pages";
  return { reason, message: `${why}; showing the first ${items}`, pages, items };
}

/**
 * What makes two cursors the same page: the cursor itself, and for a URL cursor its `last=` (a
 * registry can vary other parameters to look new while paging from the same place).
 */
function cursorKeys(cursor: string): string[] {
  const keys = [`cursor:${cursor}`];
  try {
    const last = new URL(cursor).searchParams.get("last");
    if (last !== null) keys.push(`last:${last}`);
  } catch {
    // an opaque cursor (a page number): the cursor itself is the key
  }
  return keys;
}

const DEADLINE = Symbol("deadline");

/** Follows `next` from page to page within the limits; `fetchPage(undefined)` reads the first page. */
export async function collectPages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, limits: ListingLimits = {}, now: () => number = Date.now): Promise<Listing<T>> {
  const maxItems = limits.maxItems ?? UI_LISTING_LIMITS.maxItems;
  const maxPages = limits.maxPages ?? UI_LISTING_LIMITS.maxPages;
  const deadlineMs = limits.deadlineMs ?? UI_LISTING_LIMITS.deadlineMs;
  const deadline = now() + deadlineMs;
  const seen = new Set<string>();
  const items: T[] = [];
  let pages = 0;
  let cursor: string | undefined;
  let providerCut = false;
  const cut = (reason: TruncationReason): Listing<T> => ({ items, truncated: truncation(reason, pages, items.length, deadlineMs) });

  for (;;) {
    const remaining = deadline - now();
    if (remaining <= 0) return cut("deadline");
    const pending = fetchPage(cursor);
    // the page still in flight when the deadline passes ends on its own timeout; nobody awaits it
    pending.catch(() => undefined);
    const timer = AbortSignal.timeout(remaining);
    const page = await raceAbort(pending, timer).catch((err: unknown): typeof DEADLINE => {
      if (timer.aborted && err === timer.reason) return DEADLINE;
      throw err;
    });
    if (page === DEADLINE) return cut("deadline");
    pages++;
    const room = maxItems - items.length;
    items.push(...page.items.slice(0, room));
    // a provider that stopped short on its own (Docker Hub past its page cap) says so on the page
    providerCut ||= page.truncated === true;
    if (!page.next) return providerCut ? cut("registry-limit") : { items };
    if (page.items.length >= room) return cut("max-items");
    if (pages >= maxPages) return cut("max-pages");
    const keys = cursorKeys(page.next);
    if (keys.some((k) => seen.has(k))) return cut("repeated-cursor");
    for (const k of keys) seen.add(k);
    cursor = page.next;
  }
}

/**
 * Every item of a `page` / `page_size` listing (Harbor and Docker Hub both paginate this way), page
 * by page until a short page or no next link. `items` picks the list out of the body (Hub wraps it in
 * `results`). The callers need the whole list (retention, replication, lifecycle), so a listing that
 * does not end within its limits fails with a precise error rather than returning part of it, unless
 * the caller takes a part and says so (`onTruncated`, e.g. Docker Hub's repository list in the UI).
 * `hasNext` reads the body's own answer where there is one (Hub's `next` link): Hub answers a page past
 * the end with 404, so "the page was full" must not be taken to mean there is another.
 */
export async function allPages<T>(
  api: JsonApi,
  call: ApiCall,
  options: ListingLimits & { pageSize?: number; items?: (body: unknown) => unknown; hasNext?: (body: unknown) => boolean; onTruncated?: (t: Truncation) => void } = {},
): Promise<T[]> {
  const pageSize = options.pageSize ?? 100;
  let previous: string | undefined;
  let total = 0;
  const listing = await collectPages<T>(
    async (cursor) => {
      const page = cursor === undefined ? 1 : Number(cursor);
      const res = await api.call<unknown>({ ...call, query: { ...call.query, page, page_size: pageSize } });
      const items = expectArray<T>(api, options.items ? options.items(res.data) : res.data, call.what);
      total += items.length;
      // an API that ignores `page` answers the same page forever: its page number never repeats, its content does
      const fingerprint = JSON.stringify(items);
      const repeated = items.length > 0 && fingerprint === previous;
      previous = fingerprint;
      if (repeated) return { items: [], next: String(page) };
      const more = options.hasNext ? options.hasNext(res.data) : res.total !== undefined ? total < res.total : res.nextLink !== undefined || items.length === pageSize;
      return { items, ...(more && items.length > 0 ? { next: String(page + 1) } : {}) };
    },
    { maxItems: options.maxItems ?? UI_LISTING_LIMITS.maxItems, maxPages: options.maxPages ?? UI_LISTING_LIMITS.maxPages, deadlineMs: options.deadlineMs ?? UI_LISTING_LIMITS.deadlineMs },
  );
  if (listing.truncated && options.onTruncated) options.onTruncated(listing.truncated);
  else if (listing.truncated) {
    const { reason, pages, items } = listing.truncated;
    const why =
      reason === "repeated-cursor"
        ? `returned the same page of ${call.what} again (page ${pages}); it seems to ignore the page parameter`
        : reason === "deadline"
          ? `took too long to list ${call.what}: stopped after ${pages} pages and ${items} items`
          : `kept returning more pages of ${call.what}: stopped after ${pages} pages and ${items} items (limit ${reason === "max-pages" ? `${options.maxPages ?? UI_LISTING_LIMITS.maxPages} pages` : `${options.maxItems ?? UI_LISTING_LIMITS.maxItems} items`})`;
    throw new RegistryError({ kind: "bad_response", registry: api.host, message: `registry ${api.host} ${why}` });
  }
  return listing.items;
}
