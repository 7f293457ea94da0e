/**
 * Why the last OpenID Connect attempt failed, for the sign-in page. next-auth only passes a code
 * (?error=OAuthSignin) to the page; the cause (issuer unreachable, certificate not trusted, client
 * secret refused) goes to its logger, which records it here and in the server log.
 */
const holder = globalThis as unknown as { __dmOidcError?: { message: string; at: number } };
const SHOWN_FOR_MS = 5 * 60_000;

export function recordOidcError(code: string, metadata: unknown): string {
  const m = metadata as { error?: { message?: string; cause?: { message?: string }; code?: string }; message?: string } | undefined;
  const cause = m?.error?.message ?? m?.message ?? code;
  const detail = m?.error?.cause?.message && !cause.includes(m.error.cause.message) ? `${cause} (${m.error.cause.message})` : cause;
  holder.__dmOidcError = { message: detail, at: Date.now() };
  console.error(`[dockmaster] OIDC sign-in failed (${code}): ${detail}`);
  return detail;
}

function recentOidcError(now = Date.now()): string | undefined {
  const e = holder.__dmOidcError;
  return e && now - e.at < SHOWN_FOR_MS ? e.message : undefined;
}

/** The sign-in page's text for next-auth's error codes (pages.error is /signin). */
export function signInErrorText(code: string, providerName: string | undefined): string {
  const via = providerName ? `Sign-in with ${providerName}` : "Single sign-on";
  const cause = recentOidcError();
  switch (code) {
    case "CredentialsSignin":
      return "Wrong email or password.";
    case "OAuthSignin":
      return `${via} is not available: the identity provider could not be reached or read${cause ? ` (${cause})` : ""}. Ask an administrator to check auth.oidc in dockmaster.yaml.`;
    case "OAuthCallback":
    case "Callback":
      return `${via} failed${cause ? `: ${cause}` : ""}. Try again; if it keeps failing, ask an administrator to check auth.oidc.`;
    case "AccessDenied":
      return `${via} was refused.`;
    case "SessionEnded":
      return "Your session ended: the identity provider no longer confirms your account. Sign in again.";
    default:
      return code;
  }
}
