import type { LifecycleReport } from "../capabilities";
import type { JsonApi } from "../transport/json-api";
import { listArtifacts } from "./artifacts";
import { harborTime, splitRepository } from "./names";
import { projectRetention, summarizeRules } from "./retention";

/** Per tag: pushed, last pulled, immutable (Harbor's rules), and the latest retention dry run's verdict. */
export async function harborTagLifecycle(api: JsonApi, repository: string): Promise<LifecycleReport> {
  const { project } = splitRepository(repository);
  const [artifacts, retention] = await Promise.all([listArtifacts(api, repository), projectRetention(api, project)]);
  const removals = new Map((retention?.latestDryRun?.decisions ?? []).filter((d) => d.repository === repository && d.action === "delete").map((d) => [`${d.digest} ${d.tag}`, d]));
  const by = retention?.latestDryRun ? `retention dry run ${retention.latestDryRun.startedAt?.slice(0, 10) ?? ""}`.trim() : "";
  const tags = artifacts.flatMap((a) =>
    (a.tags ?? []).map((t) => ({
      tag: t.name ?? "",
      ...(a.digest ? { digest: a.digest } : {}),
      ...(harborTime(t.push_time ?? a.push_time) ? { pushedAt: harborTime(t.push_time ?? a.push_time) } : {}),
      ...(harborTime(t.pull_time ?? a.pull_time) ? { lastPulledAt: harborTime(t.pull_time ?? a.pull_time) } : {}),
      immutable: t.immutable ?? false,
      ...(removals.has(`${a.digest} ${t.name}`) ? { wouldBeRemoved: { by, detail: "marked DEL by the project's retention policy" } } : {}),
    })),
  );
  return {
    tags,
    immutability: true,
    pullTimes: true,
    ...(retention
      ? {
          policy: {
            kind: "harbor-retention" as const,
            summary: summarizeRules(retention.policy),
            ...(retention.latestDryRun?.startedAt ? { evaluatedAt: retention.latestDryRun.startedAt } : {}),
            ...(retention.latestDryRun?.status ? { status: retention.latestDryRun.status } : { status: "no dry run yet" }),
          },
        }
      : {}),
  };
}
