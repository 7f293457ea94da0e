/**
 * Harbor, Amazon ECR and Docker Hub through their simulators (test/sim/world.ts), in the real browser:
 * browse one Harbor project, one ECR repository and one Hub repository, open a scan report, search a
 * CVE across environments, start a replication and open the drift matrix. This spec runs its own app
 * instance configured with the simulators; every simulator response is checked against its vendor spec.
 */
import { expect, test, type Page } from "@playwright/test";
import { startWorld, type World } from "../test/sim/world";
import { startApp, type AppServer } from "./app-server";

const ADMIN = { email: "providers-admin@e2e.test", password: "providers e2e password" };

let world: World;
let app: AppServer;

/** this spec's own app, not the suite's E2E_BASE_URL one */
const at = (p: string) => `${app.url}${p}`;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  world = await startWorld();
  app = await startApp({
    configYaml: world.configYaml,
    env: {
      DOCKMASTER_ADMIN_EMAIL: ADMIN.email,
      DOCKMASTER_ADMIN_PASSWORD: ADMIN.password,
      DOCKMASTER_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
      NEXTAUTH_SECRET: "providers-e2e-secret",
      ...world.env,
    },
    log: (l) => process.env.E2E_VERBOSE && console.log(`[providers app] ${l}`),
  });
});

test.afterAll(async () => {
  await app?.stop();
  const violations = world?.violations() ?? [];
  await world?.stop();
  expect(violations, "simulator responses that broke their vendor's spec").toEqual([]);
});

async function signIn(page: Page) {
  await page.goto(at("/signin"));
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(ADMIN.email);
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test("browse a Harbor project: quota, tags with immutability and the retention dry run", async ({ page }) => {
  await page.goto(at("/registries"));
  await page.getByRole("link", { name: "harbor", exact: true }).click();
  await expect(page.getByTestId("project-prod").getByTestId("quota")).toContainText("of 2.0 GiB");
  await expect(page.getByTestId("storage-volumes")).toContainText("60.0 GiB free of 100 GiB");
  await expect(page.getByTestId("project-prod").getByTestId("project-policies")).toContainText("Immutable: immutable_template repositories repoMatches ** tags matches 1.*");
  await page.getByRole("link", { name: "prod/web" }).click();

  await expect(page.getByTestId("lifecycle-policy")).toContainText("Retention policy: latestPushedK");
  const v11 = page.getByTestId("tag-row-1.1");
  await expect(v11.locator("[data-digest]")).toHaveAttribute("data-digest", world.digests["prod/web:1.1"]!);
  await expect(v11.getByTestId("lifecycle-immutable")).toHaveText("immutable");
  await expect(v11.getByTestId("lifecycle-pulled")).toContainText("2026-02-03");
  await expect(v11.getByTestId("lifecycle-removal")).toHaveText("kept");
  await expect(page.getByTestId("tag-row-1.0").getByTestId("lifecycle-removal")).toContainText("would be removed by retention dry run 2026-02-02");
});

test("browse an ECR repository: settings, pushed and pulled times, the lifecycle preview", async ({ page }) => {
  await page.goto(at("/registries/ecr"));
  await expect(page.getByTestId("repo-info-staging/web")).toContainText("tags immutable");
  await expect(page.getByTestId("repo-info-staging/web")).toContainText("scan on push");
  await page.getByRole("link", { name: "staging/web" }).click();
  await expect(page.getByTestId("lifecycle-policy")).toContainText("keep the last release");
  const v11 = page.getByTestId("tag-row-1.1");
  await expect(v11.locator("[data-digest]")).toHaveAttribute("data-digest", world.digests["staging/web:1.1"]!);
  await expect(v11.getByTestId("lifecycle-pushed")).toContainText("2026-01-12");
  await expect(v11.getByTestId("lifecycle-pulled")).toContainText("2026-02-02");
  await expect(page.getByTestId("tag-row-1.0").getByTestId("lifecycle-removal")).toContainText("would be removed by lifecycle rule 1");
});

test("browse a Docker Hub repository: rate limit, pull count, tag history", async ({ page }) => {
  await page.goto(at("/registries/hub"));
  const remaining = Number(await page.getByTestId("ratelimit-remaining").textContent());
  expect(remaining).toBeGreaterThan(0);
  expect(remaining).toBeLessThanOrEqual(87);
  await expect(page.getByTestId("rate-limit")).toContainText("of 100 pulls remaining per 6 h");
  await expect(page.getByTestId("repo-info-acme/web")).toContainText("4,321");
  await page.getByRole("link", { name: "acme/web" }).click();
  await expect(page.getByTestId("tags-table")).toContainText("2.0");
  const v10 = page.getByTestId("tag-row-1.0");
  await expect(v10.locator("[data-digest]")).toHaveAttribute("data-digest", world.digests["dev/web:1.0"]!);
  await expect(v10.getByTestId("lifecycle-pulled")).toContainText("2026-02-03");
  await expect(v10.getByTestId("lifecycle-immutable")).toHaveText("immutable");
});

test("replication: the drift matrix before and after Sync now, Harbor's failed run, a run started by the admin", async ({ page }) => {
  // nothing indexed yet (this runs before the scan tests below sync every environment): the matrix
  // says so and offers Sync now per environment instead of an empty table
  await page.goto(at("/replication/drift"));
  await expect(page.getByTestId("drift-not-indexed")).toBeVisible();
  for (const env of ["dev", "staging", "prod"]) {
    await page.getByRole("form", { name: `Sync ${env} now` }).getByRole("button", { name: "Sync now" }).click();
    await expect(page.getByTestId(`as-of-${env}`)).toHaveAttribute("data-state", "current", { timeout: 60_000 });
  }

  await page.goto(at("/replication"));
  await expect(page.getByTestId("replication-drift")).toContainText("3 shared tags, 2 mismatches");
  const harbor = page.getByTestId("replication-harbor");
  await expect(harbor.getByTestId("replication-execution").first()).toContainText("Failed");
  await expect(harbor.getByTestId("failed-task")).toContainText("prod/web:1.1");
  await expect(page.getByTestId("replication-ecr").getByTestId("image-replication-status")).toContainText("REPLICATION_FAILED");
  const before = world.harbor.startedExecutions.length;
  await harbor.getByRole("button", { name: "Run now" }).click();
  await expect(harbor.getByRole("status")).toContainText("Started execution");
  expect(world.harbor.startedExecutions.length).toBe(before + 1);

  await page.getByRole("link", { name: "Drift matrix" }).click();
  await expect(page.getByTestId("drift-summary")).toContainText("3 shared tags, 2 mismatches");
  const web11 = page.getByTestId("drift-row").filter({ hasText: "web:1.1" });
  await expect(web11).toHaveAttribute("data-consistent", "false");
  await expect(web11.locator("[data-env=prod]")).toHaveAttribute("data-digest", world.digests["prod/web:1.1"]!);
  await expect(web11.locator("[data-env=dev]")).toHaveAttribute("data-digest", world.digests["dev/web:1.1"]!);
  await expect(web11.locator("[data-env=prod]")).toHaveClass(/text-red-700/);
  await expect(page.getByTestId("drift-row").filter({ hasText: "web:1.0" })).toHaveAttribute("data-consistent", "true");
});

/** The Scans pages read the inventory index: each environment is synced once (scan reports come with it). */
async function syncAllOnce(page: Page) {
  await page.goto(at("/registries"));
  for (const env of ["dev", "staging", "prod"]) {
    const form = page.getByRole("form", { name: `Sync ${env} now` });
    await form.getByRole("button", { name: "Sync now" }).click();
    await expect(form.getByRole("status")).toBeVisible({ timeout: 60_000 });
  }
}

test("open a scan report from the environment's worst-first list, then filter and sort it", async ({ page }) => {
  await syncAllOnce(page);
  await page.goto(at("/scans?env=prod"));
  await expect(page.getByTestId("env-scans-as-of")).toContainText("as of 20");
  const rows = page.getByTestId("env-scan-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute("data-worst", "critical");
  await expect(rows.nth(1)).toHaveAttribute("data-worst", "high");
  await rows.nth(0).getByRole("link", { name: "prod/web" }).click();

  await expect(page.getByTestId("scan-summary")).toContainText("3 findings, 2 fixable · Trivy v0.50.0");
  await expect(page.getByTestId("artifact-metadata")).toContainText("release");
  const findings = page.getByTestId("finding-row");
  await expect(findings).toHaveCount(3);
  await expect(findings.first()).toHaveAttribute("data-cve", "CVE-2019-14697");
  await page.getByLabel("Fixable only").check();
  await expect(findings).toHaveCount(2);
  await expect(page.getByTestId("findings-table")).not.toContainText("CVE-2019-18276");
  await page.getByLabel("Fixable only").uncheck();
  await page.getByLabel("Only high").check();
  await expect(findings).toHaveCount(1);
  await expect(findings.first()).toHaveAttribute("data-cve", "CVE-2019-18276");
  await page.getByLabel("Only high").uncheck();
  await page.getByLabel("Filter by package").fill("ssl");
  await expect(findings).toHaveCount(1);
  await expect(findings.first()).toHaveAttribute("data-cve", "CVE-2019-1549");
  await page.getByLabel("Filter by package").fill("");
  await page.getByRole("button", { name: /Package/ }).click();
  await expect(findings.first()).toContainText("bash");
});

test("where is CVE-2019-14697: Hub (Trivy referrer), ECR and Harbor, from the index", async ({ page }) => {
  await page.goto(at("/scans"));
  await page.getByLabel("CVE id").fill("CVE-2019-14697");
  await page.getByRole("button", { name: "Find" }).click();
  await expect(page).toHaveURL(/\/inventory\/cve\/CVE-2019-14697$/);
  // dev acme/web:1.1 is the very image ECR scanned in staging: a scan belongs to the digest
  await expect(page.getByTestId("cve-summary")).toContainText("CVE-2019-14697: 4 images, 4 tags");
  const hits = page.getByTestId("cve-occurrence");
  await expect(hits).toHaveCount(5);
  await expect(hits.nth(0)).toContainText("acme/web:1.1");
  await expect(page.getByTestId("cve-occurrences")).toContainText("staging/web:1.1");
  await expect(page.getByTestId("cve-occurrences")).toContainText("prod/web:1.1");
});

// --- Harbor accounts with fewer rights (issue 16): the world's "harbor-guest" and "harbor-stale" registries
test("a Harbor guest account and rejected credentials: panels say 'not permitted', nothing fails", async ({ page }) => {
  await page.goto(at("/registries/harbor-guest"));
  const prod = page.getByTestId("project-prod");
  // a guest reads the quota, but not the retention or immutable-tag rules, nor the system volumes
  await expect(prod.getByTestId("quota")).toContainText("of 2.0 GiB");
  await expect(prod.getByTestId("project-policies")).toContainText("Retention: unknown (not permitted for this account)");
  await expect(prod.getByTestId("project-policies")).toContainText("Immutable tags: unknown (not permitted for this account)");
  await expect(page.getByTestId("storage-volumes")).toContainText("Storage volumes: not permitted for this account");
  await expect(page.getByTestId("registry-error")).toHaveCount(0);
  await expect(page.getByTestId("credentials-rejected")).toHaveCount(0);
  await page.getByRole("link", { name: "prod/web" }).click();
  await expect(page.getByTestId("lifecycle-policy")).toContainText("Retention policy: unknown · not permitted for this account");
  await expect(page.getByTestId("tag-row-1.1").getByTestId("lifecycle-immutable")).toHaveText("immutable");

  // a password Harbor no longer accepts: public content still lists, the page says why it is partial
  await page.goto(at("/registries/harbor-stale"));
  await expect(page.getByTestId("credentials-rejected")).toContainText("credentials rejected (Harbor answered as anonymous)");
  await expect(page.getByTestId("project-prod").getByTestId("quota")).toContainText("unknown");

  await page.goto(at("/replication"));
  await expect(page.getByTestId("replication-harbor-guest").getByTestId("not-permitted")).toContainText("Replication: not permitted for this account");
  // rejected credentials are not a missing permission: the registry's 401 is shown as such
  await expect(page.getByTestId("replication-harbor-stale").getByTestId("registry-error")).toContainText("unauthorized");
  // the admin account on the same Harbor still sees its policy
  await expect(page.getByTestId("replication-harbor").getByTestId("replication-policy")).toHaveCount(1);
});
