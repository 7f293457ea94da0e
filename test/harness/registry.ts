/**
 * Starts a real CNCF Distribution 2.8 registry (`/usr/bin/docker-registry`) on a free loopback port,
 * with filesystem storage in a temp dir, optionally behind htpasswd Basic auth or token auth.
 * Plain TypeScript with node APIs only, so vitest and Playwright can both import it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { guardChild, watchdogScript } from "./child-guard";
import { freePort } from "./free-port";
import { makeTempDir, removeDir } from "./temp-dir";

const REGISTRY_BINARY = "/usr/bin/docker-registry";

export interface RegistryUser {
  username: string;
  password: string;
}

export interface TokenAuthConfig {
  realm: string;
  service: string;
  issuer: string;
  /** PEM file with the certificate(s) whose keys sign the tokens */
  rootCertBundle: string;
}

export interface StartRegistryOptions {
  auth?: "none" | "htpasswd" | "token";
  /** htpasswd users; defaults to one user "dockmaster" */
  users?: RegistryUser[];
  /** required when auth is "token" (see token-server.ts) */
  token?: TokenAuthConfig;
  deleteEnabled?: boolean;
  startupTimeoutMs?: number;
  /**
   * Parent of the registry's temp dir (default: os.tmpdir()). Use "/dev/shm" for benchmark-sized
   * data: on this machine's ext4 every file creation costs ~0.4 ms, on tmpfs ~0.04 ms.
   */
  baseDir?: string;
  /** a `notifications:` endpoint: the registry POSTs its event envelopes there */
  notifications?: { url: string; headers?: Record<string, string>; /** event actions the registry does not send, e.g. ["pull"] */ ignoreActions?: string[] };
}

export interface RunningRegistry {
  /** "http://127.0.0.1:PORT" */
  url: string;
  /** "127.0.0.1:PORT" */
  host: string;
  port: number;
  dir: string;
  /** pid of the watchdog shell that owns the registry process */
  pid: number;
  users: RegistryUser[];
  /** the registry's stderr so far (log level error) */
  logs(): string;
  stop(): Promise<void>;
}

const DEFAULT_REGISTRY_USERS: RegistryUser[] = [{ username: "dockmaster", password: "correct-horse-battery" }];

function htpasswdLine(user: RegistryUser): string {
  // -C 4: the minimum bcrypt cost; Distribution checks the hash on every request
  const result = spawnSync("/usr/bin/htpasswd", ["-Bbn", "-C", "4", user.username, user.password], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`htpasswd failed for ${user.username}: ${result.stderr}`);
  return result.stdout.trim();
}

function configYaml(options: StartRegistryOptions, dir: string, port: number, users: RegistryUser[]): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${q(path.join(dir, "data"))}`,
    "  delete:",
    `    enabled: ${options.deleteEnabled === false ? "false" : "true"}`,
    "  cache:",
    "    blobdescriptor: inmemory",
    "  maintenance:",
    "    uploadpurging:",
    "      enabled: false",
    "http:",
    `  addr: ${q(`127.0.0.1:${port}`)}`,
    `  secret: ${q("dockmaster-test-harness")}`,
  ];
  if (options.notifications) {
    const n = options.notifications;
    lines.push("notifications:", "  endpoints:", "    - name: dockmaster", `      url: ${q(n.url)}`, "      timeout: 2s", "      threshold: 3", "      backoff: 200ms");
    const headers = Object.entries(n.headers ?? {});
    if (headers.length) lines.push("      headers:", ...headers.map(([k, v]) => `        ${q(k)}: [${q(v)}]`));
    if (n.ignoreActions?.length) lines.push("      ignore:", `        actions: [${n.ignoreActions.map(q).join(", ")}]`);
  }
  if (options.auth === "htpasswd") {
    const file = path.join(dir, "htpasswd");
    fs.writeFileSync(file, `${users.map(htpasswdLine).join("\n")}\n`);
    lines.push("auth:", "  htpasswd:", `    realm: ${q("dockmaster-test")}`, `    path: ${q(file)}`);
  } else if (options.auth === "token") {
    const token = options.token;
    if (!token) throw new Error('startRegistry: auth "token" needs options.token (see startTokenServer)');
    lines.push(
      "auth:",
      "  token:",
      `    realm: ${q(token.realm)}`,
      `    service: ${q(token.service)}`,
      `    issuer: ${q(token.issuer)}`,
      `    rootcertbundle: ${q(token.rootCertBundle)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The status of GET /v2/ on 127.0.0.1:port, or undefined if nothing answers within timeoutMs. */
export function probe(port: number, timeoutMs = 1000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/v2/", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", () => resolve(undefined));
    req.on("timeout", () => {
      req.destroy();
      resolve(undefined);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startOnce(options: StartRegistryOptions): Promise<RunningRegistry | "port-taken"> {
  const users = options.users ?? DEFAULT_REGISTRY_USERS;
  const dir = makeTempDir("registry", options.baseDir);
  const port = await freePort();
  const configPath = path.join(dir, "config.yml");
  const logPath = path.join(dir, "registry.log");
  fs.writeFileSync(configPath, configYaml(options, dir, port, users));

  const logFd = fs.openSync(logPath, "a");
  const child: ChildProcess = spawn(
    "/bin/sh",
    ["-c", watchdogScript, "sh", String(process.pid), dir, REGISTRY_BINARY, "serve", configPath],
    { stdio: ["ignore", logFd, logFd], detached: false },
  );
  fs.closeSync(logFd);
  guardChild(child);
  child.unref();

  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const logs = () => {
    try {
      return fs.readFileSync(logPath, "utf8");
    } catch {
      return "";
    }
  };

  const deadline = Date.now() + (options.startupTimeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    if (exited) {
      const output = logs();
      removeDir(dir);
      if (/address already in use/i.test(output)) return "port-taken";
      throw new Error(`docker-registry exited during start-up:\n${output}`);
    }
    const status = await probe(port);
    if (status === 200 || status === 401) break;
    await sleep(50);
  }
  if (Date.now() >= deadline) {
    child.ref();
    child.kill("SIGTERM");
    await exitPromise;
    removeDir(dir);
    throw new Error(`docker-registry did not answer GET /v2/ on port ${port} in time:\n${logs()}`);
  }

  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    port,
    dir,
    pid: child.pid ?? -1,
    users,
    logs,
    stop: () => {
      stopping ??= (async () => {
        if (!exited) {
          // the child is unref'd so a forgotten registry cannot hold a test process open; while we
          // wait for it here it must hold the loop, or a plain script would exit mid-cleanup
          child.ref();
          child.kill("SIGTERM");
          await exitPromise;
        }
        removeDir(dir);
      })();
      return stopping;
    },
  };
}

export async function startRegistry(options: StartRegistryOptions = {}): Promise<RunningRegistry> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = await startOnce(options);
    if (result !== "port-taken") return result;
  }
  throw new Error("could not find a free port for docker-registry after 5 attempts");
}
