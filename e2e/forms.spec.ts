import type { E2ESeed } from "./global-setup";
import { ADMIN, expect, signIn, test } from "./fixtures";

const seed = (): E2ESeed => JSON.parse(process.env.E2E_SEED!);

test.describe.configure({ mode: "serial" });

test("a form refused by the server keeps every typed value except the password, and points at the field", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/users");
  const form = page.getByRole("form", { name: "Create user" });
  // the admin's own address: only the server knows it is taken
  await form.getByLabel("Email").fill(ADMIN.email);
  await form.getByLabel("Name", { exact: true }).fill("Kept Name");
  await form.getByLabel("Initial password").fill("a long enough password");
  await form.getByLabel("Role").selectOption("approver");
  await form.getByLabel("Scope").selectOption({ label: "only prod" });
  await form.getByRole("button", { name: "Create user" }).click();

  await expect(form.getByRole("alert")).toHaveText("Please correct the highlighted fields.");
  const email = form.getByLabel("Email");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(email).toHaveAccessibleDescription(`a user with email ${ADMIN.email} already exists`);
  await expect(email).toBeFocused();
  await expect(email).toHaveValue(ADMIN.email);
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("Kept Name");
  await expect(form.getByLabel("Role")).toHaveValue("approver");
  await expect(form.getByLabel("Scope").locator("option:checked")).toHaveText("only prod");
  await expect(form.getByLabel("Initial password")).toHaveValue("");
});

test("add registry: ECR asks for region and an access key pair; a taken name keeps the rest", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/registries");
  const form = page.getByRole("form", { name: "Add registry" });
  await expect(form.getByLabel("Username (optional)")).toBeVisible();
  await form.getByLabel("Kind").selectOption("ecr");
  await expect(form.getByLabel("Username (optional)")).toHaveCount(0);
  await expect(form.getByLabel("Password or token")).toHaveCount(0);
  await form.getByLabel("Name", { exact: true }).fill("local-dev");
  await form.getByLabel("URL", { exact: true }).fill("https://123456789012.dkr.ecr.eu-west-1.amazonaws.com");
  await form.getByLabel("AWS region").fill("eu-central-1");
  await form.getByLabel("Access key id").fill("AKIAE2EEXAMPLE");
  await form.getByLabel("Secret access key").fill("e2e-secret-access-key");
  await form.getByRole("button", { name: "Add registry" }).click();

  const name = form.getByLabel("Name", { exact: true });
  await expect(name).toHaveAccessibleDescription('a registry named "local-dev" already exists');
  await expect(name).toBeFocused();
  await expect(form.getByLabel("Kind")).toHaveValue("ecr");
  await expect(form.getByLabel("AWS region")).toHaveValue("eu-central-1");
  await expect(form.getByLabel("Access key id")).toHaveValue("AKIAE2EEXAMPLE");
  await expect(form.getByLabel("Secret access key")).toHaveValue("");
});

test("Test connection tries the typed values before saving and never repeats the password", async ({ page }) => {
  const s = seed();
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/registries");
  const form = page.getByRole("form", { name: "Add registry" });
  await form.getByLabel("URL", { exact: true }).fill(`http://${s.prodRegistry}`);
  await form.getByLabel("Username (optional)").fill("ci");
  await form.getByLabel("Password or token").fill("not-the-prod-password");
  await form.getByRole("button", { name: "Test connection" }).click();
  const result = form.getByTestId("connection-test");
  await expect(result).toContainText("rejected the credentials");
  await expect(result).not.toContainText("not-the-prod-password");

  await form.getByLabel("Password or token").fill("prod-registry-secret");
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(result).toHaveText(new RegExp(`^Connected to ${s.prodRegistry.replace(/\./g, "\\.")} in \\d+ ms: basic authentication accepted`));
  await expect(result).not.toContainText("prod-registry-secret");
  // nothing was saved
  await page.reload();
  await expect(page.getByRole("form", { name: "Remove registry new-registry" })).toHaveCount(0);
});

test("a duplicate pipeline order is refused beside the order field, keeping the other values", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/registries");
  const form = page.getByRole("form", { name: "Add environment" });
  // the next free place is proposed
  await expect(form.getByLabel("Pipeline order")).toHaveValue("4");
  await form.getByLabel("Name", { exact: true }).fill("qa");
  await form.getByLabel("Pipeline order").fill("1");
  await form.getByLabel("Namespace").fill("qa-space");
  await form.getByRole("button", { name: "Add environment" }).click();
  const order = form.getByLabel("Pipeline order");
  await expect(order).toHaveAttribute("aria-invalid", "true");
  await expect(order).toHaveAccessibleDescription(/^order 1 is already taken by environment "dev"/);
  await expect(form.getByLabel("Name", { exact: true })).toHaveValue("qa");
  await expect(form.getByLabel("Namespace")).toHaveValue("qa-space");
});

test("a promotion request for a missing tag points at the reference and keeps the reason", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/promotions/new?sourceEnv=dev&targetEnv=prod&repository=dev/single&reference=9.9.9&tag=9.9.9");
  const form = page.getByRole("form", { name: "Request promotion" });
  await form.getByLabel("Reason").fill("a reason worth keeping");
  await form.getByRole("button", { name: "Request promotion" }).click();
  const reference = form.getByLabel("Tag or digest");
  await expect(reference).toHaveAttribute("aria-invalid", "true");
  await expect(reference).toHaveAccessibleDescription("dev/single:9.9.9 does not exist in dev");
  await expect(form.getByLabel("Reason")).toHaveValue("a reason worth keeping");
  await expect(form.getByLabel("Tag in the target")).toHaveValue("9.9.9");
});

test("signing in from a deep link returns to it; a foreign callbackUrl lands on the home page", async ({ page }) => {
  await page.goto("/settings/registries?from=bookmark");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fsettings%2Fregistries%3Ffrom%3Dbookmark$/);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings\/registries\?from=bookmark$/);
  await expect(page.getByRole("heading", { name: "Registries and environments" })).toBeVisible();

  await page.context().clearCookies();
  await page.goto("/signin?callbackUrl=%2F%2Fevil.example%2Fsteal");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(ADMIN.email);
  expect(new URL(page.url()).pathname).toBe("/");
});

test("removing a registry asks first, naming it: cancel keeps it, confirm removes it", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/settings/registries");
  const add = page.getByRole("form", { name: "Add registry" });
  await add.getByLabel("Name", { exact: true }).fill("doomed-reg");
  await add.getByLabel("URL", { exact: true }).fill("http://127.0.0.1:9");
  await add.getByRole("button", { name: "Add registry" }).click();
  await expect(add.getByRole("status")).toHaveText("Registry doomed-reg added.");
  // a success empties the form for the next entry
  await expect(add.getByLabel("Name", { exact: true })).toHaveValue("");

  const remove = page.getByRole("form", { name: "Remove registry doomed-reg" });
  await remove.getByRole("button", { name: "Remove" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove registry doomed-reg?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await page.reload();
  await expect(page.getByRole("form", { name: "Remove registry doomed-reg" })).toBeVisible();

  await page.getByRole("form", { name: "Remove registry doomed-reg" }).getByRole("button", { name: "Remove" }).click();
  await page.getByRole("dialog", { name: "Remove registry doomed-reg?" }).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByRole("form", { name: "Remove registry doomed-reg" })).toHaveCount(0);
  await page.reload();
  await expect(page.getByText("doomed-reg")).toHaveCount(0);
});
