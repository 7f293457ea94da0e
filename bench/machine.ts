/** The facts about this machine that a benchmark figure means nothing without. */
import { execFileSync } from "node:child_process";
import os from "node:os";

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim().split("\n")[0] ?? "";
  } catch {
    return "not installed";
  }
}

export interface MachineFacts {
  date: string;
  nproc: string;
  cpu: string;
  memory: string;
  load: string;
  node: string;
  dockerRegistry: string;
  skopeo: string;
  curl: string;
  os: string;
}

export function machineFacts(): MachineFacts {
  return {
    date: new Date().toISOString().replace("T", " ").slice(0, 16) + " UTC",
    nproc: version("nproc", []),
    cpu: os.cpus()[0]?.model ?? "unknown",
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB total, ${(os.freemem() / 1024 ** 3).toFixed(1)} GiB free at start`,
    load: os.loadavg().map((l) => l.toFixed(2)).join(" / "),
    node: process.version,
    dockerRegistry: version("docker-registry", ["--version"]),
    skopeo: version("skopeo", ["--version"]),
    curl: version("curl", ["--version"]).split(" ").slice(0, 2).join(" "),
    os: `${os.type()} ${os.release()}`,
  };
}
