import { NextResponse, type NextRequest } from "next/server";
import { REQUESTED_PATH_HEADER } from "@/lib/auth/origin";
import { contentSecurityPolicy, newNonce } from "@/lib/csp";

/**
 * A fresh CSP nonce for every page request. Next reads the nonce from the request's
 * Content-Security-Policy header while rendering and puts it on its scripts; the browser gets the
 * same policy on the response. (API routes get a fixed policy from next.config.js.)
 */
export function proxy(request: NextRequest) {
  const policy = contentSecurityPolicy(newNonce(), process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  // Pages cannot see their own URL; the sign-in redirect needs it to come back here (deep links).
  // Set (never passed through from the client) on every page request.
  headers.set(REQUESTED_PATH_HEADER, requestedPath(request.nextUrl));
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

/** the path and query the visitor asked for, without Next's internal RSC cache-busting parameter */
function requestedPath(url: URL): string {
  const search = new URLSearchParams(url.search);
  search.delete("_rsc");
  const query = search.toString();
  return `${url.pathname}${query ? `?${query}` : ""}`;
}

export const config = {
  matcher: [
    {
      // pages only: not API routes, not static assets (they carry no inline script)
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
