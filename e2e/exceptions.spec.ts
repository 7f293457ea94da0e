import { readFileSync } from "node:fs";
import path from "node:path";
import { createOciProvider } from "../lib/registry";
import { TRIVY_REPORT_ARTIFACT_TYPE } from "../lib/scan/referrers";
import { buildImage, buildReferrer } from "../test/harness/image-builder";
import { pushImage, pushReferrer } from "../test/harness/seed";
import { ADMIN, createUserViaUi, expect, signIn, signOut, syncNow, test } from "./fixtures";
import type { E2ESeed } from "./global-setup";

const seed = (): E2ESeed => JSON.parse(process.env.E2E_SEED!);
const APPROVER = { email: "exception-approver@e2e.test", password: "exception approver pw", role: "approver" };
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

test("an approver accepts a CVE from the scan view and sees it applied", async ({ page }) => {
  // an image in dev with a real Trivy report attached: CVE-2019-14697 (critical) in musl and musl-utils
  const dev = createOciProvider({ name: "dev", url: `http://${seed().devRegistry}`, auth: { kind: "anonymous" } });
  const image = buildImage({ layerCount: 1, layerSize: 300 });
  const digest = await pushImage(dev, "dev/vulnerable", image, "1.0");
  // Playwright loads specs as CommonJS, where import.meta does not exist: paths are from the repository root
  const report = readFileSync(path.join(process.cwd(), "test/sim/specs/trivy-v0.74.0-alpine-39-high-critical.json"));
  await pushReferrer(dev, "dev/vulnerable", buildReferrer(image.manifest, { artifactType: TRIVY_REPORT_ARTIFACT_TYPE, payload: report, payloadMediaType: "application/json" }));
  await dev.close();

  await signIn(page, ADMIN.email, ADMIN.password);
  await createUserViaUi(page, APPROVER);
  await signOut(page);
  await signIn(page, APPROVER.email, APPROVER.password);

  await page.goto("/scans/artifact/local-dev/dev/vulnerable?ref=1.0");
  await expect(page.getByTestId("finding-row")).toHaveCount(2);
  await page.getByRole("link", { name: "Accept CVE-2019-14697 in musl…" }).click();

  const form = page.getByRole("form", { name: "Accept a vulnerability" });
  await expect(form.getByLabel("Vulnerability id")).toHaveValue("CVE-2019-14697");
  await expect(form.getByLabel("Scope")).toHaveValue("digest");
  await expect(form.getByLabel("Digest", { exact: true })).toHaveValue(digest);
  await form.getByLabel(/^Reason/).fill("musl's DNS resolver is never used by this service");
  await form.getByLabel(/^Owner/).fill("alice");
  // too far away: refused on the server, next to the field, with everything typed still there
  await form.getByLabel(/^Expires on/).fill(day(200));
  await form.getByRole("button", { name: "Accept", exact: true }).click();
  await expect(form.getByText("is more than 90 days away")).toBeVisible();
  await expect(form.getByLabel(/^Reason/)).toHaveValue("musl's DNS resolver is never used by this service");
  await expect(form.getByLabel(/^Owner/)).toHaveValue("alice");

  await form.getByLabel(/^Expires on/).fill(day(30));
  await form.getByRole("button", { name: "Accept", exact: true }).click();

  // back on the scan: both findings accepted, none left counting
  await expect(page).toHaveURL(/\/scans\/artifact\/local-dev\/dev\/vulnerable/);
  const accepted = page.getByTestId("accepted-finding");
  await expect(accepted).toHaveCount(2);
  await expect(accepted.first()).toContainText(`CVE-2019-14697 accepted until ${day(30)} by ${APPROVER.email}: musl's DNS resolver is never used by this service`);
  await expect(page.getByTestId("scan-summary")).toContainText("2 accepted by exceptions");
  await expect(page.getByTestId("finding-row")).toHaveCount(0);

  // the worst-first list reads the inventory index: an admin syncs dev so the image's report is in it;
  // it counts what still counts, and the ledger lists the exception
  await signOut(page);
  await signIn(page, ADMIN.email, ADMIN.password);
  await syncNow(page, "dev");
  await page.goto("/scans?env=dev");
  await expect(page.getByTestId("env-scan-row").filter({ hasText: "dev/vulnerable" }).getByTestId("env-scan-accepted")).toHaveText("2 accepted by exceptions");
  await page.goto("/exceptions");
  const row = page.getByTestId("exception-row").filter({ hasText: "CVE-2019-14697" });
  await expect(row).toContainText("digest");
  await expect(row).toContainText("alice");
  await expect(row).toContainText(day(30));
});
