import { ADMIN, createTokenViaUi, createUserViaUi, expect, signIn, test } from "./fixtures";
import { readFile } from "node:fs/promises";

// Issue 15 items 5 and 6 in Chromium against the built app: scoped API tokens created in the UI and
// used over HTTP, revocation by the owner and by an admin, and the audit export download.
const OWNER = { email: "token-owner@e2e.test", password: "token owner password" };
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

test("scoped tokens: metrics scrapes /metrics and read cannot; a dev-only token cannot read prod; last use shown; the owner revokes", async ({ page, request }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  const scraper = await createTokenViaUi(page, "prometheus", { scopes: ["metrics"] });
  const reader = await createTokenViaUi(page, "dev-reader", { scopes: ["read"], environments: ["dev"], days: 7 });

  expect((await request.get("/metrics", { headers: bearer(scraper) })).status()).toBe(200);
  const noMetrics = await request.get("/metrics", { headers: bearer(reader) });
  expect(noMetrics.status()).toBe(403);
  expect((await noMetrics.json()).error).toContain('lacks the "metrics" scope needed for metrics.view');
  expect((await request.get("/api/v1/environments/dev/repositories", { headers: bearer(reader) })).status()).toBe(200);
  const prod = await request.get("/api/v1/environments/prod/repositories", { headers: bearer(reader) });
  expect(prod.status()).toBe(403);
  expect((await prod.json()).error).toContain('restricted to environment(s) dev, not "prod"');
  // a read token cannot ask for a promotion
  const promote = await request.post("/api/v1/promotions", { headers: bearer(reader), data: { sourceEnv: "dev", repository: "dev/single", reference: "1.0.0", targetEnv: "dev", tag: "x", reason: "e2e" } });
  expect(promote.status()).toBe(403);
  expect((await promote.json()).error).toContain('lacks the "promote" scope');

  await page.goto("/account/tokens");
  const mine = page.getByTestId("my-tokens");
  const scraperRow = mine.getByRole("row").filter({ hasText: "prometheus" });
  await expect(scraperRow).toContainText("metrics");
  await expect(scraperRow).toContainText(/from \S+/);
  const readerRow = mine.getByRole("row").filter({ hasText: "dev-reader" });
  await expect(readerRow).toContainText("only dev");
  await readerRow.getByRole("button", { name: "Revoke" }).click();
  // revoking cannot be undone: it asks first, naming the token
  await page.getByRole("dialog", { name: "Revoke token dev-reader?" }).getByRole("button", { name: "Revoke" }).click();
  await expect(readerRow).toContainText("revoked");
  const revoked = await request.get("/api/v1/environments/dev/repositories", { headers: bearer(reader) });
  expect(revoked.status()).toBe(401);
  expect((await revoked.json()).error).toContain('The API token "dev-reader" was revoked');
});

test("an admin sees and revokes another user's token", async ({ page, browser, baseURL, request }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await createUserViaUi(page, { ...OWNER, role: "developer" });
  const ctx = await browser.newContext({ baseURL });
  const owner = await ctx.newPage();
  await signIn(owner, OWNER.email, OWNER.password);
  const leaked = await createTokenViaUi(owner, "leaked-ci", { scopes: ["read"] });
  expect((await request.get("/api/v1/promotions", { headers: bearer(leaked) })).status()).toBe(200);

  await page.goto("/account/tokens");
  const row = page.getByTestId("all-tokens").getByRole("row").filter({ hasText: "leaked-ci" });
  await expect(row).toContainText(OWNER.email);
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog", { name: "Revoke token leaked-ci?" }).getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("all-tokens")).not.toContainText("leaked-ci");
  expect((await request.get("/api/v1/promotions", { headers: bearer(leaked) })).status()).toBe(401);
  await ctx.close();
});

test("the audit page exports its filtered view as CSV, and the export is audited", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/audit?action=token.");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^dockmaster-audit-.*\.csv$/);
  const lines = (await readFile((await file.path())!, "utf8")).trim().split("\r\n");
  expect(lines[0]).toBe("id,at,actor_email,actor_id,action,target_type,target_id,outcome,source_ip,detail");
  expect(lines.length).toBeGreaterThan(2);
  expect(lines.slice(1).every((l) => /,token\.(create|revoke),/.test(l))).toBe(true);

  await page.goto("/audit?action=audit.export");
  await expect(page.getByTestId("audit-table")).toContainText("audit.export");
  await expect(page.getByTestId("audit-table")).toContainText("token.");
});
