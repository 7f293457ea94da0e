/**
 * Retention planning (issue 14): a pure function from index rows to a plan. No I/O, no registry
 * client, no delete call: the dry run cannot delete because this code cannot reach anything that
 * does (plan-imports.test.ts checks the imports of every plan*.ts file).
 *
 * Semantics, per repository of the environment (names relative to its namespace):
 * - A rule covers the repositories its glob matches (`*` matches any characters, `/` included).
 * - Within a rule, tags matching `keepTags` and the newest `keepLast` tags by push time are kept.
 *   Every other tag the rule covers is a candidate, narrowed by `deleteOlderThanDays` (pushed at
 *   least that long ago) and `unlessPulledWithinDays` (not pulled that recently) when given. A rule
 *   with no tag selector at all (only `untaggedOlderThanDays`) is about untagged manifests only.
 * - Across rules, keeping wins: a tag any covering rule keeps is kept; otherwise the first rule that
 *   selects it is named.
 * - Untagged manifests untagged for `untaggedOlderThanDays` are deleted by digest.
 * - A manifest is deleted only when all its tags in the repository are planned (deletesManifest).
 * - Referrer tags (cosign's `sha256-<hex>.sig/.att/.sbom`, the referrers fallback tag) are not
 *   counted by rules: signatures and attestations follow their subject, going when it goes.
 * Protections always win and name themselves: held in a protected environment, an open or recent
 * promotion, pinned by an admin, an immutable tag; then, until nothing changes, a child of a kept
 * index, a signature/attestation of a kept image, the subject of a kept signature.
 * A policy that would empty a repository needs allowEmpty, else the whole plan is refused.
 */
import type { RetentionPolicy, RetentionRule } from "@/lib/config/retention";
import { UserFacingError } from "@/lib/errors";
import { relativeName } from "@/lib/inventory/namespace";
import { plural } from "@/lib/plural";
import type { PlanReclaim, RetentionPlanItem, RetentionProtectedItem } from "./types";

const DAY_MS = 86_400_000;
const REFERRER_TAG = /^(sha256|sha512)-([0-9a-f]{64,128})(?:\.(sig|att|sbom))?$/;

export interface PlanTag {
  repository: string;
  tag: string;
  digest: string;
  /** when the tag was first seen pointing at this digest: its push time as far as the index knows */
  pushedAt: Date;
  /** last pull as the registry reports it; null: never pulled; undefined: the index does not know */
  pulledAt?: Date | null;
}

export interface PlanUntagged {
  repository: string;
  digest: string;
  /** when the last tag left it */
  untaggedSince: Date;
}

export interface PlanManifest {
  size: number;
  /** manifests of an index's platforms */
  children: readonly string[];
  /** the manifest a signature / attestation / SBOM refers to */
  subject: string | null;
}

export interface PlanPromotion {
  number: number;
  digest: string;
  /** still in progress (requested, approved, scheduled, copying) */
  open: boolean;
  finishedAt: Date | null;
  targetEnv: string;
}

export interface PlanInput {
  environment: string;
  namespace: string;
  policy: RetentionPolicy;
  now: Date;
  tags: readonly PlanTag[];
  untagged: readonly PlanUntagged[];
  manifests: ReadonlyMap<string, PlanManifest>;
  /** referrers the index recorded per repository (beside a manifest's own subject field) */
  referrers: readonly { repository: string; subject: string; referrer: string }[];
  /** digest → the protected environments (other than this one) that hold it */
  heldInProtected: ReadonlyMap<string, readonly string[]>;
  promotions: readonly PlanPromotion[];
  /** the environment refuses to re-point tags (gates.immutableTags): its tags are never deleted */
  immutableTags: boolean;
  /** the registry reports pulls: an unknown pull time then protects rather than guesses; else the rule cannot apply */
  pullsReported: boolean;
}

export interface ComputedPlan {
  items: RetentionPlanItem[];
  protected: RetentionProtectedItem[];
  /** the deleted manifests' sizes, each manifest once (see reclaimedBytes): layers they share counted for each */
  bytes: number;
  /** shared layers counted once (reclaim.ts, added by reclaim-load.ts withReclaim: it needs the index's blob lists) */
  reclaim?: PlanReclaim;
}

/** The policy would empty repositories without allowEmpty: nothing is planned, and the caller is told why. */
export class RetentionRefusedError extends UserFacingError {
  constructor(readonly problems: string[]) {
    super(`retention plan refused: ${problems.join("; ")}`, "conflict");
    this.name = "RetentionRefusedError";
  }
}

export function ruleLabel(rule: RetentionRule, index: number): string {
  return `rules[${index}] (${rule.repositories})`;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/** Appended to the rule of a tag planned on a registry with no pull times: the plan says the rule could not narrow it. */
export const PULLS_NOT_REPORTED = " (unlessPulledWithinDays not applied: the registry reports no pulls)";

/** Why a candidate's pull time keeps it (or null), under a rule's unlessPulledWithinDays. */
function pullProtection(t: PlanTag, days: number, input: PlanInput): string | null {
  if (t.pulledAt) {
    const ago = Math.floor((input.now.getTime() - t.pulledAt.getTime()) / DAY_MS);
    if (ago >= days) return null;
    return `pulled ${ago <= 0 ? "less than a day" : plural(ago, "day")} ago (within ${plural(days, "day")})`;
  }
  if (t.pulledAt === undefined && input.pullsReported) return `last pull unknown to the index (the rule keeps tags pulled within ${plural(days, "day")})`;
  return null;
}

const selectsTags = (r: RetentionRule) => r.keepTags !== undefined || r.keepLast !== undefined || r.deleteOlderThanDays !== undefined;

/** Where a candidate stands: planned by a rule, or saved by a protection. */
interface Candidate {
  /** repository + digest, computed once: every map below is keyed by it */
  k: string;
  repository: string;
  tag: string | null;
  digest: string;
  rule: string;
  protection?: string;
}

const key = (repository: string, digest: string) => `${repository}\u0000${digest}`;
const candidate = (repository: string, tag: string | null, digest: string, rule: string): Candidate => ({ k: key(repository, digest), repository, tag, digest, rule });

export function computePlan(input: PlanInput): ComputedPlan {
  const { policy, now } = input;
  const rules = policy.rules.map((rule, index) => ({ rule, label: ruleLabel(rule, index), match: globToRegExp(rule.repositories), keep: rule.keepTags !== undefined ? new RegExp(rule.keepTags) : null }));

  const byRepo = new Map<string, PlanTag[]>();
  for (const t of input.tags) {
    const list = byRepo.get(t.repository);
    if (list) list.push(t);
    else byRepo.set(t.repository, [t]);
  }
  const untaggedByRepo = new Map<string, PlanUntagged[]>();
  for (const u of input.untagged) {
    const list = untaggedByRepo.get(u.repository);
    if (list) list.push(u);
    else untaggedByRepo.set(u.repository, [u]);
  }

  const candidates: Candidate[] = [];
  const refused: string[] = [];
  /** per repository: every digest it holds (tagged, untagged, referrer tags) */
  const held = new Map<string, Set<string>>();
  const hold = (repository: string, digest: string) => {
    const s = held.get(repository);
    if (s) s.add(digest);
    else held.set(repository, new Set([digest]));
  };
  /** referrer tags by repository: they follow their subject, below */
  const referrerTags: { repository: string; tag: string; digest: string; subject: string }[] = [];

  for (const repository of new Set([...byRepo.keys(), ...untaggedByRepo.keys()])) {
    const relative = relativeName(repository, input.namespace);
    const all = byRepo.get(repository) ?? [];
    for (const t of all) hold(repository, t.digest);
    for (const u of untaggedByRepo.get(repository) ?? []) hold(repository, u.digest);
    if (relative === null) continue;
    const covering = rules.filter((r) => r.match.test(relative));
    if (!covering.length) continue;

    const tags: PlanTag[] = [];
    for (const t of all) {
      const ref = REFERRER_TAG.exec(t.tag);
      if (ref) referrerTags.push({ repository, tag: t.tag, digest: t.digest, subject: `${ref[1]}:${ref[2]}` });
      else tags.push(t);
    }
    // newest first; equal push times in tag order, so keepLast is deterministic
    tags.sort((a, b) => b.pushedAt.getTime() - a.pushedAt.getTime() || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));

    const kept = new Set<string>();
    const selectedBy = new Map<string, { label: string; allowEmpty: boolean }>();
    for (const { rule, label, keep } of covering) {
      if (!selectsTags(rule)) continue;
      tags.forEach((t, position) => {
        if ((keep && keep.test(t.tag)) || (rule.keepLast !== undefined && position < rule.keepLast)) {
          kept.add(t.tag);
          return;
        }
        if (rule.deleteOlderThanDays !== undefined && now.getTime() - t.pushedAt.getTime() < rule.deleteOlderThanDays * DAY_MS) return;
        if (!selectedBy.has(t.tag)) selectedBy.set(t.tag, { label, allowEmpty: rule.allowEmpty === true });
      });
    }
    const planned = tags.filter((t) => selectedBy.has(t.tag) && !kept.has(t.tag));
    if (tags.length > 0 && planned.length === tags.length && !policy.allowEmpty && !planned.every((t) => selectedBy.get(t.tag)!.allowEmpty)) {
      const labels = [...new Set(planned.map((t) => selectedBy.get(t.tag)!.label))].join(", ");
      refused.push(`${labels} would delete every tag of ${repository} (${tags.length} tag${tags.length === 1 ? "" : "s"}); add allowEmpty: true to the rule (or to retention) if the repository may be emptied`);
      continue;
    }
    for (const t of planned) {
      const rule = covering.find((r) => r.label === selectedBy.get(t.tag)!.label)!.rule;
      const c = candidate(repository, t.tag, t.digest, selectedBy.get(t.tag)!.label);
      if (rule.unlessPulledWithinDays !== undefined) {
        const kept = pullProtection(t, rule.unlessPulledWithinDays, input);
        if (kept) c.protection = kept;
        else if (t.pulledAt === undefined) c.rule += PULLS_NOT_REPORTED;
      }
      candidates.push(c);
    }

    const untaggedRule = covering.find((r) => r.rule.untaggedOlderThanDays !== undefined);
    if (untaggedRule) {
      for (const u of untaggedByRepo.get(repository) ?? []) {
        if (now.getTime() - u.untaggedSince.getTime() >= untaggedRule.rule.untaggedOlderThanDays! * DAY_MS) candidates.push(candidate(repository, null, u.digest, untaggedRule.label));
      }
    }
  }
  if (refused.length) throw new RetentionRefusedError(refused);

  for (const r of referrerTags) hold(r.repository, r.digest);
  const tagCount = new Map<string, number>();
  for (const t of input.tags) {
    const k = key(t.repository, t.digest);
    tagCount.set(k, (tagCount.get(k) ?? 0) + 1);
  }
  const direct = directProtections(input);
  direct(candidates, 0);
  resolveDependencies(input, candidates, referrerTags, held, tagCount, direct);
  return assemble(input, candidates, tagCount);
}

/**
 * The protections that need nothing but the candidate, prepared once (promotions by digest, pins by
 * repository). The returned function protects candidates[from..]; wholeDigest protections save every
 * tag of the digest, a pinned tag or an immutable tag only itself.
 */
function directProtections(input: PlanInput): (candidates: Candidate[], from: number) => void {
  const horizon = input.now.getTime() - input.policy.recentPromotionDays * DAY_MS;
  const promotionReason = new Map<string, string>();
  // open promotions first: an open one is named even when the digest was also promoted recently
  for (const p of [...input.promotions].sort((a, b) => Number(b.open) - Number(a.open))) {
    if (promotionReason.has(p.digest)) continue;
    if (p.open) promotionReason.set(p.digest, `open promotion #${p.number} (to ${p.targetEnv})`);
    else if (p.finishedAt && p.finishedAt.getTime() >= horizon) promotionReason.set(p.digest, `promoted recently: #${p.number} to ${p.targetEnv} on ${p.finishedAt.toISOString().slice(0, 10)} (within ${input.policy.recentPromotionDays} days)`);
  }
  const pins = input.policy.pinned;
  const pinFor = (c: Candidate) => {
    if (!pins.length) return undefined;
    const relative = relativeName(c.repository, input.namespace);
    return pins.find((p) => p.repository === relative && ((p.tag !== undefined && p.tag === c.tag) || (p.digest !== undefined && p.digest === c.digest)));
  };
  const protection = (c: Candidate): { reason: string; wholeDigest: boolean } | undefined => {
    const envs = input.heldInProtected.get(c.digest);
    if (envs?.length) return { reason: `running in ${envs.join(", ")}`, wholeDigest: true };
    const promotion = promotionReason.get(c.digest);
    if (promotion) return { reason: promotion, wholeDigest: true };
    const pin = pinFor(c);
    if (pin) return { reason: `pinned by admin${pin.reason ? `: ${pin.reason}` : ""}`, wholeDigest: pin.digest !== undefined };
    if (input.immutableTags && c.tag !== null) return { reason: "immutable tag (the environment's gates.immutableTags)", wholeDigest: false };
    return undefined;
  };
  return (candidates, from) => {
    const wholeDigest = new Map<string, string>();
    for (let i = from; i < candidates.length; i++) {
      const c = candidates[i]!;
      if (c.protection) continue;
      const p = protection(c);
      if (!p) continue;
      c.protection = p.reason;
      if (p.wholeDigest) wholeDigest.set(c.k, p.reason);
    }
    if (wholeDigest.size) for (const c of candidates) if (!c.protection && wholeDigest.has(c.k)) c.protection = wholeDigest.get(c.k);
  };
}

/**
 * Which manifests go: a digest every tag of which is planned and unprotected (or an untagged one).
 * Then, until nothing changes: children of kept indexes, referrers of kept images, subjects of kept
 * referrers are saved; referrers of deleted images are added to the plan.
 */
function resolveDependencies(
  input: PlanInput,
  candidates: Candidate[],
  referrerTags: readonly { repository: string; tag: string; digest: string; subject: string }[],
  held: Map<string, Set<string>>,
  tagCount: ReadonlyMap<string, number>,
  direct: (candidates: Candidate[], from: number) => void,
): void {
  const subjectsOf = new Map<string, Set<string>>();
  const addSubject = (repository: string, referrer: string, subject: string) => {
    const k = key(repository, referrer);
    const s = subjectsOf.get(k);
    if (s) s.add(subject);
    else subjectsOf.set(k, new Set([subject]));
  };
  for (const r of input.referrers) addSubject(r.repository, r.referrer, r.subject);
  for (const r of referrerTags) addSubject(r.repository, r.digest, r.subject);
  for (const [repository, digests] of held) {
    for (const d of digests) {
      const subject = input.manifests.get(d)?.subject;
      if (subject) addSubject(repository, d, subject);
    }
  }
  const referrersOf = new Map<string, string[]>();
  for (const [k, subjects] of subjectsOf) {
    const [repository, referrer] = k.split("\u0000") as [string, string];
    for (const s of subjects) {
      const list = referrersOf.get(key(repository, s));
      if (list) list.push(referrer);
      else referrersOf.set(key(repository, s), [referrer]);
    }
  }
  const referrerTagsOf = new Map<string, { tag: string; digest: string }[]>();
  for (const r of referrerTags) {
    const list = referrerTagsOf.get(key(r.repository, r.digest));
    if (list) list.push(r);
    else referrerTagsOf.set(key(r.repository, r.digest), [r]);
  }

  const parentsOf = new Map<string, string[]>();
  for (const [repository, digests] of held) {
    for (const d of digests) {
      for (const child of input.manifests.get(d)?.children ?? []) {
        const list = parentsOf.get(key(repository, child));
        if (list) list.push(d);
        else parentsOf.set(key(repository, child), [d]);
      }
    }
  }

  const ruleOf = new Map<string, string>();
  for (;;) {
    // the manifests this plan would delete now
    const plannedTags = new Map<string, number>();
    const untaggedPlanned = new Set<string>();
    for (const c of candidates) {
      if (c.protection) continue;
      if (c.tag === null) untaggedPlanned.add(c.k);
      else plannedTags.set(c.k, (plannedTags.get(c.k) ?? 0) + 1);
      if (!ruleOf.has(c.k)) ruleOf.set(c.k, c.rule);
    }
    const deleted = new Set<string>(untaggedPlanned);
    for (const [k, n] of plannedTags) if (n === (tagCount.get(k) ?? 0)) deleted.add(k);
    const isKept = (repository: string, digest: string) => held.get(repository)?.has(digest) === true && !deleted.has(key(repository, digest));
    const saved = new Set<string>();
    for (const c of candidates) if (c.protection) saved.add(c.k);
    const referrerTagCount = (k: string) => referrerTagsOf.get(k)?.length ?? 0;
    // a referrer kept for its own sake (a protection, or a tag by name the rules keep), not one that
    // merely has not been planned yet because it follows its subject
    const keptForItself = (repository: string, r: string) => {
      const k = key(repository, r);
      return isKept(repository, r) && (saved.has(k) || (tagCount.get(k) ?? 0) > referrerTagCount(k));
    };

    let changed = false;
    const protect = (c: Candidate, reason: string) => {
      c.protection = reason;
      changed = true;
    };
    const dependencies = parentsOf.size > 0 || subjectsOf.size > 0;
    for (const c of dependencies ? candidates : []) {
      if (c.protection || !deleted.has(c.k)) continue;
      const keptParent = (parentsOf.get(c.k) ?? []).find((d) => isKept(c.repository, d));
      if (keptParent) {
        protect(c, `child of kept index ${keptParent}`);
        continue;
      }
      const keptSubject = [...(subjectsOf.get(c.k) ?? [])].find((s) => !deleted.has(key(c.repository, s)));
      if (keptSubject) {
        protect(c, `signature/attestation of kept image ${keptSubject}`);
        continue;
      }
      const keptReferrer = (referrersOf.get(c.k) ?? []).find((r) => keptForItself(c.repository, r));
      if (keptReferrer) protect(c, `subject of kept signature/attestation ${keptReferrer}`);
    }
    if (changed) continue;

    // referrers of deleted images follow them: their tags (or, untagged, their digests) are planned
    if (referrersOf.size === 0) break;
    const already = new Set(candidates.map((x) => x.k));
    const before = candidates.length;
    for (const k of deleted) {
      const [repository, digest] = k.split("\u0000") as [string, string];
      for (const r of referrersOf.get(k) ?? []) {
        const rk = key(repository, r);
        if (deleted.has(rk) || already.has(rk)) continue;
        const rule = `${ruleOf.get(k)} (referrer of ${digest})`;
        const tagsOfReferrer = referrerTagsOf.get(rk) ?? [];
        const otherTags = (tagCount.get(rk) ?? 0) - tagsOfReferrer.length;
        if (otherTags > 0) continue; // tagged by name too: the rules decide about it
        if (tagsOfReferrer.length) for (const t of tagsOfReferrer) candidates.push(candidate(repository, t.tag, r, rule));
        else candidates.push(candidate(repository, null, r, rule));
        already.add(rk);
        changed = true;
      }
    }
    if (!changed) break;
    direct(candidates, before);
  }
}

function assemble(input: PlanInput, candidates: readonly Candidate[], tagCount: ReadonlyMap<string, number>): ComputedPlan {
  const planned = new Map<string, number>();
  for (const c of candidates) if (!c.protection && c.tag !== null) planned.set(c.k, (planned.get(c.k) ?? 0) + 1);

  const items: RetentionPlanItem[] = [];
  const saved: RetentionProtectedItem[] = [];
  for (const c of candidates) {
    if (c.protection) {
      saved.push({ repository: c.repository, tag: c.tag, digest: c.digest, reason: c.protection });
      continue;
    }
    const deletesManifest = c.tag === null || planned.get(c.k) === (tagCount.get(c.k) ?? 0);
    items.push({ repository: c.repository, tag: c.tag, digest: c.digest, rule: c.rule, bytes: deletesManifest ? (input.manifests.get(c.digest)?.size ?? 0) : 0, deletesManifest });
  }
  // code-unit order (not locale order): the same plan sorts the same everywhere, and fast
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const order = (a: { repository: string; tag: string | null; digest: string }, b: typeof a) => cmp(a.repository, b.repository) || cmp(a.tag ?? "\uffff", b.tag ?? "\uffff") || cmp(a.digest, b.digest);
  items.sort(order);
  saved.sort(order);
  return { items, protected: saved, bytes: reclaimedBytes(items, input.manifests) };
}

/**
 * The naive sum: each deleted manifest's size once however many tags or repositories name it, and an
 * index's platform manifests not again when they are deleted beside it. Layers two different
 * manifests share are counted for each, and a layer a kept manifest still uses is counted too:
 * reclaim.ts counts what is really freed, from the index's per-manifest blob lists.
 */
export function reclaimedBytes(items: readonly Pick<RetentionPlanItem, "digest" | "bytes" | "deletesManifest">[], manifests?: ReadonlyMap<string, Pick<PlanManifest, "children">>): number {
  const deleted = new Map<string, number>();
  for (const i of items) if (i.deletesManifest) deleted.set(i.digest, i.bytes);
  const insideDeletedIndex = new Set<string>();
  if (manifests) for (const d of deleted.keys()) for (const child of manifests.get(d)?.children ?? []) if (child !== d) insideDeletedIndex.add(child);
  let total = 0;
  for (const [d, bytes] of deleted) if (!insideDeletedIndex.has(d)) total += bytes;
  return total;
}
