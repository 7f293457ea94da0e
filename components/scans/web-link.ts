/**
 * Links in scan reports are data from the registry or from whoever pushed a Trivy referrer, so only
 * absolute http(s) URLs become clickable: data:, javascript:, file: and relative links are shown as
 * text. Returns the URL as the browser would read it, or undefined.
 */
function webLink(raw: string): string | undefined {
  let url: URL;
  try {
    // no base: a relative or protocol-relative link is refused, not resolved against this site
    url = new URL(raw);
  } catch {
    return undefined;
  }
  return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
}

/** The first link of a finding that may be rendered as one. */
export function firstWebLink(links: readonly string[]): string | undefined {
  for (const raw of links) {
    const link = webLink(raw);
    if (link) return link;
  }
  return undefined;
}
