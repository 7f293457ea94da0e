/**
 * The signature gate in the browser: a promotion into an environment that requires a signature by the
 * "release" key shows every signature found with its verdict. Runs its own registry and app (the
 * suite's shared environments declare no signature gate). Signatures are made with Node's crypto in
 * cosign's on-registry form: the `cosign` CLI is not installed here.
 */
import crypto from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { createOciProvider, type RegistryProvider } from "../lib/registry";
import { buildSignatureManifest, pushSignature, sigTag, signPayload, simpleSigningPayload } from "../test/harness/cosign";
import { buildImage } from "../test/harness/image-builder";
import { startRegistry, type RunningRegistry } from "../test/harness/registry";
import { pushImage } from "../test/harness/seed";
import { startApp, type AppServer } from "./app-server";

const ADMIN = { email: "signatures-admin@e2e.test", password: "signatures e2e password" };
const release = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const stranger = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });

let reg: RunningRegistry;
let provider: RegistryProvider;
let app: AppServer;
const at = (p: string) => `${app.url}${p}`;
const digests: Record<string, string> = {};

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  reg = await startRegistry();
  provider = createOciProvider({ name: "sig", url: reg.url, auth: { kind: "anonymous" } });
  for (const tag of ["signed", "unsigned-by-us"]) {
    const image = buildImage({ layerCount: 1, layerSize: 128 });
    digests[tag] = await pushImage(provider, "dev/app", image, tag);
  }
  const sign = (key: crypto.KeyObject, digest: string, names = digest) => {
    const payload = simpleSigningPayload(names);
    return { payload, signature: signPayload(key, payload) };
  };
  const d = digests.signed!;
  // one manifest under the .sig tag with two signatures (cosign appends a layer per signing): ours and a stranger's
  await pushSignature(provider, "dev/app", buildSignatureManifest([sign(release.privateKey, d), sign(stranger.privateKey, d)]), sigTag(d));
  const u = digests["unsigned-by-us"]!;
  // a signature by our key, but copied from the other image: it names the other digest
  await pushSignature(provider, "dev/app", buildSignatureManifest([sign(release.privateKey, d)]), sigTag(u));

  app = await startApp({
    configYaml: `registries:
  - { name: local, kind: oci, url: "${reg.url}" }
environments:
  - { name: dev, order: 1, registry: local, namespace: dev }
  - name: prod
    order: 2
    registry: local
    namespace: prod
    gates:
      signature:
        keys: [{ name: release, publicKey: "\${E2E_COSIGN_PUB}" }]
        minSignatures: 1
      approvals: 1
`,
    env: {
      DOCKMASTER_ADMIN_EMAIL: ADMIN.email,
      DOCKMASTER_ADMIN_PASSWORD: ADMIN.password,
      DOCKMASTER_SECRET_KEY: Buffer.alloc(32, 5).toString("base64"),
      NEXTAUTH_SECRET: "signatures-e2e-secret",
      E2E_COSIGN_PUB: release.publicKey.export({ type: "spki", format: "pem" }).toString(),
    },
    log: (l) => process.env.E2E_VERBOSE && console.log(`[signatures app] ${l}`),
  });
});

test.afterAll(async () => {
  await app?.stop();
  await provider?.close();
  await reg?.stop();
});

async function requestPromotion(page: Page, tag: string) {
  await page.goto(at("/signin"));
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("current-user")).toHaveText(ADMIN.email);
  await page.goto(at(`/registries/local/artifacts/dev/app?ref=${tag}`));
  await page.getByRole("link", { name: "Promote…" }).click();
  const form = page.getByRole("form", { name: "Request promotion" });
  await expect(form.getByLabel("To environment")).toHaveValue("prod");
  await form.getByLabel("Tag in the target").fill(tag);
  await form.getByLabel("Reason").fill(`release ${tag}`);
  await form.getByRole("button", { name: "Request promotion" }).click();
  await expect(page.getByTestId("promotion-status")).toHaveText("requested");
}

test("the promotion page lists each signature with its verdict: the release key's counts, a stranger's does not", async ({ page }) => {
  await requestPromotion(page, "signed");
  const gate = page.getByTestId("gates").locator("li", { hasText: "Verified signature" }).first();
  await expect(gate).toContainText("pass");
  const verdicts = page.getByTestId("signature-verdict");
  await expect(verdicts).toHaveCount(2);
  await expect(verdicts.nth(0)).toContainText("verified");
  await expect(verdicts.nth(0)).toContainText("cosign · cosign .sig tag");
  await expect(verdicts.nth(0)).toContainText("signed by key release (ecdsa-p256)");
  await expect(verdicts.nth(1)).toContainText("does not count");
  await expect(verdicts.nth(1)).toContainText("unknown key: verifies with none of the configured keys (release)");
});

test("a signature copied from another image fails the gate as a payload digest mismatch", async ({ page }) => {
  await requestPromotion(page, "unsigned-by-us");
  await expect(page.getByTestId("gates").locator("li", { hasText: "Verified signature" }).first()).toContainText("fail");
  const verdicts = page.getByTestId("signature-verdict");
  await expect(verdicts).toHaveCount(1);
  await expect(verdicts.first()).toContainText(`payload digest mismatch (names ${digests.signed})`);
});
