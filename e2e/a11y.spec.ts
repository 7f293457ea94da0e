import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import { A11Y_ADMIN, A11Y_APPROVER, appPages, seedContent, signInAs, startA11yEnv, type A11yEnv } from "./a11y-env";

/**
 * WCAG 2.1 AA (axe) and layout on every page, as an administrator and as a prod approver, in light
 * and dark mode, at desktop (1280×800) and phone (390×844) widths. The app is this spec's own
 * (worker-scoped) and seeded before the first test, so every page has content to check.
 */
type SeededEnv = A11yEnv & { promotionPath: string };

const test = base.extend<{ env: SeededEnv }, { a11yEnv: SeededEnv }>({
  // seeded once per worker (so a failed test, which restarts the worker, does not leave the next without content)
  a11yEnv: [
    async ({ browser }, use) => {
      const env = await startA11yEnv();
      const page = await browser.newPage({ baseURL: env.app.url });
      await signInAs(page, A11Y_ADMIN);
      const promotionPath = await seedContent(page);
      // the probes page shows measurements once the scheduler ran the targets (every 5 s)
      await expect(async () => {
        await page.goto("/probes");
        await expect(page.getByTestId("registry-card-local-dev").getByTestId("probe-dev-up")).toBeVisible({ timeout: 1000 });
      }).toPass({ timeout: 60_000 });
      await page.close();
      await use({ ...env, promotionPath });
      await env.stop();
    },
    { scope: "worker", timeout: 300_000 },
  ],
  env: async ({ a11yEnv }, use) => {
    await use(a11yEnv);
  },
  baseURL: async ({ a11yEnv }, use) => {
    await use(a11yEnv.app.url);
  },
});

const WIDTHS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const SCHEMES = ["light", "dark"] as const;

/** The serious and critical WCAG 2.1 A/AA violations on the page, one readable line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} × e.g. ${v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")} ${n.failureSummary?.split("\n").slice(1, 2).join("") ?? ""}`).join(" | ")}`);
}

/** Opens a page and waits until its streamed content replaced the skeletons. */
async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.getByTestId("page-skeleton").or(page.getByTestId("skeleton"))).toHaveCount(0, { timeout: 30_000 });
}

/**
 * "" when the page is no wider than the window (no horizontal page scrollbar); otherwise the widths and
 * the innermost elements sticking out, not counting those inside a box that scrolls or clips them.
 */
const overflows = (page: Page) =>
  page.evaluate(() => {
    const w = window.innerWidth;
    if (document.documentElement.scrollWidth <= w) return "";
    const out = (el: Element) => el.getBoundingClientRect().right > w + 1;
    const clipped = (el: Element) => {
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== "visible" && !out(a)) return true;
      return false;
    };
    const culprits = [...document.querySelectorAll("body *")].filter((el) => out(el) && ![...el.children].some(out) && !clipped(el));
    const name = (el: Element) => `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 5).join(".")} "${(el.textContent ?? "").trim().slice(0, 30)}"`;
    return `${document.documentElement.scrollWidth} > ${w}: ${culprits.slice(0, 4).map(name).join(" | ")}`;
  });

for (const who of [
  { role: "admin", account: A11Y_ADMIN },
  { role: "prod approver", account: A11Y_APPROVER },
]) {
  for (const scheme of SCHEMES) {
    for (const [widthName, viewport] of Object.entries(WIDTHS)) {
      test(`every page as ${who.role}, ${scheme} mode, ${widthName} ${viewport.width}×${viewport.height}: no serious axe violations, no page overflow, a page title`, async ({ browser, baseURL, env }) => {
        test.setTimeout(600_000);
        const ctx = await browser.newContext({ baseURL, viewport, colorScheme: scheme });
        const page = await ctx.newPage();
        await signInAs(page, who.account);
        for (const p of appPages(env, env.promotionPath)) {
          await open(page, p.path);
          const where = `${p.name} (${p.path})`;
          expect.soft(await page.title(), `${where}: its own title`).toMatch(/^\S.* · Dockmaster$/);
          expect.soft(await overflows(page), `${where}: wider than the window`).toBe("");
          expect.soft(await seriousViolations(page), `${where}: axe`).toEqual([]);
        }
        await ctx.close();
      });
    }
  }
}

for (const scheme of SCHEMES) {
  test(`the sign-in page in ${scheme} mode at both widths: no serious axe violations, no overflow, the email field focused`, async ({ browser, baseURL }) => {
    for (const viewport of Object.values(WIDTHS)) {
      const ctx = await browser.newContext({ baseURL, viewport, colorScheme: scheme });
      const page = await ctx.newPage();
      await page.goto("/signin");
      await expect(page.getByLabel("Email")).toBeFocused();
      await expect(page).toHaveTitle("Sign in · Dockmaster");
      expect.soft(await overflows(page)).toBe("");
      expect.soft(await seriousViolations(page)).toEqual([]);
      await ctx.close();
    }
  });
}

test("dark mode follows the system until a choice is made; the choice is kept and rendered by the server (no flash)", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL, colorScheme: "dark" });
  const page = await ctx.newPage();
  await signInAs(page, A11Y_ADMIN);
  const html = page.locator("html");
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const theme = page.getByRole("group", { name: "Colour theme" });
  // the radios are drawn as a segmented control: the visible label is what gets clicked
  const choose = async (name: string) => {
    await theme.getByText(name, { exact: true }).click();
    await expect(theme.getByRole("radio", { name })).toBeChecked();
  };
  await expect(theme.getByRole("radio", { name: "System" })).toBeChecked();
  const systemDark = await background();
  await page.emulateMedia({ colorScheme: "light" });
  const systemLight = await background();
  expect(systemLight).not.toBe(systemDark);

  await choose("Dark");
  await expect(html).toHaveClass(/\bdark\b/);
  expect(await background()).toBe(systemDark);
  // the server renders the choice into the first HTML byte, so no light frame shows before scripts run
  const served = await (await page.request.get("/promotions")).text();
  expect(served).toMatch(/<html[^>]*class="[^"]*\bdark\b/);
  await page.reload();
  await expect(theme.getByRole("radio", { name: "Dark" })).toBeChecked();
  expect(await background()).toBe(systemDark);

  await choose("Light");
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await background()).toBe(systemLight);
  await choose("System");
  expect(await background()).toBe(systemDark);
  await ctx.close();
});

test("at 390 px the navigation is behind a menu button that says whether it is open and closes on Escape and on navigation", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL, viewport: WIDTHS.phone });
  const page = await ctx.newPage();
  await signInAs(page, A11Y_ADMIN);
  const menu = page.getByRole("button", { name: "Menu" });
  const nav = page.getByRole("navigation", { name: "Main navigation" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(nav).toBeHidden();
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(nav).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeFocused();

  await menu.click();
  await nav.getByRole("link", { name: "Promotions" }).click();
  await expect(page).toHaveURL(/\/promotions$/);
  await expect(page).toHaveTitle("Promotions · Dockmaster");
  await expect(nav).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");

  // at desktop width the navigation is always there and there is no menu button
  await page.setViewportSize(WIDTHS.desktop);
  await expect(nav).toBeVisible();
  await expect(menu).toBeHidden();
  await ctx.close();
});

test("the first Tab reaches 'Skip to content', which moves focus past the navigation to the page", async ({ page }) => {
  await signInAs(page, A11Y_ADMIN);
  await open(page, "/promotions");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
  await page.keyboard.press("Tab");
  // the next stop is inside the page, not the navigation or the top bar
  expect(await page.evaluate(() => !!document.activeElement?.closest("main"))).toBe(true);
});

test("sortable columns tell assistive technology how the table is sorted", async ({ page }) => {
  await signInAs(page, A11Y_ADMIN);
  await open(page, "/registries/local-dev/repositories/dev/multi?sort=size&dir=desc");
  await expect(page.getByRole("columnheader", { name: /Size/ })).toHaveAttribute("aria-sort", "descending");
  await expect(page.getByRole("columnheader", { name: /Tag/ }).first()).toHaveAttribute("aria-sort", "none");
  await open(page, "/scans/artifact/local-dev/dev/vulnerable?ref=1.0");
  await expect(page.getByRole("columnheader", { name: /Severity/ })).toHaveAttribute("aria-sort", "descending");
});
