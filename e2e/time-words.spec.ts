import { ADMIN, createUserViaUi, expect, signIn, test } from "./fixtures";

const PROD_APPROVER = { email: "tz-prod-approver@e2e.test", password: "tz prod approver password" };

async function chooseZone(page: import("@playwright/test").Page, zone: string) {
  await page.goto("/account");
  const form = page.getByRole("form", { name: "Time zone" });
  // the first option, value "", is "Browser": store nothing and follow the browser's zone
  await form.getByLabel("Time zone").selectOption(zone ? zone : { index: 0 });
  await form.getByRole("button", { name: "Save time zone" }).click();
  await expect(form.getByRole("status")).toHaveText(zone ? `Times are now shown in ${zone}.` : "Times now follow this browser's time zone.");
}

test("times follow the browser's zone until the person chooses one, and always name it", async ({ browser, baseURL }) => {
  const tokyo = await browser.newContext({ baseURL, timezoneId: "Asia/Tokyo" });
  const page = await tokyo.newPage();
  try {
    await signIn(page, ADMIN.email, ADMIN.password);
    const firstTime = page.getByTestId("audit-table").locator("time").first();

    // no stored choice: the browser reports Asia/Tokyo and the page renders in it
    await page.goto("/audit");
    await expect(firstTime).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} GMT\+9$/);
    const instant = await firstTime.getAttribute("datetime");
    expect(instant).toMatch(/Z$/);
    // the wall clock shown is the instant's, in Tokyo
    const shown = (await firstTime.textContent())!.slice(0, 19);
    expect(shown).toBe(new Date(Date.parse(instant!) + 9 * 3_600_000).toISOString().slice(0, 19).replace("T", " "));

    // the stored choice wins over the browser
    await chooseZone(page, "UTC");
    await page.goto("/audit");
    await expect(firstTime).toHaveText(/ UTC$/);
    expect(await firstTime.getAttribute("title")).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);

    await chooseZone(page, "Europe/Berlin");
    await page.goto("/audit");
    await expect(firstTime).toHaveText(/ CET$/);
  } finally {
    // back to "follow the browser", so later specs see their browser's zone
    await chooseZone(page, "");
    await tokyo.close();
  }
});

test("a prod approver is offered only what they can open, and refusals say which role is needed", async ({ page, browser, baseURL }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await createUserViaUi(page, { ...PROD_APPROVER, role: "approver", scope: "prod" });

  const ctx = await browser.newContext({ baseURL });
  const ap = await ctx.newPage();
  try {
    await signIn(ap, PROD_APPROVER.email, PROD_APPROVER.password);
    const nav = ap.getByRole("navigation", { name: "Main navigation" });
    await expect(nav.getByRole("link", { name: "Promotions" })).toBeVisible();
    for (const hidden of ["Scans", "Probes", "Replication", "Settings"]) await expect(nav.getByRole("link", { name: hidden })).toHaveCount(0);
    // typed by hand, a page still refuses, in plain words rather than an internal key
    await ap.goto("/settings");
    await expect(ap.getByTestId("forbidden")).toContainText("You need the admin role for all environments to change settings.");
    await expect(ap.getByTestId("forbidden")).not.toContainText("settings.manage");
  } finally {
    await ctx.close();
  }

  // the refusal's machine key stays in the audit row
  await page.goto("/audit?action=permission.denied");
  await expect(page.getByTestId("audit-table")).toContainText(PROD_APPROVER.email);
  await expect(page.getByTestId("audit-table")).toContainText("no role grants settings.manage");
});
