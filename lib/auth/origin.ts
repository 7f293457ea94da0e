/**
 * The app's own origin, for the two checks that need it: is a cookie-authenticated API write
 * same-origin (CSRF), and does a sign-in callbackUrl stay on this site (open redirect).
 * NEXTAUTH_URL is the public URL (scripts/server.mjs always sets it); the origin a request was
 * addressed to also counts, so the app keeps working when reached under another of its names.
 */
function configuredOrigin(): string | null {
  const configured = process.env.NEXTAUTH_URL;
  if (!configured) return null;
  try {
    return new URL(configured).origin;
  } catch {
    return null;
  }
}

export function appOrigins(requestUrl?: URL): string[] {
  const out = new Set<string>();
  const configured = configuredOrigin();
  if (configured) out.add(configured);
  if (requestUrl) out.add(requestUrl.origin);
  return [...out];
}

/**
 * Where to go after signing in: the callbackUrl resolved against the app's origin, kept only if it
 * stays on that origin; "/" otherwise. Resolving (instead of looking at the first characters) is
 * what a browser does, so tricks like "/\evil", "/\t/evil" or "//evil" are judged as the browser
 * would follow them. The answer is a path, so it cannot name another site by construction.
 */
export function safeCallbackPath(raw: string | undefined | null, origin: string = configuredOrigin() ?? "http://localhost"): string {
  if (!raw) return "/";
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(origin).origin || (url.protocol !== "http:" && url.protocol !== "https:")) return "/";
  // "//evil" as a path would be read as another host again: one leading slash only
  return `${url.pathname.replace(/^\/+/, "/")}${url.search}${url.hash}`;
}

/** Request header proxy.ts sets on every page request: the path and query the visitor asked for. */
export const REQUESTED_PATH_HEADER = "x-dockmaster-requested-path";

/**
 * The sign-in page's address for a visitor who asked for `requested` (a path the proxy saw): with
 * callbackUrl when there is somewhere to come back to, so a deep link survives signing in.
 * Validated here as well as on the sign-in page, so the redirect itself never carries a foreign URL.
 */
export function signInPathFor(requested: string | undefined | null): string {
  const back = safeCallbackPath(requested);
  return back === "/" || /^\/signin(?:[/?#]|$)/.test(back) ? "/signin" : `/signin?callbackUrl=${encodeURIComponent(back)}`;
}
