import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { createOciProvider, type RegistryProvider } from "../lib/registry";
import { TRIVY_REPORT_ARTIFACT_TYPE } from "../lib/scan/referrers";
import { buildImage, buildReferrer } from "../test/harness/image-builder";
import { pushImage, pushReferrer } from "../test/harness/seed";
import type { E2ESeed } from "./global-setup";
import { ADMIN, createUserViaUi, expect, signIn, syncNow, test } from "./fixtures";

/**
 * Issue 13 item 1: a prod approver, with no role in dev, opens the promotion, follows its links to the
 * dev artifact (with its signatures) and its scan, and approves; the queue badge counts what awaits
 * them; a requester withdraws; Roll back says why it is unavailable for a new tag.
 */
const seed = (): E2ESeed => JSON.parse(process.env.E2E_SEED!);
const REQUESTER = { email: "approver-spec-dev@e2e.test", password: "requester password" };
const PROD_APPROVER = { email: "approver-spec-prod@e2e.test", password: "prod approver password" };

test.describe.configure({ mode: "serial" });

/** Images of this spec's own (other specs count the seeded repositories' tags): dev's with a signature and a Trivy report, prod's older one. */
const REPO = { dev: "dev/approver-spec", prod: "prod/approver-spec", tag: "1.0" };
let devDigest = "";

async function pushScanned(provider: RegistryProvider, repository: string, report: string, signature: boolean): Promise<string> {
  const image = buildImage({ layerCount: 1, layerSize: 300 });
  const digest = await pushImage(provider, repository, image, REPO.tag);
  // Playwright loads specs as CommonJS (no import.meta): the fixtures' paths are from the repository root
  const payload = readFileSync(path.join(process.cwd(), "test/sim/specs", report));
  await pushReferrer(provider, repository, buildReferrer(image.manifest, { artifactType: TRIVY_REPORT_ARTIFACT_TYPE, payload, payloadMediaType: "application/json" }));
  if (signature) {
    const envelope = new TextEncoder().encode(JSON.stringify({ payload: "e30", signatures: [] }));
    await pushReferrer(provider, repository, buildReferrer(image.manifest, { artifactType: "application/vnd.cncf.notary.signature", payload: envelope, payloadMediaType: "application/jose+json" }));
  }
  return digest;
}

async function as(browser: Browser, baseURL: string | undefined, who: { email: string; password: string }) {
  const ctx = await browser.newContext({ baseURL });
  const page = await ctx.newPage();
  await signIn(page, who.email, who.password);
  return { ctx, page };
}

/** The number on the navigation's "Promotions" badge (none: 0). */
async function awaitingBadge(page: Page): Promise<number> {
  const badge = page.getByRole("navigation", { name: "Main navigation" }).getByTestId("nav-awaiting");
  return (await badge.count()) ? Number.parseInt((await badge.textContent()) ?? "", 10) : 0;
}

/** The requester asks for `reference` of `repository` in dev to become prod's `tag`; returns the promotion's address. */
async function request(page: Page, repository: string, reference: string, tag: string): Promise<string> {
  await page.goto(`/promotions/new?${new URLSearchParams({ sourceEnv: "dev", targetEnv: "prod", repository, reference, tag })}`);
  const form = page.getByRole("form", { name: "Request promotion" });
  await form.getByLabel("Reason").fill(`release ${tag} to prod`);
  await form.getByRole("button", { name: "Request promotion" }).click();
  await expect(page.getByTestId("promotion-status")).toHaveText("requested");
  return new URL(page.url()).pathname;
}

test("setup: images in dev and prod; the admin creates a requester and a prod-only approver, and indexes both", async ({ page }) => {
  const s = seed();
  const dev = createOciProvider({ name: "dev", url: `http://${s.devRegistry}`, auth: { kind: "anonymous" } });
  const prod = createOciProvider({ name: "prod", url: `http://${s.prodRegistry}`, auth: { kind: "basic", username: "ci", password: "prod-registry-secret" } });
  devDigest = await pushScanned(dev, REPO.dev, "trivy-v0.74.0-alpine-39-high-critical.json", true);
  await pushScanned(prod, REPO.prod, "trivy-v0.74.0-debian-buster.json", false);
  await Promise.all([dev.close(), prod.close()]);
  await signIn(page, ADMIN.email, ADMIN.password);
  await createUserViaUi(page, { ...REQUESTER, role: "developer" });
  await createUserViaUi(page, { ...PROD_APPROVER, role: "approver", scope: "prod" });
  await syncNow(page, "dev");
  await syncNow(page, "prod");
});

test("a prod approver opens the promotion, reads the dev artifact, its signatures and its scan, and approves", async ({ browser, baseURL }) => {
  const dev = await as(browser, baseURL, REQUESTER);
  const url = await request(dev.page, REPO.dev, devDigest, REPO.tag);
  const number = url.split("/").pop();

  const appr = await as(browser, baseURL, PROD_APPROVER);
  // the badge in the navigation and the notice on the home page count what awaits my decision
  await appr.page.goto("/");
  const awaiting = await awaitingBadge(appr.page);
  expect(awaiting).toBeGreaterThanOrEqual(1);
  await appr.page.getByTestId("home-awaiting").getByRole("link", { name: "Open the queue" }).click();
  await appr.page.getByTestId("queue-awaiting").getByRole("link", { name: `#${number}`, exact: true }).click();
  await expect(appr.page).toHaveURL(url);

  const review = appr.page.getByTestId("promotion-review");
  await expect(review.getByTestId("source-scan-summary")).toContainText("critical");
  await expect(review.getByTestId("target-diff")).toContainText(`Against what ${REPO.prod}:${REPO.tag} holds in prod now`);
  // prod's image was built apart from dev's: the digests differ, and the row says so
  await expect(review.getByTestId("target-diff").getByRole("row", { name: /^Digest/ })).toHaveAttribute("data-differs", "yes");
  // dev's musl CVE comes in; debian's go away
  await expect(review.getByTestId("cve-delta")).toContainText("New: CVE-2019-14697");
  await expect(review.getByTestId("cve-delta")).toContainText("Fixed: CVE-");

  // without the promotion, dev is closed to this approver: by tag (which may move) it stays closed
  await appr.page.goto(`/registries/local-dev/artifacts/${REPO.dev}?ref=${REPO.tag}`);
  await expect(appr.page.getByTestId("forbidden")).toContainText("You need the viewer role (or higher) for all environments to view registries.");
  await appr.page.goto(url);

  await review.getByRole("link", { name: "Source artifact in dev" }).click();
  await expect(appr.page.getByTestId("forbidden")).toHaveCount(0);
  await expect(appr.page.getByTestId("artifact-digest").locator("[data-digest]")).toHaveAttribute("data-digest", devDigest);
  await expect(appr.page.getByTestId("via-promotion")).toBeVisible();
  // its signature and its scan report, as referrers
  await expect(appr.page.getByTestId("referrer")).toHaveCount(2);
  await expect(appr.page.getByTestId("referrers")).toContainText("application/vnd.cncf.notary.signature");
  await expect(appr.page.getByRole("link", { name: "Promote…" })).toHaveCount(0);

  // from the artifact to its scan, and from the promotion page to the same scan
  await appr.page.getByTestId("via-promotion").getByRole("link", { name: "Its vulnerability scan" }).click();
  await expect(appr.page.getByRole("heading", { level: 1 })).toHaveText(`Scan of ${REPO.dev}@${devDigest.slice(0, 19)}`);
  await appr.page.goto(url);
  await review.getByRole("link", { name: "Scan of the source artifact" }).click();
  await expect(appr.page.getByTestId("forbidden")).toHaveCount(0);
  await expect(appr.page.getByRole("heading", { level: 1 })).toHaveText(`Scan of ${REPO.dev}@${devDigest.slice(0, 19)}`);
  await expect(appr.page.getByTestId("finding-row")).toHaveCount(2);
  // read-only: no "Accept…" of a finding
  await expect(appr.page.getByRole("link", { name: /^Accept / })).toHaveCount(0);

  await appr.page.goto(url);
  await appr.page.getByRole("form", { name: "Approve" }).getByRole("button", { name: "Approve" }).click();
  await expect(appr.page.getByTestId("promotion-status")).toHaveText("verified", { timeout: 30_000 });

  await appr.page.goto("/");
  expect(await awaitingBadge(appr.page)).toBe(awaiting - 1);

  // decided: the grant ends with it
  await appr.page.goto(`/registries/local-dev/artifacts/${REPO.dev}?ref=${encodeURIComponent(devDigest)}`);
  await expect(appr.page.getByTestId("forbidden")).toBeVisible();
  await dev.ctx.close();
  await appr.ctx.close();
});

test("the requester withdraws a request; a verified new tag explains why it cannot be rolled back", async ({ browser, baseURL }) => {
  const dev = await as(browser, baseURL, REQUESTER);
  const withdrawn = await request(dev.page, REPO.dev, devDigest, "withdrawn-1");
  const form = dev.page.getByRole("form", { name: "Withdraw request" });
  await form.getByLabel("Why (optional)").fill("wrong build");
  await form.getByRole("button", { name: "Withdraw request" }).click();
  // withdrawing cannot be undone: it asks first
  await dev.page.getByRole("dialog", { name: "Withdraw this promotion request?" }).getByRole("button", { name: "Withdraw" }).click();
  await expect(dev.page.getByTestId("promotion-status")).toHaveText("withdrawn");
  await expect(dev.page.getByTestId("timeline")).toContainText("withdrawn by the requester: wrong build");
  await expect(dev.page.getByRole("form", { name: "Withdraw request" })).toHaveCount(0);

  const fresh = await request(dev.page, REPO.dev, devDigest, "new-1");
  const appr = await as(browser, baseURL, PROD_APPROVER);
  await appr.page.goto(withdrawn);
  await expect(appr.page.getByRole("form", { name: "Approve" })).toHaveCount(0);
  await appr.page.goto(fresh);
  await expect(appr.page.getByTestId("target-diff")).toContainText(`${REPO.prod}:new-1 does not exist in prod yet`);
  await appr.page.getByRole("form", { name: "Approve" }).getByRole("button", { name: "Approve" }).click();
  await expect(appr.page.getByTestId("promotion-status")).toHaveText("verified", { timeout: 30_000 });
  await expect(appr.page.getByTestId("rollback-unavailable")).toHaveText(
    /^Roll back is unavailable: prod\/approver-spec:new-1 did not exist before promotion #\d+; there is no earlier digest to restore\.$/,
  );
  await expect(appr.page.getByRole("form", { name: "Roll back" })).toHaveCount(0);
  await dev.ctx.close();
  await appr.ctx.close();
});
