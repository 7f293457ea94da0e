import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startApp } from "./app-server";

import { ADMIN } from "./fixtures";

/**
 * Starts what the browser tests talk to: the built app on a fresh embedded database, with a
 * dockmaster.yaml written here. Later suites add real registries to this setup.
 */
export default async function globalSetup() {
  const dir = await mkdtemp(path.join(tmpdir(), "dockmaster-e2e-"));
  const config = path.join(dir, "dockmaster.yaml");
  await writeFile(config, "registries: []\nenvironments: []\n");
  const app = await startApp(
    {
      DOCKMASTER_DATA_DIR: path.join(dir, "pglite"),
      DOCKMASTER_CONFIG: config,
      DOCKMASTER_ADMIN_EMAIL: ADMIN.email,
      DOCKMASTER_ADMIN_PASSWORD: ADMIN.password,
      DOCKMASTER_SECRET_KEY: Buffer.alloc(32, 9).toString("base64"),
      NEXTAUTH_SECRET: "e2e-secret",
    },
    (l) => process.env.E2E_VERBOSE && console.log(`[app] ${l}`),
  );
  process.env.E2E_BASE_URL = app.url;
  return async () => {
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
