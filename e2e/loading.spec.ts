import { ADMIN, expect, signIn, test } from "./fixtures";

/**
 * Issue #13 "Loading is visible". Observed during real navigations and real responses, no delays
 * added: the shell's progress indicator turns busy on a link click and idle once the new page is
 * rendered, and a page's streamed HTML carries its labelled skeleton (role=status) ahead of the data.
 */
test("a navigation shows the progress indicator until the new page is rendered", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByRole("heading", { name: "Environments", exact: true })).toBeVisible();
  const indicator = page.getByTestId("navigation-progress");
  await expect(indicator).toHaveAttribute("data-state", "idle");
  // record every state the indicator takes, from before the click on
  await indicator.evaluate((el) => {
    const w = window as unknown as { progressStates: string[] };
    w.progressStates = [el.getAttribute("data-state") ?? ""];
    new MutationObserver(() => w.progressStates.push(`${el.getAttribute("data-state")}:${el.getAttribute("aria-busy")}`)).observe(el, { attributes: true });
  });
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Probes" }).click();
  await expect(page.getByRole("heading", { name: "Probes", exact: true })).toBeVisible();
  await expect(indicator).toHaveAttribute("data-state", "idle");
  const states = await page.evaluate(() => (window as unknown as { progressStates: string[] }).progressStates);
  expect(states).toContain("loading:true");
  expect(states.at(-1)).toBe("idle:false");
  // the document was never reloaded: the recorder set up before the click is still there
  expect(states[0]).toBe("idle");
});

test("the Probes page streams a labelled skeleton before its measurements", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  const res = await page.request.get("/probes");
  expect(res.status()).toBe(200);
  const html = await res.text();
  const skeleton = html.indexOf('aria-label="Loading probes…"');
  expect(skeleton).toBeGreaterThan(-1);
  expect(html.slice(html.lastIndexOf("<div", skeleton), skeleton)).toContain('role="status"');
  // the heading comes first, the dashboard (streamed later in the same response) after the skeleton
  expect(html.indexOf(">Probes</h1>")).toBeLessThan(skeleton);
  await page.goto("/probes");
  await expect(page.getByRole("status", { name: "Loading probes…" })).toHaveCount(0);
});
