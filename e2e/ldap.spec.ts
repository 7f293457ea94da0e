/**
 * LDAP sign-in in the real browser against a real slapd (test/harness/slapd.ts): this spec runs its
 * own app configured with auth.ldap (search-then-bind) and access: rules, so roles come from the
 * directory's groups. Also: a wrong password's message, and the directory going down (clear message,
 * break-glass still signs in).
 */
import { expect, test, type Page } from "@playwright/test";
import { LDAP_BASE, LDAP_SERVICE, startSlapd, type RunningSlapd } from "../test/harness/slapd";
import { startApp, type AppServer } from "./app-server";

const BREAK_GLASS = { email: "ldap-breakglass@e2e.test", password: "ldap e2e break glass" };
const ALICE = { uid: "alice", password: "alice directory password", mail: "alice@corp.example", groups: ["platform-admins"] };
const BOB = { uid: "bob", password: "bob directory password", mail: "bob@corp.example", groups: ["team-a-release"] };
const FORM = "Sign in with Corp directory";

let slapd: RunningSlapd;
let app: AppServer;
const at = (p: string) => `${app.url}${p}`;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  slapd = await startSlapd([ALICE, BOB]);
  app = await startApp({
    configYaml: `registries: []
environments: []
auth:
  local: false
  breakGlass: ${BREAK_GLASS.email}
  ldap:
    name: Corp directory
    url: ${slapd.url}
    bindDN: ${LDAP_SERVICE.dn}
    bindPassword: \${E2E_LDAP_BIND_PASSWORD}
    userBase: ou=people,${LDAP_BASE}
    groupBase: ou=groups,${LDAP_BASE}
    timeoutMs: 3000
access:
  - { group: platform-admins, role: admin }
  - { group: team-a-release, role: viewer }
`,
    env: {
      DOCKMASTER_ADMIN_EMAIL: BREAK_GLASS.email,
      DOCKMASTER_ADMIN_PASSWORD: BREAK_GLASS.password,
      DOCKMASTER_SECRET_KEY: Buffer.alloc(32, 5).toString("base64"),
      NEXTAUTH_SECRET: "ldap-e2e-secret",
      E2E_LDAP_BIND_PASSWORD: LDAP_SERVICE.password,
    },
    log: (l) => process.env.E2E_VERBOSE && console.log(`[ldap app] ${l}`),
  });
});

test.afterAll(async () => {
  await app?.stop();
  await slapd?.stop();
});

async function ldapSignIn(page: Page, username: string, password: string) {
  await page.goto(at("/signin"));
  const form = page.getByRole("form", { name: FORM });
  await form.getByLabel("Username").fill(username);
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: FORM }).click();
  return form;
}

test("an admin by group signs in with the directory and manages users; group grants are read-only there", async ({ page }) => {
  await ldapSignIn(page, "alice", ALICE.password);
  await expect(page.getByTestId("current-user")).toHaveText(ALICE.mail);
  await expect(page.getByTestId("current-roles")).toContainText("admin");
  await page.getByRole("navigation", { name: "Main navigation" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings/);
  await expect(page.getByTestId("forbidden")).toHaveCount(0);
  await page.goto(at("/settings/users"));
  const row = page.getByTestId(`user-${ALICE.mail}`);
  await expect(row).toContainText("signs in with LDAP");
  await expect(row.getByTestId("group-grant")).toHaveText(/admin\s*from group platform-admins/);
  // read-only: the only Revoke buttons belong to stored grants, and alice has none
  await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);
});

test("a member of a viewer group signs in without admin rights: Settings → Users is refused", async ({ page }) => {
  await ldapSignIn(page, "bob", BOB.password);
  await expect(page.getByTestId("current-user")).toHaveText(BOB.mail);
  await expect(page.getByTestId("current-roles")).not.toContainText("admin");
  await page.goto(at("/settings/users"));
  await expect(page.getByTestId("forbidden")).toBeVisible();
  await expect(page.getByTestId("users-table")).toHaveCount(0);
});

test("a wrong password gets one plain message and no session", async ({ page }) => {
  const form = await ldapSignIn(page, "alice", "not her password");
  await expect(form.getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page).toHaveURL(/\/signin/);
  await page.goto(at("/"));
  await expect(page).toHaveURL(/\/signin/);
});

test("directory down: the form says so plainly, and the break-glass account still signs in", async ({ page }) => {
  await slapd.stop();
  const form = await ldapSignIn(page, "alice", ALICE.password);
  await expect(form.getByRole("alert")).toHaveText(`The directory (${slapd.url}) cannot be reached: connection refused; local accounts and the break-glass account still sign in.`);
  const local = page.getByRole("form", { name: "Sign in", exact: true });
  await local.getByLabel("Email").fill(BREAK_GLASS.email);
  await local.getByLabel("Password").fill(BREAK_GLASS.password);
  await local.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByTestId("current-user")).toHaveText(BREAK_GLASS.email);
});
