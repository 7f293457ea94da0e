import type { E2ESeed } from "./global-setup";
import { ADMIN, expect, signIn, syncNow, test } from "./fixtures";

const seed = (): E2ESeed => JSON.parse(process.env.E2E_SEED!);

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
});

test("environments overview: one column per environment in order, from the index, a down registry named in its own column", async ({ page }) => {
  for (const env of ["dev", "staging", "prod"]) await syncNow(page, env);
  await page.goto("/");
  const columns = page.locator("section[aria-label^='Environment ']");
  await expect(columns).toHaveCount(3);
  await expect(columns.nth(0)).toHaveAttribute("aria-label", "Environment dev");
  await expect(columns.nth(1)).toHaveAttribute("aria-label", "Environment staging");
  await expect(columns.nth(2)).toHaveAttribute("aria-label", "Environment prod");

  const dev = page.getByRole("region", { name: "Environment dev" });
  // the four seeded repositories, and any a spec that ran earlier pushed into dev (approver.spec's)
  expect(Number((await dev.getByTestId("repo-count").innerText()).match(/^(\d+) repositories$/)?.[1])).toBeGreaterThanOrEqual(4);
  await expect(dev.getByRole("link", { name: seed().multiArch.repository })).toBeVisible();

  await expect(dev.getByTestId("as-of-dev")).toContainText("as of");

  // the index has never read staging: its column says so, with the registry's error, rather than "0 repositories"
  const staging = page.getByRole("region", { name: "Environment staging" });
  await expect(staging.getByTestId("as-of-staging")).toHaveAttribute("data-state", "never");
  await expect(staging.getByTestId("as-of-staging")).toContainText("not indexed yet: the last sync failed");

  // prod uses Basic auth with the password from the environment.
  const prod = page.getByRole("region", { name: "Environment prod" });
  expect(Number((await prod.getByTestId("repo-count").innerText()).match(/^(\d+) repositories$/)?.[1])).toBeGreaterThanOrEqual(4);
});

test("browse from the registry list to a multi-arch tag: correct digest and platforms", async ({ page }) => {
  const s = seed();
  await page.goto("/registries");
  await expect(page.getByTestId("status-local-dev")).toContainText("up");
  await expect(page.getByTestId("status-offline")).toContainText("unreachable");
  await page.getByRole("link", { name: "local-dev" }).click();

  await page.getByLabel("Search repositories").fill("multi");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByTestId("repo-total")).toContainText("1 repository matching “multi”");
  await page.getByRole("link", { name: s.multiArch.repository }).click();

  const row = page.getByTestId(`tag-row-${s.multiArch.tag}`);
  await expect(row.locator("[data-digest]")).toHaveAttribute("data-digest", s.multiArch.digest);
  await expect(row).toContainText("OCI index");
  for (const p of s.multiArch.platforms) await expect(row).toContainText(p);

  await row.getByRole("link", { name: s.multiArch.tag }).click();
  await expect(page.getByTestId("artifact-digest")).toContainText(s.multiArch.digest);
  await expect(page.getByTestId("platform-row")).toHaveCount(s.multiArch.platforms.length);
  for (const p of s.multiArch.platforms) await expect(page.getByTestId("platforms")).toContainText(p);
  await expect(page.getByTestId("pull-command")).toHaveText(`docker pull ${s.devRegistry}/${s.multiArch.repository}@${s.multiArch.digest}`);
  await expect(page.getByTestId("manifest-json")).toContainText("application/vnd.oci.image.index.v1+json");
});

test("artifact page lists the signature and SBOM referrers", async ({ page }) => {
  const s = seed();
  await page.goto(`/registries/local-dev/artifacts/${s.signed.repository}?ref=${s.signed.tag}`);
  await expect(page.getByTestId("artifact-digest")).toContainText(s.signed.digest);
  await expect(page.getByTestId("referrer")).toHaveCount(2);
  for (const d of s.signed.referrers) await expect(page.getByTestId("referrers")).toContainText(d.slice(0, 19));
  await expect(page.getByTestId("referrers")).toContainText("application/vnd.dev.cosign.artifact.sig.v1+json");
  await expect(page.getByTestId("config")).toContainText("History");
});

test("a registry that is down shows which one and why, and the page still works", async ({ page }) => {
  await page.goto("/registries/offline");
  await expect(page.getByTestId("registry-error")).toContainText("Registry “offline”: unreachable");
  await expect(page.getByRole("navigation", { name: "Main navigation" })).toBeVisible();
  await page.goto(`/registries/local-prod/repositories/${seed().prodSingle.repository}`);
  await expect(page.getByTestId(`tag-row-${seed().prodSingle.tag}`).locator("[data-digest]")).toHaveAttribute("data-digest", seed().prodSingle.digest);
});
