import type { E2ESeed } from "./global-setup";
import { ADMIN, expect, signIn, test } from "./fixtures";

const seed = (): E2ESeed => JSON.parse(process.env.E2E_SEED!);

test("an unknown address is a 404 page inside the shell; a missing tag names itself", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  // The status stays 200: the app's loading.tsx streams every page, and a notFound() after the stream
  // has started can only mark the page noindex (Next's documented behaviour), so the page itself is checked.
  await page.goto("/no/such/page");
  await expect(page.locator('meta[name="robots"][content="noindex"]').first()).toBeAttached();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await expect(page.getByTestId("not-found-message")).toHaveText("There is no page at this address. The link may be old, or what it named was removed.");
  // inside the app's shell: the navigation and the signed-in user are there
  await expect(page.getByRole("navigation", { name: "Main navigation" })).toBeVisible();
  await expect(page.getByTestId("current-user")).toHaveText(ADMIN.email);
  // no script the runtime adds for the 404 without the CSP nonce (a client component in not-found.tsx would be one)
  expect(await page.evaluate(() => [...document.scripts].every((s) => s.nonce !== ""))).toBe(true);
  await page.getByRole("link", { name: "Registries" }).last().click();
  await expect(page).toHaveURL(/\/registries$/);

  const repo = seed().multiArch.repository;
  await page.goto(`/registries/local-dev/artifacts/${repo}?ref=9.9`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Tag not found");
  await expect(page.getByTestId("not-found-message")).toHaveText(`tag 9.9 does not exist in ${repo} on registry “local-dev”.`);
  await expect(page.getByTestId("registry-error")).toHaveCount(0);
  await expect(page.getByTestId("current-user")).toHaveText(ADMIN.email);

  // an unknown API address stays an API answer, not the HTML page
  const api = await page.request.get("/api/v1/no-such-endpoint");
  expect(api.status()).toBe(404);
  expect(await api.json()).toEqual({ error: "no API endpoint GET /api/v1/no-such-endpoint" });

  await page.goto(`/scans/artifact/local-dev/${repo}?ref=9.9`);
  await expect(page.getByTestId("not-found-message")).toHaveText(`tag 9.9 does not exist in ${repo} on registry “local-dev”.`);
});
