import type { LifecycleReport } from "../capabilities";
import { allImages, describeRepository, lifecyclePolicy, lifecyclePreview, type EcrApi } from "./api";

interface PolicyRule {
  rulePriority?: number;
  description?: string;
  selection?: { tagStatus?: string; tagPrefixList?: string[]; tagPatternList?: string[]; countType?: string; countNumber?: number; countUnit?: string };
}

/** "1: keep 5 newest v* (imageCountMoreThan 5)" — a one-line reading of each rule of the policy JSON. */
export function describeLifecyclePolicy(text: string): { summary: string; rules: Map<number, string> } {
  const rules = new Map<number, string>();
  let parsed: { rules?: PolicyRule[] };
  try {
    parsed = JSON.parse(text) as { rules?: PolicyRule[] };
  } catch {
    return { summary: "unparseable lifecycle policy", rules };
  }
  for (const r of parsed.rules ?? []) {
    const s = r.selection ?? {};
    const tags = s.tagStatus === "tagged" ? `tags ${[...(s.tagPrefixList ?? []).map((p) => `${p}*`), ...(s.tagPatternList ?? [])].join(", ")}` : `${s.tagStatus ?? "any"} images`;
    const count = s.countType === "sinceImagePushed" ? `older than ${s.countNumber} ${s.countUnit ?? "days"}` : `beyond the newest ${s.countNumber}`;
    rules.set(r.rulePriority ?? 0, r.description ? `${r.description} (${tags}, ${count})` : `${tags}, ${count}`);
  }
  return { summary: [...rules.entries()].map(([p, d]) => `rule ${p}: ${d}`).join("; ") || "no rules", rules };
}

/** The same policy, whatever the whitespace (ECR hands back the text as it was put). */
function samePolicy(a: string, b: string): boolean {
  const canonical = (t: string) => {
    try {
      return JSON.stringify(JSON.parse(t));
    } catch {
      return t.trim();
    }
  };
  return canonical(a) === canonical(b);
}

/**
 * Per tag: pushed, last pulled, immutable (the repository's setting), and the lifecycle preview's verdict.
 * ECR keeps the last preview when the policy changes afterwards; its verdicts are then another policy's,
 * so they are not shown against this one.
 */
export async function ecrTagLifecycle(api: EcrApi, repository: string): Promise<LifecycleReport> {
  const [repo, images, policyText, preview] = await Promise.all([describeRepository(api, repository), allImages(api, repository), lifecyclePolicy(api, repository), lifecyclePreview(api, repository)]);
  const immutable = repo.imageTagMutability === "IMMUTABLE";
  const rules = policyText ? describeLifecyclePolicy(policyText) : undefined;
  const stale = !!(preview?.policyText && policyText && !samePolicy(preview.policyText, policyText));
  const expiring = new Map((stale ? [] : (preview?.results ?? [])).map((r) => [r.imageDigest ?? "", r]));
  const tags = images.flatMap((img) =>
    (img.imageTags ?? []).map((tag) => {
      const hit = expiring.get(img.imageDigest ?? "");
      const rule = hit?.appliedRulePriority;
      return {
        tag,
        ...(img.imageDigest ? { digest: img.imageDigest } : {}),
        ...(img.imagePushedAt ? { pushedAt: img.imagePushedAt.toISOString() } : {}),
        ...(img.lastRecordedPullTime ? { lastPulledAt: img.lastRecordedPullTime.toISOString() } : {}),
        immutable,
        ...(hit ? { wouldBeRemoved: { by: `lifecycle rule ${rule ?? "?"}`, ...(rule !== undefined && rules?.rules.get(rule) ? { detail: rules.rules.get(rule) } : {}) } } : {}),
      };
    }),
  );
  return {
    tags,
    immutability: true,
    pullTimes: true,
    ...(rules ? { policy: { kind: "ecr-lifecycle" as const, summary: rules.summary, status: !preview ? "no preview yet" : stale ? "preview is of an earlier policy: start a new preview" : `preview ${(preview.status ?? "unknown").toLowerCase().replace("_", " ")}` } } : {}),
  };
}
