import type { GateConfig } from "@/lib/config/schema";
import { activeExceptionRules } from "@/lib/exceptions/store";
import type { PromotionDeps } from "./deps";
import { evaluateGates, type GateResult } from "./gates";

type Resolved = NonNullable<Awaited<ReturnType<PromotionDeps["environment"]>>>;

/**
 * The target's gates evaluated against the registries as they are now: at request time, and again
 * when a scheduled promotion's window opens (the registry is the truth at the moment of decision).
 */
export async function liveGates(
  deps: PromotionDeps,
  envs: { source: Resolved; target: Resolved },
  p: { sourceRepository: string; digest: string; targetRepository: string; targetTag: string; targetEnv: string },
  now: Date,
): Promise<{ gates: GateResult[]; gatesPassed: boolean; currentTargetDigest: string | null; policy: GateConfig }> {
  const { source, target } = envs;
  const currentTargetDigest = (await target.provider.headManifest(p.targetRepository, p.targetTag))?.digest ?? null;
  const policy = (target.env.policy ?? {}) as GateConfig;
  const gates = await evaluateGates({
    policy,
    source: { provider: source.provider, repository: p.sourceRepository, digest: p.digest },
    target: { provider: target.provider, repository: p.targetRepository, tag: p.targetTag, environment: p.targetEnv },
    currentTargetDigest,
    scans: deps.scans,
    ...(deps.signatures ? { signatures: { trust: deps.signatures.trust(p.targetEnv), verifiers: deps.signatures.verifiers } } : {}),
    // the ledger as it stands at this moment: an exception that expired since the request no longer helps
    exceptions: { rules: await activeExceptionRules(deps.prisma, now), registry: source.env.registry.name },
    now,
  });
  return { gates, gatesPassed: gates.every((g) => g.status === "pass"), currentTargetDigest, policy };
}
