import type { LifecycleReport } from "../capabilities";
import type { JsonApi } from "../transport/json-api";
import { listArtifacts } from "./artifacts";
import { harborTime } from "./names";
import { DRY_RUN_LOG_EXPIRED, repositoryRetention, summarizeRules, type RetentionView } from "./retention";

function policyOf(view: RetentionView): LifecycleReport["policy"] | undefined {
  if (view.kind === "none") return undefined;
  if (view.kind === "not_permitted") return { kind: "harbor-retention", summary: "unknown", status: view.reason };
  const dry = view.latestDryRun;
  return {
    kind: "harbor-retention",
    summary: summarizeRules(view.policy),
    ...(dry?.startedAt ? { evaluatedAt: dry.startedAt } : {}),
    status: dry?.logExpired ? DRY_RUN_LOG_EXPIRED : (dry?.status ?? "no dry run yet"),
  };
}

/** Per tag: pushed, last pulled, immutable (Harbor's rules), and the latest retention dry run's verdict. */
export async function harborTagLifecycle(api: JsonApi, repository: string): Promise<LifecycleReport> {
  const [artifacts, retention] = await Promise.all([listArtifacts(api, repository), repositoryRetention(api, repository)]);
  const dry = retention.kind === "found" ? retention.latestDryRun : undefined;
  // retention deletes artifacts: every tag of a DEL artifact goes with it
  const removed = new Set((dry?.decisions ?? []).filter((d) => d.action === "delete").map((d) => d.digest));
  const by = dry ? `retention dry run ${dry.startedAt?.slice(0, 10) ?? ""}`.trim() : "";
  const tags = artifacts.flatMap((a) =>
    (a.tags ?? []).map((t) => ({
      tag: t.name ?? "",
      ...(a.digest ? { digest: a.digest } : {}),
      ...(harborTime(t.push_time ?? a.push_time) ? { pushedAt: harborTime(t.push_time ?? a.push_time) } : {}),
      ...(harborTime(t.pull_time ?? a.pull_time) ? { lastPulledAt: harborTime(t.pull_time ?? a.pull_time) } : {}),
      immutable: t.immutable ?? false,
      ...(a.digest && removed.has(a.digest) ? { wouldBeRemoved: { by, detail: "marked DEL by the project's retention policy" } } : {}),
    })),
  );
  const policy = policyOf(retention);
  return { tags, immutability: true, pullTimes: true, ...(policy ? { policy } : {}) };
}
