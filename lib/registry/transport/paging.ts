import { expectArray, type ApiCall, type JsonApi } from "./json-api";

/**
 * Every item of a `page` / `page_size` listing (Harbor and Docker Hub both paginate this way), page
 * by page until a short page or no next link. `items` picks the list out of the body (Hub wraps it in
 * `results`). Bounded, so a misbehaving API cannot keep us reading forever.
 * `hasNext` reads the body's own answer where there is one (Hub's `next` link): Hub answers a page past
 * the end with 404, so "the page was full" must not be taken to mean there is another.
 */
export async function allPages<T>(
  api: JsonApi,
  call: ApiCall,
  options: { pageSize?: number; maxPages?: number; items?: (body: unknown) => unknown; hasNext?: (body: unknown) => boolean; onTruncated?: () => void } = {},
): Promise<T[]> {
  const pageSize = options.pageSize ?? 100;
  const maxPages = options.maxPages ?? 100;
  const out: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const res = await api.call<unknown>({ ...call, query: { ...call.query, page, page_size: pageSize } });
    const items = expectArray<T>(api, options.items ? options.items(res.data) : res.data, call.what);
    out.push(...items);
    const more = options.hasNext ? options.hasNext(res.data) : res.total !== undefined ? out.length < res.total : res.nextLink !== undefined || items.length === pageSize;
    if (!more || items.length === 0) break;
    if (page === maxPages) options.onTruncated?.();
  }
  return out;
}
