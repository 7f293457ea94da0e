import { readFileSync } from "node:fs";
import path from "node:path";
import { createOciProvider } from "../lib/registry";
import { TRIVY_REPORT_ARTIFACT_TYPE } from "../lib/scan/referrers";
import { buildImage, buildReferrer } from "../test/harness/image-builder";
import { pushImage, pushReferrer } from "../test/harness/seed";
import { ADMIN, expect, signIn, syncNow, test } from "./fixtures";
import type { E2ESeed } from "./global-setup";

const seed = (): E2ESeed => JSON.parse(process.env.E2E_SEED!);

test.beforeAll(async () => {
  // A repository with several tags to filter, and one with a real Trivy report to export. Both live
  // outside every environment's namespace ("extra/"), so the other specs' per-environment counts stay as seeded.
  const dev = createOciProvider({ name: "dev", url: `http://${seed().devRegistry}`, auth: { kind: "anonymous" } });
  const image = buildImage({ layerCount: 1, layerSize: 200 });
  for (const tag of ["1.0", "1.1", "2.0-beta"]) await pushImage(dev, "extra/richbrowse", image, tag);
  const vulnerable = buildImage({ layerCount: 1, layerSize: 300 });
  await pushImage(dev, "extra/richvuln", vulnerable, "1.0");
  // Playwright loads specs as CommonJS, where import.meta does not exist: paths are from the repository root
  const report = readFileSync(path.join(process.cwd(), "test/sim/specs/trivy-v0.74.0-alpine-39-high-critical.json"));
  await pushReferrer(dev, "extra/richvuln", buildReferrer(vulnerable.manifest, { artifactType: TRIVY_REPORT_ARTIFACT_TYPE, payload: report, payloadMediaType: "application/json" }));
  await dev.close();
});

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
});

test("repository list from the index, counts that agree with the overview, breadcrumbs and the tag filter box", async ({ page }) => {
  const s = seed();
  await syncNow(page, "dev");
  // the overview and the repository page count the same tags: the referrers tag is hidden, and said so
  await page.goto("/");
  const overviewRow = page.getByRole("region", { name: "Environment dev" }).locator("li", { hasText: s.signed.repository });
  const overviewCount = Number((await overviewRow.locator("span").last().innerText()).match(/^(\d+) tag/)![1]);
  await page.goto(`/registries/local-dev/repositories/${s.signed.repository}`);
  await expect(page.getByTestId("tag-total")).toHaveText(`${overviewCount} ${overviewCount === 1 ? "tag" : "tags"} (+1 referrer tag hidden)`);

  // the catalog is cached for 30 s (lib/browse/cache.ts, served stale while refreshed): earlier specs
  // may have listed it before beforeAll pushed extra/richbrowse, so reload until it is there
  await page.goto("/registries/local-dev");
  await expect
    .poll(async () => {
      await page.reload();
      return page.getByTestId("repo-row-extra/richbrowse").count();
    }, { timeout: 75_000, intervals: [2000] })
    .toBe(1);
  // the index's columns for a repository of the synced dev environment, the same count as the overview
  const indexed = page.getByTestId(`repo-row-${s.signed.repository}`);
  await expect(indexed.getByTestId("repo-tag-count")).toHaveText(String(overviewCount));
  // a plain OCI registry reports no push time: the index's first sight of the tag, labelled so
  await expect(indexed.getByTestId("repo-last-push")).toContainText("(first seen)");
  await expect(indexed).toContainText("not scanned");
  // outside every environment: no index columns, and it says why
  const row = page.getByTestId("repo-row-extra/richbrowse");
  await expect(row).toContainText("not in a synced environment");

  await row.getByRole("link", { name: "extra/richbrowse" }).click();
  const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
  await expect(crumbs.getByRole("link")).toHaveText(["Registries", "local-dev", "extra"]);
  await expect(crumbs.locator('[aria-current="page"]')).toHaveText("richbrowse");

  const table = page.getByTestId("tags-table");
  await expect(table.locator("tbody tr:visible")).toHaveCount(3);
  await page.getByTestId("tags-table-filter").fill("1.");
  await expect(table.locator("tbody tr:visible")).toHaveCount(2);
  await expect(page.getByTestId("tags-table-filter-count")).toHaveText("2 of 3 shown on this page");
  await page.getByTestId("tags-table-filter").fill("beta");
  await expect(table.locator("tbody tr:visible")).toHaveCount(1);
  await expect(page.getByTestId("tag-row-2.0-beta")).toBeVisible();
  // the namespace crumb opens the registry's list under that namespace
  await crumbs.getByRole("link", { name: "extra", exact: true }).click();
  await expect(page).toHaveURL(/\/registries\/local-dev\?q=extra%2F$/);
  await expect(page.getByTestId("repo-total")).toContainText("2 repositories matching “extra/”");
});

test("copy buttons on docker pull by digest and by tag; a platform row opens the platform manifest", async ({ page, context }) => {
  const s = seed();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto(`/registries/local-dev/artifacts/${s.multiArch.repository}?ref=${s.multiArch.tag}`);
  const byDigest = `docker pull ${s.devRegistry}/${s.multiArch.repository}@${s.multiArch.digest}`;
  const byTag = `docker pull ${s.devRegistry}/${s.multiArch.repository}:${s.multiArch.tag}`;
  await expect(page.getByTestId("pull-by-tag")).toHaveText(byTag);
  await page.getByTestId("pull-command-copy").click();
  await expect(page.getByTestId("pull-command-copy")).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(byDigest);
  await page.getByTestId("pull-by-tag-copy").click();
  await expect(page.getByTestId("pull-by-tag-copy")).toHaveText("Copied");
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(byTag);
  // the "Copied" state goes away again
  await expect(page.getByTestId("pull-command-copy")).toHaveText("Copy", { timeout: 5000 });

  const first = page.getByTestId("platform-row").first();
  const platform = await first.getByTestId("platform-link").innerText();
  const platformDigest = await first.locator("[data-digest]").getAttribute("data-digest");
  await first.getByTestId("platform-link").click();
  await expect(page.getByTestId("artifact-digest")).toContainText(platformDigest!);
  // the platform's own image manifest, with its layers, not the index
  await expect(page.getByTestId("manifest-json")).toContainText('"layers"');
  await expect(page.getByTestId("manifest-json")).not.toContainText('"manifests"');
  const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
  await expect(crumbs.getByRole("link")).toHaveText(["Registries", "local-dev", "dev", "multi", s.multiArch.tag]);
  await expect(crumbs.locator('[aria-current="page"]')).toHaveText(platform);
  await crumbs.getByRole("link", { name: s.multiArch.tag }).click();
  await expect(page.getByTestId("platform-row")).toHaveCount(s.multiArch.platforms.length);
});

test("exports download as files: scan findings, the drift matrix and the promotion list", async ({ page }) => {
  await page.goto("/scans/artifact/local-dev/extra/richvuln?ref=1.0");
  const [findings] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(findings.suggestedFilename()).toMatch(/^findings-extra-richvuln-sha256-[0-9a-f]{12}\.csv$/);
  const csv = readFileSync((await findings.path())!, "utf8").split("\r\n");
  expect(csv[0]).toBe("id,severity,package,installedVersion,fixedVersion,cvssScore,title,status,acceptedBy,links");
  expect(csv.filter((l) => l.startsWith("CVE-2019-14697,critical,"))).toHaveLength(2);

  const [json] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-json").click()]);
  expect(json.suggestedFilename()).toMatch(/\.json$/);
  expect((JSON.parse(readFileSync((await json.path())!, "utf8")) as { id: string }[]).map((f) => f.id)).toContain("CVE-2019-14697");

  await page.goto("/replication/drift?show=all");
  const [drift] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(drift.suggestedFilename()).toBe("drift-all.csv");
  const driftLines = readFileSync((await drift.path())!, "utf8").split("\r\n");
  expect(driftLines[0]).toMatch(/^repository,tag,consistent,variants,dev,/);
  expect(driftLines.some((l) => l.startsWith(`multi,${seed().multiArch.tag},`))).toBe(true);

  await page.goto("/promotions");
  const [promotions] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(promotions.suggestedFilename()).toBe("promotions.csv");
  expect(readFileSync((await promotions.path())!, "utf8")).toMatch(/^number,status,sourceEnvironment,sourceRepository,digest,targetEnvironment,/);
});
