import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../test/harness/free-port";

export interface AppServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts the production build (scripts/server.mjs) with its own data directory and config, waits for /api/health. */
export async function startApp(env: Record<string, string>, log: (line: string) => void = () => undefined): Promise<AppServer> {
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

  const deadline = Date.now() + 60_000;
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
    throw new Error(`app did not become healthy within 60 s:\n${output}`);
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
