import { test as base, expect } from "@playwright/test";
import { createOciProvider } from "../lib/registry";
import { freePort } from "../test/harness/free-port";
import { buildImage } from "../test/harness/image-builder";
import { startRegistry, type RunningRegistry } from "../test/harness/registry";
import { pushImage } from "../test/harness/seed";
import { startWebhookReceiver } from "../test/probe/webhook-receiver";
import { startApp, type AppServer } from "./app-server";
import { signIn } from "./fixtures";

const ADMIN = { email: "probes-admin@e2e.test", password: "probes admin password" };

interface ProbesEnv {
  app: AppServer;
  hookBodies: { event: string; alert: { target: string; message: string } }[];
}

/**
 * This spec runs its own app (worker-scoped, started once): probe targets every 5 s against a live
 * docker-registry and a closed port, alerts posted to a webhook receiver on loopback.
 */
async function startProbesEnv(): Promise<ProbesEnv & { stop(): Promise<void> }> {
  const registry: RunningRegistry = await startRegistry();
  await pushImage(createOciProvider({ name: "live", url: registry.url, auth: { kind: "anonymous" } }), "team/app", buildImage({ layerCount: 1, layerSize: 512 * 1024 }), "1.0");
  const closed = await freePort();
  const hook = await startWebhookReceiver();
  const app = await startApp({
    configYaml: `registries:
  - { name: live, kind: oci, url: "${registry.url}" }
  - { name: dead, kind: oci, url: "http://127.0.0.1:${closed}" }
probes:
  intervalSeconds: 5
  timeoutMs: 2000
  webhook: { url: "\${E2E_PROBE_HOOK}" }
  targets:
    - { name: live-up, kind: reachability, registry: live }
    - { name: live-pull, kind: pull_latency, registry: live, repository: team/app, tag: "1.0" }
    - { name: dead-up, kind: reachability, registry: dead }
`,
    env: {
      DOCKMASTER_ADMIN_EMAIL: ADMIN.email,
      DOCKMASTER_ADMIN_PASSWORD: ADMIN.password,
      NEXTAUTH_SECRET: "e2e-probes-secret",
      E2E_PROBE_HOOK: hook.url,
      DOCKMASTER_DISABLE_SCHEDULER: "",
    },
    log: (l) => process.env.E2E_VERBOSE && console.log(`[probes-app] ${l}`),
  });
  return {
    app,
    hookBodies: hook.bodies as ProbesEnv["hookBodies"],
    async stop() {
      await app.stop();
      await registry.stop();
      await hook.stop();
    },
  };
}

const test = base.extend<{ env: ProbesEnv }, { probesEnv: ProbesEnv }>({
  probesEnv: [
    async ({}, use) => {
      const env = await startProbesEnv();
      await use(env);
      await env.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],
  env: async ({ probesEnv }, use) => {
    await use(probesEnv);
  },
  baseURL: async ({ probesEnv }, use) => {
    await use(probesEnv.app.url);
  },
});

test("the probes page shows the live registry green, the dead one red with its error, charts, and the alert", async ({ page, env }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/probes?range=1h");

  // every probe has run within an interval or two of start-up
  await expect(async () => {
    await page.reload();
    for (const [id, state] of [["probe-state-live-up", "green"], ["probe-state-live-pull", "green"], ["probe-state-dead-up", "red"]]) {
      await expect(page.getByTestId(id!)).toHaveAttribute("data-state", state!, { timeout: 500 });
    }
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId("registry-state-live")).toHaveAttribute("data-state", "green");
  await expect(page.getByTestId("registry-state-dead")).toHaveAttribute("data-state", "red");
  await expect(page.getByTestId("probe-error-dead-up")).toContainText(/unreachable: registry 127\.0\.0\.1:\d+ refused the connection/);
  await expect(page.getByTestId("failures")).toContainText("dead-up");

  const liveCard = page.getByTestId("registry-card-live");
  await expect(liveCard.getByTestId("latency-chart").locator("svg.recharts-surface[role='application']")).toBeVisible();
  await expect(liveCard.getByTestId("latency-chart").locator(".recharts-line")).toHaveCount(2); // one line per probe of the registry
  await expect(liveCard.getByTestId("success-chart").locator(".recharts-area")).toHaveCount(1);

  // three failures of dead-up at 5 s intervals open one alert, shown here, on the dashboard and sent to the webhook
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("alert-dead-up")).toContainText("dead-up failed 3 times in a row", { timeout: 1000 });
  }).toPass({ timeout: 45_000 });
  expect(env.hookBodies.filter((b) => b.event === "alert.firing").map((b) => b.alert.target)).toEqual(["dead-up"]);

  await page.getByTestId("alert-dead-up").getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByTestId("alert-dead-up")).toContainText(`acknowledged by ${ADMIN.email}`);
  // an acknowledged alert looks handled, and says when
  await expect(page.getByTestId("alert-dead-up")).toHaveAttribute("data-state", "acknowledged");
  await expect(page.getByTestId("alert-dead-up").getByTestId("acknowledged-by")).toContainText(/at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  // silenced for 4 hours: shown with who and until when
  const silence = page.getByRole("form", { name: "Silence the alert on dead-up" });
  await silence.getByLabel("Silence the alert on dead-up for").selectOption("4h");
  await silence.getByRole("button", { name: "Silence" }).click();
  await expect(silence.getByRole("status")).toContainText("Silenced until");
  await expect(page.getByTestId("alert-dead-up").getByTestId("silenced-until")).toContainText(`by ${ADMIN.email}`);

  await page.goto("/");
  await expect(page.getByTestId("dashboard-alerts")).toContainText("dead-up failed 3 times in a row");
});

test("/metrics serves Prometheus text to a signed-in user and refuses anonymous scrapes", async ({ page, playwright, env }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  // polled: on a fresh worker the app may have been up for less than one probe interval
  await expect(async () => {
    const res = await page.request.get("/metrics");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain('dockmaster_probe_up{target="live-up",kind="reachability",registry="live"} 1');
    expect(text).toContain('dockmaster_probe_up{target="dead-up",kind="reachability",registry="dead"} 0');
    expect(text).toMatch(/dockmaster_probe_runs_total\{target="dead-up",kind="reachability",registry="dead",result="fail",error_class="unreachable"\} \d+/);
  }).toPass({ timeout: 20_000 });

  // the JSON behind the page's refresh, for automation
  const overview = await (await page.request.get("/api/v1/probes?range=1h")).json();
  expect(overview.range).toBe("1h");
  expect(overview.groups.map((g: { registry: string; state: string }) => [g.registry, g.state])).toEqual([["dead", "red"], ["live", "green"]]);

  const anonymous = await playwright.request.newContext({ baseURL: env.app.url });
  expect((await anonymous.get("/metrics")).status()).toBe(401);
  expect((await anonymous.get("/api/v1/probes")).status()).toBe(401);
  await anonymous.dispose();
});

test("an administrator adds an alert rule in the UI; rules from dockmaster.yaml stay read-only", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/probes/manage");
  await expect(page.getByTestId("rule-consecutive-failures")).toContainText("dockmaster.yaml");
  await expect(page.getByTestId("webhook-status")).toContainText("(from ${E2E_PROBE_HOOK})");
  const form = page.getByRole("form", { name: "Add alert rule" });
  await form.getByLabel("Name").fill("slow-pulls");
  await form.getByLabel("Alert when").selectOption("p99_latency");
  await form.getByLabel("Threshold (failures, ms, % or days)").fill("750");
  await form.getByLabel("Probe").selectOption("live-pull");
  await form.getByRole("button", { name: "Add rule" }).click();
  await expect(form.getByRole("status")).toHaveText("Alert rule slow-pulls added.");
  await expect(page.getByTestId("rule-slow-pulls")).toContainText("p99 latency above (ms) 750 over 15 min on live-pull");
});
