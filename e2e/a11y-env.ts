import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import { createOciProvider } from "../lib/registry";
import { TRIVY_REPORT_ARTIFACT_TYPE } from "../lib/scan/referrers";
import { freePort } from "../test/harness/free-port";
import { buildImage, buildReferrer } from "../test/harness/image-builder";
import { startRegistry } from "../test/harness/registry";
import { pushImage, pushReferrer, seedStandardImages } from "../test/harness/seed";
import { startApp, type AppServer } from "./app-server";

export const A11Y_ADMIN = { email: "a11y-admin@e2e.test", password: "a11y admin password" };
export const A11Y_APPROVER = { email: "a11y-approver@e2e.test", password: "a11y approver password" };

export interface A11yEnv {
  app: AppServer;
  multiArch: { repository: string; tag: string; digest: string };
  signed: { repository: string; tag: string; digest: string };
  stop(): Promise<void>;
}

/**
 * An app of its own for the accessibility and layout checks (and the README screenshots), so every
 * page has content whatever other specs did before: a dev registry with the standard images and one
 * carrying a real Trivy report, a protected prod registry, a dead registry, and probes every 5 s.
 */
export async function startA11yEnv(log?: (line: string) => void): Promise<A11yEnv> {
  const dev = await startRegistry({ auth: "none" });
  const prod = await startRegistry({ auth: "none" });
  const devProvider = createOciProvider({ name: "dev", url: dev.url, auth: { kind: "anonymous" } });
  const devSeed = await seedStandardImages(devProvider, { namespace: "dev" });
  await seedStandardImages(createOciProvider({ name: "prod", url: prod.url, auth: { kind: "anonymous" } }), { namespace: "prod" });
  // CVE-2019-14697 (critical) in musl and musl-utils: the scan pages show real findings
  const image = buildImage({ layerCount: 1, layerSize: 300 });
  await pushImage(devProvider, "dev/vulnerable", image, "1.0");
  // Playwright loads specs as CommonJS (no import.meta): paths are from the repository root
  const report = readFileSync(path.join(process.cwd(), "test/sim/specs/trivy-v0.74.0-alpine-39-high-critical.json"));
  await pushReferrer(devProvider, "dev/vulnerable", buildReferrer(image.manifest, { artifactType: TRIVY_REPORT_ARTIFACT_TYPE, payload: report, payloadMediaType: "application/json" }));
  await devProvider.close();
  const closed = await freePort();

  const app = await startApp({
    configYaml: `registries:
  - { name: local-dev, kind: oci, url: "${dev.url}" }
  - { name: local-prod, kind: oci, url: "${prod.url}" }
  - { name: offline, kind: oci, url: "http://127.0.0.1:${closed}" }
environments:
  - { name: dev, order: 1, registry: local-dev, namespace: dev }
  - { name: prod, order: 2, registry: local-prod, namespace: prod, protected: true }
probes:
  intervalSeconds: 5
  timeoutMs: 2000
  targets:
    - { name: dev-up, kind: reachability, registry: local-dev }
    - { name: dev-pull, kind: pull_latency, registry: local-dev, repository: dev/single, tag: "1.0.0" }
    - { name: offline-up, kind: reachability, registry: offline }
`,
    env: {
      DOCKMASTER_ADMIN_EMAIL: A11Y_ADMIN.email,
      DOCKMASTER_ADMIN_PASSWORD: A11Y_ADMIN.password,
      DOCKMASTER_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
      NEXTAUTH_SECRET: "e2e-a11y-secret",
      DOCKMASTER_DISABLE_SCHEDULER: "",
    },
    log: log ?? ((l) => process.env.E2E_VERBOSE && console.log(`[a11y-app] ${l}`)),
  });
  return {
    app,
    multiArch: devSeed.multiArch,
    signed: devSeed.signed,
    async stop() {
      await app.stop();
      await Promise.all([dev.stop(), prod.stop()]);
    },
  };
}

export async function signInAs(page: Page, who: { email: string; password: string }) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(who.email);
}

/**
 * The admin (signed in on `page`) gives the pages content: a prod approver, both environments read
 * into the index, and a promotion of dev/single 1.0.0 into prod awaiting a decision. Returns the
 * promotion page's path.
 */
export async function seedContent(page: Page): Promise<string> {
  await page.goto("/settings/users");
  const form = page.getByRole("form", { name: "Create user" });
  await form.getByLabel("Email").fill(A11Y_APPROVER.email);
  await form.getByLabel("Initial password").fill(A11Y_APPROVER.password);
  await form.getByLabel("Role").selectOption("approver");
  await form.getByLabel("Scope").selectOption({ label: "only prod" });
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByRole("status")).toHaveText(`Created ${A11Y_APPROVER.email}.`);

  for (const environment of ["dev", "prod"]) {
    await page.goto("/registries");
    const sync = page.getByRole("form", { name: `Sync ${environment} now` });
    await sync.getByRole("button", { name: "Sync now" }).click();
    await expect(sync.getByRole("status").or(sync.getByRole("alert"))).toBeVisible({ timeout: 60_000 });
  }

  await page.goto("/registries/local-dev/artifacts/dev/single?ref=1.0.0");
  await page.getByRole("link", { name: "Promote…" }).click();
  const request = page.getByRole("form", { name: "Request promotion" });
  await request.getByLabel("Reason").fill("release 1.0.0 to prod");
  await request.getByRole("button", { name: "Request promotion" }).click();
  await expect(page.getByTestId("promotion-status")).toHaveText("requested");
  return new URL(page.url()).pathname;
}

/** Every page of the app (app/(app) and the sign-in page), with the seeded content's addresses. */
export function appPages(env: A11yEnv, promotionPath: string): { name: string; path: string }[] {
  const digest = env.multiArch.digest;
  return [
    { name: "overview", path: "/" },
    { name: "registries", path: "/registries" },
    { name: "registry", path: "/registries/local-dev" },
    { name: "repository", path: "/registries/local-dev/repositories/dev/multi" },
    { name: "artifact (index)", path: `/registries/local-dev/artifacts/dev/multi?ref=${env.multiArch.tag}` },
    { name: "artifact (signed)", path: `/registries/local-dev/artifacts/dev/signed?ref=${env.signed.tag}` },
    { name: "indexed repository", path: `/inventory/repository?environment=dev&repository=dev/multi` },
    { name: "tag lifecycle", path: `/inventory/tag?environment=dev&repository=dev/multi&tag=${env.multiArch.tag}` },
    { name: "digest", path: `/inventory/digest/${encodeURIComponent(digest)}` },
    { name: "vulnerability", path: "/inventory/cve/CVE-2019-14697" },
    { name: "promotions", path: "/promotions" },
    { name: "promotion", path: promotionPath },
    { name: "request promotion", path: `/promotions/new?sourceEnv=dev&repository=dev/multi&reference=${env.multiArch.tag}&tag=${env.multiArch.tag}` },
    { name: "scans", path: "/scans" },
    { name: "scan", path: "/scans/artifact/local-dev/dev/vulnerable?ref=1.0" },
    { name: "replication", path: "/replication" },
    { name: "drift", path: "/replication/drift" },
    { name: "probes", path: "/probes" },
    { name: "manage probes", path: "/probes/manage" },
    { name: "audit", path: "/audit" },
    { name: "exceptions", path: "/exceptions" },
    { name: "retention", path: "/retention" },
    { name: "new exception", path: "/exceptions/new" },
    { name: "settings", path: "/settings" },
    { name: "settings: registries", path: "/settings/registries" },
    { name: "settings: users", path: "/settings/users" },
    { name: "settings: approval groups", path: "/settings/approval-groups" },
    { name: "account", path: "/account" },
    { name: "API tokens", path: "/account/tokens" },
  ];
}
