import { createOciProvider } from "../lib/registry";
import { buildImage } from "../test/harness/image-builder";
import { pushImage } from "../test/harness/seed";
import { ADMIN, expect, signIn, syncNow, test } from "./fixtures";
import type { E2ESeed } from "./global-setup";

const seed = (): E2ESeed => JSON.parse(process.env.E2E_SEED!);

/**
 * Issue 14 in the browser: an admin computes a plan for dev from the index, sees what would go
 * (grouped by repository, with sizes), a digest running in prod saved with that reason, and the CSV;
 * nothing was deleted by the dry run. Then they execute it, confirming the hash: exactly the planned
 * tag leaves the registry, and its lifecycle page shows it deleted by retention.
 */
test("an admin previews a retention plan, sees a protected digest with its reason, executes it, and the tag's lifecycle shows the deletion", async ({ page }) => {
  const dev = createOciProvider({ name: "dev", url: `http://${seed().devRegistry}`, auth: { kind: "anonymous" } });
  const prod = createOciProvider({ name: "prod", url: `http://${seed().prodRegistry}`, auth: { kind: "basic", username: "ci", password: "prod-registry-secret" } });
  const images = [0, 1, 2].map(() => buildImage({ layerSize: 64 }));
  // one sync sees all three at once: equal push times, so keepLast keeps the first by name (a-keep)
  for (const [i, tag] of ["a-keep", "b-old", "c-prod"].entries()) await pushImage(dev, "dev/retention-demo", images[i]!, tag);
  await pushImage(prod, "prod/retention-demo", images[2]!, "1.0");
  await dev.close();
  await prod.close();

  await signIn(page, ADMIN.email, ADMIN.password);
  await syncNow(page, "prod");
  await syncNow(page, "dev");

  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Retention" }).click();
  await expect(page.getByTestId("retention-rules")).toContainText("rules[0] (retention-*)");
  await page.getByRole("form", { name: "Compute a retention plan for dev" }).getByRole("button", { name: "Compute plan" }).click();
  await expect(page).toHaveURL(/\/retention\?environment=dev&plan=/);

  const items = page.getByTestId("retention-items");
  await expect(items.locator('tbody[data-repository="dev/retention-demo"] tr')).toHaveCount(2); // the group row + b-old
  await expect(items).toContainText("b-old");
  await expect(items).not.toContainText("a-keep");
  const saved = page.getByTestId("retention-protected");
  await expect(saved.getByRole("row", { name: /c-prod/ })).toContainText("running in prod");
  await expect(page.getByTestId("retention-plan-hash")).toHaveText(/^[0-9a-f]{64}$/);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const csv = await (await download).createReadStream();
  let text = "";
  for await (const chunk of csv) text += chunk;
  expect(text).toMatch(/^action,repository,tag,digest,rule_or_reason,bytes,deletes_manifest,reclaimed_bytes,reclaimed_upper_bound\r\ndelete,dev\/retention-demo,b-old,sha256:/);
  expect(text).toContain("protected,dev/retention-demo,c-prod,");

  // a dry run: the registry still holds every tag
  const check = createOciProvider({ name: "dev", url: `http://${seed().devRegistry}`, auth: { kind: "anonymous" } });
  expect((await check.listTags("dev/retention-demo", { pageSize: 100 })).items.sort()).toEqual(["a-keep", "b-old", "c-prod"]);

  // execution: the admin types the start of the hash, confirms in the dialog naming the deletion
  const hash = (await page.getByTestId("retention-plan-hash").textContent())!;
  const execute = page.getByRole("form", { name: "Execute retention plan" });
  await execute.getByLabel(/^Type [0-9a-f]{12} /).fill(hash.slice(0, 12));
  await execute.getByRole("button", { name: "Delete 1 item in dev" }).click();
  await page.getByRole("dialog", { name: "Delete 1 item in dev?" }).getByRole("button", { name: "Delete" }).click();
  await expect
    .poll(async () => (await check.listTags("dev/retention-demo", { pageSize: 100 })).items.sort(), { timeout: 30_000 })
    .toEqual(["a-keep", "c-prod"]);
  await check.close();
  await expect
    .poll(async () => {
      await page.reload();
      return page.getByRole("region", { name: "Execution result" }).textContent();
    }, { timeout: 30_000 })
    .toMatch(/^executed: 1 deleted, 0 skipped, 0 failed/);

  await page.goto(`/inventory/tag?${new URLSearchParams({ environment: "dev", repository: "dev/retention-demo", tag: "b-old" })}`);
  await expect(page.getByTestId("tag-events").locator("tbody tr[data-kind='deleted']")).toContainText("retention");
});
