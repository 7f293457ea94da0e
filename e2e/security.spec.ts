import http from "node:http";
import type { AddressInfo } from "node:net";
import { ADMIN, createTokenViaUi, createUserViaUi, expect, signIn, test } from "./fixtures";

const DEV = { email: "sec-dev@e2e.test", password: "developer password" };
const APPROVER = { email: "sec-approver@e2e.test", password: "approver password" };

test.describe.configure({ mode: "serial" });

/** A page on another port of the same host: another origin, but the same site, so SameSite=Lax cookies still go along. */
async function attackerSite(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let devToken = "";

test("setup: a developer and a prod approver", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await createUserViaUi(page, { ...DEV, role: "developer" });
  await createUserViaUi(page, { ...APPROVER, role: "approver", scope: "prod" });
  await page.context().clearCookies();
  await signIn(page, DEV.email, DEV.password);
  devToken = await createTokenViaUi(page, "security-e2e");
});

test("CSRF: a page on another port cannot make a signed-in approver's browser approve (the review's attack)", async ({ browser, baseURL, request }) => {
  const requested = await request.post("/api/v1/promotions", {
    headers: { authorization: `Bearer ${devToken}` },
    data: { sourceEnv: "dev", repository: "dev/single", reference: "1.0.0", targetEnv: "prod", tag: "csrf-check", reason: "security e2e" },
  });
  expect(requested.status()).toBe(201);
  const number = (await requested.json()).number as number;

  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await signIn(page, APPROVER.email, APPROVER.password);
  const approve = `${baseURL}/api/v1/promotions/${number}/approve`;
  const attacker = await attackerSite(`<!doctype html><title>waiting</title><script>
    fetch(${JSON.stringify(approve)}, { method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: JSON.stringify({ comment: "pwned" }) })
      .then(() => { document.title = "sent"; }, (e) => { document.title = "error " + e; });
  </script>`);
  try {
    await page.goto(attacker.url);
    await expect(page).toHaveTitle("sent");
  } finally {
    await attacker.close();
  }

  // Nothing changed: still awaiting approval, no approval recorded.
  const after = await page.request.get(`/api/v1/promotions/${number}`);
  expect(after.status()).toBe(200);
  expect(await after.json()).toMatchObject({ status: "requested", approvals: [] });

  // The app's own page, same session, same kind of request as JSON: accepted (here: a rejection).
  await page.goto("/promotions");
  const own = await page.evaluate(async (url) => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reason: "not this one" }) });
    return res.status;
  }, `/api/v1/promotions/${number}/reject`);
  expect(own).toBe(200);
  expect(await (await page.request.get(`/api/v1/promotions/${number}`)).json()).toMatchObject({ status: "rejected" });
  await ctx.close();
});

test("sign-in never redirects off the site through callbackUrl", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  for (const callback of ["/%5C127.0.0.1:47611/x", "/%09/127.0.0.1:47611/x", "//evil.example/", "https://evil.example/", "javascript:alert(1)"]) {
    await page.context().clearCookies();
    await page.goto(`/signin?callbackUrl=${callback}`);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("current-user")).toHaveText(ADMIN.email);
    expect(new URL(page.url()).origin, callback).toBe(origin);
    // already signed in: the server-side redirect keeps to the site as well
    await page.goto(`/signin?callbackUrl=${callback}`);
    await expect(page.getByTestId("current-user")).toHaveText(ADMIN.email);
    expect(new URL(page.url()).origin, callback).toBe(origin);
  }
  // a path on the site is still honoured
  await page.context().clearCookies();
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("/audit?outcome=failure")}`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${origin}/audit?outcome=failure`);
});

test("pages carry a nonce-based CSP that Next's own scripts satisfy, and inline handlers are blocked", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const res = await page.goto("/signin");
  const csp = res!.headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res!.headers()["permissions-policy"]).toContain("camera=()");

  // the app works under the policy: sign in, navigate client-side, load client-fetched data
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Promotions" }).click();
  await expect(page).toHaveURL(/\/promotions$/);
  await page.goto("/probes");
  await page.goto("/registries");
  expect(await page.evaluate(() => [...document.scripts].every((s) => s.nonce !== ""))).toBe(true);
  expect(violations).toEqual([]);

  // markup that ever got injected could not run script: inline handlers are refused
  await page.evaluate(() => {
    const b = document.createElement("button");
    b.id = "injected";
    b.textContent = "injected";
    b.setAttribute("onclick", "window.__pwned = true");
    document.body.prepend(b);
  });
  await page.locator("#injected").click();
  expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();

  const api = await page.request.get("/api/v1/promotions");
  expect(api.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
});
