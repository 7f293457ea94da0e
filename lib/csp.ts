/**
 * The Content-Security-Policy of every page. Scripts run only from this origin and only when they
 * carry the per-request nonce (Next puts it on its own inline scripts and bundles, read from this
 * header: see proxy.ts), so an injected <script> or inline handler does not run even if markup
 * were ever injected. 'strict-dynamic' lets those trusted scripts load the app's chunks.
 * Styles allow 'unsafe-inline': React style attributes (charts, progress bars) need it and
 * style injection cannot run code. No upgrade-insecure-requests: Dockmaster is often served over
 * plain http on a private network, where upgrading would break every asset.
 */
export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    // React uses eval() in development only, to rebuild server error stacks in the browser
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** 128 random bits, base64: unguessable per response, as a CSP nonce must be. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
