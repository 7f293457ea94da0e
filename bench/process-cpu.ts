/** CPU time of other processes, read from /proc (Linux), for benchmarks that must show where a machine's CPU went. */
import fs from "node:fs";
import type { RunningRegistry } from "../test/harness/registry";

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux the project runs on

function statFields(pid: number): string[] {
  // the command name (field 2) may contain spaces, so split after its closing parenthesis
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** user + system CPU the process has used so far, in ms (10 ms resolution). */
function processCpuMs(pid: number): number {
  const f = statFields(pid);
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** The child of `parentPid` whose command name contains `name` (e.g. the registry under the harness's watchdog shell). */
function childPid(parentPid: number, name: string): number {
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const pid = Number(entry);
      if (Number(statFields(pid)[1]) !== parentPid) continue;
      if (fs.readFileSync(`/proc/${pid}/comm`, "utf8").includes(name)) return pid;
    } catch {
      // the process ended while we looked
    }
  }
  throw new Error(`no process named like "${name}" under pid ${parentPid}`);
}

/** The docker-registry process itself: the harness runs it under a watchdog shell, whose pid it reports. */
export function registryPid(registry: RunningRegistry): number {
  return childPid(registry.pid, "registry");
}

/** Runs `fn` and reports the CPU each of `pids` used meanwhile, in the same order. */
export async function withProcessCpu<T>(pids: readonly number[], fn: () => Promise<T>): Promise<{ result: T; cpuMs: number[] }> {
  const before = pids.map(processCpuMs);
  const result = await fn();
  return { result, cpuMs: pids.map((pid, i) => processCpuMs(pid) - before[i]!) };
}

/** CPU busy on the whole machine so far (all cores, every process: ours, the registry, the database, other work), in ms. */
function machineBusyMs(): number {
  const [, ...ticks] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy
  const busy = ticks.slice(0, 8).reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + Number(t)), 0);
  return (busy * 1000) / CLOCK_TICKS_PER_SECOND;
}

export interface CpuSplit {
  wallMs: number;
  registryMs: number;
  /** this Node process: HTTP client, sync logic, and (PGlite) the embedded database */
  oursMs: number;
  /** everything else on the machine meanwhile: the PostgreSQL server, and other work sharing it */
  otherMs: number;
  /** the PostgreSQL backends serving `database` (part of otherMs); 0 without one (PGlite runs in ours) */
  databaseMs: number;
}

/**
 * CPU of the PostgreSQL server processes connected to `database` so far, in ms. A backend names its
 * database in its title ("postgres: user db 127.0.0.1(port) idle"), so other work on the same server
 * (tests, other benchmarks) is not counted; backends that ended are missed, and the sync's pool keeps
 * its connections open while it runs.
 */
function databaseBackendsCpuMs(database: string): number {
  let total = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (title.startsWith("postgres: ") && title.includes(` ${database} `)) total += processCpuMs(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

/** Runs `fn` and splits the machine's CPU meanwhile into the registry, this process, the database's backends (when named) and the rest. */
export async function withCpuSplit<T>(registryProcess: number, fn: () => Promise<T>, database?: string): Promise<{ result: T; cpu: CpuSplit }> {
  const started = performance.now();
  const busyBefore = machineBusyMs();
  const databaseBefore = database ? databaseBackendsCpuMs(database) : 0;
  const { result, cpuMs } = await withProcessCpu([registryProcess, process.pid], fn);
  const busy = machineBusyMs() - busyBefore;
  const databaseMs = database ? databaseBackendsCpuMs(database) - databaseBefore : 0;
  const [registryMs, oursMs] = cpuMs as [number, number];
  return { result, cpu: { wallMs: performance.now() - started, registryMs, oursMs, otherMs: Math.max(0, busy - registryMs - oursMs), databaseMs } };
}
