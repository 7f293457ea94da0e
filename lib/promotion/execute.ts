import { applyObservation } from "@/lib/inventory/index/snapshot";
import type { Prisma } from "@/lib/db/generated/client";
import type { Principal } from "@/lib/auth/enforce";
import { forgetRepository } from "@/lib/browse/cache";
import { describeRegistryError } from "@/lib/registry";
import { executeCopy, planCopy, verifyCopy, type CopyProgress } from "@/lib/registry/copy";
import type { PromotionDeps } from "./deps";
import { PromotionError } from "./errors";
import { requireDecision } from "./authorize";
import { refreshEvidence } from "./evidence";
import { recordStep } from "./record";
import { StatusConflict, transition, whileStatus } from "./transitions";

/**
 * Runs an approved promotion: claim it (only one runner wins, even across replicas), note what the
 * target tag holds now (for rollback), plan, copy, verify. Only a copy whose tag reads back as the
 * promoted digest becomes "verified"; anything else is "failed" with the registry's own words.
 */
export async function runPromotion(deps: PromotionDeps, id: string): Promise<"verified" | "failed" | "not-claimed" | "superseded"> {
  const { prisma } = deps;
  try {
    await transition(prisma, id, ["approved"], "copying", { startedAt: new Date(), attempts: { increment: 1 }, error: null, errorKind: null });
  } catch (err) {
    if (err instanceof StatusConflict) return "not-claimed";
    throw err;
  }
  const p = await prisma.promotion.findUniqueOrThrow({ where: { id } });

  let lastSave = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const saveProgress = (progress: CopyProgress, force = false) => {
    const now = Date.now();
    if (!force && now - lastSave < (deps.progressIntervalMs ?? 250)) return;
    lastSave = now;
    pending = pending.then(() => whileStatus(prisma, id, ["copying"], { progress: progress as unknown as Prisma.InputJsonValue })).catch(() => undefined);
  };

  try {
    const source = await deps.environment(p.sourceEnv);
    const target = await deps.environment(p.targetEnv);
    if (!source || !target) throw new PromotionError(`environment ${!source ? p.sourceEnv : p.targetEnv} no longer exists`, "not_found");
    const before = (await target.provider.headManifest(p.targetRepository, p.targetTag))?.digest ?? null;
    const plan = await planCopy(source.provider, p.sourceRepository, p.digest, target.provider, p.targetRepository);
    await prisma.$transaction(async (tx) => {
      await whileStatus(tx, id, ["copying"], { previousDigest: before, plan: { ...plan.totals, manifests: plan.manifests.length } });
      await recordStep(tx, p, {
        kind: "copy-start",
        actor: null,
        message: `copying ${plan.manifests.length} manifest(s) and ${plan.totals.blobs} blob(s): ${plan.totals.skip} already there, ${plan.totals.mount} to mount, ${plan.totals.copy} to send (${plan.totals.bytesToSend} bytes)`,
      });
    });
    const result = await executeCopy(source.provider, target.provider, plan, p.targetTag, { onProgress: (pr) => saveProgress(pr) });
    forgetRepository(target.provider.name, p.targetRepository);
    await pending;
    await prisma.$transaction(async (tx) => {
      await transition(tx, id, ["copying"], "verified", { finishedAt: new Date(), progress: result.progress as unknown as Prisma.InputJsonValue });
      await recordStep(tx, p, { kind: "verified", actor: null, message: `${p.targetRepository}:${p.targetTag} on ${target.provider.host} now resolves to ${p.digest} (read back and hashed)` });
      await refreshEvidence(tx, id);
    });
    await indexPromotedTag(prisma, p, p.digest);
    return "verified";
  } catch (err) {
    await pending;
    if (err instanceof StatusConflict) return superseded(p, err);
    const described = err instanceof PromotionError ? { kind: "invalid_input", message: err.message } : describeRegistryError(err);
    try {
      await prisma.$transaction(async (tx) => {
        await transition(tx, id, ["copying"], "failed", { finishedAt: new Date(), error: described.message, errorKind: described.kind });
        await recordStep(tx, p, { kind: "failed", actor: null, outcome: "failure", message: `copy failed (${described.kind}): ${described.message}` });
        await refreshEvidence(tx, id);
      });
    } catch (conflict) {
      if (conflict instanceof StatusConflict) return superseded(p, conflict);
      throw conflict;
    }
    console.error(`[promotion #${p.number}] failed: ${described.kind}: ${described.message}`);
    return "failed";
  }
}

/**
 * Someone else moved the promotion while this runner copied (the recovery sweep took it for dead and
 * marked it failed, perhaps already retried): their status stands, this runner's result is dropped.
 */
function superseded(p: { number: number }, err: StatusConflict): "superseded" {
  console.error(`[promotion #${p.number}] result not recorded: ${err.message}`);
  return "superseded";
}

/** Re-points the target tag at the digest it held before the promotion, and verifies it. */
export async function rollbackPromotion(deps: PromotionDeps, principal: Principal, id: string, reason: string) {
  const p = await deps.prisma.promotion.findUnique({ where: { id }, include: { approvals: true } });
  if (!p) throw new PromotionError(`no promotion ${id}`, "not_found");
  await requireDecision(deps, principal, p, "rollback");
  if (!p.previousDigest) throw new PromotionError(`${p.targetRepository}:${p.targetTag} did not exist before promotion #${p.number}; there is no earlier digest to restore`);
  if (reason.trim().length < 3) throw new PromotionError("a rollback needs a reason", "invalid_input");
  const target = await deps.environment(p.targetEnv);
  if (!target) throw new PromotionError(`environment ${p.targetEnv} no longer exists`, "not_found");
  try {
    const now = await target.provider.headManifest(p.targetRepository, p.targetTag);
    if (now?.digest !== p.digest) {
      throw new PromotionError(`${p.targetRepository}:${p.targetTag} now points at ${now?.digest ?? "nothing"}, not at this promotion's digest; someone moved it since — roll back by hand`);
    }
    const previous = await target.provider.getManifest(p.targetRepository, p.previousDigest);
    await target.provider.putManifest(p.targetRepository, p.targetTag, previous.bytes, previous.mediaType);
    await verifyCopy(target.provider, p.targetRepository, p.targetTag, p.previousDigest, target.provider.host);
    forgetRepository(target.provider.name, p.targetRepository);
  } catch (err) {
    if (err instanceof PromotionError) throw err;
    const d = describeRegistryError(err);
    await recordStep(deps.prisma, p, { kind: "rollback", actor: principal, outcome: "failure", message: `rollback failed (${d.kind}): ${d.message}` });
    // the error contract (lib/error-contract.ts) says which registry failed and how
    throw err;
  }
  await deps.prisma.$transaction(async (tx) => {
    await transition(tx, id, ["verified"], "rolled_back");
    await recordStep(tx, p, { kind: "rollback", actor: principal, message: `rolled back: ${p.targetRepository}:${p.targetTag} points at ${p.previousDigest} again (verified): ${reason}` });
  });
  await indexPromotedTag(deps.prisma, p, p.previousDigest, principal.email);
}

/**
 * The tag's history says "moved by promotion #N". Best effort: the registry already holds the
 * verified result, and the next sync would record the move anyway, only without the promotion.
 */
async function indexPromotedTag(prisma: PromotionDeps["prisma"], p: { number: number; targetEnv: string; targetRepository: string; targetTag: string }, digest: string, actor?: string) {
  try {
    await applyObservation(prisma, { environment: p.targetEnv, repository: p.targetRepository, tags: new Map([[p.targetTag, digest]]), coverage: "partial" }, { source: "promotion", promotionNumber: p.number, actor });
  } catch (err) {
    console.error(`[promotion #${p.number}] verified, but the inventory index was not updated: ${(err as Error).message}`);
  }
}
