import type { E2ESeed } from "./global-setup";
import { ADMIN, E2E_EVENTS_SECRET, expect, signIn, syncNow, test } from "./fixtures";

const seed = (): E2ESeed => JSON.parse(process.env.E2E_SEED!);

test("top-bar search finds a tag the registry announced; its lifecycle page shows it created and moved", async ({ page, request }) => {
  const { repository, tag, digest } = seed().multiArch;
  const other = seed().signed.digest;
  // What the dev registry's notifications endpoint sends on a push (CNCF Distribution envelope).
  const announce = async (id: string, pushedDigest: string) => {
    const res = await request.post("/api/v1/events/local-dev", {
      headers: { authorization: `Bearer ${E2E_EVENTS_SECRET}` },
      data: { events: [{ id, action: "push", target: { mediaType: "application/vnd.oci.image.index.v1+json", digest: pushedDigest, repository, tag } }] },
    });
    expect(res.status()).toBe(202);
    expect(await res.json()).toMatchObject({ applied: 1 });
  };
  await announce("e2e-push-1", digest);
  // The tag re-pointed: the index records a move. (The route's re-read of the repository may move it
  // back to what the registry really holds; either way a move between the two digests is recorded.)
  await announce("e2e-push-2", other);

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.locator("main").click();
  await page.keyboard.press("/");
  const box = page.getByRole("combobox", { name: "Search everywhere: repositories, tags and digests" });
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
  const moved = page.getByTestId("tag-events").locator("tbody tr[data-kind='moved']").first();
  await expect(moved.locator(`[data-digest='${digest}']`)).toBeVisible();
  await expect(moved.locator(`[data-digest='${other}']`)).toBeVisible();
});

test("the drift matrix reads the index: each column as of its last sync, a row of what the index holds", async ({ page }) => {
  const { repository, tag, digest } = seed().multiArch;
  await signIn(page, ADMIN.email, ADMIN.password);
  for (const env of ["dev", "prod"]) await syncNow(page, env);
  // the name inside dev's namespace is the row's name
  const relative = repository.replace(/^dev\//, "");
  await page.goto(`/replication/drift?${new URLSearchParams({ show: "all", q: relative })}`);
  await expect(page.getByTestId("as-of-dev")).toContainText("as of");
  await expect(page.getByTestId("as-of-prod")).toContainText("as of");
  const row = page.getByTestId("drift-row").filter({ hasText: `${relative}:${tag}` });
  await expect(row.locator("[data-env=dev]")).toHaveAttribute("data-digest", digest);
});
