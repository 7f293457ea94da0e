import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

const START_TIMEOUT_MS = 180_000;
import { freePort } from "../test/harness/free-port";

export interface AppServer {
  url: string;
  stop(): Promise<void>;
}

export interface AppOptions {
  /** the app's dockmaster.yaml */
  configYaml: string;
  /** more environment: the first admin, secrets, the values of ${ENV} references in the config */
  env?: Record<string, string>;
  log?: (line: string) => void;
  /** an embedded database prepared beforehand (a benchmark's seeded history) instead of a fresh one; left in place by stop() */
  dataDir?: string;
}

/**
 * Starts the production build (scripts/server.mjs) on a fresh embedded database with `configYaml`,
 * both in a temp dir of its own that stop() removes, and waits for /api/health.
 */
export async function startApp(options: AppOptions): Promise<AppServer> {
  const dir = await mkdtemp(path.join(tmpdir(), "dockmaster-app-"));
  const config = path.join(dir, "dockmaster.yaml");
  await writeFile(config, options.configYaml);
  try {
    const app = await startServer({ ...options.env, DOCKMASTER_DATA_DIR: options.dataDir ?? path.join(dir, "pglite"), DOCKMASTER_CONFIG: config }, options.log ?? (() => undefined));
    return {
      url: app.url,
      async stop() {
        await app.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startServer(env: Record<string, string>, log: (line: string) => void): Promise<AppServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ["scripts/server.mjs"], {
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", NEXTAUTH_URL: url, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (b: Buffer) => {
    output += b.toString();
    for (const l of b.toString().split("\n")) if (l.trim()) log(l);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  // Start-up migrates, syncs config rows and starts the schedulers before health says ok: ~20 s on a
  // quiet 2-core machine, over a minute when other work shares the cores.
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode} during start:\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (Date.now() >= deadline) {
    child.kill("SIGKILL");
    throw new Error(`app did not become healthy within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
  }
  return {
    url,
    async stop() {
      process.off("exit", killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
