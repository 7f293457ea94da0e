import { test as base, expect, type Page } from "@playwright/test";

export { expect };
export const ADMIN = { email: "admin@e2e.test", password: "e2e admin password" };

// The app's port is chosen by global-setup at run time, so the base URL comes from its environment.
export const test = base.extend({
  baseURL: async ({}, use) => {
    await use(process.env.E2E_BASE_URL);
  },
});

/** Signs in through the form; unless told the attempt should fail, waits until the shell shows the user. */
export async function signIn(page: Page, email: string, password: string, { expectFailure = false } = {}) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (!expectFailure) await expect(page.getByTestId("current-user")).toHaveText(email);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
}
