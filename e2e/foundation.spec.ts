import { ADMIN, expect, signIn, signOut, test } from "./fixtures";

const VIEWER = { email: "viewer@e2e.test", password: "viewer password 1" };

test("admin signs in, sees the shell, and signs out", async ({ page, browser, baseURL }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("current-user")).toHaveText(ADMIN.email);
  await expect(page.getByTestId("current-roles")).toHaveText("admin");
  const nav = page.getByRole("navigation", { name: "Main navigation" });
  for (const item of ["Environments", "Registries", "Promotions", "Scans", "Replication", "Probes", "Audit", "Settings"]) {
    await expect(nav.getByRole("link", { name: item })).toBeVisible();
  }
  await expect(page.getByRole("heading", { name: "Environments", exact: true })).toBeVisible();
  // A copy of the session cookie, taken before sign-out, must die with the session.
  const captured = await page.context().cookies();
  expect(captured.some((c) => c.name.endsWith("next-auth.session-token"))).toBe(true);
  await signOut(page);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/signin/);

  const replay = await browser.newContext({ baseURL });
  await replay.addCookies(captured);
  const rp = await replay.newPage();
  await rp.goto("/settings");
  await expect(rp).toHaveURL(/\/signin/);
  const api = await rp.request.get("/api/v1/promotions");
  expect(api.status()).toBe(401);
  await replay.close();
});

test("a wrong password shows an error and is audited", async ({ page }) => {
  await signIn(page, ADMIN.email, "not the password", { expectFailure: true });
  await expect(page.getByTestId("signin-error")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/signin/);

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/audit?action=auth.signin&outcome=failure");
  await expect(page.getByTestId("audit-table")).toContainText("wrong password");
  await expect(page.getByTestId("audit-table")).toContainText("127.0.0.1");
});

test("a viewer cannot reach admin pages by URL, nor run an admin action by posting it", async ({ page, browser, baseURL }) => {
  // The admin creates the viewer through the UI.
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/users");
  const create = page.getByRole("form", { name: "Create user" });
  await create.getByLabel("Email").fill(VIEWER.email);
  await create.getByLabel("Initial password").fill(VIEWER.password);
  await create.getByLabel("Role").selectOption("viewer");
  await create.getByRole("button", { name: "Create user" }).click();
  await expect(create.getByRole("status")).toHaveText(`Created ${VIEWER.email}.`);
  await expect(page.getByTestId(`user-${VIEWER.email}`)).toContainText("viewer");

  // Capture the exact form post the admin's browser would send for "create user".
  await create.getByLabel("Email").fill("mallory@e2e.test");
  await create.getByLabel("Initial password").fill("mallory password");
  await create.getByLabel("Role").selectOption("admin");
  const fields = await create.evaluate((f: HTMLFormElement) => [...new FormData(f).entries()].map(([k, v]) => [k, String(v)]));
  expect(fields.some(([k]) => k!.startsWith("$ACTION"))).toBe(true);

  const viewerCtx = await browser.newContext({ baseURL });
  const vp = await viewerCtx.newPage();
  await signIn(vp, VIEWER.email, VIEWER.password);
  await expect(vp.getByTestId("current-roles")).toHaveText("viewer");
  for (const url of ["/settings", "/settings/users", "/settings/registries", "/audit"]) {
    await vp.goto(url);
    await expect(vp.getByTestId("forbidden")).toBeVisible();
    await expect(vp.getByTestId("users-table")).toHaveCount(0);
  }
  // Replay the admin's form post with the viewer's session: the server must refuse it.
  const res = await vp.request.post("/settings/users", { multipart: Object.fromEntries(fields) });
  expect(res.status()).toBeLessThan(500);
  await viewerCtx.close();

  await page.goto("/settings/users");
  await expect(page.getByTestId("users-table")).not.toContainText("mallory@e2e.test");
  await page.goto("/audit?action=permission.denied");
  await expect(page.getByTestId("audit-table")).toContainText(VIEWER.email);
  await expect(page.getByTestId("audit-table")).toContainText("user.manage");
});
