/**
 * Applies one stored plan whose status is "executing" (execute.ts claimed it): unit by unit, paced by
 * a token bucket, each item re-checked against the registry (still the same digest?) and against the
 * protections as they are now (still unprotected?) right before its delete. Changed items are skipped
 * with the reason. Every deletion writes an audit row at once and a tag event through the index
 * (applyObservation), and outcomes are saved as it goes, so a registry error stops only that
 * repository, the plan ends "partial", and a later run resumes: items already deleted (per outcomes or
 * per their audit rows, which outlive a crash) are not touched again.
 */
import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import { writeAudit } from "@/lib/audit/log";
import { forgetRepository } from "@/lib/browse/cache";
import { applyObservation } from "@/lib/inventory/index/snapshot";
import { describeRegistryError, imageDeleteSource, InvalidInputError, isRegistryError, mapConcurrent, type ImageDeleteSource, type RegistryProvider } from "@/lib/registry";
import type { ProtectionCheck } from "./protection-check";
import { createTokenBucket, type TokenBucket } from "./token-bucket";
import { countOutcomes, deletionUnits, type DeletionUnit, type OutcomeCounts } from "./execute-units";
import type { RetentionItemOutcome, RetentionPlanItem } from "./types";

const DELETE_AUDIT_ACTION = "retention.delete";

export interface ExecutionActor {
  id: string | null;
  email: string;
}

export interface ExecutionDeps {
  prisma: PrismaClient;
  /** the registry behind an environment; null when the environment is gone */
  provider(environment: string): Promise<RegistryProvider | null>;
  protection: ProtectionCheck;
  /** registry delete requests per second (retention.deleteRatePerSecond) */
  ratePerSecond: number;
  /** outcomes are saved at most this often while running (always at a stop and at the end); default 250 ms */
  saveEveryMs?: number;
  /** injected for tests: a bucket with a fake clock */
  bucket?: TokenBucket;
  /**
   * repositories worked at once, sharing the one bucket (default 4): the bookkeeping of one deletion
   * (checks, audit row, index) overlaps the registry calls of another. Within a repository units run
   * in order, so a registry error stops exactly the rest of that repository.
   */
  concurrency?: number;
}

export interface ExecutionResult {
  status: "executed" | "partial";
  counts: OutcomeCounts;
  /** repositories stopped by a registry error, with the error */
  stopped: { repository: string; error: string }[];
  /** when the freed space returns (the registry's garbage collection) */
  reclaim?: string;
}

type Outcomes = Map<number, RetentionItemOutcome>;

/** Another runner holds the plan (a job retried while the first run still goes on): this one must not run it too. */
export class RunnerBusyError extends Error {
  constructor(planId: string, until: Date | null) {
    super(`retention plan ${planId} is being executed by another runner${until ? ` (its claim holds until ${until.toISOString()})` : ""}`);
    this.name = "RunnerBusyError";
  }
}

const RUNNER_CLAIM_MS = 60_000;
const RUNNER_RENEW_MS = 20_000;

export async function runPlanExecution(deps: ExecutionDeps, planId: string, actor: ExecutionActor): Promise<ExecutionResult> {
  const { prisma } = deps;
  const plan = await prisma.retentionPlan.findUniqueOrThrow({ where: { id: planId } });
  if (plan.status !== "executing") throw new Error(`retention plan ${planId} is ${plan.status}, not executing: claim it first (startPlanExecution)`);
  const runner = await claimRunner(prisma, planId);
  try {
    return await runClaimed(deps, plan, actor, runner.id);
  } finally {
    runner.stop();
  }
}

/**
 * The run's claim on the plan: taken only when no other runner's claim is current, renewed while the
 * run goes on; a runner that died lets its claim lapse within RUNNER_CLAIM_MS.
 */
async function claimRunner(prisma: PrismaClient, planId: string): Promise<{ id: string; stop(): void }> {
  const id = randomUUID();
  const until = () => new Date(Date.now() + RUNNER_CLAIM_MS);
  const won = await prisma.retentionPlan.updateMany({
    where: { id: planId, status: "executing", OR: [{ runnerUntil: null }, { runnerUntil: { lt: new Date() } }] },
    data: { runner: id, runnerUntil: until() },
  });
  if (won.count !== 1) {
    const held = await prisma.retentionPlan.findUnique({ where: { id: planId }, select: { runnerUntil: true } });
    throw new RunnerBusyError(planId, held?.runnerUntil ?? null);
  }
  const timer = setInterval(() => {
    void prisma.retentionPlan.updateMany({ where: { id: planId, runner: id }, data: { runnerUntil: until() } }).catch(() => undefined);
  }, RUNNER_RENEW_MS);
  timer.unref();
  return { id, stop: () => clearInterval(timer) };
}

async function runClaimed(deps: ExecutionDeps, plan: { id: string; environment: string; items: Prisma.JsonValue; outcomes: Prisma.JsonValue | null }, actor: ExecutionActor, runner: string): Promise<ExecutionResult> {
  const { prisma } = deps;
  const planId = plan.id;
  const items = plan.items as unknown as RetentionPlanItem[];
  const outcomes = await previousOutcomes(prisma, planId, plan.outcomes);

  const provider = await deps.provider(plan.environment);
  const stopped: ExecutionResult["stopped"] = [];
  let reclaim: string | undefined;
  if (!provider) {
    for (let i = 0; i < items.length; i++) if (outcomes.get(i)?.status !== "deleted") outcomes.set(i, { index: i, status: "failed", reason: `environment ${plan.environment} no longer exists`, at: new Date().toISOString() });
  } else {
    const deleter = imageDeleteSource(provider);
    reclaim = deleter?.deletion.note;
    const bucket = deps.bucket ?? createTokenBucket(deps.ratePerSecond);
    const saver = outcomeSaver(prisma, planId, runner, outcomes, deps.saveEveryMs ?? 250);
    const index = indexWriter(prisma, plan.environment, actor.email);
    const ctx: UnitContext = { deps, provider, deleter, bucket, plan: { id: planId, environment: plan.environment }, items, outcomes, actor, saver, index };
    const repositories = [...deletionUnits(items)];
    await mapConcurrent(repositories, Math.max(1, deps.concurrency ?? 4), async ([repository, units]) => {
      let error: string | undefined;
      try {
        error = await runRepository(ctx, units);
      } finally {
        await index.flush(repository);
      }
      if (error) {
        stopped.push({ repository, error });
        await saver.flush();
      }
      forgetRepository(provider.name, repository);
    });
    await saver.flush();
  }

  const counts = countOutcomes(items.length, outcomes);
  const status = counts.failed || counts.pending ? "partial" : "executed";
  await prisma.$transaction(async (tx) => {
    await tx.retentionPlan.updateMany({ where: { id: planId, status: "executing", runner }, data: { status, finishedAt: new Date(), outcomes: serialize(outcomes), runner: null, runnerUntil: null } });
    await writeAudit(tx, {
      actor,
      action: "retention.execute",
      target: { type: "retention-plan", id: planId },
      outcome: status === "executed" ? "success" : "failure",
      detail: { environment: plan.environment, status, ...counts, ...(stopped.length ? { stopped } : {}), ...(reclaim ? { reclaim } : {}) },
    });
  });
  return { status, counts, stopped, ...(reclaim ? { reclaim } : {}) };
}

interface UnitContext {
  deps: ExecutionDeps;
  provider: RegistryProvider;
  deleter: (RegistryProvider & ImageDeleteSource) | null;
  bucket: TokenBucket;
  plan: { id: string; environment: string };
  items: RetentionPlanItem[];
  outcomes: Outcomes;
  actor: ExecutionActor;
  saver: ReturnType<typeof outcomeSaver>;
  index: ReturnType<typeof indexWriter>;
}

/** Runs one repository's units in order; a registry error stops it and is returned. */
async function runRepository(ctx: UnitContext, units: DeletionUnit[]): Promise<string | undefined> {
  for (let u = 0; u < units.length; u++) {
    const unit = units[u]!;
    const open = unit.indexes.filter((i) => ctx.outcomes.get(i)?.status !== "deleted");
    if (!open.length) continue;
    try {
      await runUnit(ctx, unit, open);
    } catch (err) {
      // only the registry's failures stop a repository and are recorded as its outcome; anything else
      // (the database, a bug) ends the whole run (the job marks the plan partial)
      if (!isRegistryError(err) && !(err instanceof InvalidInputError)) throw err;
      const message = `registry: ${describeRegistryError(err).message}`;
      const at = new Date().toISOString();
      for (const i of open) if (!isDecided(ctx.outcomes.get(i))) ctx.outcomes.set(i, { index: i, status: "failed", reason: message, at });
      for (const later of units.slice(u + 1)) {
        for (const i of later.indexes) if (ctx.outcomes.get(i)?.status !== "deleted") ctx.outcomes.set(i, { index: i, status: "pending", reason: "not attempted: this repository stopped at a registry error", at });
      }
      await writeAudit(ctx.deps.prisma, {
        actor: ctx.actor,
        action: DELETE_AUDIT_ACTION,
        target: { type: "retention-plan", id: ctx.plan.id },
        outcome: "failure",
        detail: { environment: ctx.plan.environment, repository: unit.repository, digest: unit.digest, items: open, error: message },
      });
      return message;
    }
  }
  return undefined;
}

/** decided in this run: a skip or failure recorded just now must not be overwritten */
const isDecided = (o: RetentionItemOutcome | undefined) => o !== undefined && o.status !== "pending" && o.status !== "failed";

async function runUnit(ctx: UnitContext, unit: DeletionUnit, open: number[]): Promise<void> {
  const { provider, items } = ctx;
  const skip = (i: number, reason: string) => ctx.outcomes.set(i, { index: i, status: "skipped", reason, at: new Date().toISOString() });

  // 1. live: is each tag still where the plan saw it?
  const live: number[] = [];
  for (const i of open) {
    const item = items[i]!;
    const head = await provider.headManifest(unit.repository, item.tag ?? item.digest);
    if (!head) skip(i, item.tag === null ? "already gone from the registry" : `tag ${item.tag} no longer exists in the registry`);
    else if (head.digest !== item.digest) skip(i, `tag moved to ${head.digest}`);
    else live.push(i);
  }
  // 2. protections as they are now
  const candidates: number[] = [];
  for (const i of live) {
    const item = items[i]!;
    const reason = await ctx.deps.protection({ environment: ctx.plan.environment, repository: unit.repository, tag: item.tag, digest: item.digest });
    if (reason) skip(i, `now protected: ${reason}`);
    else candidates.push(i);
  }
  if (!candidates.length) return ctx.saver.changed();

  const deleter = ctx.deleter;
  const tagsOf = (idx: number[]) => idx.map((i) => items[i]!.tag!).filter((t) => t !== null);

  if (unit.kind === "untagged") {
    if (!deleter?.deleteImage) return skipAll(ctx, candidates, `this registry cannot delete a manifest by digest${deleter ? ` (${deleter.deletion.note})` : ""}`);
    await ctx.bucket.take();
    if (!(await deletedUnlessGone(() => deleter.deleteImage!(unit.repository, unit.digest)))) return skipAll(ctx, candidates, GONE_MEANWHILE);
    return recordDeleted(ctx, unit, candidates, [], "manifest");
  }

  if (unit.kind === "manifest") {
    // the manifest goes only when no tag of it stays: none skipped above, none added since planning
    const keptByPlan = open.filter((i) => !candidates.includes(i)).map((i) => items[i]!.tag!);
    const addedSince = await tagsAddedSince(ctx, unit, tagsOf(unit.indexes));
    const kept = [...keptByPlan, ...addedSince];
    if (!kept.length && deleter?.deleteImage) {
      await ctx.bucket.take();
      if (!(await deletedUnlessGone(() => deleter.deleteImage!(unit.repository, unit.digest)))) return skipAll(ctx, candidates, GONE_MEANWHILE);
      return recordDeleted(ctx, unit, candidates, tagsOf(candidates), "manifest");
    }
    if (!deleter?.deleteTag) {
      const why = addedSince.length ? `${unit.digest} is now also tagged ${addedSince.join(", ")}` : `tag ${keptByPlan.join(", ")} of the same manifest stays`;
      return skipAll(ctx, candidates, `kept: ${why}, and this registry deletes a manifest only with all of its tags`);
    }
  } else if (!deleter?.deleteTag) {
    return skipAll(ctx, candidates, `this registry cannot delete a single tag while its manifest keeps other tags${deleter ? ` (${deleter.deletion.note.split(":")[0]})` : ""}`);
  }

  // tag by tag: the registry deletes tags on their own (Harbor, ECR, Hub)
  for (const i of candidates) {
    await ctx.bucket.take();
    if (await deletedUnlessGone(() => deleter!.deleteTag!(unit.repository, items[i]!.tag!))) await recordDeleted(ctx, unit, [i], [items[i]!.tag!], "tag");
    else skipAll(ctx, [i], GONE_MEANWHILE);
  }
}

const GONE_MEANWHILE = "already gone: deleted by someone else between the check and the delete";

/** true when the delete went through; false when the registry no longer had it (404 after our live check saw it) */
async function deletedUnlessGone(del: () => Promise<void>): Promise<boolean> {
  try {
    await del();
    return true;
  } catch (err) {
    if (isRegistryError(err) && err.kind === "not_found") return false;
    throw err;
  }
}

function skipAll(ctx: UnitContext, indexes: number[], reason: string) {
  const at = new Date().toISOString();
  for (const i of indexes) ctx.outcomes.set(i, { index: i, status: "skipped", reason, at });
  ctx.saver.changed();
}

/** Tags of the digest in this repository that the index knows and the plan does not: pushed since planning. */
async function tagsAddedSince(ctx: UnitContext, unit: DeletionUnit, planned: string[]): Promise<string[]> {
  const rows = await ctx.deps.prisma.inventoryTag.findMany({
    where: { environment: ctx.plan.environment, repository: unit.repository, digest: unit.digest, tag: { notIn: planned } },
    select: { tag: true },
    orderBy: { tag: "asc" },
  });
  return rows.map((r) => r.tag);
}

async function recordDeleted(ctx: UnitContext, unit: DeletionUnit, indexes: number[], tags: string[], via: "manifest" | "tag"): Promise<void> {
  const { prisma } = ctx.deps;
  const at = new Date();
  await prisma.auditEvent.createMany({
    data: indexes.map((i) => {
      const item = ctx.items[i]!;
      return {
        actorId: ctx.actor.id,
        actorEmail: ctx.actor.email,
        action: DELETE_AUDIT_ACTION,
        targetType: "retention-plan",
        targetId: ctx.plan.id,
        outcome: "success",
        detail: { environment: ctx.plan.environment, repository: item.repository, tag: item.tag, digest: item.digest, rule: item.rule, index: i, via } as Prisma.InputJsonValue,
      };
    }),
  });
  ctx.index.add(unit.repository, tags);
  for (const i of indexes) ctx.outcomes.set(i, { index: i, status: "deleted", at: at.toISOString() });
  ctx.saver.changed();
}

/**
 * Deleted tags reach the index (a tag event "deleted", source retention, in the tag's history) in small
 * batches per repository: one transaction per batch instead of per tag, flushed at least every
 * 250 ms and when the repository is done. A crash before a flush loses no truth: the registry no longer
 * has the tags, and the next sync records them as deleted.
 */
function indexWriter(prisma: PrismaClient, environment: string, actor: string, maxBatch = 50, everyMs = 250) {
  const buffers = new Map<string, { tags: string[]; since: number }>();
  const chains = new Map<string, Promise<void>>();
  const write = (repository: string) => {
    const buffer = buffers.get(repository);
    if (!buffer?.tags.length) return chains.get(repository) ?? Promise.resolve();
    buffers.delete(repository);
    const chain = (chains.get(repository) ?? Promise.resolve()).then(async () => {
      await applyObservation(prisma, { environment, repository, tags: new Map(), coverage: "partial", deleted: buffer.tags }, { source: "retention", actor });
    });
    chains.set(repository, chain);
    return chain;
  };
  return {
    add(repository: string, tags: string[]) {
      if (!tags.length) return;
      const buffer = buffers.get(repository) ?? { tags: [], since: Date.now() };
      buffer.tags.push(...tags);
      buffers.set(repository, buffer);
      if (buffer.tags.length >= maxBatch || Date.now() - buffer.since >= everyMs) void write(repository).catch(() => undefined);
    },
    /** everything buffered for the repository is in the index once this resolves (errors surface here) */
    async flush(repository: string) {
      await write(repository);
      await chains.get(repository);
    },
  };
}

/** Outcomes saved so far, plus deletions whose audit rows exist but whose outcome was not saved (a crash in between). */
async function previousOutcomes(prisma: PrismaClient, planId: string, stored: Prisma.JsonValue | null): Promise<Outcomes> {
  const outcomes: Outcomes = new Map();
  for (const o of (Array.isArray(stored) ? stored : []) as unknown as RetentionItemOutcome[]) outcomes.set(o.index, o);
  const audited = await prisma.auditEvent.findMany({ where: { action: DELETE_AUDIT_ACTION, targetType: "retention-plan", targetId: planId, outcome: "success" }, select: { detail: true, at: true } });
  for (const row of audited) {
    const index = (row.detail as { index?: unknown } | null)?.index;
    if (typeof index === "number" && outcomes.get(index)?.status !== "deleted") outcomes.set(index, { index, status: "deleted", at: row.at.toISOString() });
  }
  return outcomes;
}

const serialize = (outcomes: Outcomes) => [...outcomes.values()].sort((a, b) => a.index - b.index) as unknown as Prisma.InputJsonValue;

/**
 * Saves outcomes while the run goes on, at most every `everyMs` (and no more often than once per
 * 10,000 outcomes a second): rewriting a 10,000-item JSON after every item would cost more than the
 * deletions. What a crash between two saves loses is recovered
 * from the audit rows (previousOutcomes).
 */
function outcomeSaver(prisma: PrismaClient, planId: string, runner: string, outcomes: Outcomes, everyMs: number) {
  let last = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const save = () => {
    last = Date.now();
    const snapshot = serialize(outcomes);
    pending = pending.then(() => prisma.retentionPlan.updateMany({ where: { id: planId, status: "executing", runner }, data: { outcomes: snapshot } })).catch((err: unknown) => console.error(`[retention] saving outcomes of plan ${planId} failed: ${(err as Error).message}`));
  };
  return {
    changed() {
      // a large plan's JSON is rewritten less often: at 10,000 outcomes about once a second
      if (Date.now() - last >= Math.max(everyMs, outcomes.size / 10)) save();
    },
    async flush() {
      save();
      await pending;
    },
  };
}
