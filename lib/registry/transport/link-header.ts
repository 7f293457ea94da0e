/**
 * RFC 8288 Link header: `<url>; rel="next"`, possibly several comma-separated links. The target may be
 * relative (Distribution sends `</v2/_catalog?last=x&n=5>`) and is resolved against the request URL.
 */
export function parseNextLink(values: string[], base: URL): URL | undefined {
  for (const value of values) {
    const linkPattern = /<([^>]*)>\s*((?:;\s*[^;,]+)*)/g;
    for (const match of value.matchAll(linkPattern)) {
      const target = match[1] ?? "";
      const params = match[2] ?? "";
      const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
      const rels = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
      if (rels.includes("next")) {
        try {
          return new URL(target, base);
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}
