import path from "node:path";
import { test } from "@playwright/test";
import { A11Y_ADMIN, seedContent, signInAs, startA11yEnv } from "../e2e/a11y-env";

const OUT = path.join(process.cwd(), "docs/screenshots");
const WIDTHS = { 1280: { width: 1280, height: 800 }, 390: { width: 390, height: 844 } } as const;

test("README screenshots: overview, repository, promotion and probes at 1280 and 390 px, light and dark", async ({ browser }) => {
  test.setTimeout(600_000);
  const env = await startA11yEnv();
  try {
    const setup = await browser.newPage({ baseURL: env.app.url });
    await signInAs(setup, A11Y_ADMIN);
    const promotion = await seedContent(setup);
    // let the probes run a few times, so the charts have lines
    await setup.waitForTimeout(20_000);
    await setup.close();
    const pages = { overview: "/", repository: "/registries/local-dev/repositories/dev/multi", promotion, probes: "/probes?range=1h" };
    for (const scheme of ["light", "dark"] as const) {
      for (const [width, viewport] of Object.entries(WIDTHS)) {
        const ctx = await browser.newContext({ baseURL: env.app.url, viewport, colorScheme: scheme });
        const page = await ctx.newPage();
        await signInAs(page, A11Y_ADMIN);
        for (const [name, address] of Object.entries(pages)) {
          await page.goto(address);
          await page.getByTestId("page-skeleton").or(page.getByTestId("skeleton")).first().waitFor({ state: "detached" }).catch(() => undefined);
          await page.waitForLoadState("networkidle").catch(() => undefined);
          await page.screenshot({ path: path.join(OUT, `${name}-${width}-${scheme}.png`) });
        }
        await ctx.close();
      }
    }
  } finally {
    await env.stop();
  }
});
