/**
 * Where the groups come from (lib/auth/oidc.ts userinfo.request): the ID token when it carries the
 * groups claim and the email, else userinfo merged over it. The e2e spec covers the userinfo path
 * against a real provider (its ID tokens carry only sub); this covers the choice itself.
 */
import { describe, expect, it, vi } from "vitest";
import { oidcProvider } from "@/lib/auth/oidc";
import type { OidcConfig } from "@/lib/auth/oidc-config";

process.env.OIDC_PROFILE_TEST_SECRET = "s";
const cfg: OidcConfig = {
  name: "Corp SSO",
  issuer: "https://idp.example.com",
  clientId: "dockmaster",
  clientSecret: "${OIDC_PROFILE_TEST_SECRET}",
  scopes: ["openid", "email", "groups"],
  groupsClaim: "roles",
  refreshMinutes: 5,
  timeoutMs: 5000,
  caPem: undefined,
};

function run(idClaims: Record<string, unknown>, userinfo: Record<string, unknown>) {
  const provider = oidcProvider(cfg);
  const client = { issuer: { metadata: { userinfo_endpoint: "https://idp.example.com/userinfo" } }, userinfo: vi.fn(async () => userinfo) };
  const request = (provider.userinfo as { request: (ctx: unknown) => Promise<Record<string, unknown>> }).request;
  return { client, result: request({ tokens: { access_token: "at", claims: () => idClaims }, client, provider }) };
}

describe("OIDC provider definition", () => {
  it("asks for the configured scopes with PKCE, state and nonce, and the client secret from the environment", () => {
    const p = oidcProvider(cfg);
    expect(p).toMatchObject({ id: "oidc", name: "Corp SSO", wellKnown: "https://idp.example.com/.well-known/openid-configuration", clientSecret: "s", checks: ["pkce", "state", "nonce"], idToken: true });
    expect(p.authorization).toEqual({ params: { scope: "openid email groups" } });
  });

  it("takes groups from the ID token when it carries them, without calling userinfo", async () => {
    const { client, result } = run({ sub: "1", email: "a@x.io", roles: ["ops"] }, { roles: ["other"] });
    expect(await result).toMatchObject({ email: "a@x.io", roles: ["ops"] });
    expect(client.userinfo).not.toHaveBeenCalled();
  });

  it("otherwise merges userinfo over the ID token's claims", async () => {
    const { client, result } = run({ sub: "1", iss: "https://idp.example.com" }, { sub: "1", email: "a@x.io", roles: ["ops"] });
    expect(await result).toEqual({ sub: "1", iss: "https://idp.example.com", email: "a@x.io", roles: ["ops"] });
    expect(client.userinfo).toHaveBeenCalledTimes(1);
  });
});
