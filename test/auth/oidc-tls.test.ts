/**
 * auth.oidc.caFile against a real OpenID Provider behind a self-signed certificate: the httpOptions
 * our provider definition hands next-auth make openid-client (next-auth's OIDC client) trust it, and
 * without it the sign-in page's text names the certificate problem. next-auth's own client factory
 * is not exported, so this test makes the two calls it makes (setHttpOptionsDefaults, Issuer.discover).
 */
import { custom, Issuer } from "openid-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PrismaClient } from "@/lib/db/generated/client";
import { oidcProvider, recheckOidcSession } from "@/lib/auth/oidc";
import type { OidcConfig } from "@/lib/auth/oidc-config";
import { recordOidcError, signInErrorText } from "@/lib/auth/oidc-errors";
import { startOidcProvider, type TestOidcProvider } from "../harness/oidc-provider";
import { loopbackCertificate, type LoopbackCertificate } from "../harness/tls-cert";

let op: TestOidcProvider;
let cert: LoopbackCertificate;

beforeAll(async () => {
  cert = loopbackCertificate();
  op = await startOidcProvider({ tls: cert, clients: [{ clientId: "dockmaster", clientSecret: "s", redirectUris: ["http://127.0.0.1:1/api/auth/callback/oidc"] }] });
  process.env.OIDC_TLS_TEST_SECRET = "s";
});
afterAll(() => op?.stop());

const config = (caPem?: string): OidcConfig => ({
  name: "Corp SSO",
  issuer: op.issuer,
  clientId: "dockmaster",
  clientSecret: "${OIDC_TLS_TEST_SECRET}",
  scopes: ["openid"],
  groupsClaim: "groups",
  refreshMinutes: 5,
  timeoutMs: 5000,
  caPem,
});

async function discover(cfg: OidcConfig) {
  const provider = oidcProvider(cfg);
  custom.setHttpOptionsDefaults(provider.httpOptions ?? {});
  return Issuer.discover(provider.wellKnown!);
}

describe("OIDC provider behind a private CA", () => {
  it("discovery fails without caFile, and the sign-in page says why", async () => {
    const err = await discover(config()).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    recordOidcError("SIGNIN_OAUTH_ERROR", { error: err, providerId: "oidc" });
    expect(signInErrorText("OAuthSignin", "Corp SSO")).toMatch(/^Sign-in with Corp SSO is not available: .*\(self[- ]signed certificate\)/);
  });

  it("discovery succeeds with the CA from caFile", async () => {
    const issuer = await discover(config(cert.certPem));
    expect(issuer.metadata.issuer).toBe(op.issuer);
  });

  it("the in-session userinfo re-check reaches the provider through the CA (a bogus token is refused by the provider, not by TLS)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      expect(await recheckOidcSession({} as PrismaClient, config(cert.certPem), "u1", "bogus-token")).toBe(false);
      expect(warn.mock.calls.at(-1)?.[0]).toMatch(/userinfo answered 401/);
      // The trailing slash only gives this config its own cached discovery (the CA-trusting one above is cached).
      expect(await recheckOidcSession({} as PrismaClient, { ...config(), issuer: `${op.issuer}/` }, "u1", "bogus-token-2")).toBe(false);
      expect(warn.mock.calls.at(-1)?.[0]).toMatch(/userinfo failed: .*self[- ]signed certificate/);
    } finally {
      warn.mockRestore();
    }
  });
});
