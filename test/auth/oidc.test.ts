import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAppConfig } from "@/lib/app-config";
import { startOidcProvider, type TestOidcProvider } from "../harness/oidc-provider";

const REDIRECT = "http://127.0.0.1:3999/api/auth/callback/oidc";

describe("the test OpenID Provider (test/harness/oidc-provider.ts)", () => {
  let op: TestOidcProvider;
  beforeAll(async () => {
    op = await startOidcProvider({ clients: [{ clientId: "dockmaster", clientSecret: "s3cret", redirectUris: [REDIRECT] }], accounts: { alice: { email: "alice@corp.test", groups: ["platform-admins"] } } });
  });
  afterAll(() => op?.stop());

  it("publishes discovery for its loopback issuer with the code flow and S256 PKCE", async () => {
    const res = await fetch(`${op.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const d = (await res.json()) as Record<string, unknown>;
    expect(d.issuer).toBe(op.issuer);
    expect(d.response_types_supported).toContain("code");
    expect(d.code_challenge_methods_supported).toEqual(["S256"]);
    expect(d.userinfo_endpoint).toBe(`${op.issuer}/me`);
    expect(d.claims_supported).toContain("groups");
  });

  it("refuses an authorization request without PKCE", async () => {
    const u = new URL(`${op.issuer}/auth`);
    u.search = new URLSearchParams({ client_id: "dockmaster", response_type: "code", scope: "openid", redirect_uri: REDIRECT, state: "s", nonce: "n" }).toString();
    const res = await fetch(u, { redirect: "manual" });
    const location = new URL(res.headers.get("location") ?? "", op.issuer);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("error_description")).toMatch(/requires PKCE/);
  });
});

describe("auth.oidc in dockmaster.yaml", () => {
  const parse = (text: string, env: Record<string, string> = { OIDC_SECRET: "x" }) => parseAppConfig(text, "dockmaster.yaml", env);
  const base = "auth:\n  oidc:\n    issuer: https://idp.example.com/\n    clientId: dockmaster\n    clientSecret: ${OIDC_SECRET}\n";

  it("reads the provider with its defaults (scopes, groups claim, refresh interval)", () => {
    const oidc = parse(base).auth?.oidc;
    expect(oidc).toMatchObject({ name: "single sign-on", issuer: "https://idp.example.com", clientId: "dockmaster", scopes: ["openid", "email", "profile"], groupsClaim: "groups", refreshMinutes: 5 });
  });

  it("names the line of a plaintext secret, a bad issuer, or scopes without openid", () => {
    expect(() => parse(base.replace("${OIDC_SECRET}", "hunter2"))).toThrow("dockmaster.yaml:5: auth.oidc.clientSecret: must be an environment variable reference like ${OIDC_CLIENT_SECRET}, not a plaintext secret");
    expect(() => parse(base.replace("https://idp.example.com/", "idp.example.com"))).toThrow("dockmaster.yaml:3: auth.oidc.issuer: must be an http(s) URL, e.g. https://idp.example.com");
    expect(() => parse(`${base}    scopes: [email, groups]\n`)).toThrow(/dockmaster\.yaml:6: auth\.oidc\.scopes: must include openid/);
    expect(() => parse(`${base}    caFile: /nonexistent/ca.pem\n`)).toThrow(/dockmaster\.yaml:6: auth\.oidc\.caFile: cannot be read: ENOENT/);
  });

  it("accepts local: false with oidc and a break-glass account, and refuses it without break-glass", () => {
    expect(parse(`${base}  local: false\n  breakGlass: root@example.com\n`).auth?.local).toBe(false);
    expect(() => parse(`${base}  local: false\n`)).toThrow(/auth\.breakGlass: is required when local is false/);
  });
});
