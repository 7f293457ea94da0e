import { readFile } from "node:fs/promises";
import type { Browser } from "@playwright/test";
import { startApp, type AppServer } from "./app-server";
import type { E2ESeed } from "./global-setup";
import { ADMIN, createUserViaUi, expect, signIn, test } from "./fixtures";

// Change windows and approval groups need a policy of their own, so this spec runs its own app
// instance over the shared dev registry (prod is a namespace of the same registry) instead of
// changing the environments every other spec relies on.
const seed = (): E2ESeed => JSON.parse(process.env.E2E_SEED!);
const SEC = { email: "sec@policy.test", password: "security approver password" };
const REL = { email: "rel@policy.test", password: "release approver password" };
const DEV = { email: "dev@policy.test", password: "developer password" };

// the window opens only on the weekday three days from now, 09:00–10:00 Berlin time: closed now
const openDay = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Berlin", weekday: "short" }).format(new Date(Date.now() + 3 * 86_400_000)).toLowerCase();

let app: AppServer;
test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  app = await startApp({
    configYaml: `registries:
  - { name: local, kind: oci, url: "http://${seed().devRegistry}" }
environments:
  - { name: dev, order: 1, registry: local, namespace: dev }
  - name: prod
    order: 2
    registry: local
    namespace: policy-prod
    protected: true
    gates:
      approvals:
        groups:
          - { name: security, count: 1, members: [${SEC.email}] }
          - { name: release, count: 1 }
      windows:
        timeZone: Europe/Berlin
        allow: [{ days: [${openDay}], from: "09:00", to: "10:00" }]
`,
    env: { DOCKMASTER_ADMIN_EMAIL: ADMIN.email, DOCKMASTER_ADMIN_PASSWORD: ADMIN.password, DOCKMASTER_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"), NEXTAUTH_SECRET: "e2e-policy-secret" },
  });
});

test.afterAll(async () => {
  await app?.stop();
});

async function as(browser: Browser, who: { email: string; password: string }) {
  const ctx = await browser.newContext({ baseURL: app.url, acceptDownloads: true });
  const page = await ctx.newPage();
  await signIn(page, who.email, who.password);
  return { ctx, page };
}

test("the promotion page shows the group that still owes a decision, then the time the change window lets it run", async ({ browser }) => {
  const admin = await as(browser, ADMIN);
  await createUserViaUi(admin.page, { ...DEV, role: "developer" });
  await createUserViaUi(admin.page, { ...SEC, role: "approver", scope: "prod" });
  await createUserViaUi(admin.page, { ...REL, role: "approver", scope: "prod" });
  await admin.page.goto("/settings/approval-groups");
  await expect(admin.page.getByTestId("group-prod-security")).toContainText(`${SEC.email} dockmaster.yaml`);
  const add = admin.page.getByRole("form", { name: "Add a member to release in prod" });
  await add.getByLabel("Email").fill(REL.email);
  await add.getByRole("button", { name: "Add member" }).click();
  await expect(add.getByRole("status")).toHaveText(`Added ${REL.email} to release.`);

  const dev = await as(browser, DEV);
  await dev.page.goto("/promotions/new?sourceEnv=dev&targetEnv=prod&repository=dev/single&reference=1.0.0&tag=1.0.0");
  const form = dev.page.getByRole("form", { name: "Request promotion" });
  await form.getByLabel("Reason").fill("release with sign-off");
  await form.getByRole("button", { name: "Request promotion" }).click();
  await expect(dev.page.getByTestId("promotion-status")).toHaveText("requested");
  const url = dev.page.url();
  await expect(dev.page.getByTestId("group-owing")).toHaveCount(2);

  const sec = await as(browser, SEC);
  await sec.page.goto(url);
  await sec.page.getByRole("form", { name: "Approve" }).getByRole("button", { name: "Approve" }).click();
  await expect(sec.page.getByTestId("group-owing")).toHaveCount(1);
  await expect(sec.page.getByTestId("group-owing")).toContainText("release");
  await expect(sec.page.getByTestId("group-done")).toContainText(`security 1 of 1: ${SEC.email}`);
  await expect(sec.page.getByTestId("promotion-status")).toHaveText("requested");

  const rel = await as(browser, REL);
  await rel.page.goto(url);
  await rel.page.getByRole("form", { name: "Approve" }).getByRole("button", { name: "Approve" }).click();
  await expect(rel.page.getByTestId("promotion-status")).toHaveText("scheduled");
  await expect(rel.page.getByTestId("group-owing")).toHaveCount(0);
  const scheduled = rel.page.getByTestId("promotion-scheduled");
  await expect(scheduled).toContainText("runs at");
  await expect(scheduled).toContainText("09:00");
  await expect(scheduled).toContainText("(Europe/Berlin)");

  const [download] = await Promise.all([rel.page.waitForEvent("download"), rel.page.getByTestId("evidence-download").click()]);
  expect(download.suggestedFilename()).toMatch(/^promotion-\d+-evidence\.json$/);
  const evidence = JSON.parse(await readFile((await download.path())!, "utf8"));
  expect(evidence).toMatchObject({ window: { timeZone: "Europe/Berlin", open: false }, decision: { outcome: "scheduled", by: REL.email } });
  expect(evidence.approvals.groups.map((g: { name: string; approvedBy: string[] }) => [g.name, g.approvedBy])).toEqual([["security", [SEC.email]], ["release", [REL.email]]]);

  await admin.page.goto(url);
  const runNow = admin.page.getByRole("form", { name: "Run now, inside the closed change window" });
  await runNow.getByLabel("Written justification").fill("hotfix for incident 4711");
  await runNow.getByRole("button", { name: "Run now, inside the closed change window" }).click();
  await admin.page.getByRole("dialog", { name: /^Run promotion #\d+ .* now, inside the closed change window\?$/ }).getByRole("button", { name: "Run now" }).click();
  await expect(admin.page.getByTestId("promotion-status")).toHaveText("verified", { timeout: 30_000 });
  await expect(admin.page.getByTestId("timeline")).toContainText("ran inside the closed change window: hotfix for incident 4711");
  for (const c of [admin, dev, sec, rel]) await c.ctx.close();
});
