import type { E2ESeed } from "./global-setup";
import { ADMIN, E2E_EVENTS_SECRET, expect, signIn, test } from "./fixtures";

const seed = (): E2ESeed => JSON.parse(process.env.E2E_SEED!);

test("top-bar search finds a tag the registry announced; its lifecycle page shows the event", async ({ page, request }) => {
  const { repository, tag, digest } = seed().multiArch;
  // What the dev registry's notifications endpoint sends on a push (CNCF Distribution envelope).
  const pushed = await request.post("/api/v1/events/local-dev", {
    headers: { authorization: `Bearer ${E2E_EVENTS_SECRET}` },
    data: { events: [{ id: "e2e-push-1", action: "push", target: { mediaType: "application/vnd.oci.image.index.v1+json", digest, repository, tag } }] },
  });
  expect(pushed.status()).toBe(202);
  expect(await pushed.json()).toMatchObject({ applied: 1 });

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.locator("main").click();
  await page.keyboard.press("/");
  const box = page.getByRole("combobox", { name: "Search repositories, tags and digests" });
  await expect(box).toBeFocused();
  await box.fill(`${repository}:${tag}`);
  const option = page.getByRole("group", { name: "Tags" }).getByRole("option").filter({ hasText: `${repository}:${tag}` });
  await expect(option).toBeVisible();
  await box.press("ArrowDown");
  await box.press("ArrowUp");
  await expect(option).toHaveAttribute("aria-selected", "true");
  await box.press("Enter");

  await expect(page).toHaveURL(/\/inventory\/tag\?/);
  await expect(page.getByRole("heading", { name: `${repository}:${tag}` })).toBeVisible();
  const created = page.getByTestId("tag-events").locator("tbody tr[data-kind='created']");
  await expect(created).toHaveCount(1);
  await expect(created.locator(`[data-digest='${digest}']`)).toBeVisible();
});
