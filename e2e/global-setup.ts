import { createOciProvider } from "../lib/registry";
import { freePort } from "../test/harness/free-port";
import { startRegistry } from "../test/harness/registry";
import { seedStandardImages } from "../test/harness/seed";
import { startApp } from "./app-server";
import { ADMIN, E2E_EVENTS_SECRET } from "./fixtures";

/** What the browser tests may assert against: digests the harness pushed itself. */
export interface E2ESeed {
  devRegistry: string;
  prodRegistry: string;
  multiArch: { repository: string; tag: string; digest: string; platforms: string[] };
  signed: { repository: string; tag: string; digest: string; referrers: string[] };
  prodSingle: { repository: string; tag: string; digest: string };
}

/**
 * Starts what the browser tests talk to: two real docker-registry instances (anonymous "dev",
 * htpasswd-protected "prod"), seeded with images built here, a registry entry pointing at a closed
 * port, and the built app on a fresh embedded database configured by a dockmaster.yaml written here.
 */
export default async function globalSetup() {
  const dev = await startRegistry({ auth: "none" });
  const prod = await startRegistry({ auth: "htpasswd", users: [{ username: "ci", password: "prod-registry-secret" }] });
  const devSeed = await seedStandardImages(createOciProvider({ name: "dev", url: dev.url, auth: { kind: "anonymous" } }), { namespace: "dev" });
  const prodSeed = await seedStandardImages(
    createOciProvider({ name: "prod", url: prod.url, auth: { kind: "basic", username: "ci", password: "prod-registry-secret" } }),
    { namespace: "prod" },
  );
  const closedPort = await freePort();

  const app = await startApp({
    configYaml: `registries:
  - name: local-dev
    kind: oci
    url: ${dev.url}
    events:
      secret: \${E2E_EVENTS_SECRET}
  - name: local-prod
    kind: oci
    url: ${prod.url}
    credentials:
      username: ci
      password: \${E2E_PROD_PASSWORD}
  - name: offline
    kind: oci
    url: http://127.0.0.1:${closedPort}
environments:
  - name: dev
    order: 1
    registry: local-dev
    namespace: dev
    # retention.spec.ts: only its own repositories (retention-*), so no other spec's images are planned
    retention:
      rules: [{ repositories: "retention-*", keepLast: 1 }]
  - { name: staging, order: 2, registry: offline, namespace: staging }
  - { name: prod, order: 3, registry: local-prod, namespace: prod, protected: true }
`,
    env: {
      DOCKMASTER_ADMIN_EMAIL: ADMIN.email,
      DOCKMASTER_ADMIN_PASSWORD: ADMIN.password,
      DOCKMASTER_SECRET_KEY: Buffer.alloc(32, 9).toString("base64"),
      NEXTAUTH_SECRET: "e2e-secret",
      E2E_PROD_PASSWORD: "prod-registry-secret",
      E2E_EVENTS_SECRET,
    },
    log: (l) => process.env.E2E_VERBOSE && console.log(`[app] ${l}`),
  });
  const seed: E2ESeed = {
    devRegistry: dev.host,
    prodRegistry: prod.host,
    multiArch: {
      repository: devSeed.multiArch.repository,
      tag: devSeed.multiArch.tag,
      digest: devSeed.multiArch.digest,
      platforms: devSeed.multiArch.platforms.map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join("/")),
    },
    signed: { repository: devSeed.signed.repository, tag: devSeed.signed.tag, digest: devSeed.signed.digest, referrers: devSeed.signed.referrers.map((r) => r.digest) },
    prodSingle: { repository: prodSeed.single.repository, tag: prodSeed.single.tag, digest: prodSeed.single.digest },
  };
  process.env.E2E_BASE_URL = app.url;
  process.env.E2E_SEED = JSON.stringify(seed);
  return async () => {
    await app.stop();
    await Promise.all([dev.stop(), prod.stop()]);
  };
}
