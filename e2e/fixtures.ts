import { test as base, expect, type Page } from "@playwright/test";

export { expect };
export const ADMIN = { email: "admin@e2e.test", password: "e2e admin password" };
/** The events secret of the dev registry (global-setup's dockmaster.yaml): specs post Distribution notifications with it. */
export const E2E_EVENTS_SECRET = "e2e-events-secret";

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
  // exact: Settings → Users also has "Sign out everywhere" buttons.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin/);
}

/** The admin (already signed in on `page`) creates an account through Settings → Users. */
export async function createUserViaUi(page: Page, user: { email: string; password: string; role: string; scope?: string }) {
  await page.goto("/settings/users");
  const form = page.getByRole("form", { name: "Create user" });
  await form.getByLabel("Email").fill(user.email);
  await form.getByLabel("Initial password").fill(user.password);
  await form.getByLabel("Role").selectOption(user.role);
  await form.getByLabel("Scope").selectOption(user.scope ? { label: `only ${user.scope}` } : { label: "All environments (global)" });
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByRole("status")).toHaveText(`Created ${user.email}.`);
}

/**
 * The signed-in user creates an API token in the UI and returns it: with these scopes (by default
 * what a pipeline needs to request and approve promotions), and only in these environments if given.
 */
export async function createTokenViaUi(page: Page, name: string, opts: { scopes?: string[]; environments?: string[]; days?: number } = {}): Promise<string> {
  const scopes = opts.scopes ?? ["read", "promote", "approve"];
  await page.goto("/account/tokens");
  const form = page.getByRole("form", { name: "Create API token" });
  await form.getByLabel("Name").fill(name);
  if (opts.days) await form.getByLabel(/^Expires in days/).fill(String(opts.days));
  for (const scope of ["read", "promote", "approve", "metrics", "events", "admin"]) {
    await form.getByRole("checkbox", { name: new RegExp(`^${scope} \\(`) }).setChecked(scopes.includes(scope));
  }
  for (const env of opts.environments ?? []) await form.getByRole("checkbox", { name: env, exact: true }).check();
  await form.getByRole("button", { name: "Create token" }).click();
  const text = await form.getByRole("status").textContent();
  const token = /(dm_[A-Za-z0-9_-]+)/.exec(text ?? "")?.[1];
  if (!token) throw new Error(`no token in: ${text}`);
  return token;
}

/**
 * The admin (signed in on `page`) reads an environment into the inventory index now, with Sync now
 * under Registries, and waits for the outcome (an unreachable registry's failure counts as one too).
 */
export async function syncNow(page: Page, environment: string) {
  await page.goto("/registries");
  const form = page.getByRole("form", { name: `Sync ${environment} now` });
  await form.getByRole("button", { name: "Sync now" }).click();
  await expect(form.getByRole("status").or(form.getByRole("alert"))).toBeVisible({ timeout: 60_000 });
}
