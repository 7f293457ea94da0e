/**
 * `/v2/_catalog` and `/v2/<name>/tags/list`, paginated with `n` and the registry's `Link: <…>; rel="next"`.
 * The next page is fetched from the Link target exactly as given; we never build a `last=` ourselves,
 * because registries are free to paginate with other parameters. Distribution 2.8 ignores `n` on tags
 * and returns everything in one page: that is passed on as it is, a single page without `next`.
 */
import { InvalidInputError, RegistryError } from "../errors";
import type { ListOptions, Page } from "../provider";
import { badShape, LIMITS, parseJson, readBody } from "../transport/body";
import { repoUrl, scope, type OciClient } from "./client";
import { parseNextLink } from "../transport/link-header";
import { catalogSchema, describeIssues, tagListSchema } from "./schemas";
import { describeTarget, headerValues, type RegistryResponse } from "../transport/types";

/**
 * A cursor comes back from the browser, so it is untrusted: it must point at the same registry and
 * the same listing, or it could steer our credentials to another host or endpoint.
 */
function cursorUrl(client: OciClient, cursor: string, expectedPath: string): URL {
  let url: URL;
  try {
    url = new URL(cursor);
  } catch {
    throw new InvalidInputError(`invalid page cursor "${cursor}": not a URL`, cursor);
  }
  if (url.origin !== client.registryUrl.origin || url.pathname !== expectedPath) {
    throw new InvalidInputError(`invalid page cursor "${cursor}": it does not belong to ${client.registryUrl.origin}${expectedPath}`, cursor);
  }
  return url;
}

/**
 * The registry's `Link: <…>; rel="next"`, accepted only for the same listing on the same origin: a
 * Link elsewhere would send our credentials (and a viewer's request) wherever the header says.
 */
function nextPage(client: OciClient, res: RegistryResponse, url: URL): string | undefined {
  const next = parseNextLink(headerValues(res, "link"), url);
  if (!next) return undefined;
  const host = client.registryUrl.host;
  const refuse = (where: string) =>
    new RegistryError({ kind: "bad_response", status: res.status, registry: host, url: url.toString(), method: "GET", message: `registry ${host} sent a Link rel="next" to ${where} for ${describeTarget(res.request)}; it was not followed` });
  if (next.origin !== client.registryUrl.origin) throw refuse(`another origin (${next.origin})`);
  if (next.pathname !== url.pathname) throw refuse(`another listing (${next.pathname})`);
  return next.toString();
}

function firstPageUrl(base: URL, options: ListOptions): URL {
  const url = new URL(base);
  if (options.pageSize !== undefined) {
    if (!Number.isInteger(options.pageSize) || options.pageSize < 1) {
      throw new InvalidInputError(`invalid page size ${options.pageSize}: must be a positive integer`, String(options.pageSize));
    }
    url.searchParams.set("n", String(options.pageSize));
  }
  if (options.last) url.searchParams.set("last", options.last);
  return url;
}

export async function listRepositories(client: OciClient, options: ListOptions = {}): Promise<Page<string>> {
  const base = new URL("/v2/_catalog", client.registryUrl);
  const url = options.cursor ? cursorUrl(client, options.cursor, base.pathname) : firstPageUrl(base, options);
  const res = await client.send({ method: "GET", url, scopes: [scope.catalog], expect: [200], what: "repository catalog" });
  const parsed = catalogSchema.safeParse(parseJson(await readBody(res, LIMITS.json), res, "the repository catalog"));
  if (!parsed.success) throw badShape(res, "repository catalog", describeIssues(parsed.error));
  const next = nextPage(client, res, url);
  return { items: parsed.data.repositories ?? [], ...(next ? { next } : {}) };
}

export async function listTags(client: OciClient, repository: string, options: ListOptions = {}): Promise<Page<string>> {
  const base = repoUrl(client, repository, "tags", "list");
  const url = options.cursor ? cursorUrl(client, options.cursor, base.pathname) : firstPageUrl(base, options);
  const res = await client.send({
    method: "GET",
    url,
    scopes: [scope.pull(repository)],
    expect: [200],
    what: `repository ${repository}`,
  });
  const parsed = tagListSchema.safeParse(parseJson(await readBody(res, LIMITS.json), res, `the tag list of ${repository}`));
  if (!parsed.success) throw badShape(res, `tag list of ${repository}`, describeIssues(parsed.error));
  const next = nextPage(client, res, url);
  return { items: parsed.data.tags ?? [], ...(next ? { next } : {}) };
}
