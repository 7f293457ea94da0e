import type { Browser } from "@playwright/test";
import type { E2ESeed } from "./global-setup";
import { ADMIN, createTokenViaUi, createUserViaUi, expect, signIn, test } from "./fixtures";

const seed = (): E2ESeed => JSON.parse(process.env.E2E_SEED!);
const DEV = { email: "developer@e2e.test", password: "developer password" };
const APPROVER = { email: "approver@e2e.test", password: "approver password" };

test.describe.configure({ mode: "serial" });

async function as(browser: Browser, baseURL: string | undefined, who: { email: string; password: string }) {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await signIn(page, who.email, who.password);
  return { ctx, page };
}

test("setup: the admin creates a developer and a prod approver", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await createUserViaUi(page, { ...DEV, role: "developer" });
  await createUserViaUi(page, { ...APPROVER, role: "approver", scope: "prod" });
  await createUserViaUi(page, { email: "approver-viewer@e2e.test", password: "unused password", role: "viewer" });
});

test("developer requests, another user approves, prod shows the new digest; rollback restores the old one", async ({ browser, baseURL }) => {
  const s = seed();
  const devSingle = { repository: "dev/single", tag: "1.0.0" };
  const dev = await as(browser, baseURL, DEV);
  await dev.page.goto(`/registries/local-dev/artifacts/${devSingle.repository}?ref=${devSingle.tag}`);
  const devDigest = (await dev.page.getByTestId("artifact-digest").locator("[data-digest]").getAttribute("data-digest"))!;
  await dev.page.getByRole("link", { name: "Promote…" }).click();
  const form = dev.page.getByRole("form", { name: "Request promotion" });
  await expect(form.getByLabel("To environment")).toHaveValue("prod");
  await form.getByLabel("Reason").fill("release 1.0.0 to prod");
  await form.getByRole("button", { name: "Request promotion" }).click();
  await expect(dev.page.getByTestId("promotion-status")).toHaveText("requested");
  await expect(dev.page.getByTestId("promotion-digest")).toContainText(devDigest);
  await expect(dev.page.getByText("You requested this promotion, so another approver must decide.")).toBeVisible();
  await expect(dev.page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  const url = dev.page.url();

  const appr = await as(browser, baseURL, APPROVER);
  await appr.page.goto("/promotions");
  await appr.page.getByTestId("queue-awaiting").getByRole("link", { name: /^#\d+$/ }).first().click();
  await expect(appr.page).toHaveURL(url);
  await appr.page.getByRole("form", { name: "Approve" }).getByRole("button", { name: "Approve" }).click();
  await expect(appr.page.getByTestId("promotion-status")).toHaveText("verified", { timeout: 30_000 });
  await expect(appr.page.getByTestId("timeline")).toContainText("now resolves to");
  await expect(appr.page.getByTestId("copy-progress")).toContainText("copied");

  await appr.page.goto(`/registries/local-prod/repositories/prod/single`);
  await expect(appr.page.getByTestId("tag-row-1.0.0").locator("[data-digest]")).toHaveAttribute("data-digest", devDigest);

  await appr.page.goto(url);
  const rollback = appr.page.getByRole("form", { name: "Roll back" });
  await rollback.getByLabel("Reason for rolling back").fill("smoke test failed");
  await rollback.getByRole("button", { name: "Roll back" }).click();
  // a roll back asks first, naming the promotion
  const confirmRollback = appr.page.getByRole("dialog", { name: /^Roll back promotion #\d+ \(prod\/single:1\.0\.0 in prod\)\?$/ });
  await confirmRollback.getByRole("button", { name: "Roll back" }).click();
  await expect(appr.page.getByTestId("promotion-status")).toHaveText("rolled back");
  await appr.page.goto(`/registries/local-prod/repositories/prod/single`);
  await expect(appr.page.getByTestId("tag-row-1.0.0").locator("[data-digest]")).toHaveAttribute("data-digest", s.prodSingle.digest);
  await dev.ctx.close();
  await appr.ctx.close();
});

test("a pipeline drives the REST API with API tokens; the server refuses viewers, bad tokens and a developer approving", async ({ browser, baseURL, request }) => {
  const s = seed();
  const dev = await as(browser, baseURL, DEV);
  const devToken = await createTokenViaUi(dev.page, "ci-pipeline");
  const appr = await as(browser, baseURL, APPROVER);
  const apprToken = await createTokenViaUi(appr.page, "release-bot");
  const viewer = await as(browser, baseURL, { email: "approver-viewer@e2e.test", password: "unused password" });
  const viewerToken = await createTokenViaUi(viewer.page, "curious");
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });

  const body = { sourceEnv: "dev", repository: s.multiArch.repository, reference: s.multiArch.digest, targetEnv: "prod", tag: "2.0.0", reason: "pipeline run 42" };
  const refused = await request.post("/api/v1/promotions", { headers: auth(viewerToken), data: body });
  expect(refused.status()).toBe(403);
  expect((await request.post("/api/v1/promotions", { headers: auth("dm_not-a-token"), data: body })).status()).toBe(401);
  expect((await request.post("/api/v1/promotions", { headers: auth(devToken), data: { ...body, tag: "bad tag!" } })).status()).toBe(400);

  const created = await request.post("/api/v1/promotions", { headers: auth(devToken), data: body });
  expect(created.status()).toBe(201);
  const p = await created.json();
  expect(p).toMatchObject({ status: "requested", digest: s.multiArch.digest, viaToken: "ci-pipeline", target: { repository: "prod/multi", tag: "2.0.0" } });

  const self = await request.post(`/api/v1/promotions/${p.id}/approve`, { headers: auth(devToken), data: {} });
  expect(self.status()).toBe(403);
  // The requester holds no approver role in prod, so the policy refuses before the self-approval rule
  // (which e2e test 2 and test/promotion/workflow.test.ts cover) is even reached.
  expect((await self.json()).error).toBe('You need the approver role (or higher) in environment prod to approve promotions.');

  const tooLong = await request.post(`/api/v1/promotions/${p.id}/approve`, { headers: auth(apprToken), data: { comment: "x".repeat(2001) } });
  expect(tooLong.status()).toBe(400);
  expect((await tooLong.json()).error).toMatch(/^invalid request: comment: /);

  const approved = await request.post(`/api/v1/promotions/${p.id}/approve`, { headers: auth(apprToken), data: { comment: "ship it" } });
  expect(approved.status()).toBe(200);
  let status = "";
  for (let i = 0; i < 60 && status !== "verified" && status !== "failed"; i++) {
    status = (await (await request.get(`/api/v1/promotions/${p.id}`, { headers: auth(devToken) })).json()).status;
    if (status !== "verified") await new Promise((r) => setTimeout(r, 250));
  }
  expect(status).toBe("verified");
  const final = await (await request.get(`/api/v1/promotions/${p.number}`, { headers: auth(devToken) })).json();
  expect(final.progress).toMatchObject({ blobsTotal: 6 });
  expect(final.events.map((e: { kind: string }) => e.kind)).toEqual(["request", "approve", "copy-start", "verified"]);
  for (const c of [dev, appr, viewer]) await c.ctx.close();
});
