/**
 * OIDC sign-in in the real browser against a real OpenID Provider (oidc-provider on loopback,
 * test/harness/oidc-provider.ts): redirect, sign in at the provider, roles from the groups claim;
 * groups re-read during the session; tampered state, wrong nonce, a code from another issuer or
 * client refused; a misconfigured provider reported on the sign-in page. This spec runs its own app
 * with auth.oidc and auth.local: false (only the break-glass admin has a password).
 */
import { expect, test, type Page } from "@playwright/test";
import { startOidcProvider, type OidcClient, type TestOidcProvider } from "../test/harness/oidc-provider";
import { startApp, type AppServer } from "./app-server";

const BREAK_GLASS = { email: "root@e2e.test", password: "break-glass e2e password" };
const CLIENT_SECRET = "oidc-e2e-client-secret";
const REFRESH_SECONDS = 3;

let op: TestOidcProvider;
/** a second provider: same client registration, different issuer */
let otherOp: TestOidcProvider;
let app: AppServer;
const at = (p: string) => `${app.url}${p}`;

const clients = (): OidcClient[] => [
  { clientId: "dockmaster", clientSecret: CLIENT_SECRET, redirectUris: [at("/api/auth/callback/oidc")] },
  // another application registered at the same provider, with the same redirect URI
  { clientId: "other-app", clientSecret: "other-secret", redirectUris: [at("/api/auth/callback/oidc")] },
];

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const accounts = {
    alice: { email: "alice@corp.test", name: "Alice", groups: ["platform-admins", "team-a-release"] },
    bob: { email: "bob@corp.test", groups: ["team-a-release"] },
  };
  op = await startOidcProvider({ accounts });
  otherOp = await startOidcProvider({ accounts });
  app = await startApp({
    configYaml: `registries:
  - { name: local, kind: oci, url: "http://127.0.0.1:9" }
environments:
  - { name: dev, order: 1, registry: local, namespace: dev }
  - { name: prod, order: 2, registry: local, namespace: prod }
auth:
  local: false
  breakGlass: ${BREAK_GLASS.email}
  oidc:
    name: Corp SSO
    issuer: ${op.issuer}
    clientId: dockmaster
    clientSecret: \${OIDC_CLIENT_SECRET}
    scopes: [openid, email, profile, groups]
    groupsClaim: groups
    refreshMinutes: ${REFRESH_SECONDS / 60}
access:
  - { group: platform-admins, role: admin }
  - { group: team-a-release, role: approver, environment: prod }
`,
    env: {
      DOCKMASTER_ADMIN_EMAIL: BREAK_GLASS.email,
      DOCKMASTER_ADMIN_PASSWORD: BREAK_GLASS.password,
      NEXTAUTH_SECRET: "oidc-e2e-secret",
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
    },
    log: (l) => process.env.E2E_VERBOSE && console.log(`[oidc app] ${l}`),
  });
  op.setClients(clients());
  otherOp.setClients(clients());
});

test.afterAll(async () => {
  await app?.stop();
  await op?.stop();
  await otherOp?.stop();
});

/** Clicks "Sign in with Corp SSO" and signs in on the provider's own login page. */
async function signInAtProvider(page: Page, login: string) {
  await page.goto(at("/signin"));
  await page.getByRole("button", { name: "Sign in with Corp SSO" }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password: the dev login pages check none");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

/** Rewrites the browser's authorization request before it reaches the provider (once). */
async function tamperAuthorizationRequest(page: Page, edit: (u: URL) => URL) {
  let done = false;
  await page.route(
    (url) => !done && url.href.startsWith(`${op.issuer}/auth?`),
    async (route) => {
      done = true;
      await route.fulfill({ status: 302, headers: { location: edit(new URL(route.request().url())).toString() } });
    },
  );
}

/** Back on the sign-in page, not signed in, with the reason the check gave. */
async function expectRefused(page: Page, reason: RegExp) {
  await expect(page).toHaveURL(/\/signin\?/);
  await expect(page.getByTestId("signin-error")).toContainText("Sign-in with Corp SSO failed");
  await expect(page.getByTestId("signin-error")).toContainText(reason);
  await page.goto(at("/"));
  await expect(page).toHaveURL(/\/signin/);
}

test("sign in at the provider: the account is created with the roles its groups earn", async ({ page }) => {
  await signInAtProvider(page, "alice");
  await expect(page.getByTestId("current-user")).toHaveText("alice@corp.test");
  await expect(page.getByTestId("current-roles")).toHaveText("admin · approver@prod");
  await page.goto(at("/settings/users"));
  await expect(page.getByTestId("forbidden")).toHaveCount(0);
  await expect(page.getByText("alice@corp.test").first()).toBeVisible();
});

test("removed from platform-admins at the provider: admin is gone at the first request after the refresh interval", async ({ page }) => {
  op.accounts.set("alice", { email: "alice@corp.test", name: "Alice", groups: ["platform-admins", "team-a-release"] });
  await signInAtProvider(page, "alice");
  await expect(page.getByTestId("current-roles")).toHaveText("admin · approver@prod");

  op.accounts.set("alice", { email: "alice@corp.test", name: "Alice", groups: ["team-a-release"] });
  await page.waitForTimeout(REFRESH_SECONDS * 1000 + 500);
  await page.goto(at("/settings/users"));
  await expect(page.getByTestId("forbidden")).toBeVisible();
  await expect(page.getByTestId("current-roles")).toHaveText("approver@prod");
});

test("an account the provider no longer knows: the session ends at the next check", async ({ page }) => {
  op.accounts.set("bob", { email: "bob@corp.test", groups: ["team-a-release"] });
  await signInAtProvider(page, "bob");
  await expect(page.getByTestId("current-user")).toHaveText("bob@corp.test");
  op.accounts.delete("bob");
  await page.waitForTimeout(REFRESH_SECONDS * 1000 + 500);
  await page.goto(at("/"));
  await expect(page).toHaveURL(/\/signin/);
});

test("a tampered state is refused", async ({ page }) => {
  await tamperAuthorizationRequest(page, (u) => (u.searchParams.set("state", `${u.searchParams.get("state")}x`), u));
  await signInAtProvider(page, "alice");
  await expectRefused(page, /state mismatch/);
});

test("a wrong nonce in the ID token is refused", async ({ page }) => {
  await tamperAuthorizationRequest(page, (u) => (u.searchParams.set("nonce", "attacker-chosen-nonce"), u));
  await signInAtProvider(page, "alice");
  await expectRefused(page, /nonce mismatch.*got: attacker-chosen-nonce/);
});

test("a code issued by another issuer is refused", async ({ page }) => {
  await tamperAuthorizationRequest(page, (u) => new URL(`${u.pathname}${u.search}`, otherOp.issuer));
  await signInAtProvider(page, "alice");
  // RFC 9207: the provider names itself in the redirect (iss), and openid-client compares it.
  await expectRefused(page, new RegExp(`iss mismatch, expected ${op.issuer}, got: ${otherOp.issuer}`));
});

test("a code issued to another client is refused", async ({ page }) => {
  await tamperAuthorizationRequest(page, (u) => (u.searchParams.set("client_id", "other-app"), u));
  await signInAtProvider(page, "alice");
  // The provider refuses to hand other-app's code to dockmaster's credentials (the ID token's aud
  // check in openid-client is never reached: no token is issued).
  await expectRefused(page, /invalid_grant/);
});

test("auth.local: false: passwords are refused except the break-glass account's", async ({ page }) => {
  await page.goto(at("/signin"));
  // said to everyone before they type, so the refusal itself can look like any wrong password
  await expect(page.getByTestId("local-off-note")).toContainText("break-glass account only");
  await page.getByLabel("Email").fill("alice@corp.test");
  await page.getByLabel("Password").fill("whatever password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("signin-error")).toHaveText("Wrong email or password.");

  await page.getByLabel("Email").fill(BREAK_GLASS.email);
  await page.getByLabel("Password").fill(BREAK_GLASS.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toHaveText(BREAK_GLASS.email);
});

test("a wrong client secret is reported on the sign-in page, not a 500", async ({ page }) => {
  op.setClients(clients().map((c) => (c.clientId === "dockmaster" ? { ...c, clientSecret: "rotated-at-the-provider" } : c)));
  try {
    await signInAtProvider(page, "alice");
    await expect(page).toHaveURL(/\/signin\?/);
    await expect(page.getByTestId("signin-error")).toContainText(/Sign-in with Corp SSO failed: .*invalid_client/);
  } finally {
    op.setClients(clients());
  }
});

test("an unreachable issuer is reported on the sign-in page, not a 500", async ({ page }) => {
  await op.stop();
  await page.goto(at("/signin"));
  await page.getByRole("button", { name: "Sign in with Corp SSO" }).click();
  await expect(page).toHaveURL(/\/signin\?/);
  await expect(page.getByTestId("signin-error")).toContainText("Sign-in with Corp SSO is not available: the identity provider could not be reached");
  await expect(page.getByTestId("signin-error")).toContainText(/ECONNREFUSED|connect/);
});
