import { classify, ProbeTimeout } from "../classify";
import type { ProbeContext } from "../context";
import type { ProbeKind, ProbeOutcome, ProbeTargetSpec } from "../types";
import { credentials } from "./credentials";
import { pullLatency } from "./pull-latency";
import { reachability } from "./reachability";
import { storageQuota } from "./storage-quota";
import { tagConsistency } from "./tag-consistency";
import { tlsExpiry } from "./tls-expiry";

type KindRunner = (target: ProbeTargetSpec, ctx: ProbeContext) => Promise<Omit<ProbeOutcome, "latencyMs">>;

const runners: Record<ProbeKind, KindRunner> = {
  reachability,
  credentials,
  pull_latency: pullLatency,
  storage_quota: storageQuota,
  tag_consistency: tagConsistency,
  tls_expiry: tlsExpiry,
};

/**
 * Runs one probe and never throws: every failure becomes an outcome with its error class. The
 * deadline is enforced here as well as in the registry client, so a kind that hangs somewhere else
 * (a stalled stream, a slow DNS lookup) still reports in time.
 */
export async function runProbe(target: ProbeTargetSpec, ctx: ProbeContext): Promise<ProbeOutcome> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`probe ${target.name} did not finish within ${target.timeoutMs} ms`)), target.timeoutMs + 250);
  });
  try {
    const run = runners[target.kind];
    if (!run) throw new Error(`unknown probe kind "${target.kind}"`);
    const outcome = await Promise.race([run(target, ctx), deadline]);
    return { ...outcome, latencyMs: performance.now() - started };
  } catch (err) {
    return { ok: false, latencyMs: performance.now() - started, ...classify(err) };
  } finally {
    clearTimeout(timer);
  }
}
